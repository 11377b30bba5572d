package probe

import (
	"fmt"
	"maps"
	"regexp"
	"slices"
	"strings"
)

// stateDiff compares the j-th --after read of a parallel round with the
// sequential one, volatile paths left out, and returns the differing
// values side by side: "json.balance = 3000" against "json.balance = 1100".
func (m *model) stateDiff(j int, seq, par *Obs) (string, string, bool) {
	if seq.base() != par.base() && seq.Status != par.Status {
		return fmt.Sprintf("status %d", seq.Status), fmt.Sprintf("status %d", par.Status), true
	}
	paths := map[string]bool{}
	for p := range seq.Values {
		paths[p] = true
	}
	for p := range par.Values {
		paths[p] = true
	}
	var s, p []string
	for _, path := range slices.Sorted(maps.Keys(paths)) {
		if m.state[j][path] {
			continue
		}
		a, aok := seq.Values[path]
		b, bok := par.Values[path]
		if a == b && aok == bok {
			continue
		}
		s = append(s, path+" = "+orMissing(a, aok))
		p = append(p, path+" = "+orMissing(b, bok))
	}
	return strings.Join(s, ", "), strings.Join(p, ", "), len(s) > 0
}

// idNameRE matches member names of identifiers that each success should
// have its own of: ids, codes, numbers, references, tokens.
var idNameRE = regexp.MustCompile(`(?i)(^id$|_id$|uuid|guid|code|token|number|^ref|reference|voucher|coupon|serial|ticket)|[a-z]Id$`)

// successes are the 2xx responses among os.
func successes(os []*Obs) []*Obs {
	var out []*Obs
	for _, o := range os {
		if o.success() {
			out = append(out, o)
		}
	}
	return out
}

// seqSuccesses are the 2xx responses of the reference phase's first k.
func (m *model) seqSuccesses(k int) []*Obs {
	var all []*Obs
	for i := range m.seq.Responses[:k] {
		all = append(all, &m.seq.Responses[i])
	}
	return successes(all)
}

// distinct tells whether path has a value in every o, all different.
func distinct(os []*Obs, path string) bool {
	seen := map[string]bool{}
	for _, o := range os {
		v, ok := o.Values[path]
		if !ok || seen[v] {
			return false
		}
		seen[v] = true
	}
	return true
}

// duplicate looks for an identifier that two successful responses of the
// burst share although it was unique sequentially (or generated: masked
// as volatile). It returns the summary and the example pair.
func (m *model) duplicate(done []*Obs) ([3]string, bool) {
	seq, par := m.seqSuccesses(len(m.seq.Responses)), successes(done)
	if len(par) < 2 || len(seq) == 0 {
		return [3]string{}, false
	}
	for _, path := range slices.Sorted(maps.Keys(seq[0].Values)) {
		if !idNameRE.MatchString(last(path)) {
			continue
		}
		if !(len(seq) >= 2 && distinct(seq, path)) && !m.resp[path] {
			continue
		}
		first := map[string]int{}
		for i, o := range par {
			v, ok := o.Values[path]
			if !ok {
				continue
			}
			if f, dup := first[v]; dup {
				return [3]string{
					fmt.Sprintf("two successful responses share %s, which sequentially was unique", path),
					fmt.Sprintf("%d successes, each its own %s", len(seq), path),
					fmt.Sprintf("successes %d and %d: %s = %s", f+1, i+1, path, v),
				}, true
			}
			first[v] = i
		}
	}
	return [3]string{}, false
}

// lostUpdate looks for a counter: a number that every sequential success
// changed (all values different), such as a version or a balance. Some
// response of the burst must show the value after the last of them, as
// the last request in any serial order would; when none does, updates
// were lost.
func (m *model) lostUpdate(k int, done []*Obs) ([3]string, bool) {
	all, seq, par := m.seqSuccesses(len(m.seq.Responses)), m.seqSuccesses(k), successes(done)
	if len(all) < 2 || len(seq) == 0 || len(seq) != len(par) {
		return [3]string{}, false
	}
	final := seq[len(seq)-1]
	for _, path := range slices.Sorted(maps.Keys(final.Values)) {
		if m.resp[path] || kind0(final.Values[path]) != "number" || !distinct(all, path) {
			continue
		}
		want, seen := final.Values[path], map[string]bool{}
		for _, o := range par {
			seen[o.Values[path]] = true
		}
		if !seen[want] {
			vals := slices.Sorted(maps.Keys(seen))
			return [3]string{
				fmt.Sprintf("%s never reached its final value: updates were lost", path),
				fmt.Sprintf("after %d successes %s = %s", len(seq), path, want),
				fmt.Sprintf("%d successes showed %s in %s", len(par), path, strings.Join(vals, ", ")),
			}, true
		}
	}
	return [3]string{}, false
}

// kind0 is the kind of a JSON-encoded scalar.
func kind0(v string) string {
	switch {
	case v == "" || v == "null":
		return "null"
	case v == "true" || v == "false":
		return "bool"
	case v[0] == '"':
		return "string"
	}
	return "number"
}
