package demo

import (
	"net/http"
	"strconv"
	"sync"
)

// arrivalLog records when /bench/hit requests arrived, so that tools which
// do not read response headers (hey, a Python thread pool) can be compared
// with racetest on the spread the server itself observed.
type arrivalLog struct {
	mu    sync.Mutex
	times []int64 // Unix nanoseconds
}

// maxLogged bounds the log; a benchmark burst is far smaller.
const maxLogged = 1 << 20

// benchHit handles /bench/hit: it records the arrival stamped by ServeHTTP.
func (s *Server) benchHit(w http.ResponseWriter, _ *http.Request) {
	at, err := strconv.ParseInt(w.Header().Get(ArrivalHeader), 10, 64)
	if err == nil {
		s.bench.mu.Lock()
		if len(s.bench.times) < maxLogged {
			s.bench.times = append(s.bench.times, at)
		}
		s.bench.mu.Unlock()
	}
	writeJSON(w, http.StatusOK, struct {
		OK bool `json:"ok"`
	}{true})
}

// benchArrivals handles GET /bench/arrivals.
func (s *Server) benchArrivals(w http.ResponseWriter, _ *http.Request) {
	s.bench.mu.Lock()
	n := len(s.bench.times)
	var lo, hi int64
	for i, t := range s.bench.times {
		if i == 0 || t < lo {
			lo = t
		}
		if t > hi {
			hi = t
		}
	}
	s.bench.mu.Unlock()
	writeJSON(w, http.StatusOK, struct {
		Count    int   `json:"count"`
		SpreadNS int64 `json:"spread_ns"`
	}{n, hi - lo})
}

// benchReset handles POST /bench/reset.
func (s *Server) benchReset(w http.ResponseWriter, _ *http.Request) {
	s.bench.mu.Lock()
	s.bench.times = s.bench.times[:0]
	s.bench.mu.Unlock()
	writeJSON(w, http.StatusOK, struct {
		Reset bool `json:"reset"`
	}{true})
}
