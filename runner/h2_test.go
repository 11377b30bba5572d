package runner

import (
	"context"
	"errors"
	"io"
	"log"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"
)

// h2Server serves h over TLS with HTTP/2 (ALPN h2) or, with h2c, over
// cleartext HTTP/2 with prior knowledge, as a loopback httptest server.
func h2Server(t *testing.T, h http.Handler, h2c bool, maxStreams int) *httptest.Server {
	t.Helper()
	return h2ServerOn(t, nil, h, h2c, maxStreams)
}

// h2ServerOn is h2Server on the listener ln (nil: a loopback one).
func h2ServerOn(t *testing.T, ln net.Listener, h http.Handler, h2c bool, maxStreams int) *httptest.Server {
	t.Helper()
	srv := httptest.NewUnstartedServer(h)
	if ln != nil {
		srv.Listener.Close()
		srv.Listener = ln
	}
	srv.Config.HTTP2 = &http.HTTP2Config{MaxConcurrentStreams: maxStreams}
	srv.Config.ErrorLog = log.New(io.Discard, "", 0) // refused TLS handshakes are expected
	if h2c {
		srv.Config.Protocols = new(http.Protocols)
		srv.Config.Protocols.SetHTTP1(true)
		srv.Config.Protocols.SetUnencryptedHTTP2(true)
		srv.Start()
	} else {
		srv.EnableHTTP2 = true
		srv.StartTLS()
	}
	t.Cleanup(srv.Close)
	return srv
}

// starts wraps arrivals and also records when each race handler started,
// before it read the body: the moment a check-then-act handler checks.
type starts struct {
	arrivals
	mu    sync.Mutex
	began []time.Time
}

func (s *starts) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodHead {
		s.mu.Lock()
		s.began = append(s.began, time.Now())
		s.mu.Unlock()
	}
	s.arrivals.ServeHTTP(w, r)
}

func singlePacket(t *testing.T, reqs []Request, o Options) *Burst {
	t.Helper()
	o.Mode = ModeSinglePacket
	o.Insecure = true
	b, err := Run(context.Background(), Plan{Requests: reqs, Options: o})
	if err != nil {
		t.Fatal(err)
	}
	if b.Mode != ModeSinglePacket || b.Proto != "HTTP/2.0" {
		t.Fatalf("mode %s proto %s", b.Mode, b.Proto)
	}
	return b
}

// TestSinglePacketHoldsUntilRelease proves the engine's claim on Go's
// server: no request was complete before the release, POST bodies held by
// their last byte and GETs by their whole HEADERS frame; with HoldHeaders
// not even a handler started before it.
func TestSinglePacketHoldsUntilRelease(t *testing.T) {
	const n = 20
	for _, h2c := range []bool{false, true} {
		for _, hold := range []Hold{HoldLastByte, HoldHeaders} {
			method, body := http.MethodGet, []byte(nil)
			if hold == HoldLastByte {
				method, body = http.MethodPost, []byte(`{"amount":1}`)
			}
			s := &starts{}
			srv := h2Server(t, s, h2c, 0)
			b := singlePacket(t, burstOf(n, method, srv.URL+"/x", body), Options{Sync: Sync{Hold: hold, Warmup: 1}})
			if b.Hold != hold || b.Connections != 1 {
				t.Errorf("h2c %v %s: burst hold %s connections %d", h2c, hold, b.Hold, b.Connections)
			}
			assertHeld(t, b, &s.arrivals, n)
			if hold != HoldHeaders {
				continue
			}
			first := firstRelease(t, b)
			for i, at := range s.began {
				if at.Before(first) {
					t.Errorf("h2c %v: handler %d started %v before the release", h2c, i, first.Sub(at))
				}
			}
		}
	}
}

func TestSinglePacketSpreadsStreamsOverConnections(t *testing.T) {
	srv := h2Server(t, &arrivals{}, false, 5)
	b := singlePacket(t, burstOf(12, http.MethodGet, srv.URL, nil), Options{})
	if b.Connections != 3 {
		t.Errorf("connections %d, want 3", b.Connections)
	}
	if want := "12 streams over 3 connections: the server allows 5 concurrent streams"; len(b.Notes) != 1 || b.Notes[0] != want {
		t.Errorf("notes %q, want %q", b.Notes, want)
	}
	for _, r := range b.Results {
		if r.Status != 200 || r.Proto != "HTTP/2.0" || r.Header.Get(DefaultArrivalHeader) == "" {
			t.Errorf("request %d: status %d proto %q err %v", r.Index, r.Status, r.Proto, r.Err)
		}
	}
}

func TestSinglePacketNeedsHTTP2(t *testing.T) {
	plain := httptest.NewServer(&arrivals{})
	defer plain.Close()
	secure := httptest.NewUnstartedServer(&arrivals{})
	secure.Config.ErrorLog = log.New(io.Discard, "", 0) // the refused ALPN
	secure.StartTLS()
	defer secure.Close()
	for url, want := range map[string]string{plain.URL: "does not speak h2c", secure.URL: "did not offer HTTP/2"} {
		_, err := Run(context.Background(), Plan{
			Requests: burstOf(2, http.MethodGet, url, nil),
			Options:  Options{Client: Client{Insecure: true, Timeout: 2 * time.Second}, Sync: Sync{Mode: ModeSinglePacket}},
		})
		t.Log(err)
		if !errors.Is(err, ErrSyncUnavailable) || !strings.Contains(err.Error(), want) {
			t.Errorf("%s: err %v, want ErrSyncUnavailable saying %q", url, err, want)
		}
		// The way out is data (Instead), worded by the caller: the
		// runner names no command-line flag.
		var se *SyncError
		if !errors.As(err, &se) || se.Instead != ModeLastByte || strings.Contains(err.Error(), "--") {
			t.Errorf("%s: %#v, want Instead %s and no flag named", url, se, ModeLastByte)
		}
	}
}

func TestResolveAuto(t *testing.T) {
	h2 := h2Server(t, &arrivals{}, false, 0)
	h1 := httptest.NewTLSServer(&arrivals{})
	defer h1.Close()
	for _, c := range []struct {
		url  string
		h2c  bool
		want Mode
	}{
		{h2.URL, false, ModeSinglePacket},
		{h1.URL, false, ModeLastByte},
		{"http://127.0.0.1:1", true, ModeSinglePacket},
		{"http://127.0.0.1:1", false, ModeLastByte},
		{"https://127.0.0.1:1", false, ModeLastByte}, // unreachable: the engine records it
	} {
		p := &Plan{Requests: burstOf(1, http.MethodGet, c.url, nil), Options: Options{Client: Client{Insecure: true, H2C: c.h2c}}.withDefaults()}
		if got, err := resolveAuto(context.Background(), p); err != nil || got != c.want {
			t.Errorf("%s h2c %v: %s %v, want %s", c.url, c.h2c, got, err, c.want)
		}
	}
	b, err := Run(context.Background(), Plan{Requests: burstOf(2, http.MethodGet, h2.URL, nil), Options: Options{Client: Client{Insecure: true}}})
	if err != nil || b.Mode != ModeSinglePacket || len(b.Notes) == 0 || !strings.Contains(b.Notes[0], "h2 in TLS ALPN") {
		t.Fatalf("auto against h2: %+v %v", b, err)
	}
}

func TestSinglePacketUntrustedCertificateIsTallied(t *testing.T) {
	srv := h2Server(t, &arrivals{}, false, 0)
	b, err := Run(context.Background(), Plan{Requests: burstOf(2, http.MethodGet, srv.URL, nil), Options: Options{Sync: Sync{Mode: ModeSinglePacket}}})
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range b.Results {
		if r.ErrKind != KindTLS {
			t.Errorf("request %d: kind %q err %v, want tls", r.Index, r.ErrKind, r.Err)
		}
	}
}
