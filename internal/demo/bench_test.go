package demo

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"testing"
)

func TestBenchArrivals(t *testing.T) {
	srv := httptest.NewServer(NewServer(Config{}).Handler())
	defer srv.Close()
	arrivals := func() (n int, spread int64) {
		resp, err := http.Get(srv.URL + "/bench/arrivals")
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		var v struct {
			Count    int   `json:"count"`
			SpreadNS int64 `json:"spread_ns"`
		}
		if err := json.NewDecoder(resp.Body).Decode(&v); err != nil {
			t.Fatal(err)
		}
		return v.Count, v.SpreadNS
	}
	for _, m := range []string{"GET", "POST", "GET"} {
		req, _ := http.NewRequest(m, srv.URL+"/bench/hit", nil)
		resp, err := http.DefaultClient.Do(req)
		if err != nil || resp.StatusCode != 200 {
			t.Fatalf("%s /bench/hit: %v %v", m, err, resp)
		}
		resp.Body.Close()
	}
	if n, spread := arrivals(); n != 3 || spread <= 0 {
		t.Fatalf("after 3 hits: count %d spread %d", n, spread)
	}
	resp, err := http.Post(srv.URL+"/bench/reset", "", nil)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if n, spread := arrivals(); n != 0 || spread != 0 {
		t.Fatalf("after reset: count %d spread %d", n, spread)
	}
}
