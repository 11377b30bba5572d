package cmd

import (
	"crypto/tls"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"
)

// A burst that never happened gets no verdict: exit 4 with the cause,
// never 0 or 1, whatever the checks say.
func TestNoVerdictForBurstsThatDidNotHappen(t *testing.T) {
	silent := rawListener(t, func(c net.Conn) { _, _ = io.Copy(io.Discard, c) })
	early := rawListener(t, func(c net.Conn) {
		// A full answer as soon as the connection is there: nothing raced.
		_, _ = io.WriteString(c, "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok")
		_, _ = io.Copy(io.Discard, c)
	})
	cases := []struct {
		name  string
		args  []string
		cause string
	}{
		{"silent, at most one 200", []string{"fire", "-n", "5", "--timeout", "1s", "--expect", "count(status == 200) <= 1", silent}, "timeout x5 after the release"},
		{"silent, exactly one 200", []string{"fire", "-n", "5", "--timeout", "1s", "--expect-status", "200=1", silent}, "timeout x5 after the release"},
		// The server answers when it accepts, but nothing else orders its
		// answer before the release: on a loaded machine its goroutine ran
		// after the release (15 ms later), and the round was rightly
		// judged. --start-at holds the armed burst for a second, ample for
		// the answer to arrive first.
		{"answers before the release", []string{"fire", "-n", "5", "--mode", "last-byte", "--start-at", "+1s", "--expect-status", "200=5", early}, "early x"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			code, out, errb := runApp(t, false, false, nil, c.args...)
			if code != int(ExitInconclusive) {
				t.Fatalf("exit %d, want 4\nstdout:\n%s\nstderr:\n%s", code, out, errb)
			}
			for _, want := range []string{"inconclusive: no round was complete", c.cause} {
				if !strings.Contains(errb, want) {
					t.Errorf("stderr lacks %q:\n%s", want, errb)
				}
			}
			if !strings.Contains(out, "INCOMPLETE") || strings.Contains(out, "passed") || strings.Contains(out, "race found") {
				t.Errorf("the report should mark the round incomplete and give no verdict:\n%s", out)
			}
			if strings.Contains(out, "latency    min 0") {
				t.Errorf("an all-failed round printed a latency line:\n%s", out)
			}
		})
	}
	// With a 1 ns timeout not even a connection can be made: that is 3,
	// and the error says it timed out.
	code, out, errb := runApp(t, false, false, nil, "fire", "-n", "3", "--timeout", "1ns", "--expect-status", "200=3", demoTarget(t)+"/healthz")
	if code != int(ExitRuntime) || !strings.Contains(errb, "timeout") {
		t.Errorf("--timeout 1ns: exit %d, want 3 naming the timeout\n%s\n%s", code, out, errb)
	}
}

// An ALPN "h2" server that speaks HTTP/1.1: single-packet cannot be had
// (4, not 2), and auto races with last-byte and says why.
func TestALPNH2ServerSpeakingHTTP1(t *testing.T) {
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(http.ResponseWriter, *http.Request) {}))
	srv.TLS = &tls.Config{NextProtos: []string{"h2", "http/1.1"}}
	// After ALPN picked h2, this server answers in HTTP/1.1 all the same.
	srv.Config.TLSNextProto = map[string]func(*http.Server, *tls.Conn, http.Handler){
		"h2": func(_ *http.Server, c *tls.Conn, _ http.Handler) {
			_, _ = io.WriteString(c, "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok")
			_, _ = io.Copy(io.Discard, c)
		},
	}
	srv.StartTLS()
	t.Cleanup(srv.Close)

	code, out, errb := runApp(t, false, false, nil, "fire", "-n", "3", "-k", "--mode", "single-packet", "--expect-status", "200=3", srv.URL)
	if code != int(ExitInconclusive) {
		t.Errorf("single-packet: exit %d, want 4\n%s\n%s", code, out, errb)
	}
	code, out, errb = runApp(t, false, false, nil, "fire", "-n", "3", "-k", "--expect-status", "200=3", srv.URL)
	if code != int(ExitOK) || !strings.Contains(out, "last-byte") || !strings.Contains(out, "auto: raced with last-byte") {
		t.Errorf("auto: exit %d, want 0 with last-byte and a note\n%s\n%s", code, out, errb)
	}
}

// Auto with a body larger than the server's HTTP/2 stream window (64 KiB
// here, nginx's default) races with last-byte over TLS and judges the
// burst.
func TestAutoLargeBodyOverTLS(t *testing.T) {
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
	}))
	srv.EnableHTTP2 = true
	srv.Config.HTTP2 = &http.HTTP2Config{MaxReceiveBufferPerStream: 64 << 10}
	srv.StartTLS()
	t.Cleanup(srv.Close)
	body := strings.Repeat("x", 70<<10)
	code, out, errb := runApp(t, false, false, nil, "fire", "-n", "5", "-k", "-X", "POST", "-d", body, "--expect-status", "200=5", srv.URL)
	if code != int(ExitOK) || !strings.Contains(out, "round 1/1: last-byte") {
		t.Errorf("exit %d, want 0 with last-byte\n%s\n%s", code, out, errb)
	}
}

// A server that handles one connection's streams two at a time: the round
// says so, and auto races the next rounds with last-byte.
func TestAutoLeavesASerialisingServer(t *testing.T) {
	sem := make(chan struct{}, 2)
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodHead {
			return
		}
		sem <- struct{}{}
		defer func() { <-sem }()
		time.Sleep(3 * time.Millisecond)
	}))
	srv.EnableHTTP2 = true
	srv.StartTLS()
	t.Cleanup(srv.Close)
	// Detection is on purpose strict, so a lucky burst may not show it:
	// give it a few tries.
	for try := 0; try < 5; try++ {
		_, out, errb := runApp(t, false, false, nil, "fire", "-n", "16", "-k", "--rounds", "2", "-v", "--expect-status", "200=16", srv.URL)
		// Only a serialisation seen in round 1 leaves a round to switch in.
		first, _, _ := strings.Cut(out, "round 2/2")
		if !strings.Contains(first, "2 at a time") {
			continue
		}
		if !strings.Contains(out, "auto mode races the next rounds with last-byte") || !strings.Contains(out, "round 2/2: last-byte") {
			t.Fatalf("serialised, but auto did not switch:\n%s\n%s", out, errb)
		}
		return
	}
	t.Error("the serialisation was never reported in 5 runs")
}

// Arrival stamps of 1 ms resolution (nginx $msec) do not read as a
// perfect 0: the spread says it is under the resolution.
func TestMillisecondStamps(t *testing.T) {
	var mu sync.Mutex
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		defer mu.Unlock()
		w.Header().Set("X-Racetest-Arrival", "1700000000.123")
	}))
	t.Cleanup(srv.Close)
	_, out, _ := runApp(t, false, false, nil, "fire", "-n", "4", srv.URL)
	if !strings.Contains(out, "server < 1ms (header resolution 1ms)") {
		t.Errorf("want the spread bounded by the resolution:\n%s", out)
	}
}
