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

// TestScheduleJitterPerPacket: packets of different connections sent at
// one instant leave at different times within ±Jitter of the delay, as
// over the Internet, while each connection's packets keep their order.
func TestScheduleJitterPerPacket(t *testing.T) {
	const delay, jitter = 50 * time.Millisecond, time.Millisecond
	f := &Forwarder{path: Path{Delay: delay, Jitter: jitter, QueueTime: time.Second}}
	d := &direction{last: map[flow]time.Time{}}
	now := time.Now()
	last := map[flow]time.Time{}
	lo, hi := now.Add(time.Hour), now
	for i := range 200 {
		var fl flow
		fl[11] = byte(i % 20)
		at, ok := f.schedule(d, fl, now, 100)
		if !ok {
			t.Fatal("queue full")
		}
		if at.Before(last[fl]) {
			t.Fatalf("packet %d of flow %d leaves at %v, before the one ahead of it (%v)", i, i%20, at, last[fl])
		}
		last[fl] = at
		if i < 20 {
			lo, hi = minTime(lo, at), maxTime(hi, at)
		}
		if d := at.Sub(now); d < delay-jitter || d > delay+jitter+time.Millisecond {
			t.Errorf("packet %d held %v, want %v ± %v", i, d, delay, jitter)
		}
	}
	// 20 first packets of 20 connections: their departures spread over
	// most of the 2 ms jitter window, not one instant.
	if hi.Sub(lo) < jitter/2 {
		t.Errorf("first packets of 20 connections left within %v, want them spread by the jitter", hi.Sub(lo))
	}
}

func minTime(a, b time.Time) time.Time {
	if a.Before(b) {
		return a
	}
	return b
}

func maxTime(a, b time.Time) time.Time {
	if a.After(b) {
		return a
	}
	return b
}
