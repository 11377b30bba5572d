package netlab

import (
	"io"
	"net"
	"os"
	"testing"
	"time"

	"github.com/racetest/racetest/internal/realservers"
)

// TestPath checks the lab's promises end to end: a TCP connection from
// the client namespace reaches a server in the server namespace through
// the forwarder, the round trip is at least twice the one-way delay, and
// a write larger than one packet crosses as segments of at most the MTU.
func TestPath(t *testing.T) {
	const delay = 10 * time.Millisecond
	l := New(t, os.Getenv(realservers.EnvRequire) == "1", Path{Delay: delay, Jitter: time.Millisecond, Rate: 20_000_000})
	ln, err := l.Server.Listen("tcp", net.JoinHostPort(l.Server.IP.String(), "0"))
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	go func() {
		c, err := ln.Accept()
		if err != nil {
			return
		}
		defer c.Close()
		_, _ = io.Copy(c, c)
	}()
	var c net.Conn
	if err := l.Client.Do(func() error {
		var err error
		c, err = net.DialTimeout("tcp", ln.Addr().String(), 5*time.Second)
		return err
	}); err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	_ = c.SetDeadline(time.Now().Add(10 * time.Second))

	buf := make([]byte, 4000)
	l.Forwarder.StartCapture()
	start := time.Now()
	if _, err := c.Write(buf); err != nil {
		t.Fatal(err)
	}
	if _, err := io.ReadFull(c, buf); err != nil {
		t.Fatal(err)
	}
	rtt := time.Since(start)
	t.Logf("4000 bytes echoed in %v", rtt)
	pkts := l.Forwarder.StopCapture()
	if rtt < 2*delay-2*time.Millisecond {
		t.Errorf("round trip took %v, less than twice the %v one-way delay", rtt, delay)
	}
	data := 0
	for _, p := range pkts {
		if len(p.Data) > MTU {
			t.Errorf("a packet of %d bytes crossed a %d-byte MTU path", len(p.Data), MTU)
		}
		seg, ok := ParseTCP(p.Data)
		if ok && len(seg.Payload) > 0 {
			data++
		}
	}
	// 4000 bytes need at least 3 segments of at most 1448 bytes each.
	if data < 3 {
		t.Errorf("4000 bytes crossed in %d data segments, want at least 3 at MTU %d", data, MTU)
	}
}
