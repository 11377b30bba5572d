package probe

import (
	"fmt"
	"math"
	"regexp"
	"strconv"
)

// Mask is the set of paths whose values are volatile: they differed
// between two sequential phases at the same position, and look like what
// changes on its own (a string such as a date, token or generated id; a
// timestamp-sized or fractional number; a field named like an id or a
// time). Masked paths are left out of classes and state comparisons.
type Mask map[string]bool

// volatileNameRE matches member names that change between runs by design.
var volatileNameRE = regexp.MustCompile(`(?i)(^id$|_id$|uuid|guid|token|nonce|etag|stamp|_at$|^(created|updated|modified|expires|date|time)|(date|time)$|trace|csrf|salt)`)

// camelVolatileRE is volatileNameRE for camelCase names: userId, createdAt.
var camelVolatileRE = regexp.MustCompile(`[a-z](Id|At)$`)

// NotComparable says that the phases cannot be compared: the reset did
// not bring back the same state, so a difference would mean nothing.
type NotComparable struct {
	Reason string
}

func (e *NotComparable) Error() string { return "the phases cannot be compared: " + e.Reason }

// learn compares two observations of the same position in two sequential
// phases, adds their volatile paths to m, and returns a *NotComparable
// when they differ in what the reset should have restored. where names
// the position in messages.
func (m Mask) learn(where string, a, b *Obs) error {
	if a.base() != b.base() {
		return &NotComparable{Reason: fmt.Sprintf("%s answered %s in one sequential phase and %s in the other; does --reset restore the state?",
			where, a.summary(), b.summary())}
	}
	for p, va := range a.Values {
		vb, ok := b.Values[p]
		if ok && va == vb {
			continue
		}
		if !ok || volatile(p, va, vb) {
			m[p] = true
			continue
		}
		return &NotComparable{Reason: fmt.Sprintf("%s: %s was %s in one sequential phase and %s in the other; does --reset restore the state?",
			where, p, va, vb)}
	}
	for p := range b.Values {
		if _, ok := a.Values[p]; !ok {
			m[p] = true
		}
	}
	return nil
}

// volatile tells whether two values of a path may differ between runs
// without meaning that the state differed.
func volatile(path, a, b string) bool {
	if n := last(path); volatileNameRE.MatchString(n) || camelVolatileRE.MatchString(n) {
		return true
	}
	return changing(a) || changing(b)
}

// changing tells whether a JSON value looks like it changes on its own:
// a string, a fraction, or a number the size of a Unix time.
func changing(v string) bool {
	if len(v) > 0 && v[0] == '"' {
		return true
	}
	f, err := strconv.ParseFloat(v, 64)
	if err != nil {
		return false // true, false, null
	}
	return f != math.Trunc(f) || math.Abs(f) >= 1e9
}
