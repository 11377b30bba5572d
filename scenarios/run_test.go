package scenarios

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/racetest/racetest/internal/demo"
	"github.com/racetest/racetest/runner"
)

// recorder is a target that answers every request with a JSON echo and
// remembers what it was sent.
type recorder struct {
	mu   sync.Mutex
	seen []string // "METHOD path header-X body"
}

func (rec *recorder) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	rec.mu.Lock()
	rec.seen = append(rec.seen, r.Method+" "+r.URL.Path+" "+r.Header.Get("X-Who")+" "+string(body))
	rec.mu.Unlock()
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(map[string]any{"path": r.URL.Path, "id": 42, "points": 7})
}

func (rec *recorder) count(prefix string) int {
	rec.mu.Lock()
	defer rec.mu.Unlock()
	n := 0
	for _, s := range rec.seen {
		if strings.HasPrefix(s, prefix) {
			n++
		}
	}
	return n
}

func mustParse(t *testing.T, src string) *Scenario {
	t.Helper()
	s, err := Parse("test.yaml", []byte(src))
	if err != nil {
		t.Fatalf("parse: %v", err)
	}
	return s
}

func TestRunPhasesAndCaptures(t *testing.T) {
	rec := &recorder{}
	srv := httptest.NewServer(rec)
	defer srv.Close()
	s := mustParse(t, `version: 1
vars: {who: "w-${WHO}", amount: 5}
setup:
  - name: login
    once: true
    request: {method: POST, url: /login}
    capture: {token: json.id}
  - request: {url: "/before/{{ round }}"}
    capture: {before: json.points}
    expect: [vars.before == 7]
race:
  rounds: 2
  mode: barrier
  requests:
    - count: 2
      url: "/a/{{ index }}"
      headers: {X-Who: "{{ vars.who }}"}
      json: {amount: "{{ vars.amount }}", token: "{{ vars.token }}"}
    - {count: 1, method: DELETE, url: /b}
  expect: [count(status == 200) == n]
after:
  - request: {url: /after}
    expect: [json.points == vars.before + 1]
teardown:
  - request: {method: POST, url: /cleanup}
`)
	env := map[string]string{"WHO": "qa"}
	res, err := s.Run(context.Background(), RunOptions{Target: srv.URL + "/api/", Getenv: func(k string) string { return env[k] }})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Rounds) != 2 || rec.count("POST /api/login") != 1 || rec.count("GET /api/before/") != 2 ||
		rec.count("POST /api/cleanup") != 1 || rec.count("GET /api/after") != 2 {
		t.Fatalf("rounds %d, requests %q", len(res.Rounds), rec.seen)
	}
	rd := res.Rounds[1]
	if rd.Number != 2 || rd.Vars["token"] != float64(42) || rd.Vars["before"] != float64(7) {
		t.Errorf("round 2 vars %v", rd.Vars)
	}
	want := []string{"POST /api/a/0", "POST /api/a/1", "DELETE /api/b"}
	for i, r := range rd.Requests {
		if got := r.Method + " " + strings.TrimPrefix(r.URL, srv.URL); got != want[i] {
			t.Errorf("request %d is %s, want %s", i, got, want[i])
		}
	}
	if b := string(rd.Requests[0].Body); b != `{"amount":5,"token":42}` || rd.Requests[0].Header.Get("X-Who") != "w-qa" {
		t.Errorf("request 0 body %s headers %v", b, rd.Requests[0].Header)
	}
	if !rd.Checks[0].Pass || len(rd.After) != 1 || rd.After[0].Checks[0].Pass || !rd.Failed() {
		t.Errorf("checks %+v after %+v", rd.Checks, rd.After)
	}
	if seen := rd.After[0].Checks[0].Seen; seen != "json.points = 7, vars.before + 1 = 8 (off by -1)" {
		t.Errorf("after seen %q", seen)
	}
}

// TestMixedRaceCatchesLostUpdate is the bank story: deposits and
// withdrawals in one burst, and a balance check after it.
func TestMixedRaceCatchesLostUpdate(t *testing.T) {
	srv := httptest.NewServer(demo.NewServer(demo.Config{Latency: 100 * time.Millisecond}).Handler())
	defer srv.Close()
	const src = `version: 1
setup:
  - request: {method: POST, url: /reset}
  - request: {url: /accounts/a}
    capture: {before: json.balance}
race:
  mode: barrier
  requests:
    - {count: 10, method: POST, url: /accounts/a/deposit/VARIANT, json: {amount: 100}}
    - {count: 5, method: POST, url: /accounts/a/withdraw/VARIANT, json: {amount: 50}}
after:
  - request: {url: /accounts/a}
    expect: [json.balance == vars.before + 10 * 100 - 5 * 50]
`
	for variant, fails := range map[string]bool{"naive": true, "atomic": false} {
		s := mustParse(t, strings.ReplaceAll(src, "VARIANT", variant))
		if s.Race.N != 15 {
			t.Fatalf("N = %d, want 15", s.Race.N)
		}
		res, err := s.Run(context.Background(), RunOptions{Target: srv.URL})
		if err != nil {
			t.Fatal(err)
		}
		c := res.Rounds[0].After[0].Checks[0]
		if c.Pass == fails {
			t.Errorf("%s: check %s pass=%v seen %q", variant, c.Check.Source, c.Pass, c.Seen)
		}
	}
}

func TestRunStepErrors(t *testing.T) {
	srv := httptest.NewServer(&recorder{})
	defer srv.Close()
	tests := []struct {
		name, setup string
		msg         string
	}{
		{"capture finds nothing", "  - name: who\n    request: {url: /me}\n    capture: {x: json.nope}\n",
			`round 1: setup step "who": capture x: json.nope found nothing in the response (status 200, body`},
		{"setup check fails", "  - request: {url: /me}\n    expect: [status == 201]\n",
			"round 1: setup[0] (GET /me): check failed: status == 201 (seen: status = 200, want == 201)"},
		{"request fails", "  - request: {url: \"http://127.0.0.1:1/x\"}\n",
			"round 1: setup[0] (GET http://127.0.0.1:1/x): GET http://127.0.0.1:1/x: dial tcp 127.0.0.1:1"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := mustParse(t, "version: 1\nsetup:\n"+tt.setup+"race:\n  n: 2\n  request: {url: /r}\n")
			res, err := s.Run(context.Background(), RunOptions{Target: srv.URL})
			var se *StepError
			if !errors.As(err, &se) || !strings.Contains(err.Error(), tt.msg) {
				t.Fatalf("got %v, want a StepError saying %q", err, tt.msg)
			}
			if len(res.Rounds) != 0 {
				t.Errorf("a round was reported: %+v", res.Rounds)
			}
		})
	}
}

func TestRunUnreachable(t *testing.T) {
	s := mustParse(t, "version: 1\nrace:\n  n: 2\n  mode: barrier\n  request: {url: /r}\n")
	_, err := s.Run(context.Background(), RunOptions{Target: "http://127.0.0.1:1"})
	if !errors.Is(err, ErrUnreachable) {
		t.Fatalf("got %v, want ErrUnreachable", err)
	}
}

func TestStartChecks(t *testing.T) {
	s := mustParse(t, "version: 1\nvars: {a: 1}\nrace:\n  request: {url: /r, headers: {A: \"${TOKEN}\"}}\n")
	tests := []struct {
		o   RunOptions
		msg string
	}{
		{RunOptions{}, "no target for the relative URLs"},
		{RunOptions{Target: "http://h"}, "${TOKEN}: environment variable TOKEN is not set"},
		{RunOptions{Target: "http://h", Vars: map[string]any{"b": 1}, Getenv: func(string) string { return "x" }}, `the scenario has no var "b"`},
		{RunOptions{Target: "http://h", Vars: map[string]any{"a": 2}, Getenv: func(string) string { return "x" }}, ""},
	}
	for _, tt := range tests {
		_, err := s.Start(tt.o)
		var le *LoadError
		if tt.msg == "" && err != nil || tt.msg != "" && (!errors.As(err, &le) || !strings.Contains(err.Error(), tt.msg)) {
			t.Errorf("Start(%+v) = %v, want %q", tt.o, err, tt.msg)
		}
	}
	if got := s.EnvNames(); len(got) != 1 || got[0] != "TOKEN" {
		t.Errorf("EnvNames() = %v", got)
	}
}

func TestRunModeOverride(t *testing.T) {
	srv := httptest.NewServer(&recorder{})
	defer srv.Close()
	s := mustParse(t, "version: 1\nrace:\n  n: 3\n  rounds: 4\n  mode: single-packet\n  request: {url: /r}\n")
	res, err := s.Run(context.Background(), RunOptions{Target: srv.URL, Sync: runner.Sync{Mode: runner.ModeBarrier}, Rounds: 1})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Rounds) != 1 || res.Rounds[0].Burst.Mode != runner.ModeBarrier {
		t.Errorf("rounds %d mode %s", len(res.Rounds), res.Rounds[0].Burst.Mode)
	}
}
