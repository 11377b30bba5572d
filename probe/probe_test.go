package probe

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/racetest/racetest/internal/demo"
	"github.com/racetest/racetest/runner"
)

// demoCase is one endpoint of the demo target and what probe must say.
type demoCase struct {
	name, method, path, body string
	after                    []string
	race                     bool
}

func demoCases() []demoCase {
	mission := `{"type":"investment_complete"}`
	return []demoCase{
		{"mission naive", "POST", "/missions/naive/complete", mission, nil, true},
		{"mission locked", "POST", "/missions/locked/complete", mission, nil, false},
		{"mission unique", "POST", "/missions/unique/complete", mission, nil, false},
		{"mission setadd", "POST", "/missions/setadd/complete", mission, nil, false},
		{"mission trylock", "POST", "/missions/trylock/complete", mission, nil, false},
		{"deposit naive", "POST", "/accounts/a/deposit/naive", `{"amount":100}`, []string{"/accounts/a"}, true},
		{"deposit atomic", "POST", "/accounts/a/deposit/atomic", `{"amount":100}`, []string{"/accounts/a"}, false},
		{"withdraw naive", "POST", "/accounts/a/withdraw/naive", `{"amount":300}`, []string{"/accounts/a"}, true},
		{"withdraw atomic", "POST", "/accounts/a/withdraw/atomic", `{"amount":300}`, []string{"/accounts/a"}, false},
		{"buy naive", "POST", "/products/1/buy/naive", "", []string{"/products/1"}, true},
		{"buy atomic", "POST", "/products/1/buy/atomic", "", []string{"/products/1"}, false},
		{"update naive", "PATCH", "/products/1/naive", `{"name":"gadget"}`, nil, true},
		{"update trylock", "PATCH", "/products/1/trylock", `{"name":"gadget"}`, nil, false},
	}
}

// demoTarget starts the demo target on loopback with a storage latency
// wide enough that a burst always lands in the window.
func demoTarget(t *testing.T) string {
	t.Helper()
	srv := httptest.NewServer(demo.NewServer(demo.Config{Latency: 20 * time.Millisecond}).Handler())
	t.Cleanup(srv.Close)
	return srv.URL
}

// config is the probe of one demo case: n requests, reset by POST /reset.
func (c demoCase) config(target string, n int) Config {
	h := http.Header{"Authorization": {"Bearer u1"}}
	req := runner.Request{Method: c.method, URL: target + c.path, Header: h.Clone()}
	if c.body != "" {
		req.Body = []byte(c.body)
		req.Header.Set("Content-Type", "application/json")
	}
	cfg := Config{
		Request: req, N: n, Rounds: 2,
		Reset: []runner.Request{{Method: "POST", URL: target + "/reset"}},
	}
	for _, a := range c.after {
		cfg.After = append(cfg.After, runner.Request{Method: "GET", URL: target + a, Header: h.Clone()})
	}
	return cfg
}

// TestProbeDemo proves the claim of issue 13 on the demo target: probe
// finds the race on every vulnerable endpoint and none on every fixed
// one, with no check written, twice in a row.
func TestProbeDemo(t *testing.T) {
	for _, c := range demoCases() {
		t.Run(strings.ReplaceAll(c.name, " ", "_"), func(t *testing.T) {
			// Each case has a target of its own, since the probe resets
			// it, and the cases mostly wait on the target's latency.
			t.Parallel()
			target := demoTarget(t)
			for range 2 {
				// Product 1 has 10 in stock: 12 buyers are needed to oversell.
				v, err := Run(context.Background(), c.config(target, 12))
				if err != nil {
					t.Fatal(err)
				}
				want := NoRace
				if c.race {
					want = RaceFound
				}
				if v.Outcome != want {
					t.Fatalf("outcome %s, want %s (reason %q, findings %+v)", v.Outcome, want, v.Reason, v.Findings)
				}
			}
		})
	}
}
