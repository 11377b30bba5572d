package probe

import (
	"bytes"
	"context"
	"net/http"
	"testing"

	"github.com/racetest/racetest/runner"
	"github.com/racetest/racetest/scenarios"
)

// TestWriteScenarioLoads proves that --emit writes a file racetest run
// accepts: it compiles with scenarios.Parse, and awkward header and body
// text (quotes, a line break, non-ASCII, a backslash) comes back as sent.
func TestWriteScenarioLoads(t *testing.T) {
	body := "{\"note\":\"it's \\\"quoted\\\"\\nnaïve\"}\n"
	v := &Verdict{
		Config: &Config{
			Request: runner.Request{Method: "POST", URL: "http://127.0.0.1:8080/orders?x=1",
				Header: http.Header{"Authorization": {"Bearer u'1"}, "Content-Type": {"application/json"}}, Body: []byte(body)},
			N: 7, Rounds: 2,
			Reset: []runner.Request{{Method: "POST", URL: "http://127.0.0.1:8080/reset"}},
			After: []runner.Request{{Method: "GET", URL: "http://other.test/state"}},
		},
		Checks: Checks{
			Burst: []string{"count(status == 200) == 1", `any(responses, .json["odd key"] == 3)`},
			After: [][]string{{`json.name == "gadget"`, "json.version == 20"}},
		},
	}
	var b bytes.Buffer
	if err := WriteScenario(&b, v, EmitOptions{}); err != nil {
		t.Fatal(err)
	}
	s, err := scenarios.Parse("probe.yaml", b.Bytes())
	if err != nil {
		t.Fatalf("%v\n%s", err, b.String())
	}
	if s.Race.N != 7 || s.Race.Rounds != 2 || len(s.Race.Expect) != 2 || len(s.Setup) != 1 || len(s.After) != 1 || len(s.After[0].Expect) != 2 {
		t.Fatalf("scenario does not match the probe:\n%s", b.String())
	}
	rt := s.Race.Groups[0].Request
	if rt.Body.Source != body || rt.URL.Source != "/orders?x=1" {
		t.Errorf("body %q url %q, want %q /orders?x=1", rt.Body.Source, rt.URL.Source, body)
	}
	if got := s.After[0].Request.URL.Source; got != "http://other.test/state" {
		t.Errorf("after url %q: a URL on another host must stay absolute", got)
	}
}

// TestEmitRunsOnDemo proves the loop the user goes through: probe finds
// the lost deposits, and the emitted scenario, run by package scenarios,
// fails on the vulnerable endpoint.
func TestEmitRunsOnDemo(t *testing.T) {
	target := demoTarget(t)
	c := demoCase{"deposit naive", "POST", "/accounts/a/deposit/naive", `{"amount":100}`, []string{"/accounts/a"}, true}
	cfg := c.config(target, 6)
	cfg.Rounds = 1
	v, err := Run(context.Background(), cfg)
	if err != nil || v.Outcome != RaceFound {
		t.Fatalf("outcome %v, err %v", v, err)
	}
	var b bytes.Buffer
	if err := WriteScenario(&b, v, EmitOptions{}); err != nil {
		t.Fatal(err)
	}
	s, err := scenarios.Parse("deposit.yaml", b.Bytes())
	if err != nil {
		t.Fatalf("%v\n%s", err, b.String())
	}
	res, err := s.Run(context.Background(), scenarios.RunOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if res.FailedRounds() != 1 {
		t.Errorf("the emitted checks held on the vulnerable endpoint:\n%s", b.String())
	}
}
