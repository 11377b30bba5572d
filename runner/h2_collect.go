package runner

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"syscall"
	"time"

	"golang.org/x/net/http2"
)

// h2stream is one race request on a connection.
type h2stream struct {
	id       uint32
	r        *Result
	done     bool
	recvUsed int64 // DATA bytes since our last stream WINDOW_UPDATE
}

// h2ResetError is a request the server reset with RST_STREAM, or did not
// process before a GOAWAY. It unwraps to ECONNRESET so that Classify
// tallies it as KindReset like a reset connection.
type h2ResetError struct {
	stream uint32
	code   http2.ErrCode
	goaway bool
	last   uint32 // GOAWAY's last processed stream
	debug  string
}

func (e *h2ResetError) Error() string {
	if !e.goaway {
		return fmt.Sprintf("stream %d reset by the server: %v", e.stream, e.code)
	}
	msg := fmt.Sprintf("GOAWAY from the server (%v, last stream %d", e.code, e.last)
	if e.debug != "" {
		msg += fmt.Sprintf(", %q", e.debug)
	}
	if e.stream == 0 {
		return msg + ")"
	}
	return fmt.Sprintf("%s): stream %d was not processed", msg, e.stream)
}

func (e *h2ResetError) Unwrap() error { return syscall.ECONNRESET }

// collect is the connection's reader goroutine. It maps frames to the
// results of its streams until every stream has ended and the PING sent
// at arming has been answered, or the connection fails; then every stream
// still open fails with the reason.
func (c *h2conn) collect(ctx context.Context, p *Plan) {
	defer close(c.done)
	for c.open > 0 || !c.acked {
		f, err := c.fr.ReadFrame()
		var se http2.StreamError
		if errors.As(err, &se) {
			c.finish(c.stream(se.StreamID), &ProtocolError{Msg: fmt.Sprintf("stream %d: %v", se.StreamID, se)})
			continue
		}
		if lerr := h2HeadLimit(f, err); lerr != nil {
			c.failOpen(fmt.Errorf("connection %d to %s: %w", c.idx, c.t.addr, lerr))
			return
		}
		if err != nil {
			c.failOpen(c.readErr(ctx, p, err))
			return
		}
		if err := c.handle(f, p); err != nil {
			c.failOpen(err)
			return
		}
	}
}

// h2HeadLimit names the bound when the framer gave up on a header block
// for its size: it then returns the block, cut short, with a connection
// error (HPACK state is per connection, so every stream on it is lost).
// A single field longer than the bound is refused by the HPACK decoder
// as a COMPRESSION_ERROR, which nothing else tells apart.
func h2HeadLimit(f http2.Frame, err error) error {
	mh, ok := f.(*http2.MetaHeadersFrame)
	var ce http2.ConnectionError
	if err == nil || !ok || !errors.As(err, &ce) {
		return nil
	}
	switch {
	case mh.Truncated:
		return errHeadTooLarge()
	case http2.ErrCode(ce) == http2.ErrCodeCompression:
		return &ProtocolError{Msg: fmt.Sprintf("%v: a header field over the response head limit of %d bytes (1 MiB), or a broken HPACK block", err, MaxResponseHead)}
	}
	return nil
}

// readErr says why reading stopped: an abort or cancellation explains a
// deadline in the past better than the deadline itself does.
func (c *h2conn) readErr(ctx context.Context, p *Plan, err error) error {
	if a := c.aborted.Load(); a != nil {
		return *a
	}
	if ctx.Err() != nil {
		return fmt.Errorf("connection %d: %w (%w)", c.idx, ctx.Err(), err)
	}
	err = h2ReadError(c.fr, err)
	var ne interface{ Timeout() bool }
	if errors.As(err, &ne) && ne.Timeout() {
		return fmt.Errorf("no response within %v: %w", p.Timeout, err)
	}
	return fmt.Errorf("connection %d to %s: %w", c.idx, c.t.addr, err)
}

func (c *h2conn) handle(f http2.Frame, p *Plan) error {
	switch f := f.(type) {
	case *http2.MetaHeadersFrame:
		c.onHeaders(f, p)
	case *http2.DataFrame:
		return c.onData(f, p)
	case *http2.RSTStreamFrame:
		c.finish(c.stream(f.StreamID), &h2ResetError{stream: f.StreamID, code: f.ErrCode})
	case *http2.GoAwayFrame:
		// Streams up to LastStreamID are still answered; the rest never
		// will be.
		for i := range c.streams {
			if s := &c.streams[i]; s.id > f.LastStreamID {
				c.finish(s, &h2ResetError{stream: s.id, goaway: true, code: f.ErrCode, last: f.LastStreamID, debug: string(f.DebugData())})
			}
		}
	default:
		return c.control(f)
	}
	return nil
}

// stream finds a race stream by id, or nil for anything else.
func (c *h2conn) stream(id uint32) *h2stream {
	if len(c.streams) == 0 || id < c.streams[0].id || id%2 == 0 {
		return nil
	}
	if i := int(id-c.streams[0].id) / 2; i < len(c.streams) {
		return &c.streams[i]
	}
	return nil
}

func (c *h2conn) onHeaders(f *http2.MetaHeadersFrame, p *Plan) {
	s := c.stream(f.StreamID)
	if s == nil || s.done {
		return
	}
	r := s.r
	info := informational(r, f)
	if r.FirstByte.IsZero() && !info {
		r.FirstByte = time.Now()
		c.settledOne(true)
	}
	// The framer stops keeping fields past MaxResponseHead and says so;
	// a head cut short is not passed on as if whole.
	switch {
	case f.Truncated:
		c.finish(s, errHeadTooLarge())
		return
	case len(f.RegularFields()) > MaxResponseHeaders:
		c.finish(s, errTooManyHeaders())
		return
	}
	if r.Status != 0 { // trailers
		// Trailer frames without END_STREAM could follow one another
		// for ever: head and trailers together keep within the bounds.
		n, size := headerSize(r.Header)
		for _, hf := range f.RegularFields() {
			n, size = n+1, size+int(hf.Size())
		}
		if err := errHeadBounds(n, size); err != nil {
			c.finish(s, err)
			return
		}
		for _, hf := range f.RegularFields() {
			r.Header.Add(hf.Name, hf.Value)
		}
	} else {
		code, err := strconv.Atoi(f.PseudoValue("status"))
		switch {
		case err != nil || code < 100 || code > 999:
			c.finish(s, &ProtocolError{Msg: fmt.Sprintf("stream %d: bad :status %q", s.id, f.PseudoValue("status"))})
			return
		case info:
			return // informational (100 Continue, 103 Early Hints); the real head follows
		case code < 200:
			// RFC 9113, 8.1: only the final response may end the stream.
			c.finish(s, &ProtocolError{Msg: fmt.Sprintf("stream %d: an informational %d head ended the stream, with no final response", s.id, code)})
			return
		}
		r.Status, r.Proto = code, "HTTP/2.0"
		r.Header = make(http.Header, len(f.Fields))
		for _, hf := range f.RegularFields() {
			r.Header.Add(hf.Name, hf.Value)
		}
		r.Arrival = parseArrival(r.Header.Get(p.ArrivalHeader))
	}
	if f.StreamEnded() {
		c.finish(s, nil)
	}
}

// informational reports whether f is a 1xx head before the final one. It
// is no answer: Go's server sends 103 Early Hints from a handler that
// then reads the body, so the request is handled only after the release;
// counting the hint as the first byte made that round a burst on the
// heads (onHeads) and its requests early.
func informational(r *Result, f *http2.MetaHeadersFrame) bool {
	code, err := strconv.Atoi(f.PseudoValue("status"))
	return r.Status == 0 && err == nil && code >= 100 && code < 200 && !f.StreamEnded()
}

// headerSize counts the fields of h and their size as HTTP/2 counts it.
func headerSize(h http.Header) (n, size int) {
	for k, vs := range h {
		for _, v := range vs {
			n++
			size += len(k) + len(v) + 32
		}
	}
	return n, size
}

// onData keeps up to BodyLimit bytes of a body and counts the rest. The
// windows we granted are large, but WINDOW_UPDATEs still follow half of
// them used, so that an endless body is read, counted and capped rather
// than stalled.
func (c *h2conn) onData(f *http2.DataFrame, p *Plan) error {
	c.recvUsed += int64(f.Length)
	if c.recvUsed >= h2RecvWindow/2 {
		c.fr.WriteWindowUpdate(0, uint32(c.recvUsed))
		c.recvUsed = 0
		if err := c.flush(); err != nil {
			return err
		}
	}
	s := c.stream(f.StreamID)
	if s == nil || s.done {
		return nil
	}
	if s.r.Status == 0 {
		c.finish(s, &ProtocolError{Msg: fmt.Sprintf("stream %d: DATA before HEADERS", s.id)})
		return nil
	}
	if s.recvUsed += int64(f.Length); s.recvUsed >= h2RecvWindow/2 && !f.StreamEnded() {
		c.fr.WriteWindowUpdate(s.id, uint32(s.recvUsed))
		s.recvUsed = 0
		if err := c.flush(); err != nil {
			return err
		}
	}
	r, data := s.r, f.Data()
	keep := min(int64(len(data)), max(p.BodyLimit-int64(len(r.Body)), 0))
	r.Body = append(r.Body, data[:keep]...)
	r.BodyBytes += int64(len(data))
	r.Truncated = r.Truncated || keep < int64(len(data))
	if f.StreamEnded() {
		c.finish(s, nil)
	}
	return nil
}

// finish ends a stream, successfully when err is nil.
func (c *h2conn) finish(s *h2stream, err error) {
	if s == nil || s.done {
		return
	}
	s.done = true
	c.open--
	if s.r.FirstByte.IsZero() {
		c.settledOne(false)
	}
	if err != nil {
		s.r.fail(err)
		return
	}
	s.r.Done = time.Now()
}

// failOpen fails every stream that has not ended.
func (c *h2conn) failOpen(err error) {
	for i := range c.streams {
		c.finish(&c.streams[i], err)
	}
}
