package confidence

import (
	"errors"
	"math"
	"testing"
)

// TestNeeded pins k = ceil(ln(1-C)/ln(1-P)) on hand-computed values,
// including exact answers that a last-bit error must not round up.
func TestNeeded(t *testing.T) {
	tests := []struct {
		level, rate float64
		want        int
	}{
		{0, 0.3, 0},      // no --confidence
		{0.95, 0.3, 9},   // 0.7^8 = 0.058 > 0.05, 0.7^9 = 0.040
		{0.95, 0.5, 5},   // 0.5^4 = 0.0625, 0.5^5 = 0.031
		{0.75, 0.5, 2},   // exactly 0.25
		{0.99, 0.5, 7},   // 0.5^7 = 0.0078
		{0.95, 0.05, 59}, // 0.95^58 = 0.051, 0.95^59 = 0.0485
		{0.95, 1, 1},     // a race every round: one round shows it
		{0.5, 0.9, 1},
		{0.999999, 1e-9, math.MaxInt32}, // more than any run may fire
	}
	for _, tt := range tests {
		if got := (Rule{Level: tt.level, MinRate: tt.rate}).Needed(); got != tt.want {
			t.Errorf("Needed(C %g, P %g) = %d, want %d", tt.level, tt.rate, got, tt.want)
		}
	}
}

func TestDone(t *testing.T) {
	conf := Rule{Level: 0.95, MinRate: 0.3}
	tests := []struct {
		name           string
		rule           Rule
		hits, complete int
		want           bool
	}{
		{"fixed rounds never stop early", Rule{}, 3, 3, false},
		{"until found, no race yet", Rule{UntilFound: true}, 0, 40, false},
		{"until found, a race", Rule{UntilFound: true}, 1, 1, true},
		{"confidence, a race", conf, 1, 2, true},
		{"confidence, too few rounds", conf, 0, 8, false},
		{"confidence, enough rounds", conf, 0, 9, true},
	}
	for _, tt := range tests {
		if got := tt.rule.Done(tt.hits, tt.complete); got != tt.want {
			t.Errorf("%s: Done(%d, %d) = %v, want %v", tt.name, tt.hits, tt.complete, got, tt.want)
		}
	}
	if conf.Reached(8) || !conf.Reached(9) || !(Rule{}).Reached(0) {
		t.Error("Reached disagrees with Needed")
	}
}

// TestUndetected checks (1-X)^k = 1-C, and the wording of the brief's
// example: 9 rounds at 95% leave a race caught less than 28% of the time.
func TestUndetected(t *testing.T) {
	for _, k := range []int{1, 5, 9, 59} {
		x := Undetected(k, 0.95)
		if got := math.Pow(1-x, float64(k)); math.Abs(got-0.05) > 1e-12 {
			t.Errorf("Undetected(%d): (1-%g)^%d = %g, want 0.05", k, x, k, got)
		}
	}
	if Undetected(0, 0.95) != 1 {
		t.Error("Undetected(0) must be 1: no round rules nothing out")
	}
	want := "no race in 9 complete rounds: a race that a round catches less than 28% of the time could still be there (95% confidence)"
	if got := Possible(9, 0.95); got != want {
		t.Errorf("Possible(9, 0.95) =\n  %s\nwant\n  %s", got, want)
	}
}

func TestCheck(t *testing.T) {
	tests := []struct {
		rule  Rule
		field string // "" when valid
	}{
		{Rule{}, ""},
		{Rule{UntilFound: true}, ""},
		{Rule{Level: 0.95, MinRate: 0.3}, ""},
		{Rule{Level: 0.95, MinRate: 1}, ""},
		{Rule{Level: 1, MinRate: 0.3}, "level"},
		{Rule{Level: -0.5, MinRate: 0.3}, "level"},
		{Rule{Level: math.NaN(), MinRate: 0.3}, "level"},
		{Rule{Level: 0.95, MinRate: 0}, "min-rate"},
		{Rule{Level: 0.95, MinRate: 1.5}, "min-rate"},
		{Rule{Level: 0.95, MinRate: math.NaN()}, "min-rate"},
	}
	for _, tt := range tests {
		err := tt.rule.Check()
		var fe *FieldError
		errors.As(err, &fe)
		switch {
		case tt.field == "" && err != nil:
			t.Errorf("%+v: unexpected error %v", tt.rule, err)
		case tt.field != "" && (fe == nil || fe.Field != tt.field):
			t.Errorf("%+v: error %v, want one on %s", tt.rule, err, tt.field)
		}
	}
}

func TestPercentAndHitRate(t *testing.T) {
	for f, want := range map[float64]string{0: "0%", 0.004: "0.4%", 0.2775: "28%", 0.995: "99.5%", 1: "100%"} {
		if got := Percent(f); got != want {
			t.Errorf("Percent(%g) = %s, want %s", f, got, want)
		}
	}
	if got, want := HitRate(5, 10), "5 of 10 complete rounds (50%, 95% CI 24%-76%)"; got != want {
		t.Errorf("HitRate(5, 10) = %s, want %s", got, want)
	}
}

func TestStopRoundTrip(t *testing.T) {
	if (Rule{}).Stop() != nil || (*Stop)(nil).Rule() != (Rule{}) {
		t.Error("the zero Rule is written as nothing, and read back from nothing")
	}
	r := Rule{Level: 0.95, MinRate: 0.3}
	s := r.Stop()
	if s.NeededRounds != 9 || s.Rule() != r {
		t.Errorf("Stop %+v, Rule %+v", s, s.Rule())
	}
}

func TestShowsRate(t *testing.T) {
	tests := []struct {
		r      Rule
		rounds int
		want   bool
	}{
		{Rule{}, 0, false},
		{Rule{}, 1, false},
		{Rule{}, 2, true},
		{Rule{UntilFound: true}, 0, false},
		{Rule{UntilFound: true}, 1, true},
		{Rule{Level: 0.95, MinRate: 0.3}, 1, true},
	}
	for _, tt := range tests {
		if got := tt.r.ShowsRate(tt.rounds); got != tt.want {
			t.Errorf("%+v.ShowsRate(%d) = %v, want %v", tt.r, tt.rounds, got, tt.want)
		}
	}
}
