package probe

import (
	"fmt"
	"maps"
	"slices"
	"strings"
)

// model is what the sequential phases taught: which paths are volatile,
// which values each kind of response always had, and the reference run.
type model struct {
	cfg   *Config
	seq   *SeqPhase // the first sequential phase, the reference
	resp  Mask
	state []Mask // one per --after read
	// stable maps a response's base (status, type, shape) to the values
	// every sequential response of that base had: its class.
	stable map[string]map[string]string
}

// learn builds the model from two sequential phases, or returns a
// *NotComparable when they disagree in more than volatile fields.
func learn(cfg *Config, a, b *SeqPhase) (*model, error) {
	m := &model{cfg: cfg, seq: a, resp: Mask{}, stable: map[string]map[string]string{}}
	for range cfg.After {
		m.state = append(m.state, Mask{})
	}
	for i := range a.Responses {
		if err := m.resp.learn(fmt.Sprintf("sequential request #%d", i+1), &a.Responses[i], &b.Responses[i]); err != nil {
			return nil, err
		}
	}
	for k := range a.States {
		for j := range a.States[k] {
			where := fmt.Sprintf("%s after %d requests", cfg.read(j), k)
			if err := m.state[j].learn(where, &a.States[k][j], &b.States[k][j]); err != nil {
				return nil, err
			}
		}
	}
	for _, ph := range []*SeqPhase{a, b} {
		for i := range ph.Responses {
			o := &ph.Responses[i]
			st, ok := m.stable[o.base()]
			if !ok {
				m.stable[o.base()] = m.unmasked(o)
				continue
			}
			for p, v := range st {
				if o.Values[p] != v {
					delete(st, p)
				}
			}
		}
	}
	return m, nil
}

// unmasked is a copy of o's values that can make a class: not volatile,
// and not numbers. A number in a response is a reading of the state
// (points, stock, balance), and under concurrency a correct server may
// read it in the middle of another request: a 409 of a unique-insert fix
// says points 0 while the winner has not paid yet. Numbers are judged
// by the state and lost-update signals instead; strings, booleans and
// nulls (an error message, granted: false) say what happened.
func (m *model) unmasked(o *Obs) map[string]string {
	out := map[string]string{}
	for p, v := range o.Values {
		if !m.resp[p] && kind0(v) != "number" {
			out[p] = v
		}
	}
	return out
}

// class is the class of a response: base and the stable values of that
// base. known is false when a sequential phase never produced it, and
// then diff says how it differs.
func (m *model) class(o *Obs) (class string, known bool, diff string) {
	st, ok := m.stable[o.base()]
	if !ok {
		return o.base(), false, "a status or body structure never seen sequentially"
	}
	for _, p := range slices.Sorted(maps.Keys(st)) {
		if got, ok := o.Values[p]; !ok || got != st[p] {
			return o.base() + " " + p + "=" + got, false,
				fmt.Sprintf("%s = %s, sequentially always %s", p, orMissing(got, ok), st[p])
		}
	}
	return o.base(), true, ""
}

func orMissing(v string, ok bool) string {
	if !ok {
		return "(missing)"
	}
	return v
}

// label is a short name of a response for the report: the status and
// the values that make its class, cut short.
func (m *model) label(o *Obs) string {
	if o.Err != "" {
		return "error " + o.Err
	}
	st := m.stable[o.base()]
	var parts []string
	for _, p := range slices.Sorted(maps.Keys(o.Values)) {
		if _, ok := st[p]; (st == nil || ok) && !m.resp[p] {
			parts = append(parts, strings.TrimPrefix(p, "json.")+"="+o.Values[p])
		}
	}
	s := fmt.Sprintf("%d", o.Status)
	if len(parts) > 0 {
		s += " {" + strings.Join(parts, " ") + "}"
	}
	const limit = 80
	if len(s) > limit {
		s = s[:limit] + "...}"
	}
	return s
}

// masked lists the volatile paths, sorted.
func (m *model) masked() ([]string, [][]string) {
	after := make([][]string, len(m.state))
	for j, s := range m.state {
		after[j] = slices.Sorted(maps.Keys(s))
	}
	return slices.Sorted(maps.Keys(m.resp)), after
}
