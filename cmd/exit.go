package cmd

import (
	"errors"
	"fmt"
)

// ExitCode is racetest's process exit status. This table is the only place
// exit codes are defined; README.md and `racetest --help` repeat it.
type ExitCode int

// The exit codes.
const (
	ExitOK           ExitCode = 0   // every check held in every round
	ExitCheckFailed  ExitCode = 1   // a check failed: a race was found
	ExitUsage        ExitCode = 2   // bad flag, YAML or expression
	ExitRuntime      ExitCode = 3   // the race could not be judged: target unreachable, setup failed
	ExitInconclusive ExitCode = 4   // the requested synchronisation could not be achieved
	ExitInterrupted  ExitCode = 130 // interrupted by a signal
)

// exitCodesHelp is shown in `racetest --help` and mirrored in README.md.
const exitCodesHelp = `Exit codes:
  0    every check held in every round
  1    a check failed: a race was found
  2    usage or scenario error (bad flag, YAML, expression)
  3    runtime error before the race could be judged (target unreachable, setup failed)
  4    inconclusive: the requested synchronisation could not be achieved
  130  interrupted`

// exitError carries an exit code up to Execute. hint, when set, is printed
// on its own line after the message.
type exitError struct {
	code  ExitCode
	err   error
	usage bool // print "see --help" after the message
}

func (e *exitError) Error() string { return e.err.Error() }
func (e *exitError) Unwrap() error { return e.err }

// usageErrorf is bad input from the user: exit 2.
func usageErrorf(format string, args ...any) error {
	return &exitError{code: ExitUsage, err: fmt.Errorf(format, args...), usage: true}
}

// runtimeError is a fault that stopped the race before it could be judged.
func runtimeError(err error) error { return &exitError{code: ExitRuntime, err: err} }

// errChecksFailed is returned when the run worked and found a race. It is
// not printed as an error: the report already says what failed.
var errChecksFailed = errors.New("a check failed")

// codeOf maps an error from a command to its exit code.
func codeOf(err error) ExitCode {
	var ee *exitError
	switch {
	case err == nil:
		return ExitOK
	case errors.Is(err, errInterrupted):
		return ExitInterrupted
	case errors.Is(err, errChecksFailed):
		return ExitCheckFailed
	case errors.As(err, &ee):
		return ee.code
	}
	// Anything cobra itself rejects (unknown flag, bad value) is usage.
	return ExitUsage
}
