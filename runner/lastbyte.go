package runner

import (
	"context"
	"fmt"
	"net"
	"sync"
	"time"

	"golang.org/x/sync/errgroup"
)

// runLastByte is the HTTP/1.1 engine: one connection per request, every
// request written but for a final fragment (the hold), then all the final
// fragments written in one tight loop.
func runLastByte(ctx context.Context, p *Plan) (*Burst, error) {
	b := newBurst(p, ModeLastByte)
	b.Proto = "HTTP/1.1"
	b.Hold = lbHold(p.Hold)
	slots := lbPrepare(ctx, p, b)
	defer lbClose(slots)
	if err := ctx.Err(); err != nil {
		return b, err
	}
	if err := checkFileLimit(b); err != nil {
		return b, err
	}
	dl := &lbDeadlines{slots: slots}
	stop := context.AfterFunc(ctx, dl.cancel)
	defer stop()

	// The collectors start before the arming, and the arming waits until
	// each is about to read, so that each is parked in a read, not waiting
	// to be scheduled, by the time the release comes: an answer that
	// arrives before the release is then stamped when it arrives.
	start := make(chan struct{})
	var abort error
	var ready, done sync.WaitGroup
	for i := range slots {
		if slots[i].conn == nil {
			continue
		}
		ready.Add(1)
		done.Add(1)
		go func() {
			defer done.Done()
			slots[i].collect(ctx, p, start, &abort, ready.Done)
		}()
	}
	ready.Wait()
	fire := lbArm(slots, b, p, dl)
	p.waitRelease(ctx)
	if err := ctx.Err(); err != nil {
		// Cancelled before the release: nothing more is sent.
		abort = err
		lbClose(slots)
		close(start)
		done.Wait()
		return b, err
	}
	if testHookArmed != nil {
		testHookArmed()
	}
	meter := lbMeter(fire)
	meter.start()
	p.spinRelease()
	lbRelease(fire)
	meter.stop()
	// Deadlines count from each request's own release, and are set only
	// now so that the release loop does nothing but write.
	dl.each(func(s *lbSlot) {
		if s.armed {
			s.conn.SetDeadline(deadlineAfter(s.res.Released, &p.Options))
		}
	})
	close(start)
	done.Wait()
	meter.settle()
	lbReceipt(b, fire, meter)
	return b, nil
}

// lbPrepare encodes, dials and warms one connection per request, in
// parallel but bounded. Failures are recorded in the results.
func lbPrepare(ctx context.Context, p *Plan, b *Burst) []lbSlot {
	slots := make([]lbSlot, len(p.Requests))
	g := new(errgroup.Group)
	g.SetLimit(dialParallelism)
	for i := range slots {
		s := &slots[i]
		s.res = &b.Results[i]
		g.Go(func() error {
			defer p.prepared(1)
			if err := s.prepare(ctx, p); err != nil {
				if s.conn != nil {
					s.conn.Close()
					s.conn = nil
				}
				s.res.fail(err)
			}
			return nil
		})
	}
	_ = g.Wait() // per-request errors are in the results
	return slots
}

// lbClose closes every connection of the burst.
func lbClose(slots []lbSlot) {
	for i := range slots {
		if slots[i].conn != nil {
			slots[i].conn.Close()
		}
	}
}

// lbFire is what the release loop touches for one connection. They sit in
// one slice, and the final fragments in one array, so that the loop walks
// memory in order and allocates nothing.
type lbFire struct {
	conn  net.Conn
	final []byte
	at    *time.Time // the Result's Released
	werr  *error     // the slot's werr
}

// lbArm writes all but the final fragment of every prepared request and
// returns, for the armed ones, what the release needs.
func lbArm(slots []lbSlot, b *Burst, p *Plan, dl *lbDeadlines) []lbFire {
	n, total := 0, 0
	for i := range slots {
		if s := &slots[i]; s.conn != nil {
			n++
			total += len(s.enc.wire) - s.enc.cut(b.Hold)
		}
	}
	arena := make([]byte, 0, total)
	fire := make([]lbFire, 0, n)
	// A server that stops reading must not hold the arming, or the release,
	// for longer than the timeout.
	wd := time.Now().Add(p.Timeout)
	dl.each(func(s *lbSlot) { s.conn.SetWriteDeadline(wd) })
	for i := range slots {
		s := &slots[i]
		if s.conn == nil {
			continue
		}
		cut := s.enc.cut(b.Hold)
		if _, err := s.conn.Write(s.enc.wire[:cut]); err != nil {
			s.res.fail(fmt.Errorf("arm: %w", err))
			s.conn.Close() // its collector returns, and records nothing
			continue
		}
		s.res.Armed = time.Now()
		s.armed = true
		lo := len(arena)
		arena = append(arena, s.enc.wire[cut:]...)
		fire = append(fire, lbFire{conn: s.conn, final: arena[lo:len(arena):len(arena)], at: &s.res.Released, werr: &s.werr})
	}
	b.Connections = len(fire)
	return fire
}

// lbRelease writes every final fragment, one connection after the other.
// It must stay free of allocation, logging and locks: its duration is the
// release spread. The time is taken before the write because the write is
// what lets the server complete the request.
func lbRelease(fire []lbFire) {
	for i := range fire {
		f := &fire[i]
		*f.at = time.Now()
		_, *f.werr = f.conn.Write(f.final)
	}
}

// lbDeadlines orders deadline changes against the cancellation of the
// burst: once ctx is done every connection gets a past deadline, so that
// blocked reads and writes return at once, and no later deadline may undo it.
type lbDeadlines struct {
	mu        sync.Mutex
	cancelled bool
	slots     []lbSlot
}

func (d *lbDeadlines) cancel() {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.cancelled = true
	for i := range d.slots {
		if c := d.slots[i].conn; c != nil {
			c.SetDeadline(aLongTimeAgo())
		}
	}
}

// each calls f for every connected slot, unless the burst was cancelled.
func (d *lbDeadlines) each(f func(*lbSlot)) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.cancelled {
		return
	}
	for i := range d.slots {
		if d.slots[i].conn != nil {
			f(&d.slots[i])
		}
	}
}
