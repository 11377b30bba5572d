package runner

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"
)

// hostileProxy listens on loopback and answers every connection with
// answer(conn) after reading what racetest sent; it is rawServer's
// listener, given as host:port for a proxy URL.
func hostileProxy(t *testing.T, answer func(c net.Conn)) string {
	t.Helper()
	u := rawServer(t, func(c net.Conn) {
		defer c.Close()
		if _, err := c.Read(make([]byte, 4096)); err != nil {
			return
		}
		answer(c)
	})
	return strings.TrimSuffix(strings.TrimPrefix(u, "http://"), "/")
}

// A proxy that answers CONNECT in a hostile way fails the dial with a
// ProxyError that says what happened, within the connect timeout, in
// bounded memory, and without its credentials.
func TestHostileConnectProxy(t *testing.T) {
	hold := func(c net.Conn) { _, _ = c.Read(make([]byte, 1)) } // until racetest closes
	for _, tc := range []struct {
		name   string
		answer func(c net.Conn)
		want   string
	}{
		{"silent", hold, "i/o timeout"},
		{"status line cut by the timeout", func(c net.Conn) { c.Write([]byte("HTTP/1.1 2")); hold(c) }, "i/o timeout"},
		{"endless header line", func(c net.Conn) {
			c.Write([]byte("HTTP/1.1 200 OK\r\nX: "))
			chunk := bytes.Repeat([]byte("a"), 64<<10)
			for {
				if _, err := c.Write(chunk); err != nil {
					return
				}
			}
		}, "response head over the limit of 1048576 bytes"},
		{"refused", func(c net.Conn) {
			c.Write([]byte("HTTP/1.1 403 Forbidden\r\nContent-Length: 99999999\r\n\r\n"))
			hold(c)
		}, "the proxy answered 403 Forbidden"},
		{"a 200 announcing a body it never sends", func(c net.Conn) {
			c.Write([]byte("HTTP/1.1 200 OK\r\nContent-Length: 99999999\r\n\r\n"))
			hold(c)
		}, ""},
		{"bytes smuggled after the 200", func(c net.Conn) {
			c.Write([]byte("HTTP/1.1 200 OK\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nhi"))
			hold(c)
		}, "the proxy sent 40 bytes after its answer before the tunnel was used"},
		{"garbage", func(c net.Conn) { c.Write([]byte("\x00\xff garbage\r\n\r\n")); hold(c) }, "malformed HTTP"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			addr := hostileProxy(t, tc.answer)
			px, err := ParseProxy("http://alice:S3CRET@" + addr)
			if err != nil {
				t.Fatal(err)
			}
			o := &Options{Client: Client{Proxy: Proxies{HTTP: px, Loopback: true}, ConnectTimeout: 500 * time.Millisecond}}
			start := time.Now()
			c, err := dialTCP(context.Background(), o, "http", "127.0.0.1:9")
			if c != nil {
				c.Close()
			}
			var pe *ProxyError
			switch {
			case tc.want == "" && err != nil:
				// The Content-Length of a 2xx answer to CONNECT is
				// ignored (RFC 9110 9.3.6): the tunnel is up at once.
				t.Errorf("%v, want the tunnel", err)
			case tc.want != "" && (!errors.As(err, &pe) || !strings.Contains(err.Error(), tc.want) || strings.Contains(err.Error(), "S3CRET")):
				t.Errorf("%v, want a ProxyError with %q", err, tc.want)
			}
			// Generous: the bound is the connect timeout, not the
			// proxy's pace; the race detector and a loaded machine add.
			if d := time.Since(start); d > 5*time.Second {
				t.Errorf("took %s with a 500ms connect timeout", d)
			}
		})
	}
}

// A SOCKS5 proxy that sends garbage or stalls in the middle of the
// handshake fails the dial within the connect timeout.
func TestHostileSOCKSProxy(t *testing.T) {
	for _, tc := range []struct {
		name   string
		answer func(c net.Conn)
		want   string
	}{
		{"garbage", func(c net.Conn) { c.Write([]byte("HTTP/1.1 200 OK\r\n\r\n")); time.Sleep(time.Second) }, "socks"},
		{"stall after one byte", func(c net.Conn) { c.Write([]byte{5}); _, _ = c.Read(make([]byte, 1)) }, "i/o timeout"},
		{"bad reply", func(c net.Conn) {
			c.Write([]byte{5, 0})
			_, _ = c.Read(make([]byte, 300))
			c.Write(append([]byte{5, 0, 0, 9}, bytes.Repeat([]byte("x"), 50)...))
			_, _ = c.Read(make([]byte, 1))
		}, "unknown address type 9"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			addr := hostileProxy(t, tc.answer)
			px, err := ParseProxy("socks5h://alice:S3CRET@" + addr)
			if err != nil {
				t.Fatal(err)
			}
			o := &Options{Client: Client{Proxy: Proxies{HTTP: px, Loopback: true}, ConnectTimeout: 500 * time.Millisecond}}
			c, err := dialTCP(context.Background(), o, "http", "example.test:80")
			if c != nil {
				c.Close()
			}
			var pe *ProxyError
			if !errors.As(err, &pe) || !strings.Contains(err.Error(), tc.want) || strings.Contains(err.Error(), "S3CRET") {
				t.Errorf("%v, want a ProxyError with %q", err, tc.want)
			}
		})
	}
}

// slowRelay is a CONNECT proxy to target that takes pause to answer
// CONNECT and pause again before it relays target's first bytes: each
// step of the connection phase stays within a connect timeout above
// pause, the two together do not.
func slowRelay(t *testing.T, target string, pause time.Duration) string {
	return hostileProxy(t, func(c net.Conn) {
		time.Sleep(pause)
		tc, err := net.Dial("tcp", target)
		if err != nil {
			return
		}
		defer tc.Close()
		c.Write([]byte("HTTP/1.1 200 OK\r\n\r\n"))
		// Either side ending ends both, so that the handler returns.
		go func() { _, _ = io.Copy(tc, c); tc.Close() }()
		time.Sleep(pause)
		_, _ = io.Copy(c, tc)
	})
}

// The connect timeout bounds the whole connection phase, as curl's
// --connect-timeout does: a tunnel and a TLS handshake that each take
// less than it but together more fail the connect, in every engine and
// in Do, rather than each step getting a timeout of its own.
func TestConnectTimeoutCoversTunnelAndTLS(t *testing.T) {
	srv := h2Server(t, http.HandlerFunc(func(http.ResponseWriter, *http.Request) {}), false, 0)
	const ct, pause = time.Second, 600 * time.Millisecond
	px, err := ParseProxy(slowRelay(t, strings.TrimPrefix(srv.URL, "https://"), pause))
	if err != nil {
		t.Fatal(err)
	}
	c := Client{Insecure: true, Proxy: Proxies{HTTPS: px, Loopback: true}, ConnectTimeout: ct, Timeout: 5 * time.Second}
	for _, mode := range allModes {
		t.Run(string(mode), func(t *testing.T) {
			b, err := runAny(t, mode, srv.URL, Options{Client: c})
			wantIncomplete(t, b, err, CauseConnect)
		})
	}
	r := Do(context.Background(), Request{Method: http.MethodGet, URL: srv.URL}, c)
	if r.Err == nil || r.Status != 0 {
		t.Errorf("Do: status %d err %v, want a connect timeout", r.Status, r.Err)
	}
}
