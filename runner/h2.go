package runner

import (
	"context"
	"errors"
	"fmt"
	"time"
)

// autoH2Hold is the hold single-packet uses when Options.Hold is
// HoldAuto: the last byte of every request (an empty DATA frame with
// END_STREAM for a bodiless one), with the HEADERS of every stream
// leading the arming write after a warming PING. That is James Kettle's
// 2024 single-packet attack, and it synchronises both kinds of server:
//
//   - one that waits for the end of a request (a handler that reads the
//     body, nginx and Apache in front of an application) gets every end
//     in the release, ten bytes a stream, one TCP segment for hundreds of
//     streams;
//   - one that acts on a head (Go's server starts a handler per HEADERS,
//     and a handler that reads no body answers at once; nginx's
//     `return`) gets every head in the arming write: the arming write is
//     then the burst, and onHeads says so.
//
// Measured with TestMeasureH2Holds (Go's server, loopback, N=20, 20
// rounds): handlers started within 39-63 µs of each other on the
// arming write, against 325-594 µs when the whole HEADERS were held and
// released (the server decodes every head and starts its handler after
// the release). Against a handler that waits, the last byte releases the
// same frames as the reference recipe of 2023 (docs/PERFORMANCE.md);
// behind Caddy, a POST handler caught the race in 9-10 of 10 rounds with
// the last byte held and 5-7 with the headers held
// (TestMeasureAutoVsLastByte). HoldHeaders stays available; a server
// that answers some requests on their heads and others only after the
// release makes the round incomplete, and auto then holds the headers.
const autoH2Hold = HoldLastByte

// h2Ping is the payload of the PING sent at arming; its answer tells that
// the server has read every arming frame before it.
func h2Ping() [8]byte { return [8]byte{'r', 'a', 'c', 'e', 't', 'e', 's', 't'} }

// h2HandshakePing is the payload of the PING sent with the preface.
func h2HandshakePing() [8]byte { return [8]byte{'r', 'a', 'c', 'e', 's', 'h', 'a', 'k'} }

// h2WarmPing is the payload of the PING sent before the arming write.
func h2WarmPing() [8]byte { return [8]byte{'r', 'a', 'c', 'e', 'w', 'a', 'r', 'm'} }

// testHookArmed, when set by a test, runs after every connection is armed
// and just before the release, in every engine.
//
//nolint:gochecknoglobals // a test hook like net/http's, nil in production
var testHookArmed func()

// runSinglePacket is the HTTP/2 engine: N streams on as few connections as
// the server allows, each connection's final frames written in one write,
// so that they travel in one TCP packet and the server reads them at once.
func runSinglePacket(ctx context.Context, p *Plan) (*Burst, error) {
	t, err := h2Origin(p)
	if err != nil {
		return nil, err
	}
	hold := p.Hold
	if hold == HoldAuto {
		hold = autoH2Hold
	}
	b := newBurst(p, ModeSinglePacket)
	b.Hold, b.Proto = hold, "HTTP/2.0"
	if p.Mode == ModeAuto {
		b.Notes = append(b.Notes, autoNote(t))
	}
	conns, err := prepareH2(ctx, t, p, b, hold)
	// A handful of connections carry every stream: progress is reported
	// once, when all of them are ready.
	p.prepared(len(p.Requests))
	defer func() {
		for _, c := range conns {
			c.close()
		}
	}()
	if err != nil {
		if cerr := ctx.Err(); cerr != nil {
			failUnfinished(b, cerr)
			return b, cerr
		}
		return nil, err
	}
	if err := checkFileLimit(b); err != nil {
		return b, err
	}
	b.Connections = len(conns)
	watch := make(chan struct{}, 1)
	for _, c := range conns {
		// A fresh deadline: preparing many connections may have taken
		// longer than the one set when this one was opened.
		c.setDeadline(ctx, time.Now().Add(p.Timeout))
		c.open = len(c.streams)
		c.watch = watch
		go c.collect(ctx, p)
	}
	armMeter := armH2(ctx, conns, p)
	if hold != HoldHeaders {
		// With whole heads held back no handler has started yet.
		settle(ctx, h2Settle(len(p.Requests)))
	}
	p.waitRelease(ctx)
	if hold != HoldHeaders && p.ReleaseAt.IsZero() {
		// As late before the release as can be: an answer that comes
		// between this look and the release makes the round two bursts.
		awaitHeads(ctx, conns, watch, p)
	}
	if err := ctx.Err(); err != nil {
		waitH2(conns)
		return b, err
	}
	if testHookArmed != nil {
		testHookArmed()
	}
	meter := h2Meter(conns)
	meter.start()
	p.spinRelease()
	releaseH2(conns)
	meter.stop()
	for _, c := range conns {
		if c.final == nil {
			continue
		}
		for i := range c.streams {
			c.streams[i].r.Released = c.released
		}
		if c.releaseErr != nil {
			c.abort(fmt.Errorf("write final frames on connection %d: %w", c.idx, c.releaseErr))
			continue
		}
		c.setDeadline(ctx, deadlineAfter(c.released, &p.Options))
	}
	waitH2(conns)
	meter.settle()
	h2Receipt(b, conns, meter)
	onHeads(b, conns, armMeter, hold, p)
	return b, nil
}

// releaseH2 writes every connection's final frames, connections back to
// back. It allocates nothing, logs nothing and takes no lock of ours; the
// results are filled in afterwards from each connection's release time.
func releaseH2(conns []*h2conn) {
	for _, c := range conns {
		if c.final == nil {
			continue
		}
		// The time is taken before the write: the bytes can be on the
		// wire, and answered, before Write returns.
		c.released = time.Now()
		_, c.releaseErr = c.nc.Write(c.final)
	}
}

// armH2 arms every connection in two steps, each written to all
// connections before any answer is awaited. First a lone PING, and its
// answer: the path and the server's reader are awake, so that what
// follows leaves and is read in one go (James Kettle's 2024 refinement).
// Then the arming buffer, which starts with the HEADERS of every stream
// and ends with a PING: when that PING comes back the server has read
// everything before it, and every byte of it is acknowledged, so the
// release leaves at once (Kettle's trick). A connection that fails or
// stays silent is not released; its reader fails its requests. The
// returned meter has measured the arming writes, from before the first
// to the last PING's answer (all of it on the wire by then), for a
// server that acts on the heads (onHeads).
func armH2(ctx context.Context, conns []*h2conn, p *Plan) *releaseMeter {
	m := h2Meter(conns)
	for _, step := range []struct {
		what  string
		bytes func(*h2conn) []byte
		acked func(*h2conn) chan struct{}
	}{
		{"warm", func(c *h2conn) []byte { return c.warmFrame }, func(c *h2conn) chan struct{} { return c.warmed }},
		{"arm", func(c *h2conn) []byte { return c.arm }, func(c *h2conn) chan struct{} { return c.pinged }},
	} {
		for _, c := range conns {
			if c.final != nil {
				// Each step waits up to the timeout for its PING, so
				// each gets a deadline of its own: the one set before
				// the first step ran out during a slow second one, and
				// the requests failed as unanswered before they were
				// even released, although the timeout counts from the
				// release.
				c.setDeadline(ctx, time.Now().Add(p.Timeout))
			}
		}
		arming := step.what == "arm"
		if arming {
			m.start()
		}
		// The writes go back to back, as the release's: on a server that
		// acts on the heads the arming write is the burst (onHeads).
		for _, c := range conns {
			if c.final == nil {
				continue
			}
			if arming {
				c.armedAt = time.Now()
			}
			if _, err := c.nc.Write(step.bytes(c)); err != nil {
				c.abort(fmt.Errorf("%s connection %d: %w", step.what, c.idx, err))
				c.final = nil
			}
		}
		timer := time.NewTimer(p.Timeout)
		for _, c := range conns {
			if c.final != nil && !awaitPing(ctx, c, step.acked(c), timer, p) {
				c.final = nil
			}
		}
		timer.Stop()
		if arming {
			m.stop()
		}
	}
	now := time.Now()
	for _, c := range conns {
		if c.final == nil {
			continue
		}
		// The same for the settle and the wait before the release.
		c.setDeadline(ctx, now.Add(p.Timeout))
		for i := range c.streams {
			c.streams[i].r.Armed = now
		}
	}
	return m
}

// h2Settle is how long the release waits after the arming PINGs came
// back when the heads were sent early: the PING answer says the server has read the heads, not that the
// handlers it started on them (Go's server starts one per HEADERS) have
// reached their read of the body; on 2 cores a thousand of them take
// tens of milliseconds. Kettle's recipe waits 100 ms here. Measured on
// loopback with scripts/bench.sh -realistic (docs/PERFORMANCE.md), N=1000
// over 4 connections: server spread 27.5 ms with this wait against 34.1
// ms without (reference recipe 25-30 ms); at N=30 and 100 no difference
// beyond the noise. 100 µs a request, at most Kettle's 100 ms.
func h2Settle(n int) time.Duration {
	return min(100*time.Millisecond, time.Duration(n)*100*time.Microsecond)
}

// settle waits d, or until ctx is done.
func settle(ctx context.Context, d time.Duration) {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
	case <-ctx.Done():
	}
}

// awaitPing waits for the answer to the arming PING. The reader may have
// ended already because the server answered every stream early; the PING
// answer still counts then, so it is looked at before the end is.
func awaitPing(ctx context.Context, c *h2conn, acked chan struct{}, timer *time.Timer, p *Plan) bool {
	select {
	case <-acked:
		return true
	case <-c.done:
	case <-timer.C:
		c.abort(fmt.Errorf("connection %d: no answer to PING within %v: %w", c.idx, p.Timeout, context.DeadlineExceeded))
	case <-ctx.Done():
	}
	select {
	case <-acked:
		return ctx.Err() == nil
	default:
		return false
	}
}

// failUnfinished fails the requests that no reader goroutine will end.
func failUnfinished(b *Burst, err error) {
	for i := range b.Results {
		if r := &b.Results[i]; r.Done.IsZero() {
			r.fail(err)
		}
	}
}

func waitH2(conns []*h2conn) {
	for _, c := range conns {
		<-c.done
	}
}

func autoNote(t target) string {
	if t.tls {
		return "auto: the target offered h2 in TLS ALPN"
	}
	return "auto: h2c (HTTP/2 without TLS) was asked for"
}

// resolveAuto picks the engine for ModeAuto: single-packet when the target
// speaks HTTP/2 (offers h2 in TLS ALPN, or the user said H2C for http://),
// last-byte otherwise. A probe that cannot connect picks last-byte, whose
// engine then records the failure on every request.
func resolveAuto(ctx context.Context, p *Plan) (Mode, error) {
	t, err := h2Origin(p)
	var serr *SyncError
	switch {
	case errors.As(err, &serr):
		return ModeLastByte, nil // several origins
	case err != nil:
		return "", err
	case !t.tls && p.H2C:
		return ModeSinglePacket, nil
	case !t.tls:
		return ModeLastByte, nil
	}
	c, err := dial(ctx, t, &p.Options, []string{"h2", "http/1.1"})
	if err != nil {
		if ctx.Err() != nil {
			return "", ctx.Err()
		}
		return ModeLastByte, nil
	}
	defer c.Close()
	if negotiated(c) == "h2" {
		return ModeSinglePacket, nil
	}
	return ModeLastByte, nil
}
