package scenarios

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/racetest/racetest/confidence"
)

// stopTarget answers /r/N with 200, except in the rounds fail lists
// (500: the check fails) and hang lists (no answer within the run's
// timeout: the round is incomplete).
func stopTarget(t *testing.T, fail, hang []string) string {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		round := strings.TrimPrefix(r.URL.Path, "/r/")
		for _, h := range hang {
			if round == h {
				select {
				case <-r.Context().Done():
				case <-time.After(5 * time.Second):
				}
				return
			}
		}
		for _, f := range fail {
			if round == f {
				w.WriteHeader(http.StatusInternalServerError)
				return
			}
		}
	}))
	t.Cleanup(srv.Close)
	return srv.URL
}

const stopScenario = `version: 1
race:
  n: 2
  mode: barrier
  timeout: 300ms
  request: {url: "/r/{{ round }}"}
  expect: [count(status == 200) == n]
`

// TestRunStopRule: the one round loop stops where the rule says, and a
// run under --confidence whose complete rounds are too few is neither a
// pass nor a fail but an *UnsureError (exit 4).
func TestRunStopRule(t *testing.T) {
	conf := confidence.Rule{Level: 0.75, MinRate: 0.5} // 2 complete rounds needed
	tests := []struct {
		name       string
		fail, hang []string
		rule       confidence.Rule
		rounds     int // fired
		unsure     bool
	}{
		{"fixed rounds fire them all", []string{"1"}, nil, confidence.Rule{}, 4, false},
		{"until found stops at the first race", []string{"2"}, nil, confidence.Rule{UntilFound: true}, 2, false},
		{"until found without a race fires them all", nil, nil, confidence.Rule{UntilFound: true}, 4, false},
		{"confidence stops at the first race", []string{"1"}, nil, conf, 1, false},
		{"confidence stops once enough rounds found none", nil, nil, conf, 2, false},
		{"incomplete rounds do not count", nil, []string{"1"}, conf, 3, false},
		{"too few complete rounds are inconclusive", nil, []string{"1", "2", "3"}, conf, 4, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := mustParse(t, stopScenario)
			res, err := s.Run(context.Background(), RunOptions{Target: stopTarget(t, tt.fail, tt.hang), Rounds: 4, Stop: tt.rule})
			var ue *UnsureError
			if tt.unsure != errors.As(err, &ue) || (!tt.unsure && err != nil) {
				t.Fatalf("error %v, want unsure %v", err, tt.unsure)
			}
			if len(res.Rounds) != tt.rounds {
				t.Errorf("fired %d rounds, want %d", len(res.Rounds), tt.rounds)
			}
			if tt.unsure {
				want := "no race in 1 complete round, but 2 are needed to rule out, with 75% confidence, a race that a round catches 50% of the time (3 of 4 rounds were incomplete)"
				if !errors.Is(err, ErrInconclusive) || ue.Error() != want {
					t.Errorf("error %q, want %q wrapping ErrInconclusive", err, want)
				}
			}
		})
	}
}

func TestUnsure(t *testing.T) {
	rule := confidence.Rule{Level: 0.95, MinRate: 0.3} // 9 complete rounds
	if e := Unsure(rule, 0, 8, 10); e == nil || e.Needed != 9 || e.Complete != 8 || e.Rounds != 10 {
		t.Errorf("8 of 9 complete rounds, no race: %+v, want an UnsureError", e)
	}
	for _, c := range []struct {
		rule           confidence.Rule
		hits, complete int
	}{{rule, 1, 1}, {rule, 0, 9}, {confidence.Rule{}, 0, 0}, {confidence.Rule{UntilFound: true}, 0, 1}} {
		if e := Unsure(c.rule, c.hits, c.complete, 10); e != nil {
			t.Errorf("%+v, %d hits in %d complete rounds: %v, want nil", c.rule, c.hits, c.complete, e)
		}
	}
}
