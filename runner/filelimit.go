package runner

import (
	"errors"
	"fmt"
	"syscall"
)

// FileLimitError is returned by Run when connections could not be opened
// because this process (EMFILE) or the whole system (ENFILE) ran out of
// file descriptors. Nothing is sent then: a burst missing some of its
// connections is not the race that was asked for, and the limit, not the
// target, would decide which requests take part.
type FileLimitError struct {
	Failed   int // requests that could not get a connection
	Requests int // requests in the burst
	// Soft and Hard are the process's RLIMIT_NOFILE when it failed; zero
	// where the platform has none. Go raises the soft limit to the hard
	// one at start-up, so the hard limit is the one to raise.
	Soft, Hard uint64
	System     bool  // ENFILE: the system-wide table is full
	Err        error // the first such failure
}

func (e *FileLimitError) Error() string {
	what := "the process's open-file limit"
	if e.System {
		what = "the system's open-file table"
	}
	msg := fmt.Sprintf("%d of %d requests could not open a connection: %s was reached", e.Failed, e.Requests, what)
	if e.Soft > 0 {
		msg += fmt.Sprintf(" (limit %d, hard limit %d)", e.Soft, e.Hard)
	}
	return msg + ": " + e.Err.Error()
}

// Unwrap gives the first failure, whose errno is EMFILE or ENFILE.
func (e *FileLimitError) Unwrap() error { return e.Err }

// outOfFiles reports whether err is the process or the system running out
// of file descriptors.
func outOfFiles(err error) bool {
	return errors.Is(err, syscall.EMFILE) || errors.Is(err, syscall.ENFILE)
}

// checkFileLimit returns a *FileLimitError when any request of b failed
// to get a connection for want of file descriptors. Engines call it after
// prepare, before anything of the burst is sent.
func checkFileLimit(b *Burst) error {
	var e *FileLimitError
	for i := range b.Results {
		err := b.Results[i].Err
		if err == nil || !outOfFiles(err) {
			continue
		}
		if e == nil {
			e = &FileLimitError{Requests: len(b.Results), Err: err}
			e.Soft, e.Hard = fileLimit()
		}
		e.Failed++
		e.System = e.System || errors.Is(err, syscall.ENFILE)
	}
	if e == nil {
		return nil
	}
	return e
}
