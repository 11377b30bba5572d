// Package readfile reads the files and streams racetest is given (request
// bodies, scenario files, CA certificates, standard input) with a bound on
// their size and a context that can cancel them: a FIFO with no writer, a
// terminal nobody types into or /dev/zero must not keep Ctrl-C from working
// or fill memory.
package readfile

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
)

// TooLargeError is a file or stream longer than the limit it was read with.
// Size is the file's size when it is a regular file, else -1: a pipe or
// device is read no further than the limit.
type TooLargeError struct {
	Limit int64
	Size  int64
}

func (e *TooLargeError) Error() string {
	return fmt.Sprintf("more than %d bytes", e.Limit)
}

// File reads at most limit bytes of the file at path. Opening and reading
// happen in a goroutine, since opening a FIFO blocks until a writer comes
// and a read blocks until data does: when ctx ends first, File returns
// ctx.Err() at once and the goroutine is left to the process's exit.
func File(ctx context.Context, path string, limit int64) ([]byte, error) {
	return async(ctx, func() ([]byte, error) {
		f, err := os.Open(path)
		if err != nil {
			return nil, err
		}
		defer f.Close()
		// A regular file is read into a buffer of its size: growing one
		// as io.ReadAll does takes up to twice the size at the end.
		var hint int64
		if st, serr := f.Stat(); serr == nil && st.Mode().IsRegular() {
			hint = min(st.Size(), limit) + bytes.MinRead + 1
		}
		b, err := readAll(f, limit, hint)
		var tl *TooLargeError
		if errors.As(err, &tl) {
			if st, serr := f.Stat(); serr == nil && st.Mode().IsRegular() {
				tl.Size = st.Size()
			}
		}
		return b, err
	})
}

// All reads at most limit bytes of r, such as standard input, as File does.
func All(ctx context.Context, r io.Reader, limit int64) ([]byte, error) {
	return async(ctx, func() ([]byte, error) { return readAll(r, limit, 0) })
}

// readAll reads r up to limit+1 bytes into a buffer of hint bytes to start.
func readAll(r io.Reader, limit, hint int64) ([]byte, error) {
	buf := bytes.NewBuffer(make([]byte, 0, hint))
	if _, err := buf.ReadFrom(io.LimitReader(r, limit+1)); err != nil {
		return nil, err
	}
	b := buf.Bytes()
	if int64(len(b)) > limit {
		return nil, &TooLargeError{Limit: limit, Size: -1}
	}
	return b, nil
}

func async(ctx context.Context, read func() ([]byte, error)) ([]byte, error) {
	return Cancellable(ctx, read)
}

// Cancellable runs f in a goroutine and returns its result, or ctx.Err()
// at once when ctx ends first, leaving f to the process's exit. It is for
// the work done on what was read before anything is sent (parsing a
// 256 MiB HAR file, matching a pattern against its entries), which takes
// seconds and must not keep Ctrl-C from working.
func Cancellable[T any](ctx context.Context, f func() (T, error)) (T, error) {
	var zero T
	if err := ctx.Err(); err != nil {
		return zero, err
	}
	type result struct {
		v   T
		err error
	}
	done := make(chan result, 1)
	go func() {
		v, err := f()
		done <- result{v, err}
	}()
	select {
	case r := <-done:
		return r.v, r.err
	case <-ctx.Done():
		return zero, ctx.Err()
	}
}
