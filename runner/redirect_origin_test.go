package runner

import (
	"bufio"
	"crypto/tls"
	"crypto/x509"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"
)

// dualListener serves TLS and cleartext on one port, as a server behind
// a misconfigured proxy might: a connection whose first byte starts a TLS
// handshake gets TLS, any other plain HTTP. It lets a test redirect
// https://127.0.0.1:P to http://127.0.0.1:P, where only the scheme changes.
type dualListener struct {
	net.Listener
	srv *httptest.Server // holds the TLS configuration and certificate
}

// peekedConn is a connection whose first bytes were already read into r.
type peekedConn struct {
	net.Conn
	r *bufio.Reader
}

func (c *peekedConn) Read(p []byte) (int, error) { return c.r.Read(p) }

func (l *dualListener) Accept() (net.Conn, error) {
	for {
		c, err := l.Listener.Accept()
		if err != nil {
			return nil, err
		}
		c.SetReadDeadline(time.Now().Add(5 * time.Second))
		br := bufio.NewReader(c)
		first, err := br.Peek(1)
		c.SetReadDeadline(time.Time{})
		if err != nil {
			c.Close()
			continue
		}
		pc := &peekedConn{Conn: c, r: br}
		if first[0] == 0x16 { // a TLS handshake record
			return tls.Server(pc, l.srv.TLS), nil
		}
		return pc, nil
	}
}

// credentialsSeen records, per scheme and path, the credentials a request
// carried.
type credentialsSeen struct {
	mu   sync.Mutex
	seen []string
}

func (h *credentialsSeen) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	h.mu.Lock()
	h.seen = append(h.seen, scheme+" "+r.URL.Path+" authorization="+r.Header.Get("Authorization")+
		" cookie="+r.Header.Get("Cookie")+" proxy-authorization="+r.Header.Get("Proxy-Authorization"))
	h.mu.Unlock()
	port := strings.TrimPrefix(r.Host[strings.LastIndex(r.Host, ":"):], ":")
	switch r.URL.Path {
	case "/to-http": // same host and port, scheme changes
		http.Redirect(w, r, "http://127.0.0.1:"+port+"/final", http.StatusFound)
	case "/to-https": // same origin
		http.Redirect(w, r, "https://127.0.0.1:"+port+"/final", http.StatusFound)
	case "/final":
		w.WriteHeader(http.StatusOK)
	}
}

func (h *credentialsSeen) take() []string {
	h.mu.Lock()
	defer h.mu.Unlock()
	s := h.seen
	h.seen = nil
	return s
}

// TestRedirectDropsCredentialsOnSchemeChange: a redirect from https to
// http on the same host and port drops Authorization, Cookie and
// Proxy-Authorization, as curl does since CVE-2022-27776, in Do and in
// every burst engine; a redirect to the same scheme, host and port keeps
// them.
func TestRedirectDropsCredentialsOnSchemeChange(t *testing.T) {
	h := &credentialsSeen{}
	srv := httptest.NewUnstartedServer(h)
	srv.EnableHTTP2 = true
	srv.StartTLS() // only for its TLS configuration and certificate
	t.Cleanup(srv.Close)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	dual := &http.Server{Handler: h, ReadHeaderTimeout: 5 * time.Second}
	go dual.Serve(&dualListener{Listener: ln, srv: srv})
	t.Cleanup(func() { dual.Close() })
	base := "https://" + ln.Addr().String()

	pool := x509.NewCertPool()
	pool.AddCert(srv.Certificate())
	o := Options{Client: Client{FollowRedirects: true, RootCAs: pool, Timeout: 5 * time.Second}}
	creds := http.Header{
		"Authorization":       {"Bearer sekrit"},
		"Cookie":              {"session=sekrit"},
		"Proxy-Authorization": {"Basic sekrit"},
	}
	for _, mode := range []Mode{"do", ModeLastByte, ModeBarrier, ModeSinglePacket} {
		for path, keep := range map[string]bool{"/to-http": false, "/to-https": true} {
			rs := sendCredentials(t, mode, base+path, creds, o)
			for _, r := range rs {
				if r.Status != 200 || len(r.Redirects) != 1 {
					t.Fatalf("%s %s request %d: status %d err %v redirects %v", mode, path, r.Index, r.Status, r.Err, r.Redirects)
				}
			}
			for _, s := range h.take() {
				if !strings.Contains(s, "/final") {
					if !strings.Contains(s, "authorization=Bearer sekrit") {
						t.Errorf("%s: the raced request lost its credentials: %s", mode, s)
					}
					continue
				}
				if got := strings.Contains(s, "sekrit"); got != keep {
					t.Errorf("%s %s: the redirected request was %q; credentials kept %v, want %v", mode, path, s, got, keep)
				}
			}
		}
	}
}

// sendCredentials sends two requests with header to url with the engine
// of mode, or one with Do for mode "do".
func sendCredentials(t *testing.T, mode Mode, url string, header http.Header, o Options) []Result {
	t.Helper()
	if mode == "do" {
		return []Result{Do(t.Context(), Request{Method: http.MethodGet, URL: url, Header: header}, o.Client)}
	}
	o.Mode = mode
	reqs := burstOf(2, http.MethodGet, url, nil)
	for i := range reqs {
		reqs[i].Header = header.Clone()
	}
	b, err := Run(t.Context(), Plan{Requests: reqs, Options: o})
	if err != nil {
		t.Fatal(err)
	}
	return b.Results
}

// TestRedirectDropsCredentialsOnPortChange: another port on the same host
// is another server; Cookie and Proxy-Authorization are dropped with
// Authorization.
func TestRedirectDropsCredentialsOnPortChange(t *testing.T) {
	other := &credentialsSeen{}
	otherSrv := httptest.NewServer(other)
	t.Cleanup(otherSrv.Close)
	srv := httptest.NewServer(http.RedirectHandler(otherSrv.URL+"/final", http.StatusFound))
	t.Cleanup(srv.Close)
	creds := http.Header{"Authorization": {"Bearer sekrit"}, "Cookie": {"a=sekrit"}, "Proxy-Authorization": {"Basic sekrit"}}
	for _, mode := range []Mode{"do", ModeLastByte} {
		sendCredentials(t, mode, srv.URL+"/", creds, Options{Client: Client{FollowRedirects: true}})
		for _, s := range other.take() {
			if strings.Contains(s, "sekrit") {
				t.Errorf("%s: the other port saw %q", mode, s)
			}
		}
	}
}

// TestSameOrigin: default ports count as given, and case does not matter.
func TestSameOrigin(t *testing.T) {
	for _, tc := range []struct {
		a, b string
		same bool
	}{
		{"https://example.com/a", "https://example.com:443/b", true},
		{"http://EXAMPLE.com/", "http://example.com:80/", true},
		{"https://example.com/", "http://example.com/", false},
		{"https://example.com/", "https://example.com:8443/", false},
		{"http://example.com/", "http://example.com.evil/", false},
		{"http://[::1]:80/", "http://[::1]/", true},
	} {
		a, _ := url.Parse(tc.a)
		b, _ := url.Parse(tc.b)
		if got := sameOrigin(a, b); got != tc.same {
			t.Errorf("sameOrigin(%s, %s) = %v, want %v", tc.a, tc.b, got, tc.same)
		}
	}
}
