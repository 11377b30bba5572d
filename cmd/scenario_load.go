package cmd

import (
	"context"
	"fmt"
	"io"
	"path/filepath"
	"strings"

	"github.com/racetest/racetest/scenarios"
)

// expandFiles expands the globs among args, for shells that leave them as
// they are (Windows, or a quoted pattern), keeping the order given and
// dropping duplicates. A plain name is kept even if it does not exist, so
// that loading says so with the name.
func expandFiles(args []string) ([]string, error) {
	var files []string
	seen := map[string]bool{}
	for _, a := range args {
		names := []string{a}
		if strings.ContainsAny(a, "*?[") {
			m, err := filepath.Glob(a)
			if err != nil {
				return nil, usageErrorf("%q: bad pattern: %v", a, err)
			}
			if len(m) == 0 {
				return nil, usageErrorf("%q matches no file", a)
			}
			names = m
		}
		for _, n := range names {
			if !seen[n] {
				seen[n] = true
				files = append(files, n)
			}
		}
	}
	return files, nil
}

// loadScenarios loads and compiles every file. It writes every problem of
// every file to w, so that one pass shows them all, and fails when any file
// is invalid: then nothing may be run. ok, when set, is told each valid file.
func loadScenarios(ctx context.Context, w io.Writer, files []string, ok func(*scenarios.Scenario)) ([]*scenarios.Scenario, error) {
	var out []*scenarios.Scenario
	bad := 0
	for _, f := range files {
		s, err := scenarios.Load(ctx, f)
		if err != nil && len(files) == 1 && unreadable(err) {
			// A file that is not there is one line: "the scenario file
			// is invalid" after it would be untrue and say nothing more.
			return nil, &codedError{code: ExitUsage, err: err}
		}
		if err != nil {
			bad++
			writeLoadErrors(w, err)
			continue
		}
		if ok != nil {
			ok(s)
		}
		out = append(out, s)
	}
	if bad > 0 {
		return nil, invalidFiles(bad, len(files))
	}
	return out, nil
}

// unreadable reports whether err is only that the file could not be read.
func unreadable(err error) bool {
	es := scenarios.AsErrors(err)
	return len(es) == 1 && es[0].Unreadable
}

// writeLoadErrors writes each problem as racetest: file:line:col: ... with
// its excerpt under it.
func writeLoadErrors(w io.Writer, err error) {
	es := scenarios.AsErrors(err)
	if es == nil {
		fmt.Fprintf(w, "racetest: %v\n", err)
		return
	}
	for _, e := range es {
		fmt.Fprintf(w, "racetest: %s\n", e.Detail())
	}
}

// invalidFiles is the exit-2 error after the problems have been written.
// It is not a usage error: the files are wrong, not the command line.
func invalidFiles(bad, total int) error {
	what := "the scenario file is invalid"
	if total > 1 {
		what = fmt.Sprintf("%d of %d scenario files are invalid", bad, total)
	}
	return &codedError{code: ExitUsage, err: fmt.Errorf("%s; fix the problems above (docs/scenarios.md has the format)", what)}
}
