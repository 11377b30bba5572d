package report

import (
	"bytes"
	"strings"
	"testing"

	"github.com/racetest/racetest/confidence"
)

// roundsRun is a run of complete rounds, those in hits failing their
// check, and incomplete more rounds, under stop.
func roundsRun(complete, incomplete int, hits []int, stop confidence.Rule, planned int) Run {
	run := Run{Name: "r", Target: "http://127.0.0.1:1", Mode: "auto", N: 2, Planned: planned, Stop: stop.Stop()}
	for i := 1; i <= complete+incomplete; i++ {
		rd := Round{Round: i, Checks: []Check{{Expr: "count(status == 200) == 1", Scope: ScopeBurst, Pass: true}}}
		for _, h := range hits {
			if h == i {
				rd.Checks[0].Pass, rd.Checks[0].Seen = false, "count(status == 200) = 2, want == 1"
			}
		}
		if i > complete {
			rd.Incomplete = []Cause{{Kind: "timeout", Count: 1, Requests: []int{0}, AfterRelease: true}}
		}
		run.Rounds = append(run.Rounds, rd)
	}
	run.HitRate = newHitRate(&run)
	return run
}

// TestConfidenceVerdicts: the verdict of every writer under --until-found
// and --confidence, and the hit rate with its Wilson interval.
func TestConfidenceVerdicts(t *testing.T) {
	conf := confidence.Rule{Level: 0.95, MinRate: 0.3}
	tests := []struct {
		name        string
		run         Run
		state, text string
		hitRate     string
	}{
		{"fixed rounds", roundsRun(4, 0, []int{2, 3}, confidence.Rule{}, 4),
			"fail", "race found: a check failed in 2 of 4 rounds", "4 complete rounds (50%, 95% CI 15%-85%)"},
		{"one round has no hit rate", roundsRun(1, 0, nil, confidence.Rule{}, 1),
			"pass", "passed: every check held in 1 of 1 rounds", ""},
		{"found in the first round", roundsRun(1, 0, []int{1}, confidence.Rule{UntilFound: true}, 50),
			"fail", "race found: a check failed in 1 of 1 rounds; stopped at the first round that found one", "1 of 1 complete round (100%, 95% CI 21%-100%)"},
		{"found early", roundsRun(3, 0, []int{3}, conf, 50),
			"fail", "race found: a check failed in 1 of 3 rounds; stopped at the first round that found one", "1 of 3 complete rounds (33%, 95% CI 6%-79%)"},
		{"confident pass", roundsRun(9, 0, nil, conf, 50),
			"pass", "passed: no race in 9 complete rounds: a race that a round catches less than 28% of the time could still be there (95% confidence)", "0 of 9"},
		{"too few complete rounds", roundsRun(3, 7, nil, conf, 10),
			"inconclusive", "inconclusive: no race in 3 complete rounds, but 9 are needed to rule out, with 95% confidence, a race that a round catches 30% of the time (7 of 10 rounds were incomplete)", "0 of 3"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			state, text := tt.run.Verdict()
			if state != tt.state || text != tt.text {
				t.Errorf("verdict %s %q, want %s %q", state, text, tt.state, tt.text)
			}
			if got := tt.run.HitRateText(); !strings.Contains(got, tt.hitRate) || (tt.hitRate == "") != (got == "") {
				t.Errorf("hit rate %q, want %q", got, tt.hitRate)
			}
			doc := &Document{Schema: Schema, Tool: "t", Runs: []Run{tt.run}}
			var txt, junit bytes.Buffer
			if err := WriteText(&txt, doc, TextOptions{}); err != nil {
				t.Fatal(err)
			}
			if err := WriteJUnit(&junit, doc); err != nil {
				t.Fatal(err)
			}
			if !strings.Contains(txt.String(), "  "+tt.text+"\n") || (tt.hitRate != "") != strings.Contains(txt.String(), "  hit rate ") {
				t.Errorf("text report:\n%s", txt.String())
			}
			j := junit.String()
			if tt.hitRate != "" && !strings.Contains(j, `<property name="hit_rate_95_low"`) {
				t.Errorf("junit has no hit rate properties:\n%s", j)
			}
			if tt.state == "fail" && tt.hitRate != "" && !strings.Contains(j, "; hit rate "+tt.run.HitRateText()) {
				t.Errorf("junit failure message lacks the hit rate:\n%s", j)
			}
			if tt.state == "inconclusive" && !strings.Contains(j, `type="inconclusive"`) {
				t.Errorf("an inconclusive run must not read as green in JUnit:\n%s", j)
			}
			var gh bytes.Buffer
			if err := WriteGitHubAnnotations(&gh, doc); err != nil {
				t.Fatal(err)
			}
			if tt.state == "inconclusive" && !strings.Contains(gh.String(), ": inconclusive: no race in 3 complete rounds") {
				t.Errorf("no annotation for an inconclusive run:\n%s", gh.String())
			}
		})
	}
}
