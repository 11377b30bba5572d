package probe

import (
	"fmt"
	"maps"
	"slices"
)

// Checks are the checks probe would write, as racetest's expressions:
// Burst for --expect (or race.expect), After[j] for --expect-after on the
// j-th --after read (or its after step's expect).
type Checks struct {
	Burst []string   `json:"expect"`
	After [][]string `json:"expect_after"`
}

// candidate is a check and how to tell whether it held in a round.
type candidate struct {
	src   string
	holds func(rd *ParRound) bool
}

// checks derives the checks from the reference phase: the number of
// each success status where some requests were refused, the final value
// of each counter, and every value of an --after read that the requests
// changed. A check that failed in a round without any finding is left
// out: it does not describe what the endpoint promises.
func (m *model) checks(v *Verdict) Checks {
	hit := map[int]bool{}
	for _, f := range v.Findings {
		hit[f.Round] = true
	}
	keep := func(cs []candidate) []string {
		out := []string{}
		for _, c := range cs {
			ok := true
			for _, rd := range v.Rounds {
				if rd.Complete && !hit[rd.Number] && !c.holds(rd) {
					ok = false
				}
			}
			if ok {
				out = append(out, c.src)
			}
		}
		return out
	}
	ch := Checks{Burst: keep(m.burstChecks())}
	for j := range m.cfg.After {
		ch.After = append(ch.After, keep(m.afterChecks(j)))
	}
	return ch
}

// burstChecks are the candidate checks on the burst.
func (m *model) burstChecks() []candidate {
	n := len(m.seq.Responses)
	counts := map[int]int{}
	for i := range m.seq.Responses {
		if o := &m.seq.Responses[i]; o.success() {
			counts[o.Status]++
		}
	}
	var cs []candidate
	for _, s := range slices.Sorted(maps.Keys(counts)) {
		if c := counts[s]; c < n {
			cs = append(cs, candidate{fmt.Sprintf("count(status == %d) == %d", s, c), func(rd *ParRound) bool {
				got := 0
				for i := range rd.Responses {
					if rd.Responses[i].Status == s {
						got++
					}
				}
				return got == c
			}})
		}
	}
	all := m.seqSuccesses(n)
	if len(all) < 2 {
		return cs
	}
	final := all[len(all)-1]
	for _, path := range slices.Sorted(maps.Keys(final.Values)) {
		want := final.Values[path]
		if m.resp[path] || kind0(want) != "number" || !distinct(all, path) {
			continue
		}
		cs = append(cs, candidate{fmt.Sprintf("any(responses, .%s == %s)", path, want), func(rd *ParRound) bool {
			for i := range rd.Responses {
				if rd.Responses[i].Values[path] == want {
					return true
				}
			}
			return false
		}})
	}
	return cs
}

// afterChecks are the candidate checks on the j-th --after read: every
// value the N sequential requests changed, as it was after them.
func (m *model) afterChecks(j int) []candidate {
	before, after := &m.seq.States[0][j], &m.seq.States[len(m.seq.States)-1][j]
	var cs []candidate
	for _, path := range slices.Sorted(maps.Keys(after.Values)) {
		want := after.Values[path]
		if m.state[j][path] || before.Values[path] == want {
			continue
		}
		lit := want
		if lit == "null" {
			lit = "nil"
		}
		cs = append(cs, candidate{fmt.Sprintf("%s == %s", path, lit), func(rd *ParRound) bool {
			return j < len(rd.State) && rd.State[j].Values[path] == want
		}})
	}
	return cs
}
