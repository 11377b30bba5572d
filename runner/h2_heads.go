package runner

import (
	"context"
	"fmt"
	"time"
)

// A burst on the heads. The arming write of every connection starts with
// the HEADERS of all its streams, connections back to back (armH2), as
// the release writes their ends. A server that acts on a head, such as
// Go's, which starts a handler per HEADERS, and a handler that reads no
// body, answers before the release: then the arming write, not the
// release, brought the requests to the server together, and it is the
// burst (James Kettle's 2024 refinement of the single-packet attack is
// there for exactly these servers). A round counts as raced when every
// request was answered on its head, or every one after the release; a
// mix of the two is not one burst but two, and stays incomplete (cause
// early).

// settledOne counts one more stream of c that the server began to
// answer (answered set), or that ended without an answer. The reader
// goroutine calls it once a stream.
func (c *h2conn) settledOne(answered bool) {
	if answered {
		c.answered.Store(true)
	}
	c.settled.Add(1)
	select {
	case c.watch <- struct{}{}: // nil outside a burst (the fuzz tests): never ready
	default:
	}
}

// awaitHeads holds the release back while the server is answering on the
// heads: once it has begun to answer any stream before the release, the
// release waits until it has begun on every stream (or ended it), at
// most half the timeout. A server that acts on heads then answers every
// request before the release, and the round counts as a burst on the
// heads; without the wait a handler slower than the arming would straddle
// the release, and the round would read as incomplete. A server that
// waits for the ends answers nothing before the release, and nothing
// waits here; streams that failed before it (a GOAWAY, a reset) do not
// start the wait either. The streams still open after the wait get their
// ends in the release as usual.
func awaitHeads(ctx context.Context, conns []*h2conn, watch <-chan struct{}, p *Plan) {
	answering := func() (some, all bool) {
		all = true
		for _, c := range conns {
			if c.final == nil {
				continue
			}
			some = some || c.answered.Load()
			all = all && int(c.settled.Load()) >= len(c.streams)
		}
		return some, all
	}
	if some, _ := answering(); !some {
		return
	}
	// The wait is ours, not the server's: the deadline set before the
	// arming could run out during it, and the streams still waiting would
	// fail as timed out before they were even released, although the
	// timeout counts from the release. A fresh one outlasts the wait.
	for _, c := range conns {
		if c.final != nil {
			c.setDeadline(ctx, time.Now().Add(p.Timeout))
		}
	}
	timer := time.NewTimer(p.Timeout / 2)
	defer timer.Stop()
	for {
		if _, all := answering(); all {
			return
		}
		select {
		case <-watch:
		case <-timer.C:
			return
		case <-ctx.Done():
			return
		}
	}
}

// onHeads looks, after the collect, at whether the server answered every
// request of the burst on its head, before the release. If so the arming
// write was the burst: each request's Released becomes its connection's
// arming write, the receipt counts that write (arm), and a note says so.
// Not for whole heads held (nothing can be answered early then), nor for
// a burst released at a set time (Sync.ReleaseAt), whose processes arm
// at different times: only the release is shared there.
func onHeads(b *Burst, conns []*h2conn, arm *releaseMeter, hold Hold, p *Plan) {
	if hold == HoldHeaders || !p.ReleaseAt.IsZero() {
		return
	}
	n := 0
	for _, c := range conns {
		if c.final == nil || c.armedAt.IsZero() {
			return
		}
		for i := range c.streams {
			// An answer before the arming write (a hostile server's, on
			// ids it guessed) answered no request of this burst.
			r := c.streams[i].r
			if !began(r) || r.Released.IsZero() || !r.FirstByte.Before(r.Released) || r.FirstByte.Before(c.armedAt) {
				return
			}
			n++
		}
	}
	if n != len(b.Results) || n == 0 {
		return // some requests had no connection
	}
	heads := 0
	for _, c := range conns {
		for i := range c.streams {
			c.streams[i].r.Armed, c.streams[i].r.Released = c.armedAt, c.armedAt
		}
		heads += c.headsLen
	}
	rc := &b.Receipt
	*rc = Receipt{Heads: true, Connections: len(conns), Writes: len(conns)}
	for _, c := range conns {
		rc.Bytes += int64(len(c.arm))
	}
	arm.fill(rc)
	b.Notes = append(b.Notes, fmt.Sprintf(
		"the server answered all %d requests on their HEADERS, before the release: it acts on a request's head, so the burst was the arming write, which carried every stream's HEADERS (%d bytes) at its start, one write per connection; the receipt counts that write",
		n, heads))
}
