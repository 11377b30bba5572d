package cmd

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/racetest/racetest/report"
	"github.com/racetest/racetest/runner"
)

// interruptedNote marks a round that an interrupt cut short.
const interruptedNote = "interrupted during this round: the responses that came back are shown, the checks were not judged"

// interruptedError is the report's error of a run of total rounds that a
// signal stopped after rounds were collected.
func interruptedError(rounds []report.Round, total int) string {
	k := len(rounds) + 1
	if n := len(rounds); n > 0 && slices.Contains(rounds[n-1].Notes, interruptedNote) {
		k = n
	}
	return fmt.Sprintf("interrupted in round %d of %d", min(k, total), total)
}

func newDocument() *report.Document {
	return &report.Document{Schema: report.Schema, Tool: "racetest " + Version, Started: time.Now()}
}

// burstError maps an error from runner.Run to an exit code.
func burstError(ctx context.Context, err error) error {
	switch {
	case ctx.Err() != nil:
		return errInterrupted
	case errors.Is(err, runner.ErrSyncUnavailable):
		return &exitError{code: ExitInconclusive, err: err}
	case errors.Is(err, runner.ErrInvalidPlan):
		return usageErrorf("%w", err)
	}
	var fe *runner.FileLimitError
	if errors.As(err, &fe) {
		return runtimeError(fileLimitError(fe, "--n"))
	}
	return runtimeError(err)
}

// fileLimitError says in one line that the open-file limit is too low for
// the burst and how to raise it; lower names what sets the burst size.
// Go raises the soft limit to the hard one at start-up, so by now the
// hard limit is what has to go up.
func fileLimitError(fe *runner.FileLimitError, lower string) error {
	if fe.System {
		return fmt.Errorf("the system's open-file table is full: %d of %d requests could not open a connection; close other programs, raise fs.file-max, or lower %s: %w",
			fe.Failed, fe.Requests, lower, fe.Err)
	}
	limit := "the open-file limit"
	if fe.Soft > 0 {
		limit = fmt.Sprintf("the open-file limit (%d)", fe.Soft)
	}
	// A connection per request, and some room for everything else.
	need := (fe.Requests + 100 + 999) / 1000 * 1000
	return fmt.Errorf("%s is too low for a burst of %d: %d requests could not open a connection; raise it with 'ulimit -n %d' in the shell that runs racetest (past the hard limit only root can), or lower %s",
		limit, fe.Requests, fe.Failed, need, lower)
}

// unreachable returns an error when no request of the burst even reached
// the server, because then nothing about the race can be judged.
func unreachable(b *runner.Burst) error {
	first := b.ConnectError()
	if first == nil {
		return nil
	}
	hint := "is the target running?"
	if runner.Classify(first) == runner.KindTLS {
		hint = tlsHint
	}
	return fmt.Errorf("target unreachable: %w (%s)", first, hint)
}
