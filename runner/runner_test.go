package runner

import (
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// arrivals is a handler that records when each non-warm-up request had been
// read completely, and stamps it on the response as the demo target does.
type arrivals struct {
	mu    sync.Mutex
	times []time.Time
}

func (a *arrivals) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	_, _ = io.Copy(io.Discard, r.Body)
	now := time.Now()
	w.Header().Set(DefaultArrivalHeader, strconv.FormatInt(now.UnixNano(), 10))
	if r.Method == http.MethodHead {
		return
	}
	a.mu.Lock()
	a.times = append(a.times, now)
	a.mu.Unlock()
	_, _ = io.WriteString(w, "ok")
}

// rawServer serves every connection with handle on a loopback listener.
// The listener and every connection are closed when the test ends.
func rawServer(t testing.TB, handle func(net.Conn)) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	var (
		mu    sync.Mutex
		conns []net.Conn
		wg    sync.WaitGroup
	)
	wg.Add(1)
	go func() {
		defer wg.Done()
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			mu.Lock()
			conns = append(conns, c)
			mu.Unlock()
			wg.Add(1)
			go func() {
				defer wg.Done()
				handle(c)
			}()
		}
	}()
	t.Cleanup(func() {
		ln.Close()
		mu.Lock()
		for _, c := range conns {
			c.Close()
		}
		mu.Unlock()
		wg.Wait()
	})
	return "http://" + ln.Addr().String() + "/"
}

// silentServer accepts connections, reads whatever comes and never answers.
func silentServer(t *testing.T) string {
	t.Helper()
	return rawServer(t, func(c net.Conn) { _, _ = io.Copy(io.Discard, c) })
}

// closedURL is an http:// URL of a loopback port where nothing listens.
func closedURL(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ln.Close()
	return "http://" + ln.Addr().String() + "/"
}

func burstOf(n int, method, url string, body []byte) []Request {
	rs := make([]Request, n)
	for i := range rs {
		rs[i] = Request{Method: method, URL: url, Body: body, Header: http.Header{"X-Test": {"1"}}}
	}
	return rs
}

// firstRelease is the earliest release instant of a burst.
func firstRelease(t *testing.T, b *Burst) time.Time {
	t.Helper()
	var first time.Time
	for _, r := range b.Results {
		if r.Released.IsZero() {
			t.Fatalf("request %d was never released: %v", r.Index, r.Err)
		}
		if first.IsZero() || r.Released.Before(first) {
			first = r.Released
		}
	}
	return first
}

// assertHeld checks the engine's claim: the server saw no request before the
// release instant, and every request after it.
func assertHeld(t *testing.T, b *Burst, a *arrivals, n int) {
	t.Helper()
	first := firstRelease(t, b)
	a.mu.Lock()
	defer a.mu.Unlock()
	if len(a.times) != n {
		t.Fatalf("server saw %d requests, want %d", len(a.times), n)
	}
	for i, at := range a.times {
		if at.Before(first) {
			t.Errorf("request %d reached the handler %v before the release", i, first.Sub(at))
		}
	}
	for _, r := range b.Results {
		if r.Status != 200 || string(r.Body) != "ok" {
			t.Errorf("request %d: status %d body %q err %v", r.Index, r.Status, r.Body, r.Err)
		}
		if r.Arrival.IsZero() {
			t.Errorf("request %d: arrival header not parsed", r.Index)
		}
	}
}

func TestBarrierHoldsRequestsUntilRelease(t *testing.T) {
	a := &arrivals{}
	srv := httptest.NewServer(a)
	defer srv.Close()
	const n = 20
	b, err := Run(context.Background(), Plan{
		Requests: burstOf(n, "POST", srv.URL+"/x", []byte(`{"a":1}`)),
		Options:  Options{Sync: Sync{Mode: ModeBarrier, Warmup: 1}},
	})
	if err != nil {
		t.Fatal(err)
	}
	if b.Connections != n || b.Mode != ModeBarrier {
		t.Fatalf("connections %d mode %s", b.Connections, b.Mode)
	}
	assertHeld(t, b, a, n)
	if _, ok := b.ServerSpread(); !ok {
		t.Error("server spread missing")
	}
	if b.Canceled() {
		t.Error("Canceled() is true for a complete burst")
	}
}

func TestBarrierTLS(t *testing.T) {
	a := &arrivals{}
	srv := httptest.NewTLSServer(a)
	defer srv.Close()
	_, err := Run(context.Background(), Plan{
		Requests: burstOf(3, "GET", srv.URL, nil),
		Options:  Options{Sync: Sync{Mode: ModeBarrier}},
	})
	if err != nil {
		t.Fatal(err)
	}
	// Without -k an untrusted certificate is a per-request TLS failure.
	b, err := Run(context.Background(), Plan{Requests: burstOf(2, "GET", srv.URL, nil), Options: Options{Sync: Sync{Mode: ModeBarrier}}})
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range b.Results {
		if r.ErrKind != KindTLS {
			t.Errorf("request %d: kind %q err %v, want tls", r.Index, r.ErrKind, r.Err)
		}
	}
	b, err = Run(context.Background(), Plan{Requests: burstOf(2, "GET", srv.URL, nil), Options: Options{Client: Client{Insecure: true}, Sync: Sync{Mode: ModeBarrier}}})
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range b.Results {
		if r.Status != 200 {
			t.Errorf("request %d with -k: status %d err %v", r.Index, r.Status, r.Err)
		}
	}
}

func TestRefusedIsTallied(t *testing.T) {
	url := closedURL(t)
	addr := strings.TrimSuffix(strings.TrimPrefix(url, "http://"), "/")
	b, err := Run(context.Background(), Plan{Requests: burstOf(3, "GET", url, nil), Options: Options{Sync: Sync{Mode: ModeBarrier}}})
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range b.Results {
		if r.ErrKind != KindRefused {
			t.Errorf("request %d: kind %q, want refused (%v)", r.Index, r.ErrKind, r.Err)
		}
	}
	if err := b.ConnectError(); err == nil || !strings.Contains(err.Error(), addr) {
		t.Errorf("ConnectError = %v, want the refused dial to %s", err, addr)
	}
}

func TestTimeoutBoundsASilentServer(t *testing.T) {
	url := silentServer(t)
	b, err := Run(context.Background(), Plan{
		Requests: burstOf(2, "GET", url, nil),
		Options:  Options{Client: Client{Timeout: 200 * time.Millisecond}, Sync: Sync{Mode: ModeBarrier}},
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range b.Results {
		if r.ErrKind != KindTimeout {
			t.Errorf("request %d: kind %q, want timeout (%v)", r.Index, r.ErrKind, r.Err)
		}
	}
}

func TestInvalidPlan(t *testing.T) {
	for _, p := range []Plan{
		{},
		{Requests: burstOf(1, "GET", "ftp://x/", nil)},
		{Requests: burstOf(1, "GET", "http:///nohost", nil)},
		{Requests: burstOf(1, "GET", "http://x/", nil), Options: Options{Sync: Sync{Mode: "fast"}}},
	} {
		if _, err := Run(context.Background(), p); !errors.Is(err, ErrInvalidPlan) {
			t.Errorf("%+v: err %v, want ErrInvalidPlan", p, err)
		}
	}
}

func TestParseArrival(t *testing.T) {
	want := time.Unix(1700000000, 123000000)
	for _, v := range []string{"1700000000123000000", "1700000000123000", "1700000000123", "1700000000.123", "t=1700000000.123"} {
		got := parseArrival(v)
		if d := got.Sub(want); d < -time.Microsecond || d > time.Microsecond {
			t.Errorf("parseArrival(%q) = %v, want %v", v, got, want)
		}
	}
	if !parseArrival("soon").IsZero() || !parseArrival("").IsZero() {
		t.Error("garbage should parse as zero")
	}
}

func TestOnPreparedCountsEveryRequest(t *testing.T) {
	a := &arrivals{}
	srv := httptest.NewServer(a)
	defer srv.Close()
	for _, mode := range []Mode{ModeBarrier, ModeLastByte} {
		var mu sync.Mutex
		total := 0
		_, err := Run(context.Background(), Plan{
			Requests: burstOf(7, "GET", srv.URL, nil),
			Options: Options{Sync: Sync{Mode: mode, OnPrepared: func(n int) {
				mu.Lock()
				total += n
				mu.Unlock()
			}}},
		})
		if err != nil {
			t.Fatal(err)
		}
		if total != 7 {
			t.Errorf("%s: OnPrepared counted %d of 7 requests", mode, total)
		}
	}
}
