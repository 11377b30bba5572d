package runner

import (
	"bytes"
	"io"
	"net"
	"net/http"
	"strings"
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

// slowPingConn delays the server's answer to the arming PING by delay.
type slowPingConn struct {
	net.Conn
	delay time.Duration
}

func (c slowPingConn) Write(p []byte) (int, error) {
	ping := h2Ping()
	ack := append([]byte{0, 0, 8, byte(http2.FramePing), byte(http2.FlagPingAck), 0, 0, 0, 0}, ping[:]...)
	if bytes.Contains(p, ack) {
		time.Sleep(c.delay)
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
		serveRaw(slowPingConn{c, timeout * 6 / 10}, rawSettings, 0, func(rc *rawConn, ids []uint32) {
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
