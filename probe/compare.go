package probe

import (
	"fmt"
	"maps"
	"slices"
	"strings"
)

// Signal names a way in which the parallel phase differed.
type Signal string

// The signals, in the order the report lists them.
const (
	// SignalOutcomes: the classes of the burst are not those the same
	// number of requests gave one after another.
	SignalOutcomes Signal = "outcomes"
	// SignalNewClass: a response of a class never seen sequentially.
	SignalNewClass Signal = "new-class"
	// SignalState: an --after read differs from the sequential one after
	// as many requests.
	SignalState Signal = "state"
	// SignalDuplicate: two successful responses carry the same value of an
	// identifier that was unique sequentially.
	SignalDuplicate Signal = "duplicate"
	// SignalLostUpdate: a counter that every sequential response advanced
	// never reached its final value in the burst.
	SignalLostUpdate Signal = "lost-update"
)

// Finding is one signal in one round, with an example pair.
type Finding struct {
	Signal     Signal `json:"signal"`
	Round      int    `json:"round"`
	Summary    string `json:"summary"`
	Sequential string `json:"sequential"`
	Parallel   string `json:"parallel"`
}

// processed are the responses of the round that the server did not turn
// away as busy (429 or 503 where the sequential phase never had one): a
// lock with a timeout answers those, and they did nothing.
func (m *model) processed(rd *ParRound) []*Obs {
	var out []*Obs
	for i := range rd.Responses {
		o := &rd.Responses[i]
		if o.busy() && !m.seenStatus(o.Status) {
			continue
		}
		out = append(out, o)
	}
	return out
}

func (m *model) seenStatus(status int) bool {
	for i := range m.seq.Responses {
		if m.seq.Responses[i].Status == status {
			return true
		}
	}
	return false
}

// compare judges one complete round against the model.
func (m *model) compare(rd *ParRound) []Finding {
	done := m.processed(rd)
	k := len(done)
	var fs []Finding
	add := func(s Signal, summary, seq, par string) {
		fs = append(fs, Finding{Signal: s, Round: rd.Number, Summary: summary, Sequential: seq, Parallel: par})
	}
	seqTally, parTally := m.tally(m.seq.Responses[:k]), m.tallyPtr(done)
	if !maps.Equal(seqTally.counts, parTally.counts) {
		add(SignalOutcomes, fmt.Sprintf("%d requests one after another and %d at once gave different outcomes", k, k),
			seqTally.String(), parTally.String())
	}
	for i, o := range done {
		if _, known, diff := m.class(o); !known {
			add(SignalNewClass, "a response never seen sequentially: "+diff, "", fmt.Sprintf("response %d: %s", i+1, m.label(o)))
			break
		}
	}
	for j := range rd.State {
		if seq, par, ok := m.stateDiff(j, &m.seq.States[k][j], &rd.State[j]); ok {
			add(SignalState, fmt.Sprintf("%s differs from the state after %d sequential requests", m.cfg.read(j), k),
				seq, par)
		}
	}
	if f, ok := m.duplicate(done); ok {
		add(SignalDuplicate, f[0], f[1], f[2])
	}
	if f, ok := m.lostUpdate(k, done); ok {
		add(SignalLostUpdate, f[0], f[1], f[2])
	}
	return fs
}

// tally is a multiset of classes with a label for each.
type tally struct {
	counts map[string]int
	labels map[string]string
}

func (m *model) tally(os []Obs) tally {
	ptrs := make([]*Obs, len(os))
	for i := range os {
		ptrs[i] = &os[i]
	}
	return m.tallyPtr(ptrs)
}

func (m *model) tallyPtr(os []*Obs) tally {
	t := tally{counts: map[string]int{}, labels: map[string]string{}}
	for _, o := range os {
		c, _, _ := m.class(o)
		t.counts[c]++
		if _, ok := t.labels[c]; !ok {
			t.labels[c] = m.label(o)
		}
	}
	return t
}

// String lists the classes, most frequent first: "1 × 200, 19 × 409".
func (t tally) String() string {
	keys := slices.SortedFunc(maps.Keys(t.counts), func(a, b string) int {
		if t.counts[a] != t.counts[b] {
			return t.counts[b] - t.counts[a]
		}
		return strings.Compare(t.labels[a], t.labels[b])
	})
	parts := make([]string, len(keys))
	for i, k := range keys {
		parts[i] = fmt.Sprintf("%d × %s", t.counts[k], t.labels[k])
	}
	if len(parts) == 0 {
		return "nothing"
	}
	return strings.Join(parts, ", ")
}
