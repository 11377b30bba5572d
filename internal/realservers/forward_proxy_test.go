package realservers_test

import (
	"context"
	"crypto/x509"
	"errors"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/racetest/racetest/internal/realservers"
	"github.com/racetest/racetest/runner"
)

// sourceCounter is a target that counts the requests it got by the IP
// address they came from.
type sourceCounter struct {
	mu   sync.Mutex
	from map[string]int
}

func (s *sourceCounter) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	host, _, _ := net.SplitHostPort(r.RemoteAddr)
	s.mu.Lock()
	s.from[host]++
	s.mu.Unlock()
	w.Write([]byte("ok"))
}

func (s *sourceCounter) take() map[string]int {
	s.mu.Lock()
	defer s.mu.Unlock()
	m := s.from
	s.from = map[string]int{}
	return m
}

// TestForwardProxies sends a burst of every engine, and a single request
// (Do, as scenario steps send), through Debian's tinyproxy (HTTP CONNECT)
// and microsocks (SOCKS5) to targets over TLS with h2, h2c and HTTP/1.1.
// The proxies connect out from realservers.ProxySource, so the target
// counting every request from that address proves that each went through
// the proxy, not around it.
func TestForwardProxies(t *testing.T) {
	const n = 10
	proxies := []struct {
		name  string
		start func(testing.TB, realservers.Options) *realservers.Server
	}{
		{"tinyproxy", func(t testing.TB, o realservers.Options) *realservers.Server { return realservers.StartTinyproxy(t, o) }},
		{"microsocks", realservers.StartMicrosocks},
	}
	sc := &sourceCounter{from: map[string]int{}}
	tlsSrv := httptest.NewUnstartedServer(sc)
	tlsSrv.EnableHTTP2 = true
	tlsSrv.StartTLS()
	defer tlsSrv.Close()
	plain := httptest.NewUnstartedServer(sc)
	plain.Config.Protocols = new(http.Protocols)
	plain.Config.Protocols.SetHTTP1(true)
	plain.Config.Protocols.SetUnencryptedHTTP2(true)
	plain.Start()
	defer plain.Close()
	pool := x509.NewCertPool()
	pool.AddCert(tlsSrv.Certificate())

	cases := []struct {
		mode runner.Mode
		url  string
		h2c  bool
	}{
		{runner.ModeSinglePacket, tlsSrv.URL, false},
		{runner.ModeSinglePacket, plain.URL, true},
		{runner.ModeLastByte, tlsSrv.URL, false},
		{runner.ModeLastByte, plain.URL, false},
		{runner.ModeBarrier, tlsSrv.URL, false},
		{runner.ModeBarrier, plain.URL, false},
	}
	for _, p := range proxies {
		t.Run(p.name, func(t *testing.T) {
			px := p.start(t, options(""))
			u, err := runner.ParseProxy(px.ProxyURL)
			if err != nil {
				t.Fatal(err)
			}
			c := runner.Client{RootCAs: pool, Proxy: runner.Proxies{HTTP: u, HTTPS: u, Loopback: true}}
			for _, tc := range cases {
				c.H2C = tc.h2c
				sc.take()
				b := fire(t, posts(n, tc.url+"/race"), c, runner.Sync{Mode: tc.mode})
				for i := range b.Results {
					if r := &b.Results[i]; r.Err != nil || r.Status != http.StatusOK {
						t.Errorf("%s %s request %d: %d %v", tc.mode, tc.url, i, r.Status, r.Err)
					}
				}
				if b.Mode != tc.mode || b.Proxy != runner.ProxyName(u) {
					t.Errorf("%s %s: burst mode %s proxy %q, want %s via %s", tc.mode, tc.url, b.Mode, b.Proxy, tc.mode, runner.ProxyName(u))
				}
				if got := sc.take(); got[realservers.ProxySource] != n || len(got) != 1 {
					t.Errorf("%s %s: the target saw requests from %v, want %d from %s only\n%s", tc.mode, tc.url, got, n, realservers.ProxySource, px.Log())
				}
			}
			for _, target := range []string{tlsSrv.URL, plain.URL} {
				ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
				r := runner.Do(ctx, runner.Request{Method: http.MethodGet, URL: target + "/step"}, c)
				cancel()
				if got := sc.take(); r.Status != http.StatusOK || got[realservers.ProxySource] != 1 {
					t.Errorf("Do %s: %d %v, target saw %v", target, r.Status, r.Err, got)
				}
			}
		})
	}
}

// TestProxyCredentials: tinyproxy with BasicAuth lets a burst through
// with the user and password in the proxy URL, and without them every
// request fails as a connect error that says where the credentials go and
// names the proxy without them.
func TestProxyCredentials(t *testing.T) {
	px := realservers.StartTinyproxy(t, options(""), "racer", "hunter2")
	sc := &sourceCounter{from: map[string]int{}}
	target := httptest.NewServer(sc)
	defer target.Close()
	good, _ := runner.ParseProxy(strings.Replace(px.ProxyURL, "://", "://racer:hunter2@", 1))
	b := fire(t, posts(3, target.URL), runner.Client{Proxy: runner.Proxies{HTTP: good, Loopback: true}}, runner.Sync{Mode: runner.ModeLastByte})
	if err := b.ConnectError(); err != nil || sc.take()[realservers.ProxySource] != 3 {
		t.Fatalf("with credentials: %v\n%s", err, px.Log())
	}
	bad, _ := runner.ParseProxy(strings.Replace(px.ProxyURL, "://", "://racer:wrong@", 1))
	b = fire(t, posts(3, target.URL), runner.Client{Proxy: runner.Proxies{HTTP: bad, Loopback: true}}, runner.Sync{Mode: runner.ModeLastByte})
	err := b.ConnectError()
	var pe *runner.ProxyError
	if !errors.As(err, &pe) || pe.Proxy != px.ProxyURL || !strings.Contains(err.Error(), "USER:PASSWORD@") {
		t.Fatalf("with wrong credentials: %v, want a ProxyError naming %s and where credentials go", err, px.ProxyURL)
	}
	if strings.Contains(err.Error(), "wrong") || strings.Contains(err.Error(), "racer") {
		t.Errorf("the error shows the proxy's credentials: %v", err)
	}
}
