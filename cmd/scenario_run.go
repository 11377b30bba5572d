package cmd

import (
	"context"
	"fmt"

	"github.com/racetest/racetest/scenarios"
)

// runFiles loads every file, and only when all are valid runs them in
// order through the one pipeline, which writes one report and returns the
// worst outcome.
func runFiles(ctx context.Context, o *RunOptions) error {
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
	scs, err := loadScenarios(ctx, o.App.Stderr, files, nil)
	if err != nil {
		return err
	}
	runs, err := o.runs(ctx, scs, target, vars)
	if err != nil {
		return err
	}
	return runScenarios(ctx, o.App, &o.OutputOptions, runs)
}

// target is --target, else RACETEST_TARGET, checked; "" leaves the file's.
func (o *RunOptions) target() (string, error) {
	return scenarioTarget(o.App, o.Target)
}

// scenarioTarget is the target of a scenario file's relative URLs: flag
// (--target), else RACETEST_TARGET, checked; "" leaves the file's.
func scenarioTarget(app *App, flag string) (string, error) {
	where, t := "--target", flag
	if t == "" {
		where, t = "RACETEST_TARGET", app.Getenv("RACETEST_TARGET")
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

// runs gives each scenario its options, and checks before anything is
// sent that every scenario can run with them: a var given with --var must
// exist in some scenario, and each applies to those that declare it.
func (o *RunOptions) runs(ctx context.Context, scs []*scenarios.Scenario, target string, vars map[string]any) ([]scenarioRun, error) {
	for name := range vars {
		declared := false
		for _, s := range scs {
			declared = declared || s.Declares(name)
		}
		if !declared {
			return nil, usageErrorf("--var %s: no scenario declares a var %q; declare it under vars: or check the spelling", name, name)
		}
	}
	client, err := o.client(ctx)
	if err != nil {
		return nil, err
	}
	out := make([]scenarioRun, len(scs))
	bad := 0
	for i, s := range scs {
		ro := scenarios.RunOptions{
			Target: target, Vars: map[string]any{}, Rounds: o.limit, Stop: o.stop, Client: client, Sync: o.sync(),
			AllowLarge: o.AllowLarge, Getenv: o.App.Getenv,
		}
		for name, v := range vars {
			if s.Declares(name) {
				ro.Vars[name] = v
			}
		}
		if err := s.Preflight(ro); err != nil {
			bad++
			writeLoadErrors(o.App.Stderr, err)
		}
		out[i] = scenarioRun{s: s, opts: ro}
	}
	if bad > 0 {
		return nil, &codedError{code: ExitUsage, err: fmt.Errorf("%d of %d scenarios cannot run as given; nothing was run", bad, len(scs))}
	}
	return out, nil
}
