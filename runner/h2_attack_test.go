package runner

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"golang.org/x/net/http2"
)

// TestEarlyHintsAreNotAnswersOnTheHeads: a Go handler that sends 103
// Early Hints at once, then reads the body and answers, hints on the
// head but handles the request only after the release. An informational
// head is not an answer: the release, not the arming write, was the
// burst, and nothing was early.
func TestEarlyHintsAreNotAnswersOnTheHeads(t *testing.T) {
	const n = 20
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Link", "</style.css>; rel=preload")
		w.WriteHeader(http.StatusEarlyHints)
		_, _ = io.Copy(io.Discard, r.Body)
		_, _ = io.WriteString(w, "ok")
	})
	srv := h2Server(t, h, true, 0)
	b := singlePacket(t, burstOf(n, http.MethodGet, srv.URL, nil), Options{Client: Client{H2C: true}})
	if in := b.Incomplete(); len(in) != 0 || b.Receipt.Heads {
		t.Fatalf("incomplete %+v, on the heads %v, want a complete burst at the release; notes %q", in, b.Receipt.Heads, b.Notes)
	}
	for _, r := range b.Results {
		if r.Status != 200 || r.Early || !r.FirstByte.After(r.Released) || r.Released.Equal(r.Armed) {
			t.Errorf("request %d: status %d early %v released %v armed %v first byte %v", r.Index, r.Status, r.Early, r.Released, r.Armed, r.FirstByte)
		}
	}
}

// slowPingConn delays the server's answer to the arming PING by delay,
// and with warm the answer to the warming PING too.
type slowPingConn struct {
	net.Conn
	delay time.Duration
	warm  bool
}

func (c slowPingConn) Write(p []byte) (int, error) {
	pings := [][8]byte{h2Ping()}
	if c.warm {
		pings = append(pings, h2WarmPing())
	}
	for _, ping := range pings {
		ack := append([]byte{0, 0, 8, byte(http2.FramePing), byte(http2.FlagPingAck), 0, 0, 0, 0}, ping[:]...)
		if bytes.Contains(p, ack) {
			time.Sleep(c.delay)
		}
	}
	return c.Conn.Write(p)
}

// TestAwaitHeadsKeepsTheTimeoutFromTheRelease: a server slow to answer
// the arming PING that answers one request on its head and the others at
// their ends. The wait for the heads comes on top of the slow arming;
// the timeout counts from the release, so the others must not time out
// before it: they are answered after it, and only the first is early.
func TestAwaitHeadsKeepsTheTimeoutFromTheRelease(t *testing.T) {
	const timeout = time.Second
	url := strings.TrimSuffix(rawServer(t, func(c net.Conn) {
		serveRaw(slowPingConn{Conn: c, delay: timeout * 6 / 10}, rawSettings, 0, func(rc *rawConn, ids []uint32) {
			if ids[0] == 1 {
				rc.headers(1, "200", true)
				rc.onEnd = func(id uint32) { rc.headers(id, "200", true) }
			}
		})
	}), "/")
	b := runRaw(t, t.Context(), url, 3, Options{Client: Client{Timeout: timeout}, Sync: Sync{Hold: HoldLastByte}})
	in := b.Incomplete()
	if len(in) != 1 || in[0].Kind != CauseEarly || in[0].Count != 1 || b.Receipt.Heads {
		t.Errorf("incomplete %+v, on the heads %v, want request 0 early and the others answered after the release", in, b.Receipt.Heads)
	}
	for _, r := range b.Results[1:] {
		if r.Status != 200 || r.Err != nil {
			t.Errorf("request %d: status %d, %v", r.Index, r.Status, r.Err)
		}
	}
}

// TestHeadsOnOneConnectionOfTwo: a server that answers on the heads on one
// connection and at the ends on the other ran two bursts: the round is
// not on the heads, and the answers on the heads are early.
func TestHeadsOnOneConnectionOfTwo(t *testing.T) {
	var conns atomic.Int32
	url := strings.TrimSuffix(rawServer(t, func(c net.Conn) {
		heads := conns.Add(1) == 1
		serveRaw(c, rawSettings, 0, func(rc *rawConn, ids []uint32) {
			if heads {
				rc.headers(ids[0], "200", true)
				return
			}
			rc.onEnd = func(id uint32) { rc.headers(id, "200", true) }
		})
	}), "/")
	b := runRaw(t, t.Context(), url, 4, Options{Client: Client{Timeout: time.Second}, Sync: Sync{Hold: HoldLastByte, Connections: 2}})
	in := b.Incomplete()
	if b.Connections != 2 || len(in) != 1 || in[0].Kind != CauseEarly || in[0].Count != 2 || b.Receipt.Heads {
		t.Errorf("%d connections, incomplete %+v, on the heads %v, want two early on one connection of two", b.Connections, in, b.Receipt.Heads)
	}
}

// TestInterruptWhileAwaitingHeads: Ctrl-C while the release waits for the
// heads ends the burst at once, not after half the timeout.
func TestInterruptWhileAwaitingHeads(t *testing.T) {
	url := rawH2Server(t, rawSettings, 0, func(rc *rawConn, ids []uint32) {
		if ids[0] == 1 {
			rc.headers(1, "200", true)
		}
	})
	ctx, cancel := context.WithCancel(t.Context())
	time.AfterFunc(300*time.Millisecond, cancel)
	start := time.Now()
	_, err := Run(ctx, Plan{Requests: burstOf(3, http.MethodGet, url, nil), Options: Options{Client: Client{Timeout: time.Minute}, Sync: Sync{Mode: ModeSinglePacket, Hold: HoldLastByte}}})
	if !errors.Is(err, context.Canceled) || time.Since(start) > 20*time.Second {
		t.Errorf("err %v after %v, want canceled well before half the timeout", err, time.Since(start))
	}
}

// TestHeadsWithResetsOrGoAway: a server that answers some streams on
// their heads and resets the others, or sends a GOAWAY for them, did not
// answer every request on its head: the round is no burst on the heads
// and stays incomplete. One that answered all of them and then sent a
// GOAWAY did race them on the arming write.
func TestHeadsWithResetsOrGoAway(t *testing.T) {
	for _, tc := range []struct {
		name  string
		other func(rc *rawConn)
		heads bool
	}{
		{"reset", func(rc *rawConn) {
			rc.do(func(fr *http2.Framer) { fr.WriteRSTStream(5, http2.ErrCodeRefusedStream) })
		}, false},
		{"goaway", func(rc *rawConn) {
			rc.do(func(fr *http2.Framer) { fr.WriteGoAway(3, http2.ErrCodeNo, nil) })
		}, false},
		{"all then gone", func(rc *rawConn) {
			rc.headers(5, "200", true)
			rc.do(func(fr *http2.Framer) { fr.WriteGoAway(5, http2.ErrCodeNo, nil) })
		}, true},
	} {
		url := rawH2Server(t, rawSettings, 0, func(rc *rawConn, ids []uint32) {
			if ids[0] == 5 {
				tc.other(rc)
				return
			}
			rc.headers(ids[0], "200", true)
		})
		b := runRaw(t, t.Context(), url, 3, Options{Client: Client{Timeout: time.Second}, Sync: Sync{Hold: HoldLastByte}})
		if b.Receipt.Heads != tc.heads || b.Complete() != tc.heads {
			t.Errorf("%s: on the heads %v, complete %v, want %v; incomplete %+v; notes %q", tc.name, b.Receipt.Heads, b.Complete(), tc.heads, b.Incomplete(), b.Notes)
		}
	}
}

// TestSlowArmingIsNoResponseTimeout: a server slow to answer both arming
// PINGs, each within the timeout, then answering every request at its
// end. The arming as a whole takes longer than the timeout, which counts
// from the release: the requests must not time out before it.
func TestSlowArmingIsNoResponseTimeout(t *testing.T) {
	const timeout = time.Second
	url := strings.TrimSuffix(rawServer(t, func(c net.Conn) {
		serveRaw(slowPingConn{Conn: c, delay: timeout * 6 / 10, warm: true}, rawSettings, 3, func(rc *rawConn, ids []uint32) {
			for _, id := range ids {
				rc.headers(id, "200", true)
			}
		})
	}), "/")
	b := runRaw(t, t.Context(), url, 3, Options{Client: Client{Timeout: timeout}, Sync: Sync{Hold: HoldLastByte}})
	if in := b.Incomplete(); len(in) != 0 {
		t.Errorf("incomplete %+v, want every request answered after the release", in)
	}
}
