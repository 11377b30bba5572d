package runner

import (
	"context"
	"crypto/x509"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
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

// A burst whose requests went different ways names no proxy, and says in
// a note how many went which way; one that went wholly through the proxy
// names it, and one that went wholly directly names none.
func TestProxyOfAMixedBurst(t *testing.T) {
	var tunnels atomic.Int64
	px := httptest.NewServer(connectProxy(&tunnels))
	defer px.Close()
	target := httptest.NewServer(http.HandlerFunc(func(http.ResponseWriter, *http.Request) {}))
	defer target.Close()
	pu, err := ParseProxy(px.URL)
	if err != nil {
		t.Fatal(err)
	}
	// The same server by two names: localhost through the proxy,
	// 127.0.0.1 directly, as --noproxy 127.0.0.1 has it.
	byName := strings.Replace(target.URL, "127.0.0.1", "localhost", 1)
	proxies := Proxies{HTTP: pu, NoProxy: []string{"127.0.0.1"}, Loopback: true}
	burst := func(urls ...string) *Burst {
		t.Helper()
		reqs := make([]Request, len(urls))
		for i, u := range urls {
			reqs[i] = Request{Method: http.MethodGet, URL: u + "/"}
		}
		ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
		defer cancel()
		b, err := Run(ctx, Plan{Requests: reqs, Options: Options{Client: Client{Proxy: proxies, Timeout: 10 * time.Second}, Sync: Sync{Mode: ModeLastByte}}})
		if err != nil {
			t.Fatal(err)
		}
		for i := range b.Results {
			if r := &b.Results[i]; r.Err != nil || r.Status != http.StatusOK {
				t.Errorf("request %d: %d %v", i, r.Status, r.Err)
			}
		}
		return b
	}
	mixed := func(b *Burst) string {
		for _, n := range b.Notes {
			if strings.HasPrefix(n, "the requests went different ways") {
				return n
			}
		}
		return ""
	}

	b := burst(byName, target.URL, byName, target.URL, byName)
	want := "3 of 5 through " + ProxyName(pu) + ", 2 of 5 directly"
	if got := tunnels.Load(); got != 3 || b.Proxy != "" || !strings.Contains(mixed(b), want) {
		t.Errorf("mixed: %d tunnels, proxy %q, notes %q; want 3 tunnels, no proxy named, a note with %q", got, b.Proxy, b.Notes, want)
	}
	b = burst(byName, byName)
	if got := tunnels.Load(); got != 5 || b.Proxy != ProxyName(pu) || mixed(b) != "" {
		t.Errorf("through the proxy: %d tunnels in all, proxy %q, notes %q; want 5, %s and no mixed note", got, b.Proxy, b.Notes, ProxyName(pu))
	}
	b = burst(target.URL, target.URL)
	if got := tunnels.Load(); got != 5 || b.Proxy != "" || mixed(b) != "" {
		t.Errorf("directly: %d tunnels in all, proxy %q, notes %q; want 5, none named, no mixed note", got, b.Proxy, b.Notes)
	}
}
