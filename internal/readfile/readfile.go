// Package readfile reads the files and streams racetest is given (request
// bodies, scenario files, CA certificates, standard input) with a bound on
// their size and a context that can cancel them: a FIFO with no writer, a
// terminal nobody types into or /dev/zero must not keep Ctrl-C from working
// or fill memory.
package readfile

import (
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
		b, err := readAll(f, limit)
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
	return async(ctx, func() ([]byte, error) { return readAll(r, limit) })
}

func readAll(r io.Reader, limit int64) ([]byte, error) {
	b, err := io.ReadAll(io.LimitReader(r, limit+1))
	if err != nil {
		return nil, err
	}
	if int64(len(b)) > limit {
		return nil, &TooLargeError{Limit: limit, Size: -1}
	}
	return b, nil
}

type result struct {
	b   []byte
	err error
}

func async(ctx context.Context, read func() ([]byte, error)) ([]byte, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	done := make(chan result, 1)
	go func() {
		b, err := read()
		done <- result{b, err}
	}()
	select {
	case r := <-done:
		return r.b, r.err
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}
