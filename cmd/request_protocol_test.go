package cmd

import (
	"context"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

// TestHTTPVersionFlags: --http1.1 races an h2 server with last-byte over
// HTTP/1.1, --http2 with single-packet, as curl's flags ask.
func TestHTTPVersionFlags(t *testing.T) {
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(http.ResponseWriter, *http.Request) {}))
	srv.EnableHTTP2 = true
	srv.StartTLS()
	t.Cleanup(srv.Close)
	for flag, want := range map[string]string{"--http1.1": "last-byte, HTTP/1.1", "--http2": "single-packet, HTTP/2.0"} {
		code, out, errb := run(t, context.Background(), "fire", "-n", "3", "-k", flag, "--expect-status", "200=3", srv.URL)
		if code != 0 || !strings.Contains(out, want) {
			t.Errorf("%s: exit %d, want %q in\n%s%s", flag, code, want, out, errb)
		}
	}
}

// TestConnectTimeout: --connect-timeout bounds a TLS handshake the server
// never answers, well before the 10 s --timeout; the run fails to connect
// (exit 3) and says so.
func TestConnectTimeout(t *testing.T) {
	silent := rawListener(t, func(c net.Conn) { _, _ = io.Copy(io.Discard, c) })
	start := time.Now()
	code, out, errb := run(t, context.Background(), "fire", "-n", "2", "--connect-timeout", "0.3", "--timeout", "10s",
		strings.Replace(silent, "http://", "https://", 1))
	if code != int(ExitRuntime) || !strings.Contains(errb, "tls handshake with") || !strings.Contains(errb, "deadline exceeded") {
		t.Errorf("exit %d\n%s%s", code, out, errb)
	}
	// Generous: only an unbounded handshake would take the 10 s.
	if d := time.Since(start); d > 8*time.Second {
		t.Errorf("took %s: the connect timeout was not applied", d)
	}
}

// TestProbeTakesCurlFlags: probe reads curl's request options like fire.
func TestProbeTakesCurlFlags(t *testing.T) {
	base := demoTarget(t)
	code, out, errb := run(t, context.Background(), "probe", "-n", "10", "--rounds", "2", "--reset", "/reset",
		"--request", "POST", "-H", "Authorization: Bearer probe-curl", "--data-raw", `{"type":"investment_complete"}`,
		"-H", "Content-Type: application/json", "-s", base+"/missions/naive/complete")
	if code != int(ExitCheckFailed) {
		t.Errorf("exit %d, want 1 (a race)\n%s%s", code, out, errb)
	}
}
