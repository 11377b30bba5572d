package runner

import (
	"bufio"
	"bytes"
	"context"
	"net"
	"net/http"
	"os"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"golang.org/x/net/http2"
)

// The fuzz targets here feed the response readers from a stream that never
// ends: the input, then its tail repeated for ever, as a hostile server
// sends an endless header line, endless headers or an endless body. A
// reader fed from a byte slice stops at its end and cannot show that a
// bound holds; here only the bounds can stop the head, and only the
// deadline the body. The deadline is counted in bytes (streamDeadline)
// rather than time, so that each input is fast and the outcome does not
// depend on the machine.

// streamDeadline is how many bytes an endless connection serves before
// reading from it fails as a timeout would. Every head has been refused or
// accepted long before: at most lbMaxInformational+1 heads of
// MaxResponseHead bytes each, with their read-ahead.
const streamDeadline = (lbMaxInformational+2)*MaxResponseHead + 64<<10

// endlessConn is a server connection that sends head, then tail over and
// over, and then fails reads as a passed deadline does. Writes are dropped.
type endlessConn struct {
	sinkConn
	head, tail []byte
	served     atomic.Int64
	// asked is closed by the first Write when the conn waits for a
	// request before answering, as a server does.
	asked chan struct{}
	once  sync.Once
}

// newEndlessConn answers at once; waitRequest answers after a Write.
func newEndlessConn(head, tail []byte, waitRequest bool) *endlessConn {
	if len(tail) == 0 {
		tail = []byte("a") // an endless line
	}
	c := &endlessConn{head: head, tail: tail, asked: make(chan struct{})}
	if !waitRequest {
		close(c.asked)
	}
	return c
}

func (c *endlessConn) Write(p []byte) (int, error) {
	c.once.Do(func() {
		select {
		case <-c.asked:
		default:
			close(c.asked)
		}
	})
	return len(p), nil
}

func (c *endlessConn) Read(p []byte) (int, error) {
	<-c.asked
	off := c.served.Load()
	if off >= streamDeadline {
		return 0, os.ErrDeadlineExceeded
	}
	n := 0
	for n < len(p) && off < streamDeadline {
		var m int
		if h := int64(len(c.head)); off < h {
			m = copy(p[n:], c.head[off:])
		} else {
			m = copy(p[n:], c.tail[(off-h)%int64(len(c.tail)):])
		}
		n += m
		off += int64(m)
	}
	c.served.Store(off)
	return n, nil
}

// checkStreamResult checks, beyond checkFuzzResult, that no engine gave up
// on a head for any reason but a bound: a request that timed out (ran out
// of stream) must have had its head accepted, within the bounds.
func checkStreamResult(t *testing.T, r *Result) {
	t.Helper()
	checkFuzzResult(t, r)
	if r.ErrKind == KindTimeout && r.Status == 0 {
		t.Fatalf("the stream ran out (%v) before a head was refused or accepted", r.Err)
	}
	if n, size := headerSize(r.Header); n > MaxResponseHeaders || size > 2*MaxResponseHead {
		t.Fatalf("a head of %d fields, %d bytes was kept", n, size)
	}
}

// streamSeeds are answers whose repeated tails are the classic attacks.
func streamSeeds(f *testing.F) {
	f.Add([]byte("HTTP/1.1 200 OK\r\nX-Long: "), []byte("a"))                                    // endless header line
	f.Add([]byte("HTTP/1.1 200 OK\r\n"), []byte("X-A: b\r\n"))                                   // endless headers
	f.Add([]byte("HTTP/1.1 200 OK\r\n"), []byte("a:\n"))                                         // short ones, bare LF
	f.Add([]byte("HTTP/1.1 200 OK\r\n\r\n"), []byte("body"))                                     // endless body
	f.Add([]byte(""), []byte("HTTP/1.1 100 Continue\r\n\r\n"))                                   // endless 1xx
	f.Add([]byte("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"), []byte("1\r\nx\r\n")) // endless chunks
	f.Add([]byte("HTTP/1.1 200 OK\r\nX: a\r\n"), []byte(" folded\r\n"))                          // endless continuation lines
}

// FuzzLastByteStream reads an endless answer through lbSlot.collect.
func FuzzLastByteStream(f *testing.F) {
	streamSeeds(f)
	f.Fuzz(func(t *testing.T, head, tail []byte) {
		enc, err := lbEncode("POST", "http://127.0.0.1:1/race", nil, []byte("x"))
		if err != nil {
			t.Fatal(err)
		}
		c := newEndlessConn(head, tail, false)
		s := &lbSlot{res: &Result{Released: time.Now()}, enc: enc, conn: c, armed: true}
		s.in = &lbStampReader{c: c}
		s.head = newHeadGuard(s.in)
		s.br = bufio.NewReader(s.head)
		p := &Plan{Options: Options{Client: Client{BodyLimit: fuzzBodyLimit}}.withDefaults()}
		start := make(chan struct{})
		close(start)
		var abort error
		s.collect(context.Background(), p, start, &abort, func() {})
		checkStreamResult(t, s.res)
	})
}

// FuzzNetHTTPStream reads an endless answer through the transport of the
// barrier engine (Do's differs only in dialling), with its guarded
// connection.
func FuzzNetHTTPStream(f *testing.F) {
	streamSeeds(f)
	f.Fuzz(func(t *testing.T, head, tail []byte) {
		var nc net.Conn = newEndlessConn(head, tail, true)
		tg, err := parseTarget("http://127.0.0.1:1/race")
		if err != nil {
			t.Fatal(err)
		}
		var released atomic.Bool
		p := &Plan{Options: Options{Client: Client{BodyLimit: fuzzBodyLimit}}.withDefaults()}
		tr := pinnedTransport(context.Background(), &nc, new(*headGuard), tg, &p.Options, &released)
		defer tr.CloseIdleConnections()
		req, err := http.NewRequest("GET", "http://127.0.0.1:1/race", nil)
		if err != nil {
			t.Fatal(err)
		}
		r := &Result{Released: time.Now()}
		resp, err := tr.RoundTrip(req)
		if err != nil {
			r.fail(lbProtocol(err))
			r.Done = time.Now()
		} else {
			fillResponse(r, resp, p)
			resp.Body.Close()
		}
		checkStreamResult(t, r)
	})
}

// FuzzH2Stream reads endless frames through h2conn.collect: the input's
// frames, then its tail's for ever.
func FuzzH2Stream(f *testing.F) {
	f.Add(h2Seed(func(fr *http2.Framer, hdr func(...string) []byte) {
		fr.WriteHeaders(http2.HeadersFrameParam{StreamID: 1, BlockFragment: hdr(":status", "200"), EndHeaders: false})
	}), h2Seed(func(fr *http2.Framer, hdr func(...string) []byte) {
		fr.WriteContinuation(1, false, hdr("x-a", string(bytes.Repeat([]byte("b"), 1000))))
	}))
	f.Add(h2Seed(func(fr *http2.Framer, hdr func(...string) []byte) {
		fr.WriteHeaders(http2.HeadersFrameParam{StreamID: 1, BlockFragment: hdr(":status", "200"), EndHeaders: true})
	}), h2Seed(func(fr *http2.Framer, hdr func(...string) []byte) {
		fr.WriteHeaders(http2.HeadersFrameParam{StreamID: 1, BlockFragment: hdr("x-trailer", "v"), EndHeaders: true})
	}))
	f.Add(h2Seed(func(fr *http2.Framer, hdr func(...string) []byte) {
		fr.WriteHeaders(http2.HeadersFrameParam{StreamID: 3, BlockFragment: hdr(":status", "200"), EndHeaders: true})
	}), h2Seed(func(fr *http2.Framer, _ func(...string) []byte) {
		fr.WriteData(3, false, bytes.Repeat([]byte("x"), 1000))
	}))
	f.Fuzz(func(t *testing.T, head, tail []byte) {
		rs := make([]Result, h2FuzzStreams)
		c := h2FuzzConnFrom(newEndlessConn(head, tail, false), rs)
		p := &Plan{Options: Options{Client: Client{BodyLimit: fuzzBodyLimit}}.withDefaults()}
		go c.collect(context.Background(), p)
		select {
		case <-c.done:
		case <-time.After(fuzzWait):
			t.Fatalf("collect did not return")
		}
		for i := range rs {
			r := &rs[i]
			if r.Done.IsZero() && r.Err == nil {
				continue // a stream the stream never spoke of, failed with the connection
			}
			checkFuzzResult(t, r)
			if n, size := headerSize(r.Header); n > MaxResponseHeaders || size > 2*MaxResponseHead {
				t.Fatalf("stream %d: a head of %d fields, %d bytes was kept", i, n, size)
			}
		}
	})
}
