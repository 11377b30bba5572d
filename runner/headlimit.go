package runner

import (
	"bytes"
	"fmt"
	"io"
	"net"
	"sync/atomic"
)

// The bounds on one response head, the same in every engine and in Do, so
// that a server sending an endless header line or a flood of header fields
// costs a bounded amount of memory and ends as a protocol error on that
// request, never as a process that grows until it dies.
const (
	// MaxResponseHead is the size of a response head: the status line and
	// header lines with their line ends (HTTP/1.1), or the header list as
	// HTTP/2 counts it (name + value + 32 per field). Go's server allows
	// request heads of the same size by default.
	MaxResponseHead = 1 << 20
	// MaxResponseHeaders is the number of header fields (lines, for
	// HTTP/1.1) of a response head. Real responses have tens; a 1 MiB head
	// of one-letter fields would otherwise make 200,000 map entries.
	MaxResponseHeaders = 1000
)

// errHeadTooLarge and errTooManyHeaders are the protocol errors of a head
// over the bounds; the messages name the limit.
func errHeadTooLarge() error {
	return &ProtocolError{Msg: fmt.Sprintf("response head over the limit of %d bytes (1 MiB)", MaxResponseHead)}
}

func errTooManyHeaders() error {
	return &ProtocolError{Msg: fmt.Sprintf("response head over the limit of %d header fields", MaxResponseHeaders)}
}

// errHeadBounds is the error of a head of n fields and size bytes, as
// HTTP/2 counts them (headerSize), over the bounds; nil within them.
func errHeadBounds(n, size int) error {
	switch {
	case n > MaxResponseHeaders:
		return errTooManyHeaders()
	case size > MaxResponseHead:
		return errHeadTooLarge()
	}
	return nil
}

// headGuard sits between an HTTP/1.1 connection and the buffered reader
// that net/http parses responses from, and counts the bytes and lines of
// each response head as they arrive, before anything is parsed: a head
// over the bounds fails the read, so that net/http never builds it.
// Bytes after the end of a final head (the body) pass uncounted until
// expectHead says that a new request went out. Only the reading goroutine
// calls Read; expectHead may be called from the writing one.
type headGuard struct {
	r       io.Reader
	pending atomic.Bool // a request was written: the next bytes start a head
	body    bool        // past the end of the last head
	err     error       // sticky, once a bound was crossed
	cut     error       // the transport's error that ended a head midway
	size    int         // bytes of the current head
	lines   int         // complete lines of the current head
	lineLen int         // bytes of the current line so far, '\n' excluded
	cr      bool        // the current line so far is exactly "\r"
	status  [12]byte    // the start of the status line, for 1xx
	nstatus int
}

func newHeadGuard(r io.Reader) *headGuard { return &headGuard{r: r} }

// expectHead says that the next bytes read begin a response head.
func (g *headGuard) expectHead() { g.pending.Store(true) }

func (g *headGuard) Read(p []byte) (int, error) {
	if g.err != nil {
		return 0, g.err
	}
	n, err := g.r.Read(p)
	// The flag is looked at after the read, which may have blocked since
	// before the request was written: the answer to a request cannot come
	// before it, and no request is written before the previous answer is
	// read to its end, so every byte read after a write belongs to its answer.
	if g.pending.Swap(false) && g.body {
		g.begin()
	}
	if n > 0 && !g.body {
		if g.err = g.scan(p[:n]); g.err != nil {
			return 0, g.err
		}
	}
	if err != nil && !g.body && g.size > 0 {
		g.cut = err
	}
	return n, err
}

// cutShort is the transport's error (a timeout, a reset, the end of the
// connection) that stopped a response head before its end, or nil. A head
// cut inside its status line ("HTTP/1.1 2", then silence) reaches net/http
// as a whole line, since bufio hands over a partial line without its
// error, and would read as a malformed status: the cause is the cut.
func (g *headGuard) cutShort() error { return g.cut }

// begin starts counting a new head.
func (g *headGuard) begin() {
	g.cut = nil
	g.body, g.size, g.lines, g.lineLen, g.cr, g.nstatus = false, 0, 0, 0, false, 0
}

// scan counts b, which belongs to a head from its start, and stops
// counting at the blank line that ends a final (not 1xx) head.
func (g *headGuard) scan(b []byte) error {
	for len(b) > 0 && !g.body {
		i := bytes.IndexByte(b, '\n')
		seg, take := b, len(b)
		if i >= 0 {
			seg, take = b[:i], i+1
		}
		if g.size += take; g.size > MaxResponseHead {
			return errHeadTooLarge()
		}
		if g.lines == 0 {
			g.nstatus += copy(g.status[g.nstatus:], seg)
		}
		g.cr = (g.lineLen == 0 && len(seg) == 1 && seg[0] == '\r') || (g.cr && len(seg) == 0)
		g.lineLen += len(seg)
		b = b[take:]
		if i < 0 {
			return nil
		}
		if g.lineLen == 0 || g.cr {
			g.endHead()
			continue
		}
		if g.lines++; g.lines > MaxResponseHeaders+1 { // +1: the status line
			return errTooManyHeaders()
		}
		g.lineLen, g.cr = 0, false
	}
	return nil
}

// endHead is the blank line: after an informational head another head
// follows on its own; after any other, the body.
func (g *headGuard) endHead() {
	s := g.status[:g.nstatus]
	code := []byte(nil)
	if sp := bytes.IndexByte(s, ' '); sp >= 0 {
		code = s[sp+1:]
	}
	informational := len(code) >= 3 && code[0] == '1' && !bytes.HasPrefix(code, []byte("101"))
	g.begin()
	g.body = !informational
}

// guardedConn is a connection whose reads go through a headGuard and
// whose writes tell the guard that an answer will follow: for net/http's
// transport, which reads and writes from goroutines of its own.
type guardedConn struct {
	net.Conn
	g *headGuard
}

func guardConn(c net.Conn) net.Conn {
	if c == nil {
		return nil
	}
	return &guardedConn{Conn: c, g: newHeadGuard(c)}
}

func (c *guardedConn) Read(p []byte) (int, error) { return c.g.Read(p) }

func (c *guardedConn) Write(p []byte) (int, error) {
	c.g.expectHead()
	return c.Conn.Write(p)
}
