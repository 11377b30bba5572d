package demo

import (
	"net/http"
	"strings"
)

// route is one endpoint: its mux pattern, a line for the index, its handler.
// The index is built from the same table the mux is, so they cannot drift.
type route struct {
	pattern string
	about   string
	handle  http.HandlerFunc
}

// routes is the endpoint table.
func (s *Server) routes() []route {
	return []route{
		{"GET /{$}", "this index", s.index},
		{"GET /healthz", "liveness: {\"ok\":true}", s.healthz},
		{"POST /reset", "forget everything; seed product \"1\" (stock 10) and account \"a\" (balance 1000)", s.reset},
		{"POST /missions/{variant}/complete", "body {\"type\":T}, Authorization: Bearer <user>; pays 100 once; variants naive (bug), locked, unique, setadd, trylock (429 when busy), coin (the bug on a random half of the bursts: one toss per mission per reset)", s.completeMission},
		{"GET /missions/{variant}/me", "the bearer user's points and grants under that variant", s.missionScore},
		{"GET /products/{id}", "stock, sold, name, version, updates", s.getProduct},
		{"PUT /products/{id}", "body {\"stock\":S[,\"name\":N]}: create or reset a product", s.putProduct},
		{"POST /products/{id}/buy/{variant}", "body {\"quantity\":Q} optional; variants naive (oversells) and atomic", s.buyProduct},
		{"PATCH /products/{id}/{variant}", "body {\"name\":N}; variants naive (lost updates) and trylock (429 when busy)", s.patchProduct},
		{"GET /accounts/{id}", "the balance", s.getAccount},
		{"PUT /accounts/{id}", "body {\"balance\":B}: create or set an account", s.putAccount},
		{"POST /accounts/{id}/deposit/{variant}", "body {\"amount\":A}; variants naive (lost updates) and atomic", s.deposit},
		{"/bench/hit", "any method: records its arrival for GET /bench/arrivals (used by the benchmark)", s.benchHit},
		{"GET /bench/arrivals", "count and spread of /bench/hit arrivals since POST /bench/reset", s.benchArrivals},
		{"POST /bench/reset", "forget the recorded /bench/hit arrivals", s.benchReset},
		{"POST /accounts/{id}/withdraw/{variant}", "body {\"amount\":A}; 409 when funds are short; variants naive and atomic", s.withdraw},
	}
}

// endpoint is one entry of the index.
type endpoint struct {
	Route string `json:"route"`
	About string `json:"about"`
}

// index handles GET /: what is here and how to use it.
func (s *Server) index(w http.ResponseWriter, _ *http.Request) {
	rts := s.routes()
	eps := make([]endpoint, len(rts))
	for i, rt := range rts {
		eps[i] = endpoint{Route: strings.Replace(rt.pattern, "{$}", "", 1), About: rt.about}
	}
	writeJSON(w, http.StatusOK, struct {
		Name          string     `json:"name"`
		ArrivalHeader string     `json:"arrival_header"`
		Latency       string     `json:"latency"`
		Endpoints     []endpoint `json:"endpoints"`
	}{"racetest demo target", ArrivalHeader, s.cfg.Latency.String(), eps})
}

// healthz handles GET /healthz.
func (s *Server) healthz(w http.ResponseWriter, _ *http.Request) {
	writeJSON(w, http.StatusOK, struct {
		OK bool `json:"ok"`
	}{true})
}

// reset handles POST /reset. Requests already in flight finish against the
// old state; see state.
func (s *Server) reset(w http.ResponseWriter, _ *http.Request) {
	s.state.Store(newState())
	writeJSON(w, http.StatusOK, struct {
		Reset bool `json:"reset"`
	}{true})
}
