package demo

import (
	"net/http"
	"testing"
)

func TestBuyNaiveOversells(t *testing.T) {
	tg := newTarget(t, raceLatency)
	tg.mustStatus(http.StatusOK, "PUT", "/products/1", "", `{"stock":1}`)
	got := tally(tg.burst(20, "POST", "/products/1/buy/naive", "", ""))
	stock := tg.num("GET", "/products/1", "", "stock")
	sold := tg.num("GET", "/products/1", "", "sold")
	if stock >= 0 {
		t.Errorf("naive burst: stock %d after %v, want below zero", stock, got)
	}
	if sold != int64(got[http.StatusOK]) || stock != 1-sold {
		t.Errorf("naive burst: stock %d sold %d after %v", stock, sold, got)
	}
}

func TestBuyAtomicNeverOversells(t *testing.T) {
	tg := newTarget(t, raceLatency)
	tg.mustStatus(http.StatusOK, "PUT", "/products/1", "", `{"stock":5}`)
	got := tally(tg.burst(20, "POST", "/products/1/buy/atomic", "", `{"quantity":1}`))
	if got[http.StatusOK] != 5 || got[http.StatusConflict] != 15 {
		t.Errorf("atomic burst: %v, want five 200 and fifteen 409", got)
	}
	if stock := tg.num("GET", "/products/1", "", "stock"); stock != 0 {
		t.Errorf("atomic burst: stock %d, want 0", stock)
	}
	if sold := tg.num("GET", "/products/1", "", "sold"); sold != 5 {
		t.Errorf("atomic burst: sold %d, want 5", sold)
	}
}

func TestBuyQuantityAndErrors(t *testing.T) {
	tg := newTarget(t, 0)
	m := tg.mustStatus(http.StatusOK, "POST", "/products/1/buy/atomic", "", `{"quantity":4}`)
	if m["stock"] != float64(6) || m["sold"] != float64(4) || m["name"] != "widget" {
		t.Errorf("buy 4 of the seeded 10: %v", m)
	}
	m = tg.mustStatus(http.StatusConflict, "POST", "/products/1/buy/naive", "", `{"quantity":7}`)
	if m["error"] != "sold out" {
		t.Errorf("buy 7 of 6: %v", m)
	}
	tg.mustStatus(http.StatusBadRequest, "POST", "/products/1/buy/naive", "", `{"quantity":0}`)
	tg.mustStatus(http.StatusNotFound, "POST", "/products/2/buy/naive", "", "")
	tg.mustStatus(http.StatusNotFound, "POST", "/products/1/buy/magic", "", "")
	tg.mustStatus(http.StatusNotFound, "GET", "/products/2", "", "")
	tg.mustStatus(http.StatusBadRequest, "PUT", "/products/2", "", `{"name":"x"}`)
	tg.mustStatus(http.StatusBadRequest, "PUT", "/products/2", "", `{"stock":-1}`)
}

func TestPatchNaiveLosesUpdates(t *testing.T) {
	tg := newTarget(t, raceLatency)
	got := tally(tg.burst(10, "PATCH", "/products/1/naive", "", `{"name":"gadget"}`))
	if got[http.StatusOK] != 10 {
		t.Fatalf("naive patch burst: %v, want ten 200", got)
	}
	m := tg.mustStatus(http.StatusOK, "GET", "/products/1", "", "")
	if m["updates"] != float64(10) || m["version"].(float64) >= 10 || m["name"] != "gadget" {
		t.Errorf("naive patch burst: %v, want 10 updates and a lower version", m)
	}
}

func TestPatchTryLock(t *testing.T) {
	tg := newTarget(t, raceLatency)
	got := tally(tg.burst(10, "PATCH", "/products/1/trylock", "", `{"name":"gadget"}`))
	if got[http.StatusOK] != 1 || got[http.StatusTooManyRequests] != 9 {
		t.Errorf("trylock patch burst: %v, want one 200 and nine 429", got)
	}
	m := tg.mustStatus(http.StatusOK, "PATCH", "/products/1/trylock", "", `{"name":"thing"}`)
	if m["version"] != float64(2) || m["updates"] != float64(2) || m["name"] != "thing" {
		t.Errorf("after trylock patches: %v, want version 2", m)
	}
	tg.mustStatus(http.StatusBadRequest, "PATCH", "/products/1/trylock", "", `{}`)
}
