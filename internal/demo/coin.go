package demo

import (
	"math/rand/v2"
	"net/http"
	"sync"
)

// coin decides, for the coin mission variant, whether a fresh mission's
// race window is open. It is seeded (Config.Seed) so that a test can
// replay the same tosses; a mutex keeps the generator whole under
// concurrent requests.
type coin struct {
	mu  sync.Mutex
	rng *rand.Rand
}

func newCoin(seed uint64) *coin {
	if seed == 0 {
		seed = rand.Uint64()
	}
	return &coin{rng: rand.New(rand.NewPCG(seed, seed))}
}

// heads tosses the coin.
func (c *coin) heads() bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.rng.IntN(2) == 0
}

// windowOpen tells whether the coin variant's window is open for k: the
// first request to ask about k since the reset tosses the coin, and every
// later one gets the same answer, so a whole burst sees one toss.
func (ms *missionStore) windowOpen(k missionKey, c *coin) bool {
	ms.mu.Lock()
	defer ms.mu.Unlock()
	open, ok := ms.windows[k]
	if !ok {
		open = c.heads()
		ms.windows[k] = open
	}
	return open
}

// completeCoin is a race that one burst catches about half the time, as a
// narrow window on a real stack is: on heads it is naive's check-then-act
// with the storage round trip between them, on tails the check and the act
// are one step (as with unique) and no burst can get in between. One toss
// per mission per reset, so every burst after a reset is a fresh toss. It
// is what --rounds, --until-found and --confidence are for.
func (s *Server) completeCoin(ms *missionStore, k missionKey) (int, int64) {
	if ms.windowOpen(k, s.coin) {
		return s.completeNaive(ms, k)
	}
	if !ms.insert(k) {
		return http.StatusConflict, 0
	}
	return http.StatusOK, ms.credit(k, false)
}
