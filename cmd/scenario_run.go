package cmd

import (
	"context"
	"errors"
	"fmt"

	"github.com/racetest/racetest/report"
	"github.com/racetest/racetest/runner"
	"github.com/racetest/racetest/scenarios"
)

// scenarioRun loads every file, and only when all are valid runs them in
// order, writes one report and returns the worst outcome.
func scenarioRun(ctx context.Context, o *RunOptions) error {
	if err := o.validateFlags(); err != nil {
		return err
	}
	files, err := expandFiles(o.Files)
	if err != nil {
		return err
	}
	target, err := o.target()
	if err != nil {
		return err
	}
	vars, err := parseVars(o.Vars)
	if err != nil {
		return err
	}
	scs, err := loadScenarios(o.App.Stderr, files, nil)
	if err != nil {
		return err
	}
	opts, err := o.runOptions(scs, target, vars)
	if err != nil {
		return err
	}
	doc := newDocument()
	worst, firstErr := ExitOK, error(nil)
	for i, s := range scs {
		bar := o.progress(o.App, max(opts[i].Rounds, s.Race.Rounds), s.Name)
		opts[i].OnRound = func(int, int) { step(bar) }
		res, err := s.Run(ctx, opts[i])
		finish(bar)
		run := o.reportRun(s, res, err)
		if ctx.Err() != nil && err != nil {
			run.Error = interruptedError(run.Rounds, roundsOf(s, opts[i]))
		}
		doc.Runs = append(doc.Runs, run)
		code := ExitOK
		switch {
		case err != nil:
			code = scenarioCode(ctx, err)
			if firstErr == nil {
				firstErr = o.scenarioError(s, err)
			}
		case run.FailedRounds() > 0:
			code = ExitCheckFailed
		}
		worst = max(worst, code)
		if ctx.Err() != nil {
			break
		}
	}
	doc.Interrupted = ctx.Err() != nil
	if err := o.write(o.App, doc); err != nil {
		return err
	}
	return outcome(ctx, worst, firstErr)
}

// target is --target, else RACETEST_TARGET, checked; "" leaves the file's.
func (o *RunOptions) target() (string, error) {
	where, t := "--target", o.Target
	if t == "" {
		where, t = "RACETEST_TARGET", o.App.Getenv("RACETEST_TARGET")
	}
	if t == "" {
		return "", nil
	}
	if _, err := parseTargetURL(where, t); err != nil {
		return "", err
	}
	return t, nil
}

func parseVars(vs []string) (map[string]any, error) {
	out := map[string]any{}
	for _, v := range vs {
		name, val, err := scenarios.ParseVar(v)
		if err != nil {
			return nil, usageErrorf("--var %w", err)
		}
		out[name] = val
	}
	return out, nil
}

// runOptions gives each scenario its options, and checks before anything
// is sent that every scenario can run with them: a var given with --var
// must exist in some scenario, and each applies to those that declare it.
func (o *RunOptions) runOptions(scs []*scenarios.Scenario, target string, vars map[string]any) ([]scenarios.RunOptions, error) {
	for name := range vars {
		declared := false
		for _, s := range scs {
			declared = declared || s.Declares(name)
		}
		if !declared {
			return nil, usageErrorf("--var %s: no scenario declares a var %q; declare it under vars: or check the spelling", name, name)
		}
	}
	client := runner.Client{Insecure: o.Insecure}
	if err := o.NetOptions.apply(&client); err != nil {
		return nil, err
	}
	out := make([]scenarios.RunOptions, len(scs))
	bad := 0
	for i, s := range scs {
		out[i] = scenarios.RunOptions{
			Target: target, Vars: map[string]any{}, Rounds: o.Rounds, Sync: runner.Sync{Mode: runner.Mode(o.Mode)},
			Client: client, AllowLarge: o.AllowLarge, Getenv: o.App.Getenv,
		}
		for name, v := range vars {
			if s.Declares(name) {
				out[i].Vars[name] = v
			}
		}
		if err := s.Preflight(out[i]); err != nil {
			bad++
			writeLoadErrors(o.App.Stderr, err)
		}
	}
	if bad > 0 {
		return nil, &exitError{code: ExitUsage, err: fmt.Errorf("%d of %d scenarios cannot run as given; nothing was run", bad, len(scs))}
	}
	return out, nil
}

// roundsOf is how many rounds s runs with o.
func roundsOf(s *scenarios.Scenario, o scenarios.RunOptions) int {
	if o.Rounds > 0 {
		return o.Rounds
	}
	return s.Race.Rounds
}

// scenarioError is the line stderr gets for a scenario that stopped, masked
// as the report is, with what to do where racetest knows it.
func (o *RunOptions) scenarioError(s *scenarios.Scenario, err error) error {
	var fe *runner.FileLimitError
	if errors.As(err, &fe) {
		return fmt.Errorf("%s: %w", s.File, fileLimitError(fe, "race.n"))
	}
	msg := report.Redact(err.Error(), o.ShowSecrets)
	// An unreachable race has its own hint; a step that met a certificate
	// it does not trust has none.
	if runner.Classify(err) == runner.KindTLS && !errors.Is(err, scenarios.ErrUnreachable) {
		msg += " (" + tlsHint + ")"
	}
	return fmt.Errorf("%s: %s", s.File, msg)
}

// scenarioCode maps the error a scenario run stopped with to an exit code.
func scenarioCode(ctx context.Context, err error) ExitCode {
	var le *scenarios.LoadError
	switch {
	case ctx.Err() != nil:
		return ExitInterrupted
	case errors.Is(err, runner.ErrSyncUnavailable):
		return ExitInconclusive
	case errors.As(err, &le), errors.Is(err, runner.ErrInvalidPlan):
		return ExitUsage
	}
	return ExitRuntime
}

// outcome is the error Execute maps to the worst exit code. A found race
// is not printed again: the report says it.
func outcome(ctx context.Context, worst ExitCode, first error) error {
	switch {
	case ctx.Err() != nil:
		return errInterrupted
	case worst == ExitOK:
		return nil
	case worst == ExitCheckFailed:
		return errChecksFailed
	case first == nil:
		return &exitError{code: worst, err: errors.New("a scenario could not be judged")}
	}
	return &exitError{code: worst, err: first}
}
