package demo

import "net/http"

// missionResult is the body of POST /missions/{variant}/complete.
type missionResult struct {
	Granted bool   `json:"granted"`
	Points  int64  `json:"points"`
	Error   string `json:"error,omitempty"`
}

// completeMission handles POST /missions/{variant}/complete: pay Reward once
// per (variant, user, type), with or without the bug depending on variant.
func (s *Server) completeMission(w http.ResponseWriter, r *http.Request) {
	ms, user, ok := s.missionFor(w, r)
	if !ok {
		return
	}
	var body struct {
		Type string `json:"type"`
	}
	if err := decodeJSON(r, &body, false); err != nil {
		badRequest(w, err)
		return
	}
	if body.Type == "" {
		writeError(w, http.StatusBadRequest, `"type" is required, e.g. {"type":"investment_complete"}`)
		return
	}
	k := missionKey{user: user, typ: body.Type}
	var code int
	var points int64
	switch r.PathValue("variant") {
	case "naive":
		code, points = s.completeNaive(ms, k)
	case "locked":
		code, points = s.completeLocked(ms, k)
	case "unique":
		code, points = s.completeUnique(ms, k)
	case "setadd":
		code, points = s.completeSetAdd(ms, k)
	case "trylock":
		code, points = s.completeTryLock(ms, k)
	case "coin":
		code, points = s.completeCoin(ms, k)
	}
	writeMissionResult(w, ms, k, code, points)
}

// writeMissionResult maps a variant's outcome to its response.
func writeMissionResult(w http.ResponseWriter, ms *missionStore, k missionKey, code int, points int64) {
	switch code {
	case http.StatusOK:
		writeJSON(w, code, missionResult{Granted: true, Points: points})
	case http.StatusTooManyRequests:
		writeError(w, code, "locked")
	default:
		writeJSON(w, code, missionResult{Points: ms.score(k.user).points, Error: "already completed"})
	}
}

// completeNaive is the bug: the check and the act are separate steps with a
// storage round trip between them, so every request that checks before the
// first one acts is paid.
func (s *Server) completeNaive(ms *missionStore, k missionKey) (int, int64) {
	if ms.isCompleted(k) {
		return http.StatusConflict, 0
	}
	s.pause()
	return http.StatusOK, ms.credit(k, true)
}

// completeLocked is the row-lock fix (SELECT ... FOR UPDATE): the user's lock
// is held across check, round trip and act, so the second request checks
// only after the first has written.
func (s *Server) completeLocked(ms *missionStore, k missionKey) (int, int64) {
	l := ms.userLock(k.user)
	l.Lock()
	defer l.Unlock()
	if ms.isCompleted(k) {
		return http.StatusConflict, 0
	}
	s.pause()
	return http.StatusOK, ms.credit(k, true)
}

// completeUnique is the unique-constraint fix: insert first and let the
// constraint decide; only the request whose insert succeeded goes on to pay.
func (s *Server) completeUnique(ms *missionStore, k missionKey) (int, int64) {
	if !ms.insert(k) {
		return http.StatusConflict, 0
	}
	s.pause()
	return http.StatusOK, ms.credit(k, false)
}

// completeSetAdd is the Redis SADD gate fix: a separate set answers "was I
// first?" atomically before the (slow) completion log is written.
func (s *Server) completeSetAdd(ms *missionStore, k missionKey) (int, int64) {
	if !ms.gate.Add(k) {
		return http.StatusConflict, 0
	}
	s.pause()
	return http.StatusOK, ms.credit(k, true)
}

// completeTryLock is the lock-with-timeout fix (Redis SET NX PX): whoever
// cannot take the user's lock at once is turned away with 429 instead of
// waiting, so a burst gets one 200 and the rest 429.
func (s *Server) completeTryLock(ms *missionStore, k missionKey) (int, int64) {
	l := ms.userLock(k.user)
	if !l.TryLock() {
		return http.StatusTooManyRequests, 0
	}
	defer l.Unlock()
	if ms.isCompleted(k) {
		return http.StatusConflict, 0
	}
	s.pause()
	return http.StatusOK, ms.credit(k, true)
}

// missionScore handles GET /missions/{variant}/me.
func (s *Server) missionScore(w http.ResponseWriter, r *http.Request) {
	ms, user, ok := s.missionFor(w, r)
	if !ok {
		return
	}
	sc := ms.score(user)
	writeJSON(w, http.StatusOK, struct {
		User   string `json:"user"`
		Points int64  `json:"points"`
		Grants int64  `json:"grants"`
	}{user, sc.points, sc.grants})
}

// missionFor finds the store of the request's variant and its bearer user,
// or answers 404 or 401 and reports false.
func (s *Server) missionFor(w http.ResponseWriter, r *http.Request) (*missionStore, string, bool) {
	variant := r.PathValue("variant")
	ms, ok := s.current().missions[variant]
	if !ok {
		unknownVariant(w, variant, missionVariants())
		return nil, "", false
	}
	user, ok := bearer(r)
	if !ok {
		unauthorized(w)
		return nil, "", false
	}
	return ms, user, true
}
