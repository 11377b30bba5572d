package demo

import (
	"net/http"
	"testing"
)

const missionBody = `{"type":"investment_complete"}`

// Without concurrency even the naive variant is correct: the bug is only in
// the window between check and act.
func TestMissionSequentialPaysOnce(t *testing.T) {
	tg := newTarget(t, raceLatency/10)
	var ok int
	for range 30 {
		code, m := tg.do("POST", "/missions/naive/complete", "u1", missionBody)
		switch code {
		case http.StatusOK:
			ok++
			if m["granted"] != true {
				t.Errorf("200 without granted: %v", m)
			}
		case http.StatusConflict:
			if m["granted"] != false {
				t.Errorf("409 with granted: %v", m)
			}
		default:
			t.Fatalf("status %d %v", code, m)
		}
	}
	if ok != 1 {
		t.Errorf("%d grants, want 1", ok)
	}
	if p := tg.num("GET", "/missions/naive/me", "u1", "points"); p != Reward {
		t.Errorf("points %d, want %d", p, Reward)
	}
}

func TestMissionBurstNaivePaysTwice(t *testing.T) {
	tg := newTarget(t, raceLatency)
	got := tally(tg.burst(30, "POST", "/missions/naive/complete", "u1", missionBody))
	if got[http.StatusOK] < 2 {
		t.Errorf("naive burst: %v, want more than one 200", got)
	}
	points := tg.num("GET", "/missions/naive/me", "u1", "points")
	grants := tg.num("GET", "/missions/naive/me", "u1", "grants")
	if points <= Reward || points != int64(got[http.StatusOK])*Reward || grants != int64(got[http.StatusOK]) {
		t.Errorf("naive burst: points %d grants %d after %v", points, grants, got)
	}
}

func TestMissionBurstFixesPayOnce(t *testing.T) {
	for _, variant := range []string{"locked", "unique", "setadd"} {
		t.Run(variant, func(t *testing.T) {
			tg := newTarget(t, raceLatency)
			got := tally(tg.burst(30, "POST", "/missions/"+variant+"/complete", "u1", missionBody))
			if got[http.StatusOK] != 1 || got[http.StatusConflict] != 29 {
				t.Errorf("%s burst: %v, want one 200 and 29 409", variant, got)
			}
			if p := tg.num("GET", "/missions/"+variant+"/me", "u1", "points"); p != Reward {
				t.Errorf("%s burst: points %d, want %d", variant, p, Reward)
			}
		})
	}
}

func TestMissionBurstTryLock(t *testing.T) {
	tg := newTarget(t, raceLatency)
	got := tally(tg.burst(30, "POST", "/missions/trylock/complete", "u1", missionBody))
	if got[http.StatusOK] != 1 || got[http.StatusOK]+got[http.StatusTooManyRequests]+got[http.StatusConflict] != 30 {
		t.Errorf("trylock burst: %v, want one 200 and the rest 429 or 409", got)
	}
	if p := tg.num("GET", "/missions/trylock/me", "u1", "points"); p != Reward {
		t.Errorf("trylock burst: points %d, want %d", p, Reward)
	}
	// Once the holder is done the lock is free again: the next try is a
	// plain "already completed".
	tg.mustStatus(http.StatusConflict, "POST", "/missions/trylock/complete", "u1", missionBody)
}

// Keys are (variant, user, type): other users, other types and other
// variants are paid independently.
func TestMissionKeys(t *testing.T) {
	tg := newTarget(t, 0)
	tg.mustStatus(http.StatusOK, "POST", "/missions/unique/complete", "u1", missionBody)
	tg.mustStatus(http.StatusOK, "POST", "/missions/unique/complete", "u2", missionBody)
	tg.mustStatus(http.StatusOK, "POST", "/missions/unique/complete", "u1", `{"type":"other"}`)
	tg.mustStatus(http.StatusOK, "POST", "/missions/locked/complete", "u1", missionBody)
	if p := tg.num("GET", "/missions/unique/me", "u1", "points"); p != 2*Reward {
		t.Errorf("u1 unique points %d, want %d", p, 2*Reward)
	}
	if p := tg.num("GET", "/missions/setadd/me", "u1", "points"); p != 0 {
		t.Errorf("u1 setadd points %d, want 0", p)
	}
	tg.mustStatus(http.StatusOK, "POST", "/reset", "", "")
	if p := tg.num("GET", "/missions/unique/me", "u1", "points"); p != 0 {
		t.Errorf("points after reset %d, want 0", p)
	}
}

func TestMissionErrors(t *testing.T) {
	tg := newTarget(t, 0)
	tg.mustStatus(http.StatusUnauthorized, "POST", "/missions/naive/complete", "", missionBody)
	tg.mustStatus(http.StatusUnauthorized, "GET", "/missions/naive/me", "", "")
	tg.mustStatus(http.StatusBadRequest, "POST", "/missions/naive/complete", "u1", `{}`)
	tg.mustStatus(http.StatusBadRequest, "POST", "/missions/naive/complete", "u1", "")
	tg.mustStatus(http.StatusBadRequest, "POST", "/missions/naive/complete", "u1", `{"type":`)
	m := tg.mustStatus(http.StatusNotFound, "POST", "/missions/nope/complete", "u1", missionBody)
	if vs, _ := m["variants"].([]any); len(vs) != len(missionVariants()) {
		t.Errorf("unknown variant: %v, want the list of variants", m)
	}
}
