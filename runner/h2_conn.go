package runner

import (
	"bufio"
	"bytes"
	"context"
	"crypto/tls"
	"fmt"
	"math"
	"net"
	"strings"
	"sync/atomic"
	"time"

	"golang.org/x/net/http2"
	"golang.org/x/net/http2/hpack"
)

// HTTP/2 values the single-packet engine advertises or assumes.
const (
	// h2RecvWindow is the receive window we grant per stream and per
	// connection: large enough that response bodies never wait for a
	// WINDOW_UPDATE while many streams answer at once.
	h2RecvWindow = 1 << 30
	// h2MaxReadFrame is the frame size we accept: the protocol default,
	// since we never advertise a larger SETTINGS_MAX_FRAME_SIZE.
	h2MaxReadFrame = 16 << 10
	// h2MaxHeaderList bounds the decoded response head we keep in memory.
	h2MaxHeaderList = MaxResponseHead
	// h2DefaultWindow is the flow-control window before any SETTINGS.
	h2DefaultWindow = 65535
)

// testHookWrapConn, when set by a test, wraps every connection the engine
// opens, after TLS, so that the test can see each Write. Like net/http's
// testHook variables it is nil in production and never set concurrently.
//
//nolint:gochecknoglobals // a test hook like net/http's, nil in production
var testHookWrapConn func(net.Conn) net.Conn

// h2peer is what the server said in its SETTINGS.
type h2peer struct {
	maxStreams uint32 // SETTINGS_MAX_CONCURRENT_STREAMS; unlimited by default
	initWindow uint32 // SETTINGS_INITIAL_WINDOW_SIZE for our streams
	maxFrame   uint32 // SETTINGS_MAX_FRAME_SIZE for frames we send
}

// h2conn is one HTTP/2 connection of a burst. Until collect starts, only
// the goroutine preparing the burst touches it; after that the framer,
// wbuf and the stream table belong to the connection's reader goroutine,
// and the preparing goroutine only writes prebuilt buffers to nc.
type h2conn struct {
	idx  int // Result.Conn
	t    target
	nc   net.Conn
	wire *wireConn // the socket under nc, for the receipt; nil if unseen
	br   *bufio.Reader
	fr   *http2.Framer // reads from br, writes into wbuf
	wbuf bytes.Buffer
	enc  *hpack.Encoder
	hbuf bytes.Buffer // hpack output, copied out per request
	peer h2peer
	// sendWin is the connection-level window the server granted us.
	sendWin int64
	nextID  uint32
	gotAck  bool // our SETTINGS were acknowledged
	shook   bool // the PING sent with the preface was answered

	streams []h2stream
	// warmFrame, arm and final are written in this order: a PING, what
	// is sent early, and the final frames at the release (see encode).
	warmFrame, arm, final []byte
	maxFinal              int // the longest final fragment of one stream
	ping                  [8]byte
	pinged                chan struct{} // receives once when our arming PING is acknowledged
	acked                 bool
	warmed                chan struct{} // receives once when the warming PING is acknowledged
	warmAcked             bool
	open                  int // streams not finished yet
	recvUsed              int64
	released              time.Time
	releaseErr            error
	// armedAt is when the arming write began, and headsLen how many of
	// its bytes are HEADERS: the burst, when the server acts on heads
	// (onHeads).
	armedAt  time.Time
	headsLen int
	// answered is set once the server began to answer a stream; settled
	// counts those streams and the ones that ended without an answer, for
	// awaitHeads. watch, shared by the burst's connections, receives
	// (without blocking the reader) whenever either changes.
	answered atomic.Bool
	settled  atomic.Int32
	watch    chan struct{}
	aborted  atomic.Pointer[error]
	done     chan struct{} // closed when the reader goroutine returns
	stopCtx  func() bool
}

// openH2 dials t, speaks the HTTP/2 connection preface and exchanges
// SETTINGS, then sends the warm-up requests. A target that cannot speak
// HTTP/2 gives a *SyncError; other failures are transport errors for the
// requests that would have used the connection.
func openH2(ctx context.Context, t target, p *Plan, idx int) (*h2conn, error) {
	nc, err := dialH2(ctx, t, &p.Options)
	if err != nil {
		return nil, err
	}
	wire := wireOf(nc)
	if testHookWrapConn != nil {
		nc = testHookWrapConn(nc)
	}
	c := &h2conn{
		idx: idx, t: t, nc: nc, wire: wire, nextID: 1, ping: h2Ping(),
		peer:    h2peer{maxStreams: math.MaxUint32, initWindow: h2DefaultWindow, maxFrame: h2MaxReadFrame},
		sendWin: h2DefaultWindow,
		pinged:  make(chan struct{}, 1),
		warmed:  make(chan struct{}, 1),
		done:    make(chan struct{}),
	}
	c.br = bufio.NewReaderSize(nc, 64<<10)
	c.fr = http2.NewFramer(&c.wbuf, c.br)
	c.fr.SetMaxReadFrameSize(h2MaxReadFrame)
	c.fr.MaxHeaderListSize = h2MaxHeaderList
	c.fr.ReadMetaHeaders = hpack.NewDecoder(4096, nil)
	c.enc = hpack.NewEncoder(&c.hbuf)
	// Cancelling ctx puts the deadline in the past, which unblocks any read
	// or write on the connection at once, whichever goroutine is in it.
	c.stopCtx = context.AfterFunc(ctx, func() { nc.SetDeadline(aLongTimeAgo()) })
	c.setDeadline(ctx, time.Now().Add(p.Timeout))
	if err := c.handshake(); err != nil {
		c.close()
		return nil, err
	}
	if err := c.warm(p); err != nil {
		c.close()
		return nil, fmt.Errorf("warm-up on %s: %w", t.addr, err)
	}
	return c, nil
}

// aLongTimeAgo is a deadline that has always passed: setting it makes every
// blocked read and write on a connection return at once.
func aLongTimeAgo() time.Time { return time.Unix(1, 0) }

// dialH2 opens the TCP connection with dial and, for https, does the TLS
// handshake itself offering only h2. It does not let dial do TLS because
// it turns dynamic record sizing off: with it on, Go splits a write into
// records of growing size, one syscall each, and the final frames of a
// large burst would leave in several packets instead of one.
func dialH2(ctx context.Context, t target, o *Options) (net.Conn, error) {
	// One ConnectTimeout for the dial and the handshake, as in dial.
	ctx, cancel := o.connecting(ctx)
	defer cancel()
	plain := t
	plain.tls = false
	nc, err := dial(ctx, plain, o, nil)
	if err != nil || !t.tls {
		return nc, err
	}
	if w := wireOf(nc); w != nil {
		w.tls = true
	}
	cfg, cr := tlsConfig(o, t.url.Hostname(), []string{"h2"})
	cfg.DynamicRecordSizingDisabled = true
	tc := tls.Client(nc, cfg)
	if err := tc.HandshakeContext(ctx); err != nil {
		nc.Close()
		// A server without h2 refuses a client that offers nothing else
		// with the no_application_protocol alert, which has no exported
		// type to match.
		if strings.Contains(err.Error(), "no application protocol") {
			return nil, noH2(t, "it refused ALPN h2 and likely speaks http/1.1")
		}
		return nil, &connectError{fmt.Errorf("tls handshake with %s: %w", t.addr, cr.explain(err))}
	}
	if p := negotiated(tc); p != "h2" {
		_ = tc.Close()
		if p == "" {
			return nil, noH2(t, "it chose no protocol, so it speaks http/1.1")
		}
		return nil, noH2(t, "it speaks "+p)
	}
	return tc, nil
}

// noH2 is the SyncError of a TLS server without h2 in ALPN: last-byte
// speaks HTTP/1.1 to it, and the caller words that advice.
func noH2(t target, why string) error {
	return &SyncError{Mode: ModeSinglePacket,
		Reason:  fmt.Sprintf("%s did not offer HTTP/2 in TLS ALPN (%s)", t.url.Host, why),
		Instead: ModeLastByte}
}

// setDeadline sets the read and write deadline of the connection, unless
// ctx is already done: the check comes after the set so that a
// cancellation racing with it cannot be overwritten.
func (c *h2conn) setDeadline(ctx context.Context, t time.Time) {
	c.nc.SetDeadline(t)
	if ctx.Err() != nil {
		c.nc.SetDeadline(aLongTimeAgo())
	}
}

// abort makes the reader goroutine fail every open stream with err.
func (c *h2conn) abort(err error) {
	c.aborted.CompareAndSwap(nil, &err)
	c.nc.SetDeadline(aLongTimeAgo())
}

func (c *h2conn) close() {
	c.stopCtx()
	c.nc.Close()
}

// flush writes what the framer has queued in wbuf as one Write.
func (c *h2conn) flush() error {
	_, err := c.nc.Write(c.wbuf.Bytes())
	c.wbuf.Reset()
	return err
}
