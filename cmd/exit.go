package cmd

import (
	"context"
	"errors"
	"fmt"

	"github.com/racetest/racetest/runner"
	"github.com/racetest/racetest/scenarios"
)

// ExitCode is racetest's process exit status. This table is the only place
// exit codes are defined; README.md and `racetest --help` repeat it.
type ExitCode int

// The exit codes.
const (
	ExitOK           ExitCode = 0   // every check held in every round
	ExitCheckFailed  ExitCode = 1   // a check failed: a race was found
	ExitUsage        ExitCode = 2   // bad flag, file, YAML or expression
	ExitRuntime      ExitCode = 3   // the race could not be judged: target unreachable, setup failed
	ExitInconclusive ExitCode = 4   // the synchronisation could not be had, or too few rounds were complete
	ExitInterrupted  ExitCode = 130 // interrupted by a signal
)

// exitCodesHelp is shown in `racetest --help` and mirrored in README.md.
const exitCodesHelp = `Exit codes:
  0    every check held in every round
  1    a check failed: a race was found
  2    usage or scenario error (bad flag, YAML, expression)
  3    runtime error before the race could be judged (target unreachable, setup failed)
  4    inconclusive: the requested synchronisation could not be achieved, or too few rounds were complete to judge
  130  interrupted
Of several outcomes (scenarios of run, results of merge) the graver wins:
130, then 2, 4, 3, 1, 0.`

// worse is the graver of two outcomes, for the one exit code of several
// scenarios (run) or of several saved results (merge). From the gravest:
// 130 (the work was cut short), 2 (part of it was wrongly given, so never
// ran), 4 and 3 (part of it could not be judged), 1 (a race was found),
// 0. Every code but 0 fails a CI gate, so a pass never hides anything;
// the order only picks which one to say, and it puts "the verdict is
// partial" above "a race was found" because the report lists the races
// either way, while a broken or unjudged part is easy to overlook.
func worse(a, b ExitCode) ExitCode {
	if severity(b) > severity(a) {
		return b
	}
	return a
}

// severity ranks exit codes for worse. A code this version does not know
// (from a saved result of another version) ranks as a runtime error.
func severity(c ExitCode) int {
	switch c {
	case ExitOK:
		return 0
	case ExitCheckFailed:
		return 1
	case ExitRuntime:
		return 2
	case ExitInconclusive:
		return 3
	case ExitUsage:
		return 4
	case ExitInterrupted:
		return 5
	}
	return 2
}

// usageError is a mistake on the command line: exit 2, and the message is
// followed by a pointer to --help.
type usageError struct{ err error }

func (e *usageError) Error() string { return e.err.Error() }
func (e *usageError) Unwrap() error { return e.err }

// usageErrorf is bad input on the command line: exit 2.
func usageErrorf(format string, args ...any) error {
	return &usageError{err: fmt.Errorf(format, args...)}
}

// codedError carries an exit code that was decided where no error type
// says it: the worst outcome of several scenarios, or a saved run's.
type codedError struct {
	code ExitCode
	err  error
}

func (e *codedError) Error() string { return e.err.Error() }
func (e *codedError) Unwrap() error { return e.err }

// errChecksFailed is returned when the run worked and found a race. It is
// not printed as an error: the report already says what failed.
var errChecksFailed = errors.New("a check failed")

// errInterrupted marks a run stopped by a signal.
var errInterrupted = errors.New("interrupted")

// exitCode maps an error to its exit code: the one place where that is
// decided. Errors carry their meaning from where it is known; what no
// type claims is a runtime fault (3), never a usage error.
func exitCode(err error) ExitCode {
	var (
		ce *codedError
		ue *usageError
		le *scenarios.LoadError
		fe scenarios.Errors
	)
	switch {
	case err == nil:
		return ExitOK
	case errors.As(err, &ce):
		return ce.code
	case errors.Is(err, errInterrupted), errors.Is(err, context.Canceled):
		return ExitInterrupted
	case errors.Is(err, errChecksFailed):
		return ExitCheckFailed
	case errors.As(err, &ue), errors.As(err, &le), errors.As(err, &fe), errors.Is(err, runner.ErrInvalidPlan):
		return ExitUsage
	case errors.Is(err, runner.ErrSyncUnavailable), errors.Is(err, scenarios.ErrInconclusive):
		return ExitInconclusive
	}
	return ExitRuntime
}
