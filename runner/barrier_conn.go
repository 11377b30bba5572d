package runner

import (
	"context"
	"crypto/tls"
	"fmt"
	"net"
	"net/http"
	"sync"
	"sync/atomic"
	"time"
)

// barrierConn is the connection a barrier request goes on. From arming on
// it stamps the moment the first response byte arrives, and counts what
// is written. net/http reads a connection only while a request is in
// flight (or idle after a warm-up), so without a warm-up an answer the
// server sent before the release, unasked, would sit in the socket until
// the request had been written and then look like its response: a
// read-ahead goroutine sits in Read from arming on so that such an answer
// is stamped when it arrives, and Result.Early says so.
type barrierConn struct {
	net.Conn
	armed          atomic.Bool
	first          atomic.Int64 // UnixNano of the first byte read after arming
	written, write atomic.Int64 // bytes and Write calls after arming

	// The read-ahead: ahead is closed once its one Read has returned
	// buf[:n], err; only net/http's reader, after that, touches them.
	ahead chan struct{}
	buf   []byte
	off   int
	n     int
	err   error
}

func newBarrierConn(c net.Conn) *barrierConn { return &barrierConn{Conn: c} }

// arm starts stamping and counting; with readAhead, it starts the
// read-ahead goroutine, which ends with the connection at the latest.
// The read-ahead marks ready just before it reads, for the same reason
// as the last-byte collectors do.
func (c *barrierConn) arm(readAhead bool, ready *sync.WaitGroup) {
	c.armed.Store(true)
	if !readAhead {
		return
	}
	c.buf = make([]byte, 4096)
	c.ahead = make(chan struct{})
	ready.Add(1)
	go func() {
		defer close(c.ahead)
		ready.Done()
		c.n, c.err = c.Conn.Read(c.buf)
		c.stamp(c.n)
	}()
}

func (c *barrierConn) stamp(n int) {
	if n > 0 && c.armed.Load() {
		c.first.CompareAndSwap(0, time.Now().UnixNano())
	}
}

func (c *barrierConn) Read(p []byte) (int, error) {
	if c.ahead != nil {
		<-c.ahead
		if c.off < c.n {
			k := copy(p, c.buf[c.off:c.n])
			c.off += k
			return k, nil
		}
		if c.err != nil {
			return 0, c.err
		}
		c.ahead = nil
	}
	n, err := c.Conn.Read(p)
	c.stamp(n)
	return n, err
}

func (c *barrierConn) Write(p []byte) (int, error) {
	n, err := c.Conn.Write(p)
	if c.armed.Load() {
		c.written.Add(int64(n))
		c.write.Add(1)
	}
	return n, err
}

// firstByte is when the first response byte arrived after arming, or zero.
func (c *barrierConn) firstByte() time.Time {
	if ns := c.first.Load(); ns != 0 {
		return time.Unix(0, ns)
	}
	return time.Time{}
}

// barrierArm arms every prepared connection and returns the meter of the
// release, allocated now, before it.
func barrierArm(slots []barrierSlot, readAhead bool) *releaseMeter {
	var wires []*wireConn
	var ready sync.WaitGroup
	for i := range slots {
		if slots[i].req == nil {
			continue
		}
		bc := (*slots[i].conn).(*barrierConn)
		bc.arm(readAhead, &ready)
		wires = append(wires, wireOf(bc.Conn))
	}
	ready.Wait()
	return newReleaseMeter(wires)
}

// barrierReceipt stamps each response's first byte as its connection saw
// it and fills the receipt: the barrier writes whole requests, so its
// bytes and writes are those of net/http after the release.
func barrierReceipt(b *Burst, slots []barrierSlot, m *releaseMeter) {
	rc := &b.Receipt
	for i := range slots {
		if slots[i].req == nil {
			continue
		}
		bc := (*slots[i].conn).(*barrierConn)
		b.Results[i].stampFirst(bc.firstByte())
		rc.Connections++
		rc.Writes += int(bc.write.Load())
		rc.Bytes += bc.written.Load()
	}
	m.fill(rc)
}

// errConnLost is returned when the pinned connection of a request was closed
// after the release; dialling again would no longer be synchronised. It
// wraps net.ErrClosed so that it is tallied as a reset.
var errConnLost = fmt.Errorf("connection closed by the server before the request was sent: %w", net.ErrClosed)

// pinnedTransport is an HTTP/1.1 transport that uses *conn as its first
// connection. Before the release a lost connection is dialled again, and
// *conn becomes the new one; after it, never. *guard is the head guard of
// the connection in use, for telling a cut head from a malformed one.
func pinnedTransport(ctx context.Context, conn *net.Conn, guard **headGuard, t target, o *Options, released *atomic.Bool) *http.Transport {
	var once atomic.Bool
	guarded := func(c net.Conn) net.Conn {
		gc := guardConn(c).(*guardedConn)
		*guard = gc.g
		return gc
	}
	get := func(context.Context, string, string) (net.Conn, error) {
		if once.CompareAndSwap(false, true) {
			return guarded(*conn), nil
		}
		if released.Load() {
			return nil, errConnLost
		}
		c, err := dial(ctx, t, o, []string{"http/1.1"})
		if err != nil {
			return nil, err
		}
		(*conn).Close()
		*conn = newBarrierConn(c)
		return guarded(*conn), nil
	}
	return &http.Transport{
		DialContext:        get,
		DialTLSContext:     get,
		DisableCompression: true,
		MaxIdleConns:       1,
		// The guard on the connection stops a head at MaxResponseHead;
		// this is a backstop with net/http's own message.
		MaxResponseHeaderBytes: 2 * MaxResponseHead,
		// An empty map turns HTTP/2 off: barrier mode is the HTTP/1.1 baseline.
		TLSNextProto: map[string]func(string, *tls.Conn) http.RoundTripper{},
	}
}
