package runner

import (
	"context"
	"crypto/x509"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"sync/atomic"
	"testing"
	"time"
)

// connectProxy is an HTTP CONNECT proxy on loopback: it dials the asked
// address and copies bytes both ways. It counts the tunnels it opened.
func connectProxy(tunnels *atomic.Int64) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodConnect {
			http.Error(w, "CONNECT only", http.StatusMethodNotAllowed)
			return
		}
		up, err := net.Dial("tcp", r.Host)
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadGateway)
			return
		}
		c, brw, err := http.NewResponseController(w).Hijack()
		if err != nil {
			up.Close()
			return
		}
		tunnels.Add(1)
		brw.WriteString("HTTP/1.1 200 Connection established\r\n\r\n")
		brw.Flush()
		go func() { io.Copy(up, c); up.Close() }()
		io.Copy(c, up)
		c.Close()
	})
}

// An https:// proxy: racetest speaks TLS to the proxy, then TLS to the
// target inside the tunnel, in each engine.
func TestHTTPSProxy(t *testing.T) {
	var tunnels atomic.Int64
	px := httptest.NewTLSServer(connectProxy(&tunnels))
	defer px.Close()
	target := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {}))
	target.EnableHTTP2 = true
	target.StartTLS()
	defer target.Close()
	pool := x509.NewCertPool()
	pool.AddCert(px.Certificate())
	pool.AddCert(target.Certificate())
	u, err := ParseProxy(px.URL)
	if err != nil || u.Scheme != "https" {
		t.Fatalf("ParseProxy(%s) = %v, %v", px.URL, u, err)
	}
	c := Client{RootCAs: pool, Proxy: Proxies{HTTP: u, HTTPS: u, Loopback: true}, Timeout: 10 * time.Second}
	for _, mode := range []Mode{ModeSinglePacket, ModeLastByte, ModeBarrier} {
		before := tunnels.Load()
		reqs := make([]Request, 5)
		for i := range reqs {
			reqs[i] = Request{Method: http.MethodGet, URL: target.URL + "/"}
		}
		ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
		b, err := Run(ctx, Plan{Requests: reqs, Options: Options{Client: c, Sync: Sync{Mode: mode}}})
		cancel()
		if err != nil {
			t.Fatalf("%s: %v", mode, err)
		}
		for i := range b.Results {
			if r := &b.Results[i]; r.Err != nil || r.Status != http.StatusOK {
				t.Errorf("%s request %d: %d %v", mode, i, r.Status, r.Err)
			}
		}
		if tunnels.Load() == before || b.Proxy != ProxyName(u) {
			t.Errorf("%s: %d tunnels, proxy %q; want it through %s", mode, tunnels.Load()-before, b.Proxy, ProxyName(u))
		}
	}
}

// ParseProxy reads proxies as curl does.
func TestParseProxy(t *testing.T) {
	for in, want := range map[string]string{
		"127.0.0.1:3128":        "http://127.0.0.1:3128",
		"proxy":                 "http://proxy:1080",
		"HTTPS://proxy":         "https://proxy:443",
		"socks5h://u:p@[::1]":   "socks5h://u:p@[::1]:1080",
		"http://proxy:8080/":    "http://proxy:8080",
		"socks5://10.0.0.1:999": "socks5://10.0.0.1:999",
	} {
		u, err := ParseProxy(in)
		if err != nil || u.String() != want {
			t.Errorf("ParseProxy(%q) = %v, %v; want %s", in, u, err, want)
		}
	}
	for _, bad := range []string{"socks4://h", "http://", "http://h/path", "http://h?q=1", "http://h:x"} {
		if _, err := ParseProxy(bad); err == nil {
			t.Errorf("ParseProxy(%q): no error", bad)
		}
	}
	if got := ProxyName(&url.URL{Scheme: "http", Host: "h:1", User: url.UserPassword("u", "p")}); got != "http://h:1" {
		t.Errorf("ProxyName shows %q", got)
	}
}
