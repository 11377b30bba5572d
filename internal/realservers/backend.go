package realservers

import (
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"sync"
	"testing"
	"time"
)

// Backend is a check-then-act HTTP/1.1 target for the servers to proxy to.
// A POST (or any method but GET and HEAD) reads a counter, answers 409 if it
// is already above zero, otherwise pauses and writes the counter plus one
// and answers 200: requests that all read before the first write all get
// 200, the bug racetest exists to find. GET and HEAD read the counter only.
// It records when each request arrived and how many were in the handler at
// once, which shows how a proxy in front of it passed a burst on.
type Backend struct {
	URL string

	pause time.Duration

	mu       sync.Mutex
	counter  int
	granted  int
	inFlight int
	maxIn    int
	arrivals []Arrival
}

// Arrival is one request as the backend saw it.
type Arrival struct {
	At       time.Time // when the handler had the whole body
	Method   string
	Path     string
	Proto    string // what the proxy spoke to the backend
	InFlight int    // requests in the handler, this one included
}

// StartBackend serves a Backend on 127.0.0.1 until the test ends. pause is
// the window between the check and the act (1 ms is a database round trip
// on loopback).
func StartBackend(t testing.TB, pause time.Duration) *Backend {
	t.Helper()
	b := &Backend{pause: pause}
	ts := httptest.NewServer(b)
	t.Cleanup(ts.Close)
	b.URL = ts.URL
	return b
}

// ServeHTTP reads the whole body first, as a framework would, so that the
// arrival stamp means the request had fully arrived.
func (b *Backend) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	_, _ = io.Copy(io.Discard, r.Body)
	at := time.Now()
	w.Header().Set("X-Racetest-Arrival", strconv.FormatInt(at.UnixNano(), 10))
	w.Header().Set("Content-Type", "application/json")

	b.mu.Lock()
	b.inFlight++
	b.maxIn = max(b.maxIn, b.inFlight)
	b.arrivals = append(b.arrivals, Arrival{At: at, Method: r.Method, Path: r.URL.Path, Proto: r.Proto, InFlight: b.inFlight})
	seen := b.counter // the check
	b.mu.Unlock()
	defer func() {
		b.mu.Lock()
		b.inFlight--
		b.mu.Unlock()
	}()

	if r.Method == http.MethodGet || r.Method == http.MethodHead {
		writeCounter(w, http.StatusOK, seen)
		return
	}
	if seen > 0 {
		writeCounter(w, http.StatusConflict, seen)
		return
	}
	// The window: every request that checked before this write pays.
	time.Sleep(b.pause)
	b.mu.Lock()
	b.counter = seen + 1 // the act, from the stale read
	b.granted++
	b.mu.Unlock()
	writeCounter(w, http.StatusOK, seen+1)
}

func writeCounter(w http.ResponseWriter, code, n int) {
	w.WriteHeader(code)
	_, _ = io.WriteString(w, `{"counter":`+strconv.Itoa(n)+"}\n")
}

// Granted is how many requests got 200 from a POST since the last Reset:
// more than one means the race was hit.
func (b *Backend) Granted() int {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.granted
}

// MaxInFlight is the most requests that were in the handler at once since
// the last Reset.
func (b *Backend) MaxInFlight() int {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.maxIn
}

// Arrivals returns a copy of the requests seen since the last Reset, in
// the order they arrived.
func (b *Backend) Arrivals() []Arrival {
	b.mu.Lock()
	defer b.mu.Unlock()
	return append([]Arrival(nil), b.arrivals...)
}

// Reset forgets the counter and what was seen. Requests in flight finish
// against the new state.
func (b *Backend) Reset() {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.counter, b.granted, b.maxIn = 0, 0, b.inFlight
	b.arrivals = nil
}
