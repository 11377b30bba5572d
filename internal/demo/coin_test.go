package demo

import (
	"net/http"
	"net/http/httptest"
	"testing"
)

// TestMissionCoin: after each reset the coin variant races like naive on
// heads (a burst is paid more than once) and like unique on tails (paid
// once), following the seeded tosses burst by burst.
func TestMissionCoin(t *testing.T) {
	const seed = 3
	ts := httptest.NewServer(NewServer(Config{Latency: raceLatency, Seed: seed}).Handler())
	t.Cleanup(ts.Close)
	tg := &target{t: t, url: ts.URL}
	want := newCoin(seed)
	heads := 0
	for round := range 8 {
		tg.mustStatus(http.StatusOK, "POST", "/reset", "", "")
		got := tally(tg.burst(20, "POST", "/missions/coin/complete", "u1", missionBody))
		open := want.heads()
		switch {
		case open && got[http.StatusOK] < 2:
			t.Errorf("round %d, heads: %v, want more than one 200", round+1, got)
		case !open && (got[http.StatusOK] != 1 || got[http.StatusConflict] != 19):
			t.Errorf("round %d, tails: %v, want one 200 and 19 409", round+1, got)
		}
		if open {
			heads++
		}
		// Sequentially, heads or tails, the mission pays once.
		if code, _ := tg.do("POST", "/missions/coin/complete", "u2", missionBody); code != http.StatusOK {
			t.Errorf("round %d: first sequential completion %d, want 200", round+1, code)
		}
		if code, _ := tg.do("POST", "/missions/coin/complete", "u2", missionBody); code != http.StatusConflict {
			t.Errorf("round %d: second sequential completion %d, want 409", round+1, code)
		}
		want.heads() // u2's toss
	}
	if heads == 0 || heads == 8 {
		t.Errorf("seed %d gave %d heads in 8 tosses: the test shows only one side", seed, heads)
	}
}

// TestCoinIsFair: the tosses are about half heads.
func TestCoinIsFair(t *testing.T) {
	c := newCoin(1)
	heads := 0
	for range 10_000 {
		if c.heads() {
			heads++
		}
	}
	// 10,000 fair tosses land within 4,800-5,200 with probability
	// 1 - 6e-5.
	if heads < 4800 || heads > 5200 {
		t.Errorf("%d heads in 10,000 tosses", heads)
	}
}
