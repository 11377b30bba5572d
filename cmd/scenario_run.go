package cmd

import (
	"cmp"
	"context"
	"fmt"
	"slices"

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
	runs = o.share(files, runs)
	if err := o.oneBurst(bursts(runs)); err != nil {
		return err
	}
	return runScenarios(ctx, o.App, &o.OutputOptions, runs)
}

// bursts counts the bursts runs will send, and says where they come from.
func bursts(runs []scenarioRun) (int, string) {
	n, what := 0, ""
	for _, r := range runs {
		rounds := cmp.Or(r.opts.Rounds, r.s.Race.Rounds)
		n += rounds
		switch {
		case what != "" || rounds <= 1:
		case r.opts.Rounds > 0:
			what = fmt.Sprintf("the rounds flags fire up to %d rounds", rounds)
		default:
			what = fmt.Sprintf("%s has %d rounds", r.s.File, rounds)
		}
	}
	if what == "" {
		what = fmt.Sprintf("%d scenarios send a burst each", len(runs))
	}
	return n, what
}

// share is the runs of this machine's share of the files with --shard,
// and all of them without. Every share loads and checks every file first,
// so that a bad file fails every share as it fails a run of them all, and
// --var is checked against every scenario.
func (o *RunOptions) share(files []string, runs []scenarioRun) []scenarioRun {
	if o.Shard == "" {
		return runs
	}
	sh, _ := parseShard(o.Shard) // checked in validateFlags
	sh.Files = len(files)
	o.shard = sh
	mine := shareOf(files, sh)
	if len(mine) == 0 {
		// A fleet may have more machines than files. The empty document
		// still goes out, with its shard, so that merge sees every share.
		fmt.Fprintf(o.App.Stderr, "racetest: --shard %s: no file falls to this share of %d files; nothing to run\n", o.Shard, len(files))
	}
	// runs holds a run per file, in the order of files.
	out := make([]scenarioRun, len(mine))
	for i, p := range mine {
		out[i] = runs[p]
	}
	return out
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
	values, err := readValues(ctx, o.Values)
	if err != nil {
		return nil, err
	}
	for name := range values {
		if !slices.ContainsFunc(scs, func(s *scenarios.Scenario) bool { return s.DeclaresValues(name) }) {
			return nil, usageErrorf("--values %s=...: no scenario declares values %q; declare them under values: (the file's list is replaced) or check the spelling", name, name)
		}
	}
	client, err := o.client(ctx, o.App.Getenv)
	if err != nil {
		return nil, err
	}
	out := make([]scenarioRun, len(scs))
	bad := 0
	for i, s := range scs {
		ro := scenarios.RunOptions{
			Target: target, Vars: map[string]any{}, Rounds: o.limit, Stop: o.stop, Client: client, Sync: o.sync(),
			AllowLarge: o.AllowLarge, Getenv: o.App.Getenv, Values: map[string][]string{},
		}
		for name, vs := range values {
			if s.DeclaresValues(name) {
				ro.Values[name] = vs
			}
		}
		ro.Sync.ReleaseAt = o.at
		for name, v := range vars {
			if s.Declares(name) {
				ro.Vars[name] = v
			}
		}
		out[i] = o.startRun(o.App, s, ro)
		if r := &out[i]; r.err == nil && !s.Race.H2C {
			// The target is known once the session has worked it out:
			// --target's, or the file's. A file that turns race.h2c on
			// speaks h2c in steps and burst alike.
			if err := o.checkHTTP2Scheme(r.ss.Target()); err != nil {
				r.err = usageErrorf("%s: %w", s.File, err)
			}
		}
		if err := out[i].err; err != nil {
			bad++
			writeLoadErrors(o.App.Stderr, err)
		}
	}
	if bad > 0 {
		return nil, &codedError{code: ExitUsage, err: fmt.Errorf("%d of %d scenarios cannot run as given; nothing was run", bad, len(scs))}
	}
	return out, nil
}
