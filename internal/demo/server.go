// Package demo is a deliberately racy HTTP target. It reproduces the classic
// check-then-act bugs (mission reward paid twice, stock oversold, bank
// deposits lost) next to their fixes (row lock, unique insert, set-add gate,
// lock with timeout, atomic update), so that racetest has something real to
// find races in: `racetest demo serve`, the examples, the end-to-end tests and
// the benchmarks all point at it.
//
// Every response carries ArrivalHeader, the moment the server had the whole
// request, so a client can measure how tightly a burst really arrived.
package demo

import (
	"bytes"
	"errors"
	"io"
	"net/http"
	"strconv"
	"sync"
	"sync/atomic"
	"time"
)

// ArrivalHeader is the response header that carries the time the request was
// fully received, as Unix nanoseconds in decimal.
const ArrivalHeader = "X-Racetest-Arrival"

// DefaultLatency is the simulated storage round trip that racetest demo uses
// unless told otherwise: wide enough that a barrier of goroutines finds the
// bugs, narrow enough that a sloppy client misses them now and then.
const DefaultLatency = 10 * time.Millisecond

// Reward is the number of points a completed mission pays.
const Reward = 100

// maxBody caps request bodies; every body here is a few bytes of JSON.
const maxBody = 1 << 20

// Config configures a Server.
type Config struct {
	// Latency is the simulated storage round trip inside each check-then-act
	// window. Zero or negative means no sleep.
	Latency time.Duration
	// MaxConcurrentStreams is the HTTP/2 SETTINGS_MAX_CONCURRENT_STREAMS the
	// server advertises; 0 keeps Go's default (250).
	MaxConcurrentStreams uint32
	// Seed seeds the coin of the coin mission variant, so that a test sees
	// the same tosses every time; 0 seeds it at random.
	Seed uint64
}

// Server is the demo target. It implements http.Handler and holds all state;
// the zero value is not usable, call NewServer.
type Server struct {
	cfg   Config
	mux   *http.ServeMux
	state atomic.Pointer[state]

	certOnce sync.Once
	cert     tlsIdentity

	bench arrivalLog
	coin  *coin
}

// state is everything /reset throws away. Reset swaps the whole pointer
// instead of clearing maps, so a request in flight keeps a consistent (old)
// world and never sees a half-cleared one.
type state struct {
	missions map[string]*missionStore // one store per variant; the map itself is never written after newState
	products productStore
	accounts accountStore
}

// NewServer returns a server in the seeded state (see POST /reset).
func NewServer(cfg Config) *Server {
	s := &Server{cfg: cfg, mux: http.NewServeMux(), coin: newCoin(cfg.Seed)}
	for _, rt := range s.routes() {
		s.mux.HandleFunc(rt.pattern, rt.handle)
	}
	s.state.Store(newState())
	return s
}

// newState builds the seeded world: product "1" (10 widgets) and account "a"
// (1000), the fixtures the examples and README refer to.
func newState() *state {
	st := &state{missions: make(map[string]*missionStore)}
	for _, v := range missionVariants() {
		st.missions[v] = newMissionStore()
	}
	st.products.init()
	st.products.put("1", 10, "widget")
	st.accounts.init()
	st.accounts.put("a", 1000)
	return st
}

// Handler returns the server as an http.Handler, for httptest and for
// mounting under another mux.
func (s *Server) Handler() http.Handler { return s }

// ServeHTTP reads the whole request body, stamps the arrival time and only
// then dispatches. The body is read here, once, for every route, so that the
// stamp means the same thing everywhere and even 404s carry it.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxBody))
	// The race window opens when the handler has the whole request, not when
	// the head arrives: Go starts handlers on the head, and a client that
	// holds back the last body byte must not look early here.
	arrived := time.Now()
	w.Header().Set(ArrivalHeader, strconv.FormatInt(arrived.UnixNano(), 10))
	if err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			writeError(w, http.StatusRequestEntityTooLarge, "body too large")
			return
		}
		writeError(w, http.StatusBadRequest, "read body: "+err.Error())
		return
	}
	r.Body = io.NopCloser(bytes.NewReader(body))
	if h, pattern := s.mux.Handler(r); pattern == "" {
		notRouted(w, r, h)
		return
	}
	s.mux.ServeHTTP(w, r)
}

// current is the state a request works on from start to end.
func (s *Server) current() *state { return s.state.Load() }

// pause simulates the storage round trip. It ignores the request context on
// purpose: a database call does not roll back because the client went away,
// and the act after it must still happen for the bug to be visible.
func (s *Server) pause() {
	if s.cfg.Latency > 0 {
		time.Sleep(s.cfg.Latency)
	}
}

// notRouted turns the mux's plain-text 404 and 405 into JSON, keeping the
// status and the Allow header the mux chose.
func notRouted(w http.ResponseWriter, r *http.Request, h http.Handler) {
	rec := &statusRecorder{header: make(http.Header), code: http.StatusOK}
	h.ServeHTTP(rec, r)
	if allow := rec.header.Get("Allow"); allow != "" {
		w.Header().Set("Allow", allow)
	}
	msg := "no such endpoint; GET / lists them"
	if rec.code == http.StatusMethodNotAllowed {
		msg = "method not allowed"
	}
	writeError(w, rec.code, msg)
}

// statusRecorder is a ResponseWriter that keeps only the status and headers.
type statusRecorder struct {
	header http.Header
	code   int
}

func (rec *statusRecorder) Header() http.Header         { return rec.header }
func (rec *statusRecorder) WriteHeader(code int)        { rec.code = code }
func (rec *statusRecorder) Write(p []byte) (int, error) { return len(p), nil }
