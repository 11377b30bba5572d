package runner

import (
	"context"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"golang.org/x/net/http2"
)

// The single-packet engine against misbehaving HTTP/2 servers. GOAWAY mid-
// burst, RST_STREAM on some streams, malformed answers and a silent server
// are in h2_fail_test.go.

func TestSinglePacketRefused(t *testing.T) {
	b := runRaw(t, context.Background(), strings.TrimSuffix(closedURL(t), "/"), 3, Options{Client: Client{Timeout: time.Second}})
	wantKinds(t, b, KindRefused, KindRefused, KindRefused)
	if b.Connections != 0 {
		t.Errorf("connections %d, want 0", b.Connections)
	}
}

// TestSinglePacketResetMidResponse: the connection dies with a TCP RST
// after every stream's head and part of its body; each request is a
// reset that keeps what arrived.
func TestSinglePacketResetMidResponse(t *testing.T) {
	url := rawH2Server(t, rawSettings, 3, func(rc *rawConn, ids []uint32) {
		for _, id := range ids {
			rc.headers(id, "200", false)
			rc.do(func(fr *http2.Framer) { fr.WriteData(id, false, []byte("partial")) })
		}
		time.Sleep(50 * time.Millisecond) // let the frames arrive before the reset
		rc.nc.(*net.TCPConn).SetLinger(0)
		rc.nc.Close()
	})
	b := runRaw(t, context.Background(), url, 3, Options{Client: Client{Timeout: 5 * time.Second}})
	wantKinds(t, b, KindReset, KindReset, KindReset)
	for _, r := range b.Results {
		if r.Status != 200 || string(r.Body) != "partial" || r.BodyBytes != 7 {
			t.Errorf("request %d: status %d body %q (%d bytes), want what arrived before the reset", r.Index, r.Status, r.Body, r.BodyBytes)
		}
	}
}

// TestSinglePacketSlowBody: bodies that trickle in for longer than the
// timeout end as timeouts, with the bytes that did arrive counted.
func TestSinglePacketSlowBody(t *testing.T) {
	url := rawH2Server(t, rawSettings, 3, func(rc *rawConn, ids []uint32) {
		for _, id := range ids {
			rc.headers(id, "200", false)
		}
		for range 200 {
			time.Sleep(20 * time.Millisecond)
			for _, id := range ids {
				var err error
				rc.do(func(fr *http2.Framer) { err = fr.WriteData(id, false, []byte("x")) })
				if err != nil {
					return
				}
			}
		}
	})
	const timeout = 300 * time.Millisecond
	start := time.Now()
	b := runRaw(t, context.Background(), url, 3, Options{Client: Client{Timeout: timeout}})
	if took := time.Since(start); took > 10*timeout {
		t.Errorf("took %v with a %v timeout", took, timeout)
	}
	wantKinds(t, b, KindTimeout, KindTimeout, KindTimeout)
	for _, r := range b.Results {
		if r.Status != 200 || r.BodyBytes == 0 || int64(len(r.Body)) != r.BodyBytes || strings.Trim(string(r.Body), "x") != "" {
			t.Errorf("request %d: status %d body %q (%d bytes), want the part that trickled in", r.Index, r.Status, r.Body, r.BodyBytes)
		}
	}
}

// TestSinglePacketSilentWarmup: a server that never answers the warm-up
// HEAD fails the burst within the timeout, before anything is released.
func TestSinglePacketSilentWarmup(t *testing.T) {
	url := rawH2Server(t, rawSettings, 0, func(*rawConn, []uint32) {})
	const timeout = 300 * time.Millisecond
	start := time.Now()
	b := runRaw(t, context.Background(), url, 3, Options{Client: Client{Timeout: timeout}, Sync: Sync{Warmup: 1}})
	if took := time.Since(start); took > 10*timeout {
		t.Errorf("took %v with a %v timeout", took, timeout)
	}
	wantKinds(t, b, KindTimeout, KindTimeout, KindTimeout)
	for _, r := range b.Results {
		if !strings.Contains(r.Err.Error(), "warm-up") || !r.Released.IsZero() {
			t.Errorf("request %d: err %v released %v, want a warm-up failure before the release", r.Index, r.Err, r.Released)
		}
	}
}

// TestSinglePacketOneStreamPerConnection: a server that allows one stream
// at a time gets one connection per request, and every request is
// answered.
func TestSinglePacketOneStreamPerConnection(t *testing.T) {
	srv := h2Server(t, &arrivals{}, false, 1)
	const n = 6
	b := singlePacket(t, burstOf(n, http.MethodPost, srv.URL, []byte("x")), Options{})
	if b.Connections != n {
		t.Errorf("connections %d, want %d", b.Connections, n)
	}
	if want := "6 streams over 6 connections: the server allows 1 concurrent streams"; len(b.Notes) != 1 || b.Notes[0] != want {
		t.Errorf("notes %q, want %q", b.Notes, want)
	}
	conns := map[int]bool{}
	for _, r := range b.Results {
		conns[r.Conn] = true
		if r.Status != 200 || r.Err != nil || string(r.Body) != "ok" {
			t.Errorf("request %d: status %d body %q err %v", r.Index, r.Status, r.Body, r.Err)
		}
	}
	if len(conns) != n {
		t.Errorf("requests used %d connections, want %d", len(conns), n)
	}
}
