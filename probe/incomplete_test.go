package probe

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/racetest/racetest/confidence"
	"github.com/racetest/racetest/runner"
)

// TestProbeIncompleteRounds: a server that answers the sequential phases
// and breaks every request of the bursts gets no verdict: the rounds are
// incomplete, as racetest run counts them, and the reason names the
// causes of every round, summed by kind as racetest run sums them.
func TestProbeIncompleteRounds(t *testing.T) {
	const n = 3
	var served atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/reset" {
			return
		}
		// The two sequential phases send n requests each; then round 1
		// sends n, which are reset, and round 2 n, which get an answer
		// that is not HTTP.
		k := served.Add(1)
		if k <= 2*n {
			_, _ = w.Write([]byte(`{"ok":true}`))
			return
		}
		c, _, err := w.(http.Hijacker).Hijack()
		if err != nil {
			return
		}
		if k > 3*n {
			_, _ = c.Write([]byte("not http\r\n\r\n"))
		}
		_ = c.Close()
	}))
	defer srv.Close()
	v, err := Run(context.Background(), Config{
		Request: runner.Request{Method: "POST", URL: srv.URL + "/x"}, N: n, Rounds: 2,
		Reset: []runner.Request{{Method: "POST", URL: srv.URL + "/reset"}},
	})
	if err != nil {
		t.Fatal(err)
	}
	if v.Outcome != Inconclusive || v.Complete != 0 || v.Hits != 0 || len(v.Rounds) != 2 {
		t.Fatalf("outcome %s, %d complete of %d rounds, %d hits; want inconclusive, 0 of 2, 0", v.Outcome, v.Complete, len(v.Rounds), v.Hits)
	}
	for _, rd := range v.Rounds {
		if rd.Complete || !strings.Contains(rd.Cause(), "after the release") {
			t.Errorf("round %d: complete %v, cause %q; want incomplete after the release", rd.Number, rd.Complete, rd.Cause())
		}
	}
	ie := v.Incomplete
	if ie == nil || ie.Rounds != 2 {
		t.Fatalf("incomplete %+v; want the causes of 2 rounds", ie)
	}
	kinds, count := map[runner.CauseKind]bool{}, 0
	for _, c := range ie.Causes {
		kinds[c.Kind] = true
		count += c.Count
	}
	if !kinds[runner.CauseReset] || !kinds[runner.CauseProtocol] || count != 2*n {
		t.Errorf("causes %v; want reset (round 1) and protocol (round 2), %d requests in all", ie.Causes, 2*n)
	}
	if v.Reason != ie.Error() {
		t.Errorf("reason %q; want %q", v.Reason, ie.Error())
	}
	// The causes are error messages, which may hold a URL with a token:
	// every line that shows one goes through the redactor.
	var out strings.Builder
	mask := func(s string) string { return strings.ReplaceAll(s, "after the release", "MASKED") }
	if err := WriteText(&out, v, TextOptions{Redact: mask}); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(out.String(), "after the release") {
		t.Errorf("a cause was written unmasked:\n%s", out.String())
	}
}

// TestProbeUnsure: under --confidence, rounds that found no race but are
// fewer than the rule needs give no pass, as in racetest run.
func TestProbeUnsure(t *testing.T) {
	c := demoCase{"mission locked", "POST", "/missions/locked/complete", `{"type":"investment_complete"}`, nil, false}
	cfg := c.config(demoTarget(t), 4)
	cfg.Stop = confidence.Rule{Level: 0.95, MinRate: 0.3} // needs 9 complete rounds; cfg.Rounds is 2
	v, err := Run(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	if v.Outcome != Inconclusive || v.Complete != 2 || !strings.Contains(v.Reason, "but 9 are needed") {
		t.Fatalf("outcome %s, %d complete, reason %q; want inconclusive, 2, 9 needed", v.Outcome, v.Complete, v.Reason)
	}
}
