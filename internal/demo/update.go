package demo

import "net/http"

// updateVariants lists the variants of PATCH /products/{id}/{variant}.
func updateVariants() []string { return []string{"naive", "trylock"} }

// patchProduct handles PATCH /products/{id}/{variant} {"name":N}: a
// read-modify-write of the product's name and version.
func (s *Server) patchProduct(w http.ResponseWriter, r *http.Request) {
	variant := r.PathValue("variant")
	if variant != "naive" && variant != "trylock" {
		unknownVariant(w, variant, updateVariants())
		return
	}
	ps, id, p, ok := s.lookupProduct(w, r)
	if !ok {
		return
	}
	var body struct {
		Name *string `json:"name"`
	}
	if err := decodeJSON(r, &body, false); err != nil {
		badRequest(w, err)
		return
	}
	if body.Name == nil {
		writeError(w, http.StatusBadRequest, `"name" is required`)
		return
	}
	if variant == "trylock" {
		// Like a Redis lock with a timeout: whoever finds it taken is told
		// to come back later rather than queued.
		if !p.lock.TryLock() {
			writeError(w, http.StatusTooManyRequests, "locked")
			return
		}
		defer p.lock.Unlock()
	}
	s.updateProduct(ps, p, *body.Name)
	writeJSON(w, http.StatusOK, ps.view(id, p))
}

// updateProduct reads the version, spends a round trip and writes version+1
// from what it read. Unguarded, concurrent updates overwrite each other:
// "updates" counts every 200 while "version" ends lower (lost updates).
func (s *Server) updateProduct(ps *productStore, p *product, name string) {
	ps.mu.Lock()
	version := p.version
	ps.mu.Unlock()
	s.pause()
	ps.mu.Lock()
	p.version = version + 1
	p.name = name
	p.updates++
	ps.mu.Unlock()
}
