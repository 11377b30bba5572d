package runner

import (
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"sync"
	"sync/atomic"
	"time"

	"golang.org/x/sync/errgroup"
)

// dialParallelism bounds how many connections are dialled at once during
// prepare, so that a burst of thousands does not overflow the listen
// backlog of the target.
const dialParallelism = 64

// barrierSlot is one request of a barrier burst, prepared down to the
// http.Request so that the released goroutine only calls RoundTrip.
type barrierSlot struct {
	// conn is the connection the request will go on: the one dialled in
	// prepare, or the one dialled again when the server closed that one
	// during warm-up. Only the transport's dial writes it, before the
	// release.
	conn     *net.Conn
	guard    **headGuard // conn's head guard, once the transport has dialled it
	tr       *http.Transport
	req      *http.Request
	released *atomic.Bool
}

// close closes the slot's transport and connection; a slot that was
// never prepared has neither.
func (s *barrierSlot) close() {
	if s.tr != nil {
		s.tr.CloseIdleConnections()
	}
	if s.conn != nil && *s.conn != nil {
		(*s.conn).Close()
	}
}

// runBarrier is the baseline engine: one warm HTTP/1.1 connection per
// request, goroutines parked on one channel, whole requests sent with
// net/http when the channel is closed.
func runBarrier(ctx context.Context, p *Plan) (*Burst, error) {
	b := newBurst(p, ModeBarrier)
	b.Proto = "HTTP/1.1"
	slots := make([]barrierSlot, len(p.Requests))
	var released atomic.Bool
	g := new(errgroup.Group)
	g.SetLimit(dialParallelism)
	for i := range p.Requests {
		g.Go(func() error {
			defer p.prepared(1)
			s, err := prepareBarrier(ctx, p, &b.Results[i], &released)
			if err != nil {
				b.Results[i].fail(err)
				return nil
			}
			slots[i] = s
			return nil
		})
	}
	_ = g.Wait() // per-request errors are in the results
	defer func() {
		for i := range slots {
			slots[i].close()
		}
	}()
	if err := ctx.Err(); err != nil {
		return b, err
	}
	if err := checkFileLimit(b); err != nil {
		return b, err
	}
	for i := range slots {
		if slots[i].req != nil {
			b.Connections++
		}
	}

	meter := barrierArm(slots, p.Warmup == 0)
	start := make(chan struct{})
	// abort, when set before start is closed, tells the goroutines that
	// the burst was cancelled before its release: they send nothing.
	var abort error
	var ready, done sync.WaitGroup
	for i := range slots {
		if slots[i].req == nil {
			continue
		}
		ready.Add(1)
		done.Add(1)
		go func() {
			defer done.Done()
			r := &b.Results[i]
			r.Armed = time.Now()
			ready.Done()
			<-start
			if abort != nil {
				r.fail(abort)
				return
			}
			r.Released = time.Now()
			sendBarrier(&slots[i], r, p)
		}()
	}
	// Every goroutine has reached the channel before it is closed, so none
	// is still being scheduled for the first time at the release.
	ready.Wait()
	p.waitRelease(ctx)
	if err := ctx.Err(); err != nil {
		abort = err
		close(start)
		done.Wait()
		return b, err
	}
	if testHookArmed != nil {
		testHookArmed()
	}
	meter.start()
	p.spinRelease()
	released.Store(true)
	close(start)
	done.Wait()
	meter.stop()
	barrierReceipt(b, slots, meter)
	return b, nil
}

// prepareBarrier dials the connection for r, warms it and builds the request.
func prepareBarrier(ctx context.Context, p *Plan, r *Result, released *atomic.Bool) (barrierSlot, error) {
	req := &p.Requests[r.Index]
	t, err := parseTarget(req.URL)
	if err != nil {
		return barrierSlot{}, err
	}
	c, err := dial(ctx, t, &p.Options, []string{"http/1.1"})
	if err != nil {
		return barrierSlot{}, err
	}
	var conn net.Conn = newBarrierConn(c)
	s := barrierSlot{conn: &conn, guard: new(*headGuard), released: released}
	s.tr = pinnedTransport(ctx, s.conn, s.guard, t, &p.Options, released)
	if err := warmHTTP1(ctx, s.tr, t, req, &p.Options); err != nil {
		s.close()
		return barrierSlot{}, fmt.Errorf("warm-up: %w", err)
	}
	if s.req, err = newHTTPRequest(ctx, req, r); err != nil {
		s.close()
		return barrierSlot{}, err
	}
	return s, nil
}

// warmHTTP1 sends the throwaway warm-up requests on the pinned connection,
// each bounded by the timeout, so that a server that never answers one
// cannot hold the burst.
func warmHTTP1(ctx context.Context, tr *http.Transport, t target, req *Request, o *Options) error {
	u, err := warmupURL(t.url, o.WarmupURL)
	if err != nil {
		return err
	}
	for range o.Warmup {
		if err := warmOnce(ctx, tr, u.String(), req, o); err != nil {
			return err
		}
	}
	return nil
}

// warmOnce sends one warm-up HEAD and reads its answer to the end, so that
// the connection goes back to the transport for the next request.
func warmOnce(ctx context.Context, tr *http.Transport, u string, req *Request, o *Options) error {
	ctx, cancel := context.WithTimeout(ctx, o.Timeout)
	defer cancel()
	wr, err := http.NewRequestWithContext(ctx, http.MethodHead, u, nil)
	if err != nil {
		return err
	}
	wr.Header = req.Header.Clone()
	if h := wr.Header.Get("Host"); h != "" {
		wr.Host = h
	}
	resp, err := tr.RoundTrip(wr)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	_, err = io.Copy(io.Discard, resp.Body)
	return err
}

// sendBarrier sends one request and reads its response into r.
func sendBarrier(s *barrierSlot, r *Result, p *Plan) {
	(*s.conn).SetDeadline(deadlineAfter(r.Released, &p.Options))
	resp, err := s.tr.RoundTrip(s.req)
	if err != nil {
		if g := *s.guard; g != nil && g.cutShort() != nil && Classify(err) == KindOther {
			err = g.cutShort()
		}
		r.fail(lbProtocol(err))
		return
	}
	defer resp.Body.Close()
	fillResponse(r, resp, p)
}

// fillResponse copies status, headers and a capped body of resp into r.
func fillResponse(r *Result, resp *http.Response, p *Plan) {
	if r.FirstByte.IsZero() {
		r.FirstByte = time.Now()
	}
	// net/http reads "HTTP/1.1 000" as status 0, which a Result uses for
	// "no response": refused as lbReadResponse refuses it.
	if resp.StatusCode < 100 {
		r.fail(&ProtocolError{Msg: fmt.Sprintf("malformed status code %03d", resp.StatusCode)})
		return
	}
	r.Status = resp.StatusCode
	r.Proto = resp.Proto
	r.Header = resp.Header
	r.Arrival = parseArrival(resp.Header.Get(p.ArrivalHeader))
	body, total, trunc, err := readBody(resp.Body, p.BodyLimit)
	r.Body, r.BodyBytes, r.Truncated = body, total, trunc
	r.Done = time.Now()
	if err != nil {
		// net/http's body errors (bad chunking) are protocol errors, as
		// lbBody makes them for the last-byte engine.
		r.fail(lbProtocol(err))
	}
}
