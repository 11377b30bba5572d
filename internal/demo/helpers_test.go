package demo

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// raceLatency is the window the burst tests race into: wide enough that 30
// goroutines on 2 cores under -race all land inside it.
const raceLatency = 20 * time.Millisecond

// target is a demo server on loopback plus helpers that check the contract
// every response must keep (arrival header, JSON).
type target struct {
	t   *testing.T
	url string
}

func newTarget(t *testing.T, latency time.Duration) *target {
	t.Helper()
	ts := httptest.NewServer(NewServer(Config{Latency: latency}).Handler())
	t.Cleanup(ts.Close)
	return &target{t: t, url: ts.URL}
}

// newRequest builds a request with an optional bearer user and body.
func (tg *target) newRequest(method, path, user, body string) *http.Request {
	tg.t.Helper()
	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(body)
	}
	req, err := http.NewRequest(method, tg.url+path, rd)
	if err != nil {
		tg.t.Fatal(err)
	}
	if user != "" {
		req.Header.Set("Authorization", "Bearer "+user)
	}
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	return req
}

// do sends one request and returns the status and decoded JSON body.
func (tg *target) do(method, path, user, body string) (int, map[string]any) {
	tg.t.Helper()
	resp, err := http.DefaultClient.Do(tg.newRequest(method, path, user, body))
	if err != nil {
		tg.t.Fatal(err)
	}
	defer resp.Body.Close()
	checkArrival(tg.t, resp)
	var m map[string]any
	if method != http.MethodHead {
		if ct := resp.Header.Get("Content-Type"); ct != "application/json" {
			tg.t.Errorf("%s %s: content type %q", method, path, ct)
		}
		if err := json.NewDecoder(resp.Body).Decode(&m); err != nil {
			tg.t.Fatalf("%s %s: decode: %v", method, path, err)
		}
	}
	return resp.StatusCode, m
}

// num reads an integer field of a decoded body.
func (tg *target) num(method, path, user, field string) int64 {
	tg.t.Helper()
	code, m := tg.do(method, path, user, "")
	if code != http.StatusOK {
		tg.t.Fatalf("%s %s: status %d %v", method, path, code, m)
	}
	v, ok := m[field].(float64)
	if !ok {
		tg.t.Fatalf("%s %s: field %q missing in %v", method, path, field, m)
	}
	return int64(v)
}

// mustStatus sends a request and fails unless it gets want.
func (tg *target) mustStatus(want int, method, path, user, body string) map[string]any {
	tg.t.Helper()
	code, m := tg.do(method, path, user, body)
	if code != want {
		tg.t.Fatalf("%s %s: status %d, want %d (%v)", method, path, code, want, m)
	}
	return m
}

// checkArrival fails unless resp carries a plausible arrival stamp.
func checkArrival(t *testing.T, resp *http.Response) int64 {
	t.Helper()
	ns, err := strconv.ParseInt(resp.Header.Get(ArrivalHeader), 10, 64)
	if err != nil {
		t.Errorf("%s %s: %s: %v", resp.Request.Method, resp.Request.URL.Path, ArrivalHeader, err)
		return 0
	}
	if d := time.Since(time.Unix(0, ns)); d < 0 || d > time.Minute {
		t.Errorf("%s = %d is %v away from now", ArrivalHeader, ns, d)
	}
	return ns
}

// burst sends n copies of one request at once: every goroutine has its own
// client whose connection was opened and used beforehand, and all wait on
// one channel that is closed to release them. It returns the statuses.
func (tg *target) burst(n int, method, path, user, body string) []int {
	tg.t.Helper()
	clients := make([]*http.Client, n)
	reqs := make([]*http.Request, n)
	for i := range n {
		tr := &http.Transport{}
		tg.t.Cleanup(tr.CloseIdleConnections)
		clients[i] = &http.Client{Transport: tr}
		warm, err := clients[i].Get(tg.url + "/healthz")
		if err != nil {
			tg.t.Fatal(err)
		}
		io.Copy(io.Discard, warm.Body)
		warm.Body.Close()
		reqs[i] = tg.newRequest(method, path, user, body)
	}
	statuses := make([]int, n)
	release := make(chan struct{})
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			<-release
			resp, err := clients[i].Do(reqs[i])
			if err != nil {
				tg.t.Errorf("request %d: %v", i, err)
				return
			}
			defer resp.Body.Close()
			io.Copy(io.Discard, resp.Body)
			checkArrival(tg.t, resp)
			statuses[i] = resp.StatusCode
		})
	}
	close(release)
	wg.Wait()
	return statuses
}

// tally counts statuses.
func tally(statuses []int) map[int]int {
	m := make(map[int]int)
	for _, s := range statuses {
		m[s]++
	}
	return m
}
