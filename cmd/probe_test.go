package cmd

import (
	"context"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/racetest/racetest/runner"
)

// TestProbeFlags is the parsing layer: the flags reach ProbeOptions, and
// config turns them into the probe's Config with paths on the target,
// POST for a bare --reset, and the burst's headers on the state reads.
func TestProbeFlags(t *testing.T) {
	app, _, _ := testApp("")
	var got *ProbeOptions
	cmd := newCmdProbe(app, func(_ context.Context, o *ProbeOptions) error { got = o; return nil })
	cmd.SetArgs([]string{"-n", "7", "--rounds", "4", "--until-found", "-X", "post", "-H", "Authorization: Bearer u1",
		"--json", `{"a":1}`, "--reset", "/reset", "--reset", "put http://127.0.0.1:9/seed", "--after", "/accounts/a",
		"--emit", "x.yaml", "-o", "json", "http://127.0.0.1:9/pay"})
	if err := cmd.Execute(); err != nil {
		t.Fatal(err)
	}
	cfg, err := got.config(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if cfg.N != 7 || cfg.Rounds != 4 || !cfg.Stop.UntilFound || cfg.Request.Method != "POST" || string(cfg.Request.Body) != `{"a":1}` ||
		cfg.Request.Header.Get("Content-Type") != "application/json" || got.Emit != "x.yaml" || got.Output != "json" {
		t.Fatalf("config %+v from options %+v", cfg, got)
	}
	var resets []string
	for _, r := range cfg.Reset {
		resets = append(resets, r.Method+" "+r.URL)
	}
	if want := []string{"POST http://127.0.0.1:9/reset", "PUT http://127.0.0.1:9/seed"}; !slices.Equal(resets, want) {
		t.Errorf("resets %v, want %v", resets, want)
	}
	a := cfg.After[0]
	if a.Method != http.MethodGet || a.URL != "http://127.0.0.1:9/accounts/a" || a.Header.Get("Authorization") != "Bearer u1" || a.Header.Get("Content-Type") != "" {
		t.Errorf("after %+v: want a GET on the target with the burst's headers but not its body's", a)
	}
}

// TestProbeExitCodes is the behaviour layer against the demo target:
// 1 for the naive mission, 0 for the locked one, 4 without a reset, 3
// when the target is not there.
func TestProbeExitCodes(t *testing.T) {
	base := demoTarget(t)
	probeArgs := func(variant string, extra ...string) []string {
		args := []string{"probe", "-n", "3", "--rounds", "1", "-X", "POST", "-H", "Authorization: Bearer u9",
			"--json", `{"type":"investment_complete"}`}
		return append(append(args, extra...), base+"/missions/"+variant+"/complete")
	}
	tests := []struct {
		name string
		args []string
		want int
	}{
		{"naive", probeArgs("naive", "--reset", "/reset"), 1},
		{"locked", probeArgs("locked", "--reset", "/reset"), 0},
		{"no reset", probeArgs("naive"), 4},
		{"unreachable", []string{"probe", "-n", "2", "--reset", "/reset", "http://" + closedAddr(t) + "/x"}, 3},
	}
	for _, tt := range tests {
		code, out, errs := run(t, context.Background(), tt.args...)
		if code != tt.want {
			t.Errorf("%s: exit %d, want %d\nstdout:\n%s\nstderr:\n%s", tt.name, code, tt.want, out, errs)
		}
	}
}

// TestProbeScenarioFlags is the parsing layer of a scenario file: the
// file is loaded, --target and --var reach the Config, and the request
// flags are not taken.
func TestProbeScenarioFlags(t *testing.T) {
	file := filepath.Join(t.TempDir(), "mission.yaml")
	yaml := "version: 1\nvars: {user: u1}\nrace:\n  n: 6\n  mode: barrier\n  request: {method: POST, url: /pay, headers: {Authorization: \"Bearer {{ vars.user }}\"}}\n"
	if err := os.WriteFile(file, []byte(yaml), 0o644); err != nil {
		t.Fatal(err)
	}
	app, _, _ := testApp("")
	var got *ProbeOptions
	cmd := newCmdProbe(app, func(_ context.Context, o *ProbeOptions) error { got = o; return nil })
	cmd.SetArgs([]string{"--target", "http://127.0.0.1:9", "--var", "user=u2", "--rounds", "4", file})
	if err := cmd.Execute(); err != nil {
		t.Fatal(err)
	}
	cfg, err := got.config(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Scenario == nil || cfg.Scenario.Race.N != 6 || cfg.Target != "http://127.0.0.1:9" || cfg.Vars["user"] != "u2" || cfg.Rounds != 4 {
		t.Fatalf("config %+v: want the file's scenario with --target, --var and --rounds", cfg)
	}
	// The file's race.mode holds: no flag overrides it.
	if cfg.Sync.Mode != "" || cfg.Sync.Hold != "" || cfg.Client.Timeout != 0 {
		t.Errorf("sync %+v, timeout %v: want the file's settings, not fire's defaults", cfg.Sync, cfg.Client.Timeout)
	}
}

// A certificate probe does not trust is said to be one, with what to do,
// as fire and run say it, not taken for a target that is down.
func TestProbeUntrustedCertificateHint(t *testing.T) {
	srv := httptest.NewTLSServer(http.HandlerFunc(func(http.ResponseWriter, *http.Request) {}))
	t.Cleanup(srv.Close)
	code, _, stderr := runApp(t, false, false, nil, "probe", "-n", "2", "--rounds", "1", srv.URL)
	if code != int(ExitRuntime) || !strings.Contains(stderr, tlsHint) || strings.Contains(stderr, "is the target running") {
		t.Errorf("exit %d, stderr %q: want %d and the TLS hint", code, stderr, ExitRuntime)
	}
}

// When no parallel round was complete, probe says so as racetest run
// does: the rounds cut short and a line per cause with what to do.
func TestProbeIncompleteMessage(t *testing.T) {
	const n = 2
	var served atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		// The two sequential phases are answered; every burst request
		// has its connection closed.
		if r.URL.Path == "/reset" || served.Add(1) <= 2*n {
			return
		}
		if c, _, err := w.(http.Hijacker).Hijack(); err == nil {
			_ = c.Close()
		}
	}))
	t.Cleanup(srv.Close)
	code, _, stderr := runApp(t, false, false, nil, "probe", "-n", "2", "--rounds", "2", "--reset", "/reset", srv.URL+"/x")
	want := "inconclusive: no round was complete (2 cut short)"
	if code != int(ExitInconclusive) || !strings.Contains(stderr, want) || !strings.Contains(stderr, causeHint(runner.CauseReset)) {
		t.Errorf("exit %d, stderr %q: want %d, %q and the reset hint", code, stderr, ExitInconclusive, want)
	}
}
