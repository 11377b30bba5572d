package demo

import (
	"net/http"
	"testing"
)

func TestDepositNaiveLosesUpdates(t *testing.T) {
	tg := newTarget(t, raceLatency)
	got := tally(tg.burst(20, "POST", "/accounts/a/deposit/naive", "", `{"amount":10}`))
	if got[http.StatusOK] != 20 {
		t.Fatalf("naive deposits: %v, want twenty 200", got)
	}
	if b := tg.num("GET", "/accounts/a", "", "balance"); b == 1000+20*10 || b < 1010 {
		t.Errorf("naive deposits: balance %d, want some of the 20 deposits lost", b)
	}
}

func TestDepositAtomicIsExact(t *testing.T) {
	tg := newTarget(t, raceLatency)
	got := tally(tg.burst(20, "POST", "/accounts/a/deposit/atomic", "", `{"amount":10}`))
	if got[http.StatusOK] != 20 {
		t.Fatalf("atomic deposits: %v, want twenty 200", got)
	}
	if b := tg.num("GET", "/accounts/a", "", "balance"); b != 1000+20*10 {
		t.Errorf("atomic deposits: balance %d, want %d", b, 1000+20*10)
	}
}

func TestWithdrawBurst(t *testing.T) {
	for _, tc := range []struct {
		variant string
		check   func(ok int, balance int64) bool
	}{
		// More withdrawals succeed than the 100 in the account could pay.
		{"naive", func(ok int, _ int64) bool { return ok > 10 }},
		{"atomic", func(ok int, b int64) bool { return ok == 10 && b == 0 }},
	} {
		t.Run(tc.variant, func(t *testing.T) {
			tg := newTarget(t, raceLatency)
			tg.mustStatus(http.StatusOK, "PUT", "/accounts/b", "", `{"balance":100}`)
			got := tally(tg.burst(20, "POST", "/accounts/b/withdraw/"+tc.variant, "", `{"amount":10}`))
			b := tg.num("GET", "/accounts/b", "", "balance")
			if got[http.StatusOK]+got[http.StatusConflict] != 20 || !tc.check(got[http.StatusOK], b) {
				t.Errorf("%s withdrawals of 10 from 100: %v, balance %d", tc.variant, got, b)
			}
		})
	}
}

func TestBankErrors(t *testing.T) {
	tg := newTarget(t, 0)
	m := tg.mustStatus(http.StatusOK, "POST", "/accounts/a/withdraw/naive", "", `{"amount":30}`)
	if m["balance"] != float64(970) {
		t.Errorf("withdraw 30 from 1000: %v", m)
	}
	tg.mustStatus(http.StatusConflict, "POST", "/accounts/a/withdraw/atomic", "", `{"amount":971}`)
	tg.mustStatus(http.StatusConflict, "POST", "/accounts/a/withdraw/naive", "", `{"amount":971}`)
	tg.mustStatus(http.StatusBadRequest, "POST", "/accounts/a/deposit/atomic", "", `{"amount":0}`)
	tg.mustStatus(http.StatusBadRequest, "POST", "/accounts/a/deposit/atomic", "", `{"amount":-5}`)
	tg.mustStatus(http.StatusNotFound, "POST", "/accounts/a/deposit/magic", "", `{"amount":5}`)
	tg.mustStatus(http.StatusNotFound, "POST", "/accounts/zz/deposit/atomic", "", `{"amount":5}`)
	tg.mustStatus(http.StatusNotFound, "GET", "/accounts/zz", "", "")
	m = tg.mustStatus(http.StatusOK, "GET", "/accounts/a", "", "")
	if m["id"] != "a" || m["balance"] != float64(970) {
		t.Errorf("account a: %v", m)
	}
}
