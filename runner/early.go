package runner

import (
	"fmt"
	"time"
)

// markEarly sets Result.Early on every response that began before its
// request was released, and notes how many there were. It runs once, after
// the collect, for every engine, so that single-packet, last-byte and
// barrier say it the same way. Each engine only has to stamp FirstByte at
// the moment the first response byte came off the connection, whenever
// that was: the last-byte and barrier engines read from before the release
// for exactly this reason.
func markEarly(b *Burst) {
	n := 0
	for i := range b.Results {
		r := &b.Results[i]
		r.Early = began(r) && (r.Released.IsZero() || r.FirstByte.Before(r.Released))
		if r.Early {
			n++
		}
	}
	if n == 0 {
		return
	}
	why := fmt.Sprintf("the server answered before the request was complete, so they were not held (hold %s)", b.Hold)
	if b.Mode == ModeBarrier {
		why = "the server answered before the request was sent"
	}
	b.Notes = append(b.Notes, fmt.Sprintf("%d of %d responses arrived before the release: %s", n, len(b.Results), why))
}

// began reports whether any of a response arrived.
func began(r *Result) bool { return !r.FirstByte.IsZero() }

// stampFirst records t as the first response byte unless an earlier one
// is known.
func (r *Result) stampFirst(t time.Time) {
	if !t.IsZero() && (r.FirstByte.IsZero() || t.Before(r.FirstByte)) {
		r.FirstByte = t
	}
}
