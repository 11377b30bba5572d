package demo

import (
	"net/http"
	"sync"
)

// product is one row of the products table.
type product struct {
	stock, sold      int64
	name             string
	version, updates int64
	// lock is the per-product lock of PATCH .../trylock; it lives on the
	// product so that PUT, which edits in place, never swaps it under a holder.
	lock sync.Mutex
}

// productView is the JSON form of a product.
type productView struct {
	ID      string `json:"id"`
	Name    string `json:"name"`
	Stock   int64  `json:"stock"`
	Sold    int64  `json:"sold"`
	Version int64  `json:"version"`
	Updates int64  `json:"updates"`
}

// productStore is the products table.
type productStore struct {
	// mu guards m and every product's fields except lock. Like a database
	// latch it is held for single reads and writes, never across the
	// simulated latency.
	mu sync.Mutex
	m  map[string]*product
}

func (ps *productStore) init() { ps.m = make(map[string]*product) }

// get returns the product, or nil.
func (ps *productStore) get(id string) *product {
	ps.mu.Lock()
	defer ps.mu.Unlock()
	return ps.m[id]
}

// put creates or overwrites a product with fresh counters. An existing
// product is edited in place so its lock stays the same object.
func (ps *productStore) put(id string, stock int64, name string) productView {
	ps.mu.Lock()
	defer ps.mu.Unlock()
	p := ps.m[id]
	if p == nil {
		p = &product{}
		ps.m[id] = p
	}
	p.stock, p.sold, p.name, p.version, p.updates = stock, 0, name, 0, 0
	return ps.viewLocked(id, p)
}

// view returns a consistent snapshot of the product.
func (ps *productStore) view(id string, p *product) productView {
	ps.mu.Lock()
	defer ps.mu.Unlock()
	return ps.viewLocked(id, p)
}

func (ps *productStore) viewLocked(id string, p *product) productView {
	return productView{ID: id, Name: p.name, Stock: p.stock, Sold: p.sold, Version: p.version, Updates: p.updates}
}

// lookupProduct resolves {id}, answering 404 itself when there is none.
func (s *Server) lookupProduct(w http.ResponseWriter, r *http.Request) (*productStore, string, *product, bool) {
	ps := &s.current().products
	id := r.PathValue("id")
	p := ps.get(id)
	if p == nil {
		writeError(w, http.StatusNotFound, "no product "+`"`+id+`"; PUT /products/`+id+` creates it`)
		return nil, "", nil, false
	}
	return ps, id, p, true
}

// getProduct handles GET /products/{id}.
func (s *Server) getProduct(w http.ResponseWriter, r *http.Request) {
	ps, id, p, ok := s.lookupProduct(w, r)
	if !ok {
		return
	}
	writeJSON(w, http.StatusOK, ps.view(id, p))
}

// putProduct handles PUT /products/{id} {"stock":S,"name":N}: create or
// reset a product, keeping its name when none is given.
func (s *Server) putProduct(w http.ResponseWriter, r *http.Request) {
	var body struct {
		Stock *int64  `json:"stock"`
		Name  *string `json:"name"`
	}
	if err := decodeJSON(r, &body, false); err != nil {
		badRequest(w, err)
		return
	}
	if body.Stock == nil || *body.Stock < 0 {
		writeError(w, http.StatusBadRequest, `"stock" is required and must be >= 0`)
		return
	}
	ps := &s.current().products
	id := r.PathValue("id")
	name := ""
	if body.Name != nil {
		name = *body.Name
	} else if p := ps.get(id); p != nil {
		name = ps.view(id, p).Name
	}
	writeJSON(w, http.StatusOK, ps.put(id, *body.Stock, name))
}
