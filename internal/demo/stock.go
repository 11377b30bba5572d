package demo

import "net/http"

// buyVariants lists the variants of POST /products/{id}/buy/{variant}.
func buyVariants() []string { return []string{"naive", "atomic"} }

// buyProduct handles POST /products/{id}/buy/{variant} with an optional body
// {"quantity":Q} (default 1).
func (s *Server) buyProduct(w http.ResponseWriter, r *http.Request) {
	variant := r.PathValue("variant")
	if variant != "naive" && variant != "atomic" {
		unknownVariant(w, variant, buyVariants())
		return
	}
	ps, id, p, ok := s.lookupProduct(w, r)
	if !ok {
		return
	}
	body := struct {
		Quantity int64 `json:"quantity"`
	}{Quantity: 1}
	if err := decodeJSON(r, &body, true); err != nil {
		badRequest(w, err)
		return
	}
	if body.Quantity < 1 {
		writeError(w, http.StatusBadRequest, `"quantity" must be >= 1`)
		return
	}
	var sold bool
	if variant == "naive" {
		sold = s.buyNaive(ps, p, body.Quantity)
	} else {
		sold = s.buyAtomic(ps, p, body.Quantity)
	}
	if !sold {
		writeJSON(w, http.StatusConflict, struct {
			Error string `json:"error"`
			Stock int64  `json:"stock"`
		}{"sold out", ps.view(id, p).Stock})
		return
	}
	writeJSON(w, http.StatusOK, ps.view(id, p))
}

// buyNaive is the oversell bug: read the stock, check it, spend a round trip,
// then decrement. The decrement is applied to the live value (stock -= q,
// not stock = read - q) so that every sale that passed the stale check is
// visible as stock below zero.
func (s *Server) buyNaive(ps *productStore, p *product, q int64) bool {
	ps.mu.Lock()
	stock := p.stock
	ps.mu.Unlock()
	if stock < q {
		return false
	}
	s.pause()
	ps.mu.Lock()
	p.stock -= q
	p.sold += q
	ps.mu.Unlock()
	return true
}

// buyAtomic is the fix: one conditional decrement (UPDATE ... SET stock =
// stock - q WHERE stock >= q), then the round trip. The round trip stays so
// that both variants cost the same and only correctness differs.
func (s *Server) buyAtomic(ps *productStore, p *product, q int64) bool {
	ps.mu.Lock()
	ok := p.stock >= q
	if ok {
		p.stock -= q
		p.sold += q
	}
	ps.mu.Unlock()
	s.pause()
	return ok
}
