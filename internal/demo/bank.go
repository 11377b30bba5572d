package demo

import (
	"net/http"
	"sync"
)

// bankVariants lists the variants of deposit and withdraw.
func bankVariants() []string { return []string{"naive", "atomic"} }

// accountStore is the accounts table: id -> balance.
type accountStore struct {
	// mu guards m and the balances; never held across the simulated latency.
	mu sync.Mutex
	m  map[string]*int64
}

func (as *accountStore) init() { as.m = make(map[string]*int64) }

// put creates or overwrites an account.
func (as *accountStore) put(id string, balance int64) {
	as.mu.Lock()
	defer as.mu.Unlock()
	if b := as.m[id]; b != nil {
		*b = balance
		return
	}
	as.m[id] = &balance
}

// get returns the account's balance cell, or nil.
func (as *accountStore) get(id string) *int64 {
	as.mu.Lock()
	defer as.mu.Unlock()
	return as.m[id]
}

// load reads a balance.
func (as *accountStore) load(b *int64) int64 {
	as.mu.Lock()
	defer as.mu.Unlock()
	return *b
}

// getAccount handles GET /accounts/{id}.
func (s *Server) getAccount(w http.ResponseWriter, r *http.Request) {
	as := &s.current().accounts
	id := r.PathValue("id")
	b := as.get(id)
	if b == nil {
		writeError(w, http.StatusNotFound, "no account "+`"`+id+`"; PUT /accounts/`+id+` creates it`)
		return
	}
	writeAccount(w, http.StatusOK, id, as.load(b))
}

// putAccount handles PUT /accounts/{id} {"balance":B}.
func (s *Server) putAccount(w http.ResponseWriter, r *http.Request) {
	var body struct {
		Balance *int64 `json:"balance"`
	}
	if err := decodeJSON(r, &body, false); err != nil {
		badRequest(w, err)
		return
	}
	if body.Balance == nil {
		writeError(w, http.StatusBadRequest, `"balance" is required`)
		return
	}
	id := r.PathValue("id")
	s.current().accounts.put(id, *body.Balance)
	writeAccount(w, http.StatusOK, id, *body.Balance)
}

func writeAccount(w http.ResponseWriter, code int, id string, balance int64) {
	writeJSON(w, code, struct {
		ID      string `json:"id"`
		Balance int64  `json:"balance"`
	}{id, balance})
}

// deposit handles POST /accounts/{id}/deposit/{variant} {"amount":A}.
func (s *Server) deposit(w http.ResponseWriter, r *http.Request) { s.transfer(w, r, 1) }

// withdraw handles POST /accounts/{id}/withdraw/{variant} {"amount":A}.
func (s *Server) withdraw(w http.ResponseWriter, r *http.Request) { s.transfer(w, r, -1) }

// transfer validates a deposit (sign 1) or withdrawal (sign -1) and runs the
// chosen variant.
func (s *Server) transfer(w http.ResponseWriter, r *http.Request, sign int64) {
	variant := r.PathValue("variant")
	if variant != "naive" && variant != "atomic" {
		unknownVariant(w, variant, bankVariants())
		return
	}
	as := &s.current().accounts
	id := r.PathValue("id")
	b := as.get(id)
	if b == nil {
		writeError(w, http.StatusNotFound, "no account "+`"`+id+`"`)
		return
	}
	var body struct {
		Amount int64 `json:"amount"`
	}
	if err := decodeJSON(r, &body, false); err != nil {
		badRequest(w, err)
		return
	}
	if body.Amount <= 0 {
		writeError(w, http.StatusBadRequest, `"amount" must be > 0`)
		return
	}
	var balance int64
	var ok bool
	if variant == "naive" {
		balance, ok = s.transferNaive(as, b, sign*body.Amount)
	} else {
		balance, ok = s.transferAtomic(as, b, sign*body.Amount)
	}
	if !ok {
		writeJSON(w, http.StatusConflict, struct {
			Error   string `json:"error"`
			Balance int64  `json:"balance"`
		}{"insufficient funds", balance})
		return
	}
	writeJSON(w, http.StatusOK, struct {
		Balance int64 `json:"balance"`
	}{balance})
}

// transferNaive is the lost-update bug: read, check, round trip, then write
// back what was read plus delta. Concurrent transfers overwrite each other.
func (s *Server) transferNaive(as *accountStore, b *int64, delta int64) (int64, bool) {
	read := as.load(b)
	if read+delta < 0 {
		return read, false
	}
	s.pause()
	as.mu.Lock()
	*b = read + delta
	as.mu.Unlock()
	return read + delta, true
}

// transferAtomic is the fix: check and add in one step (UPDATE ... SET
// balance = balance + delta WHERE balance + delta >= 0), then the round trip,
// which stays so that both variants cost the same.
func (s *Server) transferAtomic(as *accountStore, b *int64, delta int64) (int64, bool) {
	as.mu.Lock()
	balance := *b + delta
	ok := balance >= 0
	if ok {
		*b = balance
	} else {
		balance = *b
	}
	as.mu.Unlock()
	s.pause()
	return balance, ok
}
