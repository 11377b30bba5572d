package demo

import "sync"

// missionVariants lists the mission endpoints' variants, the bug first. It is
// a function, not a variable, so no caller can change the list for others.
func missionVariants() []string {
	return []string{"naive", "locked", "unique", "setadd", "trylock", "coin"}
}

// missionKey identifies one completion; the variant is implied by the store.
type missionKey struct {
	user, typ string
}

// score is one user's balance of points under one variant.
type score struct {
	points, grants int64
}

// missionStore is the state of one variant: the completion log (the table a
// real service would check), the users' points, the per-user locks of the
// locked and trylock variants and the set-add gate of setadd.
type missionStore struct {
	// mu guards the maps below. It is held only for single reads and
	// writes, never across the simulated latency: holding it there would
	// serialise every variant and hide the naive bug.
	mu        sync.Mutex
	completed map[missionKey]struct{}
	scores    map[string]*score
	locks     map[string]*sync.Mutex
	gate      keySet
	// windows is the coin variant's toss per mission: open or not.
	windows map[missionKey]bool
}

func newMissionStore() *missionStore {
	return &missionStore{
		completed: make(map[missionKey]struct{}),
		scores:    make(map[string]*score),
		locks:     make(map[string]*sync.Mutex),
		gate:      keySet{m: make(map[missionKey]struct{})},
		windows:   make(map[missionKey]bool),
	}
}

// isCompleted is the "check" of check-then-act: SELECT ... WHERE user AND type.
func (ms *missionStore) isCompleted(k missionKey) bool {
	ms.mu.Lock()
	defer ms.mu.Unlock()
	_, ok := ms.completed[k]
	return ok
}

// insert is the unique-constraint INSERT: it records the completion and says
// whether it was new, in one step, so two requests cannot both succeed.
func (ms *missionStore) insert(k missionKey) bool {
	ms.mu.Lock()
	defer ms.mu.Unlock()
	if _, ok := ms.completed[k]; ok {
		return false
	}
	ms.completed[k] = struct{}{}
	return true
}

// credit is the "act": log the completion (idempotently, as an upsert would)
// and pay the reward. It returns the user's points afterwards.
func (ms *missionStore) credit(k missionKey, log bool) int64 {
	ms.mu.Lock()
	defer ms.mu.Unlock()
	if log {
		ms.completed[k] = struct{}{}
	}
	sc := ms.scoreLocked(k.user)
	sc.points += Reward
	sc.grants++
	return sc.points
}

// score returns a copy of the user's score; unknown users have zero.
func (ms *missionStore) score(user string) score {
	ms.mu.Lock()
	defer ms.mu.Unlock()
	if sc := ms.scores[user]; sc != nil {
		return *sc
	}
	return score{}
}

func (ms *missionStore) scoreLocked(user string) *score {
	sc := ms.scores[user]
	if sc == nil {
		sc = &score{}
		ms.scores[user] = sc
	}
	return sc
}

// userLock returns the user's row lock, creating it on first use.
func (ms *missionStore) userLock(user string) *sync.Mutex {
	ms.mu.Lock()
	defer ms.mu.Unlock()
	l := ms.locks[user]
	if l == nil {
		l = new(sync.Mutex)
		ms.locks[user] = l
	}
	return l
}

// keySet is a set with an atomic add, like Redis SADD: Add reports whether
// the key was new.
type keySet struct {
	mu sync.Mutex
	m  map[missionKey]struct{}
}

// Add inserts k and reports whether it was absent.
func (ks *keySet) Add(k missionKey) bool {
	ks.mu.Lock()
	defer ks.mu.Unlock()
	if _, ok := ks.m[k]; ok {
		return false
	}
	ks.m[k] = struct{}{}
	return true
}
