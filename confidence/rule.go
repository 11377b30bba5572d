package confidence

import (
	"fmt"
	"math"
)

// Rule says when a run may stop before its last round. The zero value
// never stops early: every round asked for is fired.
type Rule struct {
	// UntilFound stops at the first complete round that finds a race.
	UntilFound bool
	// Level is the confidence C of --confidence, in (0, 1); 0 for none.
	// With it the run stops at the first race, or once Needed complete
	// rounds found none.
	Level float64
	// MinRate is P of --min-rate, in (0, 1]: the smallest per-round hit
	// rate that the run must not miss with probability Level.
	MinRate float64
}

// DefaultMinRate is --min-rate when --confidence is given without it: a
// race that one round catches 30% of the time, found with 95% confidence
// in 9 rounds.
const DefaultMinRate = 0.3

// Check says what is wrong with the rule, naming the field at fault, or
// returns nil. A rule without a Level and a MinRate is fine: it has no
// confidence to reach.
func (r Rule) Check() error {
	if r.Level == 0 && r.MinRate == 0 {
		return nil
	}
	if !(r.Level > 0 && r.Level < 1) {
		return &FieldError{Field: "level", Msg: fmt.Sprintf("%g is not a probability between 0 and 1 (exclusive), e.g. 0.95", r.Level)}
	}
	if !(r.MinRate > 0 && r.MinRate <= 1) {
		return &FieldError{Field: "min-rate", Msg: fmt.Sprintf("%g is not a hit rate above 0 and at most 1, e.g. 0.3 for a race that a round catches 30%% of the time", r.MinRate)}
	}
	return nil
}

// FieldError is a Rule field with a value out of range.
type FieldError struct {
	Field string // level or min-rate
	Msg   string
}

func (e *FieldError) Error() string { return e.Field + ": " + e.Msg }

// Needed is the number of complete rounds without a race after which a
// race that a round catches at least MinRate of the time would have shown
// with probability Level: the least k with (1-P)^k <= 1-C. It is 0 when
// the rule has no Level.
func (r Rule) Needed() int {
	if r.Level <= 0 {
		return 0
	}
	if r.MinRate >= 1 {
		return 1
	}
	// The small slack keeps an exact answer (C 0.75, P 0.5: k = 2) from
	// rounding up because of the last bit of a logarithm.
	k := math.Ceil(math.Log(1-r.Level)/math.Log1p(-r.MinRate) - 1e-9)
	if k > math.MaxInt32 {
		return math.MaxInt32
	}
	return max(1, int(k))
}

// Done tells whether a run that has seen hits races in complete rounds
// may stop: at the first race under UntilFound or a Level, and once
// Needed complete rounds found none under a Level.
func (r Rule) Done(hits, complete int) bool {
	if hits > 0 {
		return r.UntilFound || r.Level > 0
	}
	return r.Level > 0 && complete >= r.Needed()
}

// Reached tells whether complete rounds without a race are enough for
// the rule's Level; a rule without one is always reached.
func (r Rule) Reached(complete int) bool {
	return r.Level <= 0 || complete >= r.Needed()
}

// ShowsRate tells whether a hit rate is worth reporting after rounds
// rounds: for more than one, and for one under a rule, where the user
// asked how often the race shows and "1 of 1 (95% CI 21%-100%)" says how
// little one round tells. racetest's report and probe's verdict both ask.
func (r Rule) ShowsRate(rounds int) bool {
	return rounds > 1 || rounds == 1 && r != (Rule{})
}

// Undetected is the per-round hit rate X that complete rounds without a
// race leave possible at level: a race caught less than X of the time
// would have stayed hidden with probability above 1-level, since
// (1-X)^complete = 1-level. It is 1 for no rounds.
func Undetected(complete int, level float64) float64 {
	if complete <= 0 {
		return 1
	}
	return -math.Expm1(math.Log(1-level) / float64(complete))
}

// Possible is what complete rounds without a race leave possible at
// level, in words: the one wording of a pass under --confidence.
func Possible(complete int, level float64) string {
	return fmt.Sprintf("no race in %d complete %s: a race that a round catches less than %s of the time could still be there (%s confidence)",
		complete, plural(complete, "round"), Percent(Undetected(complete, level)), Percent(level))
}

// Percent writes a rate as a whole percentage, or with one decimal below
// 1% and above 99%, where rounding would say 0% or 100% of something
// that is not.
func Percent(f float64) string {
	p := f * 100
	if (p > 0 && p < 1) || (p > 99 && p < 100) {
		return fmt.Sprintf("%.1f%%", p)
	}
	return fmt.Sprintf("%.0f%%", p)
}

func plural(n int, word string) string {
	if n == 1 {
		return word
	}
	return word + "s"
}

// Stop is a Rule as the JSON documents of run and probe write it, with
// the complete rounds its Level needs.
type Stop struct {
	UntilFound   bool    `json:"until_found,omitempty"`
	Confidence   float64 `json:"confidence,omitempty"`
	MinRate      float64 `json:"min_rate,omitempty"`
	NeededRounds int     `json:"needed_rounds,omitempty"`
}

// Stop is the rule to write down, nil for the zero Rule (a fixed number
// of rounds).
func (r Rule) Stop() *Stop {
	if r == (Rule{}) {
		return nil
	}
	return &Stop{UntilFound: r.UntilFound, Confidence: r.Level, MinRate: r.MinRate, NeededRounds: r.Needed()}
}

// Rule is the rule written down, the zero Rule for nil.
func (s *Stop) Rule() Rule {
	if s == nil {
		return Rule{}
	}
	return Rule{UntilFound: s.UntilFound, Level: s.Confidence, MinRate: s.MinRate}
}
