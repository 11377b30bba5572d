package runner

import (
	"bufio"
	"context"
	"crypto/tls"
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
	"time"

	"golang.org/x/net/http2"
)

// TestServerLimitsAreSyncUnavailable: limits the server imposes on
// HTTP/2 make single-packet unavailable (ErrSyncUnavailable, exit 4
// upstream), never an invalid plan (exit 2, the user's mistake).
func TestServerLimitsAreSyncUnavailable(t *testing.T) {
	ok := func(rc *rawConn, ids []uint32) {
		for _, id := range ids {
			rc.headers(id, "200", true)
		}
	}
	for _, c := range []struct {
		name     string
		settings []http2.Setting
		body     []byte
		want     string
	}{
		{"no streams", []http2.Setting{{ID: http2.SettingMaxConcurrentStreams, Val: 0}}, nil, "no concurrent HTTP/2 streams"},
		{"stream window 0", append([]http2.Setting{{ID: http2.SettingInitialWindowSize, Val: 0}}, rawSettings...), []byte("x"), "stream window (0 bytes)"},
		{"70 KB body, default window", rawSettings, make([]byte, 70<<10), "stream window (65535 bytes)"},
	} {
		t.Run(c.name, func(t *testing.T) {
			url := rawH2Server(t, c.settings, 2, ok)
			_, err := Run(context.Background(), Plan{
				Requests: burstOf(2, http.MethodPost, url, c.body),
				Options:  Options{Client: Client{Timeout: 2 * time.Second}, Sync: Sync{Mode: ModeSinglePacket}},
			})
			var serr *SyncError
			if !errors.Is(err, ErrSyncUnavailable) || errors.Is(err, ErrInvalidPlan) || !errors.As(err, &serr) || !strings.Contains(err.Error(), c.want) {
				t.Errorf("err %v, want ErrSyncUnavailable saying %q", err, c.want)
			}
		})
	}
}

// TestAutoFallsBackToLastByte: in auto mode, what makes single-packet
// unavailable leads to a last-byte burst that is answered, with a note
// that says why: a 70 KB body over a server's 16 KB stream window (Go's
// server, h2c and HTTP/1.1 on one port), and a TLS server that accepts h2
// in ALPN but speaks HTTP/1.1.
func TestAutoFallsBackToLastByte(t *testing.T) {
	small := httptest.NewUnstartedServer(&arrivals{})
	small.Config.HTTP2 = &http.HTTP2Config{MaxReceiveBufferPerStream: 16 << 10}
	small.Config.Protocols = new(http.Protocols)
	small.Config.Protocols.SetHTTP1(true)
	small.Config.Protocols.SetUnencryptedHTTP2(true)
	small.Start()
	t.Cleanup(small.Close)
	liar := alpnLiar(t)
	for _, c := range []struct {
		name, url string
		h2c       bool
		body      []byte
		want      string
	}{
		{"stream window", small.URL, true, make([]byte, 70<<10), "stream window"},
		{"ALPN h2 speaking HTTP/1.1", liar, false, nil, "accepted h2 in TLS ALPN but does not speak HTTP/2"},
	} {
		t.Run(c.name, func(t *testing.T) {
			p := Plan{Requests: burstOf(3, http.MethodPost, c.url, c.body), Options: Options{Client: Client{Insecure: true, H2C: c.h2c, Timeout: 5 * time.Second}}}
			b, err := Run(context.Background(), p)
			if err != nil {
				t.Fatal(err)
			}
			if b.Mode != ModeLastByte || len(b.Notes) == 0 || !strings.HasPrefix(b.Notes[0], "auto: raced with last-byte") || !strings.Contains(b.Notes[0], c.want) ||
				strings.Contains(b.Notes[0], "; use") {
				// No advice to use what auto has just used.
				t.Errorf("mode %s notes %q, want last-byte and why, no advice", b.Mode, b.Notes)
			}
			if !b.Complete() {
				t.Errorf("incomplete: %+v", b.Incomplete())
			}
			if len(b.Notes) > 1 && strings.Contains(b.Notes[1], "connections asked for") {
				t.Errorf("a note about connections nobody asked for: %q", b.Notes)
			}
			// Connections asked for are not silently dropped: last-byte
			// opens one per request, and a note says so.
			p.Connections = 2
			b, err = Run(context.Background(), p)
			if err != nil {
				t.Fatal(err)
			}
			const want = "auto: the 2 connections asked for were not used: last-byte opens one connection per request (3 here)"
			if b.Mode != ModeLastByte || b.Connections != 3 || len(b.Notes) < 2 || b.Notes[1] != want {
				t.Errorf("mode %s, %d connections, notes %q, want last-byte on 3 and %q", b.Mode, b.Connections, b.Notes, want)
			}
			p.Connections = 0
			p.Mode = ModeSinglePacket
			_, err = Run(context.Background(), p)
			if !errors.Is(err, ErrSyncUnavailable) || !strings.Contains(err.Error(), c.want) {
				t.Errorf("single-packet: err %v, want ErrSyncUnavailable saying %q", err, c.want)
			}
			// The way out is data, worded by the caller: the runner
			// names no command-line flag.
			var se *SyncError
			if !errors.As(err, &se) || se.Instead != ModeLastByte || strings.Contains(err.Error(), "--") {
				t.Errorf("single-packet: %#v, want Instead %s and no flag named", se, ModeLastByte)
			}
		})
	}
}

// TestAutoLastByteSaysConnectionsWereNotUsed: auto races a target that
// offers no HTTP/2 (plain http:// without H2C) with last-byte from the
// start; Connections asked for are not kept, and a note says so, as when
// auto falls back (TestAutoFallsBackToLastByte).
func TestAutoLastByteSaysConnectionsWereNotUsed(t *testing.T) {
	srv := httptest.NewServer(&arrivals{})
	t.Cleanup(srv.Close)
	p := Plan{Requests: burstOf(3, http.MethodGet, srv.URL, nil), Options: Options{Client: Client{Timeout: 5 * time.Second}}}
	b, err := Run(context.Background(), p)
	if err != nil {
		t.Fatal(err)
	}
	for _, n := range b.Notes {
		if strings.Contains(n, "connections asked for") {
			t.Errorf("a note about connections nobody asked for: %q", b.Notes)
		}
	}
	p.Connections = 2
	b, err = Run(context.Background(), p)
	if err != nil {
		t.Fatal(err)
	}
	const want = "auto: the 2 connections asked for were not used: last-byte opens one connection per request (3 here)"
	if b.Mode != ModeLastByte || !b.Complete() || !slices.Contains(b.Notes, want) {
		t.Errorf("mode %s, complete %v, notes %q, want a complete last-byte burst and %q", b.Mode, b.Complete(), b.Notes, want)
	}
}

// alpnLiar is a TLS server that accepts h2 in ALPN but speaks HTTP/1.1,
// as a misconfigured proxy does: it answers the HTTP/2 preface with a
// 505 and requests with 200. It returns the https:// URL.
func alpnLiar(t *testing.T) string {
	t.Helper()
	cert := h2Server(t, http.NotFoundHandler(), false, 0).TLS.Certificates[0]
	cfg := &tls.Config{Certificates: []tls.Certificate{cert}, NextProtos: []string{"h2", "http/1.1"}}
	url := rawServer(t, func(c net.Conn) {
		tc := tls.Server(c, cfg)
		defer tc.Close()
		br := bufio.NewReader(tc)
		for {
			req, err := http.ReadRequest(br)
			if err != nil {
				return
			}
			_, _ = io.Copy(io.Discard, req.Body)
			if req.Method == "PRI" {
				_, _ = io.WriteString(tc, "HTTP/1.1 505 HTTP Version Not Supported\r\nConnection: close\r\nContent-Length: 0\r\n\r\n")
				return
			}
			if _, err := io.WriteString(tc, "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok"); err != nil {
				return
			}
		}
	})
	return strings.Replace(url, "http://", "https://", 1)
}
