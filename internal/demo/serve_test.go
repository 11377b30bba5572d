package demo

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"golang.org/x/net/http2"
)

// serveOn runs s.Serve on a fresh loopback listener and returns its address
// and a stop function that cancels and checks Serve returned nil.
func serveOn(t *testing.T, s *Server) (string, func()) {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- s.Serve(ctx, ln) }()
	stop := func() {
		cancel()
		select {
		case err := <-done:
			if err != nil {
				t.Errorf("serve after cancel: %v", err)
			}
		case <-time.After(5 * time.Second): // a failure bound, not a wait
			t.Error("serve did not return after cancel")
		}
	}
	return ln.Addr().String(), stop
}

// get fetches path and checks the protocol and the stamp.
func get(t *testing.T, c *http.Client, url, wantProto string) {
	t.Helper()
	resp, err := c.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	io.Copy(io.Discard, resp.Body)
	checkArrival(t, resp)
	if resp.StatusCode != http.StatusOK || resp.Proto != wantProto {
		t.Errorf("GET %s: %d %s, want 200 %s", url, resp.StatusCode, resp.Proto, wantProto)
	}
}

// HTTP/1.1 and h2c with prior knowledge share one port.
func TestServeH2CAndHTTP1(t *testing.T) {
	addr, stop := serveOn(t, NewServer(Config{}))
	defer stop()
	var protos http.Protocols
	protos.SetUnencryptedHTTP2(true)
	h2c := &http.Transport{Protocols: &protos}
	defer h2c.CloseIdleConnections()
	get(t, &http.Client{Transport: h2c}, "http://"+addr+"/healthz", "HTTP/2.0")
	h1 := &http.Transport{}
	defer h1.CloseIdleConnections()
	get(t, &http.Client{Transport: h1}, "http://"+addr+"/healthz", "HTTP/1.1")
}

// The advertised SETTINGS_MAX_CONCURRENT_STREAMS follows the config, read
// straight off the wire.
func TestServeMaxConcurrentStreams(t *testing.T) {
	addr, stop := serveOn(t, NewServer(Config{MaxConcurrentStreams: 7}))
	defer stop()
	conn, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	if _, err := io.WriteString(conn, http2.ClientPreface); err != nil {
		t.Fatal(err)
	}
	fr := http2.NewFramer(conn, conn)
	if err := fr.WriteSettings(); err != nil {
		t.Fatal(err)
	}
	f, err := fr.ReadFrame()
	if err != nil {
		t.Fatal(err)
	}
	sf, ok := f.(*http2.SettingsFrame)
	if !ok || sf.IsAck() {
		t.Fatalf("first frame %v, want the server's SETTINGS", f)
	}
	if v, ok := sf.Value(http2.SettingMaxConcurrentStreams); !ok || v != 7 {
		t.Errorf("max concurrent streams %d (present %v), want 7", v, ok)
	}
}

// TLS negotiates h2 with a client that trusts CertPEM (verification on).
func TestServerStartTLS(t *testing.T) {
	s := NewServer(Config{})
	plainURL, tlsURL, stop, err := s.Start()
	if err != nil {
		t.Fatal(err)
	}
	defer stop()
	pool := x509.NewCertPool()
	if !pool.AppendCertsFromPEM(s.CertPEM()) {
		t.Fatal("CertPEM is not a PEM certificate")
	}
	tr := &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool}, ForceAttemptHTTP2: true}
	defer tr.CloseIdleConnections()
	get(t, &http.Client{Transport: tr}, tlsURL+"/healthz", "HTTP/2.0")
	get(t, &http.Client{Transport: tr}, "https://localhost:"+strings.Split(hostPort(t, tlsURL), ":")[1]+"/healthz", "HTTP/2.0")
	h1 := &http.Transport{}
	defer h1.CloseIdleConnections()
	get(t, &http.Client{Transport: h1}, plainURL+"/healthz", "HTTP/1.1")
}

// Start serves both URLs; after stop neither accepts connections, and stop
// may be called twice.
func TestStartStop(t *testing.T) {
	plainURL, tlsURL, stop, err := Start(Config{Latency: DefaultLatency})
	if err != nil {
		t.Fatal(err)
	}
	tr := &http.Transport{TLSClientConfig: &tls.Config{InsecureSkipVerify: true}, ForceAttemptHTTP2: true}
	get(t, &http.Client{Transport: tr}, tlsURL+"/", "HTTP/2.0")
	h1 := &http.Transport{}
	get(t, &http.Client{Transport: h1}, plainURL+"/", "HTTP/1.1")
	// The idle h2 connection stays open on purpose: stop must not depend on
	// clients hanging up (the server closes it about 1 s after GOAWAY).
	stop()
	stop()
	for _, raw := range []string{plainURL, tlsURL} {
		if c, err := net.Dial("tcp", hostPort(t, raw)); err == nil {
			c.Close()
			t.Errorf("%s still accepts connections after stop", raw)
		}
	}
}

// hostPort returns the host:port of a URL.
func hostPort(t *testing.T, raw string) string {
	t.Helper()
	u, err := url.Parse(raw)
	if err != nil {
		t.Fatal(err)
	}
	return u.Host
}
