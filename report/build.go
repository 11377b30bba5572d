package report

import (
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/racetest/racetest/expressions"
	"github.com/racetest/racetest/runner"
	"github.com/racetest/racetest/scenarios"
)

// Scopes of a check.
const (
	ScopeBurst = "burst"
	ScopeAfter = "after"
)

// InterruptedNote marks a round that an interrupt cut short.
const InterruptedNote = "interrupted during this round: the responses that came back are shown, the checks were not judged"

// NewDocument is an empty document of the given tool, started now.
func NewDocument(tool string) *Document {
	return &Document{Schema: Schema, Tool: tool, Started: time.Now()}
}

// NewRun is the report of one scenario run: a round per race sent, with
// the race's checks (scope burst) and the after steps' (scope after), and
// the error that stopped the run, if any. It is the one place where a run
// becomes a report; secrets are masked unless showSecrets.
func NewRun(res *scenarios.Result, err error, showSecrets bool) Run {
	s := res.Scenario
	sc := RunScrubber(res, showSecrets)
	run := Run{
		Name: s.Name, File: s.File, Line: s.Line, Target: RedactURL(res.Target, showSecrets),
		Mode: string(res.Mode), N: s.Race.N, Planned: res.Planned,
	}
	for i := range res.Rounds {
		rd := &res.Rounds[i]
		checks := Checks(rd.Checks, ScopeBurst)
		for _, st := range rd.After {
			checks = append(checks, Checks(st.Checks, ScopeAfter)...)
		}
		round := newRound(rd.Number, rd.Burst, rd.Requests, checks, showSecrets, sc)
		round.Notes = append(slices.Clip(round.Notes), roundNotes(&round, rd.Burst, run.Mode)...)
		if rd.Interrupted {
			round.Notes = append(slices.Clip(round.Notes), InterruptedNote)
		} else if step := interruptedAfter(res, i); step != "" {
			round.Notes = append(slices.Clip(round.Notes), fmt.Sprintf(InterruptedAfterNote, step))
		}
		run.Rounds = append(run.Rounds, round)
	}
	if n, coding := res.EncodedBodies(); coding != "" {
		addEncodedNote(&run, n, coding, res.Scenario.File != "")
	}
	run.Stop = res.Stop.Stop()
	run.HitRate = newHitRate(&run) // after Stop, which it reads
	var unsure *scenarios.UnsureError
	switch {
	case err == nil:
	case errors.As(err, &unsure):
		// Not an error of the run: its verdict, which Verdict words from
		// Stop and the rounds.
	case res.Interrupted:
		run.Error = interruptedError(res)
	default:
		run.Error = sc.Scrub(Redact(err.Error(), showSecrets))
	}
	return run
}

// addEncodedNote says once, on round n, that checks read bodies still in
// a Content-Encoding, and how to have them decoded: --compressed on the
// command line; a scenario file has no such setting, so there the fix is
// to stop asking for the coding.
func addEncodedNote(run *Run, n int, coding string, file bool) {
	fix := "add --compressed to have racetest ask for gzip, deflate or br and decode them"
	if file {
		fix = "racetest run does not decode bodies: remove Accept-Encoding from the request's headers in the file"
	}
	note := fmt.Sprintf("responses came with Content-Encoding: %s, which racetest, as curl, does not decode unless asked: the checks read the encoded bytes of body and json; %s", coding, fix)
	for i := range run.Rounds {
		if run.Rounds[i].Round == n {
			run.Rounds[i].Notes = append(slices.Clip(run.Rounds[i].Notes), note)
			return
		}
	}
}

// RunScrubber collects every secret a run sent or was sent, in every
// step and round: setup, race, after and teardown requests, and the
// cookies responses set. It is nil when secrets are to be shown.
func RunScrubber(res *scenarios.Result, showSecrets bool) *Scrubber {
	if showSecrets {
		return nil
	}
	sc := NewScrubber(nil)
	sc.AddSecrets(res.SecretValues())
	steps := func(srs []scenarios.StepResult) {
		for i := range srs {
			sc.AddRequests([]runner.Request{srs[i].Request})
			sc.AddResponses([]runner.Result{srs[i].Response})
		}
	}
	for i := range res.Rounds {
		rd := &res.Rounds[i]
		steps(rd.Setup)
		sc.AddRequests(rd.Requests)
		if rd.Burst != nil {
			sc.AddResponses(rd.Burst.Results)
		}
		steps(rd.After)
	}
	if res.Stopped != nil {
		steps(res.Stopped.Setup)
	}
	steps(res.Teardown)
	return sc
}

// interruptedError is the error of a run that a signal stopped: in the
// round that stopped before its race, or else in the last round collected,
// during its race or its after steps.
func interruptedError(res *scenarios.Result) string {
	k := len(res.Rounds)
	if res.Stopped != nil {
		k = res.Stopped.Number
	}
	return fmt.Sprintf("interrupted in round %d of %d", max(k, 1), res.Planned)
}

// InterruptedAfterNote marks a round whose race was judged and whose
// after steps an interrupt cut short; %s is the step.
const InterruptedAfterNote = "interrupted during %s: its checks and those of the after steps left were not judged"

// interruptedAfter names the after step of round i that an interrupt cut
// short, or "".
func interruptedAfter(res *scenarios.Result, i int) string {
	rd := &res.Rounds[i]
	if !res.Interrupted || res.Stopped != nil || i != len(res.Rounds)-1 || len(rd.After) == 0 {
		return ""
	}
	last := &rd.After[len(rd.After)-1]
	if last.Response.Err == nil && len(rd.After) == len(res.Scenario.After) {
		return ""
	}
	return last.Step.Path
}

// Checks turns checks judged by expressions.Judge into report checks of the
// given scope.
func Checks(cs []expressions.CheckResult, scope string) []Check {
	out := make([]Check, len(cs))
	for i, c := range cs {
		out[i] = Check{Expr: c.Check.Source, Scope: scope, Pass: c.Pass, Seen: c.Seen}
		if c.Err != nil {
			out[i].Error = c.Err.Error()
		}
	}
	return out
}
