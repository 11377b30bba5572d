package realservers_test

import (
	"context"
	"net/http"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/racetest/racetest/internal/realservers"
	"github.com/racetest/racetest/runner"
)

// burstN is the size of every burst here: small, so that three servers on
// a shared 2-core machine stay quick, and within one packet's worth.
const burstN = 20

// options are the Options every test passes: CI sets RACETEST_REAL_SERVERS=1
// so that a missing server fails instead of skipping.
func options(backend string) realservers.Options {
	return realservers.Options{Require: os.Getenv(realservers.EnvRequire) == "1", Backend: backend}
}

// server is one kind of real server to run the same test against.
type server struct {
	name  string
	start func(testing.TB, realservers.Options) *realservers.Server
}

// servers lists every real server, nginx with its defaults.
func servers() []server {
	return []server{
		{"nginx", func(t testing.TB, o realservers.Options) *realservers.Server {
			return realservers.StartNginx(t, realservers.NginxOptions{Options: o})
		}},
		{"apache2", realservers.StartApache},
		{"caddy", realservers.StartCaddy},
	}
}

// posts is n identical POSTs to url with a small JSON body.
func posts(n int, url string) []runner.Request {
	reqs := make([]runner.Request, n)
	for i := range reqs {
		reqs[i] = runner.Request{
			Method: http.MethodPost,
			URL:    url,
			Header: http.Header{"Content-Type": {"application/json"}},
			Body:   []byte(`{"type":"investment_complete"}`),
		}
	}
	return reqs
}

// fire runs one burst and fails the test if Run itself fails.
func fire(t *testing.T, reqs []runner.Request, c runner.Client, s runner.Sync) *runner.Burst {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	c.Timeout = 10 * time.Second
	b, err := runner.Run(ctx, runner.Plan{Requests: reqs, Options: runner.Options{Client: c, Sync: s}})
	if err != nil {
		t.Fatalf("runner.Run: %v", err)
	}
	return b
}

// checkBurst asserts what every burst through a proxy to a Backend must
// show: the engine and protocol asked for, every request answered 200 or
// 409 after its release, the backend saw each one, and the 200s it counted
// are the 200s the client got.
func checkBurst(t *testing.T, srv *realservers.Server, be *realservers.Backend, b *runner.Burst, mode runner.Mode, proto string) {
	t.Helper()
	if b.Mode != mode {
		t.Errorf("burst ran in mode %s, want %s", b.Mode, mode)
	}
	ok := 0
	for i := range b.Results {
		r := &b.Results[i]
		switch {
		case r.Err != nil:
			t.Errorf("request %d: %s: %v", i, r.ErrKind, r.Err)
			continue
		case r.Status != http.StatusOK && r.Status != http.StatusConflict:
			t.Errorf("request %d: status %d (%s), want 200 or 409", i, r.Status, r.Body)
		case r.Proto != proto:
			t.Errorf("request %d: protocol %s, want %s", i, r.Proto, proto)
		case r.FirstByte.Before(r.Released):
			t.Errorf("request %d: answered %v before its release", i, r.Released.Sub(r.FirstByte))
		}
		if r.Status == http.StatusOK {
			ok++
		}
	}
	if n := len(be.Arrivals()); n != len(b.Results) {
		t.Errorf("backend saw %d requests, want %d", n, len(b.Results))
	}
	if ok == 0 || ok != be.Granted() {
		t.Errorf("client got %d x 200, backend granted %d; want the same, at least 1", ok, be.Granted())
	}
	if t.Failed() {
		t.Logf("notes: %q\n%s", b.Notes, srv.Log())
	}
	t.Logf("%s %s via %s: %d x 200 of %d, release spread %v, backend max in flight %d",
		b.Mode, b.Proto, srv.Name, ok, len(b.Results), b.ReleaseSpread(), be.MaxInFlight())
}

// TestSinglePacketTLS sends a single-packet burst over TLS with ALPN h2
// through each server to the check-then-act backend: the servers speak
// HTTP/2 to racetest and pass every stream on.
func TestSinglePacketTLS(t *testing.T) {
	for _, s := range servers() {
		t.Run(s.name, func(t *testing.T) {
			be := realservers.StartBackend(t, time.Millisecond)
			srv := s.start(t, options(be.URL))
			b := fire(t, posts(burstN, srv.TLSURL+"/race"),
				runner.Client{RootCAs: srv.RootCAs()}, runner.Sync{Mode: runner.ModeSinglePacket})
			checkBurst(t, srv, be, b, runner.ModeSinglePacket, "HTTP/2.0")
		})
	}
}

// TestSinglePacketH2C is the same over cleartext HTTP/2 with prior
// knowledge.
func TestSinglePacketH2C(t *testing.T) {
	for _, s := range servers() {
		t.Run(s.name, func(t *testing.T) {
			be := realservers.StartBackend(t, time.Millisecond)
			srv := s.start(t, options(be.URL))
			b := fire(t, posts(burstN, srv.H2CURL+"/race"),
				runner.Client{H2C: true}, runner.Sync{Mode: runner.ModeSinglePacket})
			checkBurst(t, srv, be, b, runner.ModeSinglePacket, "HTTP/2.0")
		})
	}
}

// TestLastByte sends a last-byte burst, one HTTP/1.1 connection per
// request, over TLS (ALPN http/1.1) and over cleartext.
func TestLastByte(t *testing.T) {
	for _, s := range servers() {
		t.Run(s.name, func(t *testing.T) {
			be := realservers.StartBackend(t, time.Millisecond)
			srv := s.start(t, options(be.URL))
			for _, base := range []string{srv.TLSURL, srv.HTTPURL} {
				be.Reset()
				b := fire(t, posts(burstN, base+"/race"),
					runner.Client{RootCAs: srv.RootCAs()}, runner.Sync{Mode: runner.ModeLastByte})
				checkBurst(t, srv, be, b, runner.ModeLastByte, "HTTP/1.1")
			}
		})
	}
}

// TestAutoPicksSinglePacket checks that auto mode sees ALPN h2 on each
// server's TLS port and races with single-packet.
func TestAutoPicksSinglePacket(t *testing.T) {
	for _, s := range servers() {
		t.Run(s.name, func(t *testing.T) {
			be := realservers.StartBackend(t, time.Millisecond)
			srv := s.start(t, options(be.URL))
			b := fire(t, posts(burstN, srv.TLSURL+"/race"),
				runner.Client{RootCAs: srv.RootCAs()}, runner.Sync{})
			checkBurst(t, srv, be, b, runner.ModeSinglePacket, "HTTP/2.0")
		})
	}
}

// TestServerAnswersItself checks each server's own endpoint (no backend)
// with runner.Do, and that a server refuses a client that does not trust
// its CA: TLS is real, not skipped.
func TestServerAnswersItself(t *testing.T) {
	for _, s := range servers() {
		t.Run(s.name, func(t *testing.T) {
			srv := s.start(t, options(""))
			ctx := context.Background()
			r := runner.Do(ctx, runner.Request{Method: http.MethodGet, URL: srv.TLSURL + realservers.OKPath},
				runner.Client{RootCAs: srv.RootCAs()})
			if r.Err != nil || r.Status != http.StatusOK || string(r.Body) != "ok" {
				t.Fatalf("GET %s: %d %q %v\n%s", realservers.OKPath, r.Status, r.Body, r.Err, srv.Log())
			}
			if !strings.Contains(strings.ToLower(r.Header.Get("Server")), strings.TrimSuffix(s.name, "2")) {
				t.Errorf("Server header %q does not name %s: is something else on the port?", r.Header.Get("Server"), s.name)
			}
			if r.Header.Get(runner.DefaultArrivalHeader) == "" {
				t.Errorf("no %s header on %s", runner.DefaultArrivalHeader, realservers.OKPath)
			}
			r = runner.Do(ctx, runner.Request{Method: http.MethodGet, URL: srv.TLSURL + realservers.OKPath}, runner.Client{})
			if r.ErrKind != runner.KindTLS {
				t.Errorf("a client without the CA got %d, %s %v; want a TLS error", r.Status, r.ErrKind, r.Err)
			}
			t.Logf("%s: %s", srv.Name, srv.Version)
		})
	}
}

// TestGETDefaultBehindEveryServer races bodiless GETs with single-packet's
// default hold (HEADERS in the arming write, an empty DATA frame with
// END_STREAM in the release) behind nginx, Apache and Caddy, on a path
// each answers itself and on one each proxies to a Go backend. Whether a
// server answers on the heads (the arming write was the burst) or waits
// for the ends (the release was), the round is complete: never half of
// each.
func TestGETDefaultBehindEveryServer(t *testing.T) {
	be := realservers.StartBackend(t, time.Millisecond)
	for _, s := range servers() {
		srv := s.start(t, options(be.URL))
		for _, path := range []string{realservers.OKPath, "/race"} {
			reqs := posts(burstN, srv.TLSURL+path)
			for i := range reqs {
				reqs[i].Method, reqs[i].Body = http.MethodGet, nil
			}
			b := fire(t, reqs, runner.Client{RootCAs: srv.RootCAs()}, runner.Sync{Mode: runner.ModeSinglePacket})
			if in := b.Incomplete(); len(in) != 0 || b.Hold != runner.HoldLastByte {
				t.Errorf("%s %s: hold %s, incomplete %+v; notes %q", s.name, path, b.Hold, in, b.Notes)
			}
			t.Logf("%s %s: on the heads %v", s.name, path, b.Receipt.Heads)
			be.Reset()
		}
	}
}
