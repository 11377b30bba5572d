package runner

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"time"
)

// lbALPN is offered on TLS connections: this engine speaks HTTP/1.1 only.
func lbALPN() []string { return []string{"http/1.1"} }

// lbMaxInformational bounds the 1xx responses skipped before the final one.
const lbMaxInformational = 8

// lbSlot is one connection of a last-byte burst and the request it carries.
type lbSlot struct {
	res  *Result
	t    target
	enc  lbEncoded // the request of the burst
	warm lbEncoded // the warm-up HEAD; unused when Options.Warmup is 0
	conn net.Conn  // nil when prepare failed
	in   *lbStampReader
	head *headGuard // between in and br: bounds every response head
	br   *bufio.Reader
	// Set by the arming and releasing goroutine before the collector may
	// look at them (the start channel orders the two).
	armed bool
	werr  error // from writing the final fragment
}

// lbStampReader notes when the first byte arrived on its connection.
type lbStampReader struct {
	c     net.Conn
	first time.Time
}

func (s *lbStampReader) Read(p []byte) (int, error) {
	n, err := s.c.Read(p)
	if n > 0 && s.first.IsZero() {
		s.first = time.Now()
	}
	return n, err
}

// prepare encodes the request, dials its connection and warms it.
func (s *lbSlot) prepare(ctx context.Context, p *Plan) error {
	rq := &p.Requests[s.res.Index]
	var err error
	if s.t, err = parseTarget(rq.URL); err != nil {
		return err
	}
	if s.enc, err = lbEncode(rq.Method, rq.URL, rq.Header, rq.Body); err != nil {
		return fmt.Errorf("encode request: %w", err)
	}
	if p.Warmup > 0 {
		wu, err := warmupURL(s.t.url, p.WarmupURL)
		if err != nil {
			return err
		}
		if s.warm, err = lbEncode(http.MethodHead, wu.String(), rq.Header, nil); err != nil {
			return fmt.Errorf("encode warm-up request: %w", err)
		}
	}
	if err := s.connect(ctx, p); err != nil {
		return err
	}
	if err := s.warmUp(ctx, p); err != nil {
		return err
	}
	// Warm-up left a deadline behind; the reader that will sit on this
	// connection until the release must not inherit it.
	return s.conn.SetDeadline(time.Time{})
}

// connect dials (or dials again) the slot's connection.
func (s *lbSlot) connect(ctx context.Context, p *Plan) error {
	c, err := dial(ctx, s.t, &p.Options, lbALPN())
	if err != nil {
		return err
	}
	s.conn = c
	s.in = &lbStampReader{c: c}
	s.head = newHeadGuard(s.in)
	if s.br == nil {
		s.br = bufio.NewReader(s.head)
	} else {
		s.br.Reset(s.head)
	}
	return nil
}

// warmUp sends Options.Warmup HEAD requests and reads every answer. A
// connection the server closes (or says it will close) is dialled again:
// before the release a new connection costs nothing, and the burst must
// start on one that is open. Each warm-up dials at most once, so this ends.
func (s *lbSlot) warmUp(ctx context.Context, p *Plan) error {
	for range p.Warmup {
		open, err := s.warmOnce(ctx, p)
		if cerr := ctx.Err(); cerr != nil {
			return cerr
		}
		if err != nil && Classify(err) != KindReset {
			return fmt.Errorf("warm-up: %w", err)
		}
		if open && err == nil {
			continue
		}
		s.conn.Close()
		if err := s.connect(ctx, p); err != nil {
			return fmt.Errorf("dial again after warm-up: %w", err)
		}
	}
	return nil
}

// warmOnce sends one warm-up request and reads its response; open says
// whether the server will keep the connection.
func (s *lbSlot) warmOnce(ctx context.Context, p *Plan) (open bool, err error) {
	c := s.conn
	stop := context.AfterFunc(ctx, func() { c.SetDeadline(aLongTimeAgo()) })
	defer stop()
	if err := c.SetDeadline(time.Now().Add(p.Timeout)); err != nil {
		return false, err
	}
	if _, err := c.Write(s.warm.wire); err != nil {
		return false, err
	}
	s.head.expectHead()
	resp, err := lbReadResponse(s.br, s.head, s.warm.req)
	if err != nil {
		return false, err
	}
	_, err = io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	return !resp.Close, err
}

// collect reads the response of the burst's request once it arrives. It
// blocks in Read from before the arming, so that no collector is still
// being scheduled at the release; it writes into the Result only after
// start is closed, when the release loop is done with it. abort, read after
// start, is non-nil when the burst was cancelled before the release. It
// calls reading just before its first read.
func (s *lbSlot) collect(ctx context.Context, p *Plan, start <-chan struct{}, abort *error, reading func()) {
	s.in.first = time.Time{} // warm-up answers do not count
	s.head.expectHead()
	reading()
	resp, err := lbReadResponse(s.br, s.head, s.enc.req)
	<-start
	r := s.res
	if resp != nil {
		defer resp.Body.Close()
	}
	switch {
	case *abort != nil:
		r.fail(*abort)
		return
	case !s.armed:
		return // the arming failure is already recorded
	}
	if !s.in.first.IsZero() {
		r.FirstByte = s.in.first
	}
	if err != nil {
		if s.werr != nil {
			err = fmt.Errorf("write final fragment: %w", s.werr)
		}
		if cerr := ctx.Err(); cerr != nil {
			err = fmt.Errorf("%w: %w", cerr, err)
		}
		r.fail(err)
		return
	}
	resp.Body = lbBody{resp.Body}
	fillResponse(r, resp, p)
	if r.Err != nil && ctx.Err() != nil {
		r.fail(fmt.Errorf("%w: %w", ctx.Err(), r.Err))
	}
}

// lbReadResponse reads the final response to req, skipping informational
// 1xx answers (but not 101), and reports what could not be parsed as a
// ProtocolError so that garbage is told apart from a broken connection.
func lbReadResponse(br *bufio.Reader, head *headGuard, req *http.Request) (*http.Response, error) {
	for range lbMaxInformational {
		resp, err := http.ReadResponse(br, req)
		if err != nil {
			if cut := head.cutShort(); cut != nil && Classify(err) == KindOther {
				return nil, cut
			}
			return nil, lbProtocol(err)
		}
		// net/http reads "HTTP/1.1 000" as status 0, which a Result uses
		// for "no response"; the HTTP/2 engine refuses it too.
		if resp.StatusCode < 100 {
			resp.Body.Close()
			return nil, &ProtocolError{Msg: fmt.Sprintf("malformed status code %03d", resp.StatusCode)}
		}
		if resp.StatusCode >= 200 || resp.StatusCode == http.StatusSwitchingProtocols {
			return resp, nil
		}
		resp.Body.Close()
	}
	return nil, &ProtocolError{Msg: "too many informational responses"}
}

// lbProtocol wraps errors that are not transport failures (a malformed
// status line, bad chunking) as a ProtocolError and leaves the rest alone.
// A ProtocolError of our own inside net/http's wrapping (a head guard's)
// is returned bare, so that every engine words it the same.
func lbProtocol(err error) error {
	var perr *ProtocolError
	if errors.As(err, &perr) && !errors.Is(err, context.Canceled) {
		return perr
	}
	if Classify(err) == KindOther {
		return &ProtocolError{Msg: err.Error()}
	}
	return err
}

// lbBody classifies the errors of a response body as lbReadResponse does
// for its head. io.EOF passes through untouched.
type lbBody struct{ io.ReadCloser }

func (b lbBody) Read(p []byte) (int, error) {
	n, err := b.ReadCloser.Read(p)
	if err != nil && !errors.Is(err, io.EOF) {
		err = lbProtocol(err)
	}
	return n, err
}
