package runner

import (
	"crypto/tls"
	"net"
	"sync/atomic"
)

// wireConn is the TCP connection under any TLS, as dial opens it. It
// counts the writes that reach the socket and their bytes, so that the
// receipt can tell how many TLS records the release took (crypto/tls
// writes each record with one Write), and it keeps the socket's file
// descriptor for TCP_INFO. Counting is two atomic adds: no allocation and
// no lock on the release path.
type wireConn struct {
	net.Conn
	writes, bytes atomic.Int64
	fd            int  // -1 when the socket has none we can read
	tls           bool // TLS runs over it, so each write is one record
}

func newWireConn(c net.Conn) *wireConn {
	w := &wireConn{Conn: c, fd: -1}
	if tc, ok := c.(*net.TCPConn); ok {
		if rc, err := tc.SyscallConn(); err == nil {
			// The descriptor is only used while the connection is open:
			// the engines read TCP_INFO before they close it.
			_ = rc.Control(func(fd uintptr) { w.fd = int(fd) })
		}
	}
	return w
}

func (w *wireConn) Write(p []byte) (int, error) {
	n, err := w.Conn.Write(p)
	w.writes.Add(1)
	w.bytes.Add(int64(n))
	return n, err
}

// wireOf finds the wireConn under c, or nil when c did not come from dial
// (a test hook may wrap it).
func wireOf(c net.Conn) *wireConn {
	if tc, ok := c.(*tls.Conn); ok {
		c = tc.NetConn()
	}
	w, _ := c.(*wireConn)
	return w
}

// tcpInfo is what the receipt reads from TCP_INFO: data segments sent so
// far, bytes written but not yet sent (held by Nagle's algorithm or the
// congestion window), and the largest segment payload the path takes
// (the sender's MSS). ok is false where TCP_INFO is unavailable.
type tcpInfo struct {
	dataSegs uint32
	notSent  uint32
	mss      uint32
	ok       bool
}

// wireSnap is one connection's counters at one instant.
type wireSnap struct {
	writes, bytes int64
	tcp           tcpInfo
}

// snap reads the counters into s, which the caller allocated beforehand.
func (w *wireConn) snap(s *wireSnap) {
	s.writes, s.bytes = w.writes.Load(), w.bytes.Load()
	readTCPInfo(w.fd, &s.tcp)
}

// mss is the largest TCP payload one segment of the connection carries,
// or 0 when it cannot be read.
func (w *wireConn) mss() int {
	if w == nil {
		return 0
	}
	var t tcpInfo
	readTCPInfo(w.fd, &t)
	if !t.ok {
		return 0
	}
	return int(t.mss)
}
