package scenarios

import (
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/racetest/racetest/confidence"
	"github.com/racetest/racetest/expressions"
	"github.com/racetest/racetest/runner"
)

// Result is what a scenario run did, round by round. A run stopped by an
// error keeps the rounds it finished, and the round it was in when that
// round's race had been sent.
type Result struct {
	Scenario *Scenario
	// Target is the target the run used, after overrides.
	Target string
	// Values are the per-request values the run used, after overrides:
	// secrets that reports mask.
	Values map[string][]string
	// Mode is the synchronisation asked for, after overrides; each burst
	// says which engine it used.
	Mode runner.Mode
	// Planned is the number of rounds the run was to have; Rounds has
	// fewer when it stopped early.
	Planned int
	// Stop is the rule that could end the run before Planned rounds.
	Stop   confidence.Rule
	Rounds []Round
	// Stopped is the round that stopped before its race was sent, with
	// the setup steps it ran; nil when every round sent its race.
	Stopped  *Round
	Teardown []StepResult
	// Interrupted says that the run's context ended before it finished.
	Interrupted bool
	// Decoded says that the client decoded Content-Encoding (curl's
	// --compressed); else the checks read bodies as they came.
	Decoded bool
}

// CompleteRounds counts the rounds whose burst happened as asked: the
// rounds a verdict rests on.
func (r *Result) CompleteRounds() int {
	n := 0
	for i := range r.Rounds {
		if r.Rounds[i].Complete() {
			n++
		}
	}
	return n
}

// FailedRounds counts the complete rounds in which a check failed: the
// hit rate.
func (r *Result) FailedRounds() int {
	n := 0
	for i := range r.Rounds {
		if r.Rounds[i].Failed() {
			n++
		}
	}
	return n
}

// Round is one round: its setup, the race and its judged checks, and the
// after steps with theirs.
type Round struct {
	Number int
	Setup  []StepResult
	// Burst is the race as the runner returned it; Requests are the
	// requests as sent, index for index.
	Burst    *runner.Burst
	Requests []runner.Request
	// Checks are the race's expect: judged on the burst, unless an
	// interrupt cut it short (Interrupted), when nothing is judged.
	Checks      []expressions.CheckResult
	Interrupted bool
	// Incomplete says why the burst does not count, when it does not:
	// requests that were not released or got no response that began
	// after the release. Its checks are judged and shown, not counted.
	Incomplete []runner.Cause
	// Serialised, when set, says that the server handled the burst a few
	// requests at a time.
	Serialised *runner.Serialisation
	After      []StepResult
	// Vars are the variables at the end of the round, captures included.
	Vars map[string]any
}

// Complete tells whether the round's burst happened as asked: every
// request released and answered after the release, and no interrupt.
func (r *Round) Complete() bool {
	return r.Burst != nil && !r.Interrupted && len(r.Incomplete) == 0
}

// Failed tells whether a check of the race or of an after step failed in
// a complete round; an incomplete round is neither passed nor failed.
func (r *Round) Failed() bool {
	if !r.Complete() {
		return false
	}
	for _, c := range r.Checks {
		if !c.Pass {
			return true
		}
	}
	for _, s := range r.After {
		for _, c := range s.Checks {
			if !c.Pass {
				return true
			}
		}
	}
	return false
}

// StepResult is one sequential request: what was sent, what came back,
// what was captured and how its checks came out.
type StepResult struct {
	Step     *Step
	Request  runner.Request
	Response runner.Result
	Captured map[string]any
	Checks   []expressions.CheckResult
}

// StepError is a step that could not do its job: its request failed, a
// capture found nothing, or (in setup and teardown) a check failed. The
// race cannot be judged without it, so the run stops.
type StepError struct {
	Step  *Step
	Round int // 0 in teardown
	Err   error
}

func (e *StepError) Error() string {
	if e.Round == 0 {
		return fmt.Sprintf("%s: %v", e.Step.Label(), e.Err)
	}
	return fmt.Sprintf("round %d: %s: %v", e.Round, e.Step.Label(), e.Err)
}

func (e *StepError) Unwrap() error { return e.Err }

// ErrInconclusive is wrapped when a run sent its rounds but too few of
// them were complete to judge: none at all (*IncompleteError), or fewer
// than --confidence needs (*UnsureError).
var ErrInconclusive = errors.New("no round was complete")

// IncompleteError is a run none of whose rounds was complete, with the
// causes over all rounds, by kind.
type IncompleteError struct {
	Rounds int
	Causes []runner.Cause
}

func (e *IncompleteError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%v: every one of %d %s was cut short", ErrInconclusive, e.Rounds, plural(e.Rounds, "round"))
	for _, c := range e.Causes {
		b.WriteString("; ")
		b.WriteString(c.String())
	}
	return b.String()
}

func (e *IncompleteError) Unwrap() error { return ErrInconclusive }

func plural(n int, word string) string {
	if n == 1 {
		return word
	}
	return word + "s"
}

// incomplete is the error of a run whose rounds were all incomplete, or
// nil: the causes of every round, merged by kind.
func (r *Result) incomplete() error {
	if len(r.Rounds) == 0 || r.CompleteRounds() > 0 {
		return nil
	}
	e := &IncompleteError{}
	for i := range r.Rounds {
		e.Add(r.Rounds[i].Incomplete)
	}
	return e
}

// Add counts one more incomplete round, merging its causes into those of
// the rounds before by kind: a run (and probe's parallel phase) names
// every round's causes, not only the first round's.
func (e *IncompleteError) Add(causes []runner.Cause) {
	e.Rounds++
	for _, c := range causes {
		j := slices.IndexFunc(e.Causes, func(x runner.Cause) bool { return x.Kind == c.Kind && x.AfterRelease == c.AfterRelease })
		if j < 0 {
			e.Causes = append(e.Causes, runner.Cause{Kind: c.Kind, AfterRelease: c.AfterRelease, First: c.First})
			j = len(e.Causes) - 1
		}
		e.Causes[j].Count += c.Count
	}
}

// UnsureError is a run under --confidence that found no race but spent
// its rounds before enough of them were complete to rule one out: it
// neither passed nor failed.
type UnsureError struct {
	Stop confidence.Rule
	// Needed is the number of complete rounds the rule needs; Complete
	// the number the run had, out of Rounds fired.
	Needed, Complete, Rounds int
}

func (e *UnsureError) Error() string {
	return fmt.Sprintf("no race in %d complete %s, but %d are needed to rule out, with %s confidence, a race that a round catches %s of the time (%d of %d rounds were incomplete)",
		e.Complete, plural(e.Complete, "round"), e.Needed, confidence.Percent(e.Stop.Level), confidence.Percent(e.Stop.MinRate),
		e.Rounds-e.Complete, e.Rounds)
}

func (e *UnsureError) Unwrap() error { return ErrInconclusive }

// Unsure judges rounds fired under stop, hits of them finding a race:
// an *UnsureError when none did and fewer were complete than the rule
// needs, else nil. racetest run, probe and the report judge by it.
func Unsure(stop confidence.Rule, hits, complete, rounds int) *UnsureError {
	if hits > 0 || stop.Reached(complete) {
		return nil
	}
	return &UnsureError{Stop: stop, Needed: stop.Needed(), Complete: complete, Rounds: rounds}
}

// unsure is the error of a run under --confidence that found no race in
// too few complete rounds, or nil.
func (r *Result) unsure() error {
	if e := Unsure(r.Stop, r.FailedRounds(), r.CompleteRounds(), len(r.Rounds)); e != nil {
		return e
	}
	return nil
}

// ErrUnreachable is wrapped when no request of a burst reached the target.
var ErrUnreachable = errors.New("target unreachable")

// ErrUntrusted is wrapped instead of ErrUnreachable when no request got
// past the TLS handshake because the client did not trust the target's
// certificate: the target is up, and what to change is on this side.
var ErrUntrusted = errors.New("the target's TLS certificate was not trusted")

// unreachable returns an error when no request of the burst even reached
// the server, because then nothing about the race can be judged. What to
// do about it is the caller's to say: it knows its flags.
func unreachable(b *runner.Burst) error {
	first := b.ConnectError()
	switch {
	case first == nil:
		return nil
	case runner.CertificateUntrusted(first):
		return fmt.Errorf("%w: %w", ErrUntrusted, first)
	}
	return fmt.Errorf("%w: %w", ErrUnreachable, first)
}
