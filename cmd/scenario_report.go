package cmd

import (
	"slices"

	"github.com/racetest/racetest/report"
	"github.com/racetest/racetest/scenarios"
)

// reportRun is the report of one scenario run: a round per race sent, with
// the race's checks (scope burst) and the after steps' (scope after), and
// the error that stopped the run, if any.
func (o *RunOptions) reportRun(s *scenarios.Scenario, res *scenarios.Result, err error) report.Run {
	mode := string(s.Race.Mode)
	if o.Mode != "" {
		mode = o.Mode
	}
	planned := s.Race.Rounds
	if o.Rounds > 0 {
		planned = o.Rounds
	}
	run := report.Run{Name: s.Name, File: s.File, Line: s.Line, Mode: mode, N: s.Race.N, Planned: planned}
	if res != nil {
		run.Target = report.RedactURL(res.Target, o.ShowSecrets)
		for i := range res.Rounds {
			rd := &res.Rounds[i]
			checks := report.Checks(rd.Checks, report.ScopeBurst)
			for _, st := range rd.After {
				checks = append(checks, report.Checks(st.Checks, report.ScopeAfter)...)
			}
			round := report.NewRound(rd.Number, rd.Burst, rd.Requests, checks, o.ShowSecrets)
			if rd.Interrupted {
				round.Notes = append(slices.Clip(round.Notes), interruptedNote)
			}
			run.Rounds = append(run.Rounds, round)
		}
	}
	if err != nil {
		run.Error = report.Redact(err.Error(), o.ShowSecrets)
	}
	return run
}
