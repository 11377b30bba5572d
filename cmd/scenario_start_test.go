package cmd

import (
	"context"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/racetest/racetest/scenarios"
)

// racetest run checks every scenario before it runs the first, and runs
// each from what its check worked out instead of checking it again: the
// environment a file reads is read in one pass (as one Start reads it),
// and what reaches the server is what was checked.
func TestRunChecksEachScenarioOnce(t *testing.T) {
	var (
		mu   sync.Mutex
		seen = map[string]int{}
	)
	srv := httptest.NewServer(http.HandlerFunc(func(_ http.ResponseWriter, r *http.Request) {
		mu.Lock()
		defer mu.Unlock()
		seen[r.Header.Get("Authorization")]++
	}))
	t.Cleanup(srv.Close)
	dir := t.TempDir()
	var files []string
	for _, name := range []string{"a.yaml", "b.yaml"} {
		f := filepath.Join(dir, name)
		yaml := "version: 1\nsetup:\n  - request: {url: /reset, headers: {Authorization: \"Bearer ${TOKEN}\"}}\nrace:\n  n: 3\n  request: {url: /x, headers: {Authorization: \"Bearer ${TOKEN}\"}}\n  expect: [count(status == 200) == 3]\n"
		if err := os.WriteFile(f, []byte(yaml), 0o600); err != nil {
			t.Fatal(err)
		}
		files = append(files, f)
	}
	counting := func(n *atomic.Int64) func(string) string {
		return func(k string) string {
			if k != "TOKEN" {
				return ""
			}
			n.Add(1)
			return "t0k"
		}
	}

	// What one check reads: the baseline, whatever the checks need.
	var once atomic.Int64
	s, err := scenarios.Load(context.Background(), files[0])
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.Start(scenarios.RunOptions{Target: srv.URL, Getenv: counting(&once)}); err != nil {
		t.Fatal(err)
	}

	var reads atomic.Int64
	app, out, errb := testApp("")
	app.Getenv = counting(&reads)
	o := &RunOptions{App: app, Files: files, Target: srv.URL, OutputOptions: OutputOptions{Output: "text", Color: "auto"}}
	if err := runFiles(context.Background(), o); err != nil {
		t.Fatalf("exit %d (%v)\n%s%s", exitCode(err), err, out, errb)
	}
	if once.Load() == 0 || reads.Load() != 2*once.Load() {
		t.Errorf("two scenarios read TOKEN %d times; one check reads it %d times: want each scenario checked once", reads.Load(), once.Load())
	}
	mu.Lock()
	defer mu.Unlock()
	if len(seen) != 1 || seen["Bearer t0k"] != 8 {
		t.Errorf("server saw %v, want 8 requests (2 x setup + 3) with the checked token", seen)
	}
}

// racetest run --http2 checks the target the scenario goes to: refused
// for http:// (input_errors.txtar), and run over TLS as asked for an
// https:// one, where the burst speaks HTTP/2.
func TestRunHTTP2OverTLS(t *testing.T) {
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(http.ResponseWriter, *http.Request) {}))
	srv.EnableHTTP2 = true
	srv.StartTLS()
	t.Cleanup(srv.Close)
	f := filepath.Join(t.TempDir(), "h.yaml")
	yaml := "version: 1\nrace:\n  n: 3\n  request: {url: /x}\n  expect: [count(status == 200) == 3]\n"
	if err := os.WriteFile(f, []byte(yaml), 0o600); err != nil {
		t.Fatal(err)
	}
	code, out, errb := run(t, t.Context(), "run", "--http2", "-k", "--target", srv.URL, f)
	if code != int(ExitOK) || !strings.Contains(out, "mode single-packet") {
		t.Errorf("exit %d, want 0 and single-packet:\n%s%s", code, out, errb)
	}
}
