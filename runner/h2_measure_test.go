package runner

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"os"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
)

// TestMeasureH2Holds is the measurement behind autoH2Hold. It is opt-in
// because it is about timing, not correctness:
//
//	RACETEST_H2_MEASURE=30 go test -run TestMeasureH2Holds -v ./runner/
//
// where the value is N, the requests per burst.
// It always measures Go's server over TLS and h2c. With
// RACETEST_NGINX=https://127.0.0.1:PORT it also measures nginx: /static
// must `return 200` with `add_header X-Racetest-Arrival $msec always`,
// /proxy must proxy_pass to RACETEST_NGINX_BACKEND (host:port), where the
// test serves a Go HTTP/1.1 backend that records handler starts.
func TestMeasureH2Holds(t *testing.T) {
	if os.Getenv("RACETEST_H2_MEASURE") == "" {
		t.Skip("set RACETEST_H2_MEASURE=N to measure")
	}
	n, err := strconv.Atoi(os.Getenv("RACETEST_H2_MEASURE"))
	if err != nil || n < 1 {
		n = 30
	}
	goTLS, goH2C := &starts{}, &starts{}
	targets := []measureTarget{
		{"go tls", h2Server(t, goTLS, false, 0).URL, goTLS},
		{"go h2c", h2Server(t, goH2C, true, 0).URL, goH2C},
	}
	if u := os.Getenv("RACETEST_NGINX"); u != "" {
		back := &starts{}
		ln, err := net.Listen("tcp", os.Getenv("RACETEST_NGINX_BACKEND"))
		if err != nil {
			t.Fatal(err)
		}
		srv := &http.Server{Handler: back}
		go srv.Serve(ln)
		t.Cleanup(func() { srv.Close() })
		targets = append(targets, measureTarget{"nginx return", u + "/static", nil},
			measureTarget{"nginx proxy->go", u + "/proxy", back})
	}
	t.Cleanup(func() { testHookArmed = nil })
	const rounds = 20
	for _, gap := range []time.Duration{0, 20 * time.Millisecond} {
		t.Logf("N=%d, %d rounds, %v between arming and release; spreads median/p90/max", n, rounds, gap)
		t.Logf("%-16s %-5s %-9s %-26s %-26s %s", "target", "req", "hold", "server arrival spread", "handler start spread", "started/answered early")
		for _, tg := range targets {
			for _, c := range holdCases {
				t.Log(measure(t, tg, c, rounds, n, gap))
			}
		}
	}
}

type measureTarget struct {
	name, url string
	s         *starts // handler starts, when the test serves the handler
}

var holdCases = []struct {
	method string
	body   []byte
	hold   Hold
}{
	{http.MethodGet, nil, HoldLastByte},
	{http.MethodGet, nil, HoldHeaders},
	{http.MethodPost, []byte(`{"amount":1}`), HoldLastByte},
	{http.MethodPost, []byte(`{"amount":1}`), HoldHeaders},
}

func measure(t *testing.T, tg measureTarget, c struct {
	method string
	body   []byte
	hold   Hold
}, rounds, n int, gap time.Duration) string {
	testHookArmed = func() { time.Sleep(gap) }
	var arrive, begin []time.Duration
	started, answered := 0, 0
	for range rounds {
		if tg.s != nil {
			tg.s.reset()
		}
		b, err := Run(context.Background(), Plan{Requests: burstOf(n, c.method, tg.url, c.body),
			Options: Options{Client: Client{Insecure: true}, Sync: Sync{Mode: ModeSinglePacket, Hold: c.hold, Warmup: 1}}})
		if err != nil {
			t.Fatal(err)
		}
		first := firstRelease(t, b)
		for _, r := range b.Results {
			if r.Status != 200 {
				t.Fatalf("%s: request %d status %d err %v", tg.name, r.Index, r.Status, r.Err)
			}
			if r.FirstByte.Before(r.Released) {
				answered++
			}
		}
		if d, ok := b.ServerSpread(); ok {
			arrive = append(arrive, d)
		}
		if tg.s != nil {
			tg.s.mu.Lock()
			rs := make([]Result, len(tg.s.began))
			for i, at := range tg.s.began {
				rs[i].Released = at
				if at.Before(first) {
					started++
				}
			}
			tg.s.mu.Unlock()
			begin = append(begin, spread(rs, func(r *Result) time.Time { return r.Released }))
		}
	}
	return fmt.Sprintf("%-16s %-5s %-9s %-26s %-26s %d/%d of %d", tg.name, c.method, c.hold,
		quantiles(arrive), quantiles(begin), started, answered, rounds*n)
}

func (s *starts) reset() {
	s.mu.Lock()
	s.began = nil
	s.mu.Unlock()
	s.arrivals.mu.Lock()
	s.arrivals.times = nil
	s.arrivals.mu.Unlock()
}

func quantiles(ds []time.Duration) string {
	if len(ds) == 0 {
		return "-"
	}
	slices.Sort(ds)
	q := func(f float64) string {
		return ds[int(f*float64(len(ds)-1))].Round(time.Microsecond).String()
	}
	return strings.Join([]string{q(0.5), q(0.9), q(1)}, "/")
}
