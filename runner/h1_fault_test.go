package runner

import (
	"bufio"
	"context"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"
)

// h1Engine sends n requests to url one way: a burst engine, or Do for the
// sequential steps. It returns the results.
type h1Engine struct {
	name string
	run  func(t *testing.T, url string, n int, o Options) []Result
}

func burstEngine(m Mode) h1Engine {
	return h1Engine{string(m), func(t *testing.T, url string, n int, o Options) []Result {
		t.Helper()
		o.Mode = m
		b, err := Run(context.Background(), Plan{Requests: burstOf(n, "POST", url, []byte("x")), Options: o})
		if err != nil {
			t.Fatal(err)
		}
		return b.Results
	}}
}

// h1Engines are every way racetest talks HTTP/1.1 to a target.
var h1Engines = []h1Engine{
	burstEngine(ModeBarrier),
	burstEngine(ModeLastByte),
	{"do", func(t *testing.T, url string, _ int, o Options) []Result {
		return []Result{Do(context.Background(), Request{Method: "POST", URL: url, Body: []byte("x")}, o.Client)}
	}},
}

// h1Fault is a misbehaving HTTP/1.1 server and what every request sent
// to it must end as.
type h1Fault struct {
	name   string
	url    func(t *testing.T) string
	kind   ErrKind
	status int    // kept from the head that arrived before the fault
	body   string // kept from the body that arrived before the fault
}

func rawFault(handle func(net.Conn)) func(t *testing.T) string {
	return func(t *testing.T) string { return rawServer(t, handle) }
}

// trickle answers with a head promising 1000 bytes and sends one every
// 20 ms, for longer than any timeout of these tests.
func trickle(c net.Conn) {
	if !lbReadRequest(c) {
		return
	}
	if _, err := io.WriteString(c, "HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\n"); err != nil {
		return
	}
	for range 200 {
		time.Sleep(20 * time.Millisecond)
		if _, err := c.Write([]byte("x")); err != nil {
			return
		}
	}
}

var h1Faults = []h1Fault{
	{name: "connection refused", kind: KindRefused, url: closedURL},
	{name: "accepts and never answers", kind: KindTimeout, url: rawFault(func(c net.Conn) { _, _ = io.Copy(io.Discard, c) })},
	{name: "closes without answering", kind: KindReset, url: rawFault(func(c net.Conn) {
		lbReadRequest(c)
		c.Close()
	})},
	{name: "reset mid-response", kind: KindReset, status: 200, body: "partial", url: rawFault(func(c net.Conn) {
		if !lbReadRequest(c) {
			return
		}
		_, _ = io.WriteString(c, "HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\npartial")
		time.Sleep(50 * time.Millisecond) // let the head arrive alone
		c.(*net.TCPConn).SetLinger(0)     // close with RST
		c.Close()
	})},
	{name: "slow body", kind: KindTimeout, status: 200, body: "x", url: rawFault(trickle)},
	{name: "not HTTP", kind: KindProtocol, url: rawFault(func(c net.Conn) {
		if lbReadRequest(c) {
			_, _ = io.WriteString(c, "SSH-2.0-OpenSSH_9.6\r\n\r\n")
			time.Sleep(50 * time.Millisecond)
		}
	})},
}

// TestHTTP1Faults sends requests to misbehaving servers with every HTTP/1.1
// engine: each request ends with the right kind of error, keeps what
// arrived before the fault, and nothing waits much past the timeout.
func TestHTTP1Faults(t *testing.T) {
	const timeout = 300 * time.Millisecond
	for _, f := range h1Faults {
		for _, e := range h1Engines {
			t.Run(f.name+"/"+e.name, func(t *testing.T) {
				t.Parallel()
				url := f.url(t)
				start := time.Now()
				rs := e.run(t, url, 3, Options{Client: Client{Timeout: timeout}})
				if took := time.Since(start); took > 10*timeout {
					t.Errorf("took %v with a %v timeout", took, timeout)
				}
				for _, r := range rs {
					if r.ErrKind != f.kind || r.Err == nil {
						t.Errorf("request %d: kind %q err %v, want kind %q", r.Index, r.ErrKind, r.Err, f.kind)
					}
					if r.Status != f.status || !strings.HasPrefix(string(r.Body), f.body) || int64(len(r.Body)) != r.BodyBytes {
						t.Errorf("request %d: status %d body %q (%d bytes), want status %d and body %q...",
							r.Index, r.Status, r.Body, r.BodyBytes, f.status, f.body)
					}
					if f.name == "slow body" && (r.BodyBytes == 0 || r.BodyBytes >= 1000) {
						t.Errorf("request %d: %d body bytes counted, want the part that trickled in", r.Index, r.BodyBytes)
					}
				}
			})
		}
	}
}

// TestHTTP1SilentWarmup: a server that never answers the warm-up request
// fails the requests within the timeout, before any release, instead of
// holding the burst.
func TestHTTP1SilentWarmup(t *testing.T) {
	const timeout = 300 * time.Millisecond
	for _, e := range h1Engines[:2] {
		t.Run(e.name, func(t *testing.T) {
			t.Parallel()
			url := silentServer(t)
			start := time.Now()
			rs := e.run(t, url, 3, Options{Client: Client{Timeout: timeout}, Sync: Sync{Warmup: 1}})
			if took := time.Since(start); took > 10*timeout {
				t.Errorf("took %v with a %v timeout", took, timeout)
			}
			for _, r := range rs {
				if r.ErrKind != KindTimeout || !strings.Contains(r.Err.Error(), "warm-up") || !r.Released.IsZero() {
					t.Errorf("request %d: kind %q err %v released %v, want a warm-up timeout before any release", r.Index, r.ErrKind, r.Err, r.Released)
				}
			}
		})
	}
}

// TestHeadCutInTheStatusLine: a server that sends "HTTP/1.1 2" and then
// nothing timed out; it used to read as a malformed status code (bufio
// hands the partial line to net/http without the timeout behind it).
func TestHeadCutInTheStatusLine(t *testing.T) {
	url := rawServer(t, func(c net.Conn) {
		br := bufio.NewReader(c)
		for {
			line, err := br.ReadString('\n')
			if err != nil {
				return
			}
			if line == "\r\n" {
				break
			}
		}
		_, _ = c.Write([]byte("HTTP/1.1 2"))
		_, _ = io.Copy(io.Discard, br)
	})
	for _, mode := range []Mode{ModeLastByte, ModeBarrier} {
		t.Run(string(mode), func(t *testing.T) {
			b, err := Run(context.Background(), Plan{
				Requests: burstOf(3, http.MethodGet, url, nil),
				Options:  Options{Client: Client{Timeout: 300 * time.Millisecond}, Sync: Sync{Mode: mode}},
			})
			if err != nil {
				t.Fatal(err)
			}
			for _, r := range b.Results {
				if r.ErrKind != KindTimeout {
					t.Errorf("request %d: %s (%v), want a timeout", r.Index, r.ErrKind, r.Err)
				}
			}
		})
	}
}
