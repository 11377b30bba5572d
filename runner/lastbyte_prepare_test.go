package runner

import (
	"bytes"
	"context"
	"crypto/x509"
	"fmt"
	"io"
	"log"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
)

func TestLastByteEncodesTheRequest(t *testing.T) {
	type seen struct {
		host, ua, xtest, te string
		cl                  int64
		body                string
	}
	got := make(chan seen, 2)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var buf bytes.Buffer
		_, _ = buf.ReadFrom(r.Body)
		got <- seen{r.Host, r.UserAgent(), r.Header.Get("X-Test"), r.Header.Get("Transfer-Encoding"), r.ContentLength, buf.String()}
	}))
	defer srv.Close()
	rs := []Request{
		{Method: "PUT", URL: srv.URL + "/a?b=c", Body: []byte("hello"),
			Header: http.Header{"X-Test": {"1"}, "Transfer-Encoding": {"chunked"}}},
		{Method: "POST", URL: srv.URL, Body: []byte("x"),
			Header: http.Header{"host": {"api.example"}, "user-agent": {"mine"}}},
	}
	b, err := Run(context.Background(), Plan{Requests: rs, Options: Options{Sync: Sync{Mode: ModeLastByte}}})
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range b.Results {
		if r.Status != 200 {
			t.Fatalf("request %d: status %d err %v", r.Index, r.Status, r.Err)
		}
	}
	want := map[string]seen{
		"racetest": {host: srv.Listener.Addr().String(), ua: "racetest", xtest: "1", cl: 5, body: "hello"},
		"mine":     {host: "api.example", ua: "mine", cl: 1, body: "x"},
	}
	for range rs {
		s := <-got
		if w := want[s.ua]; s != w {
			t.Errorf("server saw %+v, want %+v", s, w)
		}
	}
}

func TestLastByteCut(t *testing.T) {
	post, err := lbEncode("POST", "http://h/p", nil, []byte("ab"))
	if err != nil {
		t.Fatal(err)
	}
	get, err := lbEncode("GET", "http://h/p", nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		enc   lbEncoded
		hold  Hold
		final string
	}{
		{post, HoldLastByte, "b"},
		{post, HoldHeaders, "\nab"},
		{get, HoldLastByte, "\n"},
		{get, HoldHeaders, "\n"},
	} {
		if f := string(tc.enc.wire[tc.enc.cut(tc.hold):]); f != tc.final {
			t.Errorf("%s %s: final fragment %q, want %q", tc.enc.req.Method, tc.hold, f, tc.final)
		}
	}
	if !bytes.HasSuffix(post.wire[:post.head], []byte("\r\n\r\n")) || !bytes.Contains(post.wire, []byte("Content-Length: 2\r\n")) {
		t.Errorf("encoded POST:\n%s", post.wire)
	}
}

func TestLastByteTLS(t *testing.T) {
	srv := httptest.NewUnstartedServer(&arrivals{})
	// The untrusted case makes the server log handshake errors: expected.
	srv.Config.ErrorLog = log.New(io.Discard, "", 0)
	srv.StartTLS()
	defer srv.Close()
	pool := x509.NewCertPool()
	pool.AddCert(srv.Certificate())
	for _, tc := range []struct {
		name string
		opts Options
		kind ErrKind
	}{
		{"insecure", Options{Client: Client{Insecure: true}}, KindNone},
		{"root-cas", Options{Client: Client{RootCAs: pool}}, KindNone},
		{"untrusted", Options{}, KindTLS},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tc.opts.Mode = ModeLastByte
			tc.opts.Warmup = 1
			b, err := Run(context.Background(), Plan{Requests: burstOf(3, "POST", srv.URL, []byte("x")), Options: tc.opts})
			if err != nil {
				t.Fatal(err)
			}
			for _, r := range b.Results {
				if r.ErrKind != tc.kind || (tc.kind == KindNone && r.Status != 200) {
					t.Errorf("request %d: status %d kind %q err %v, want kind %q", r.Index, r.Status, r.ErrKind, r.Err, tc.kind)
				}
			}
		})
	}
}

// lbMethodsPerConn records the methods and paths each connection carried.
type lbMethodsPerConn struct {
	mu    sync.Mutex
	seen  map[string][]string
	close bool // answer HEAD with Connection: close
}

func (m *lbMethodsPerConn) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	m.mu.Lock()
	m.seen[r.RemoteAddr] = append(m.seen[r.RemoteAddr], r.Method+" "+r.URL.Path)
	m.mu.Unlock()
	if r.Method == http.MethodHead && m.close {
		w.Header().Set("Connection", "close")
	}
}

func TestLastByteWarmup(t *testing.T) {
	m := &lbMethodsPerConn{seen: map[string][]string{}}
	srv := httptest.NewServer(m)
	defer srv.Close()
	const n = 5
	b, err := Run(context.Background(), Plan{
		Requests: burstOf(n, "POST", srv.URL+"/buy", []byte("x")),
		Options:  Options{Sync: Sync{Mode: ModeLastByte, Warmup: 2, WarmupURL: "/health"}},
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range b.Results {
		if r.Status != 200 {
			t.Errorf("request %d: status %d err %v", r.Index, r.Status, r.Err)
		}
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	if len(m.seen) != n {
		t.Fatalf("server saw %d connections, want %d: %v", len(m.seen), n, m.seen)
	}
	want := "[HEAD /health HEAD /health POST /buy]"
	for addr, s := range m.seen {
		if got := fmt.Sprint(s); got != want {
			t.Errorf("connection %s carried %s, want %s", addr, got, want)
		}
	}
}

// A server that closes the connection after every warm-up request gets a
// new one, and the burst still goes out on open connections.
func TestLastByteWarmupRedialsClosedConnections(t *testing.T) {
	m := &lbMethodsPerConn{seen: map[string][]string{}, close: true}
	srv := httptest.NewServer(m)
	defer srv.Close()
	const n = 4
	b, err := Run(context.Background(), Plan{
		Requests: burstOf(n, "POST", srv.URL, []byte("x")),
		Options:  Options{Sync: Sync{Mode: ModeLastByte, Warmup: 2}},
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range b.Results {
		if r.Status != 200 {
			t.Errorf("request %d: status %d err %v", r.Index, r.Status, r.Err)
		}
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	if len(m.seen) != 3*n {
		t.Errorf("server saw %d connections, want %d (two warm-ups and the burst each on its own)", len(m.seen), 3*n)
	}
}

// Every engine sends its warm-ups to the same place: WarmupURL resolved
// against the race's URL, on the target's host, since the warm-up goes on
// the connection to it, even when WarmupURL names another host.
func TestWarmupURLSameInEveryEngine(t *testing.T) {
	var mu sync.Mutex
	var seen []string
	srv := h2Server(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodHead {
			mu.Lock()
			seen = append(seen, r.Host+" "+r.URL.RequestURI())
			mu.Unlock()
		}
	}), false, 0)
	host := strings.TrimPrefix(srv.URL, "https://")
	for _, mode := range []Mode{ModeSinglePacket, ModeLastByte, ModeBarrier} {
		for warm, want := range map[string]string{
			"health?x=1":                      host + " /api/health?x=1",
			"/health":                         host + " /health",
			"https://elsewhere.invalid/h#top": host + " /h",
		} {
			seen = nil
			o := Options{Client: Client{Insecure: true}, Sync: Sync{Mode: mode, Warmup: 1, WarmupURL: warm}}
			b, err := Run(context.Background(), Plan{Requests: burstOf(2, http.MethodGet, srv.URL+"/api/buy", nil), Options: o})
			if err != nil {
				t.Fatal(err)
			}
			if !b.Complete() {
				t.Errorf("%s %q: incomplete %v", mode, warm, b.Incomplete())
			}
			mu.Lock()
			if len(seen) == 0 {
				t.Errorf("%s %q: no warm-up seen", mode, warm)
			}
			for _, s := range seen {
				if s != want {
					t.Errorf("%s %q: warm-up went to %q, want %q", mode, warm, s, want)
				}
			}
			mu.Unlock()
		}
	}
}
