package cmd

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

// TestConfidenceSpentIsInconclusive: under --confidence, rounds cut short
// do not count, and a run that spends --max-rounds before it has the
// complete rounds it needs is not a pass: exit 4, saying how many were
// needed and had, and what to do.
func TestConfidenceSpentIsInconclusive(t *testing.T) {
	var seen atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		// The two requests of each of the first two rounds get no answer
		// within the timeout: those rounds are incomplete.
		if seen.Add(1) <= 4 {
			select {
			case <-r.Context().Done():
			case <-time.After(5 * time.Second):
			}
		}
	}))
	t.Cleanup(srv.Close)
	code, out, errb := runApp(t, false, false, nil, "fire", "-n", "2", "--mode", "barrier", "--timeout", "300ms",
		"--confidence", "0.75", "--min-rate", "0.5", "--max-rounds", "3", "--expect-status", "200=2", srv.URL)
	if code != int(ExitInconclusive) {
		t.Fatalf("exit %d, want 4\nstdout:\n%s\nstderr:\n%s", code, out, errb)
	}
	want := "no race in 1 complete round, but 2 are needed to rule out, with 75% confidence, a race that a round catches 50% of the time (2 of 3 rounds were incomplete)"
	if !strings.Contains(errb, "racetest: inconclusive: "+want+"; the report says why rounds were cut short: fix that, or raise --max-rounds") {
		t.Errorf("stderr:\n%s", errb)
	}
	if !strings.Contains(out, "  inconclusive: "+want+"\n") || !strings.Contains(out, "hit rate 0 of 1 complete round (0%, 95% CI 0%-79%)") || strings.Contains(out, "passed") {
		t.Errorf("stdout:\n%s", out)
	}
}
