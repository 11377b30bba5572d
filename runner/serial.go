package runner

import (
	"maps"
	"slices"
	"time"
)

// Serialisation is the evidence that the server handled a burst a few
// requests at a time, as Apache's mod_http2 and Caddy do with the streams
// of one connection: the responses came back in clear steps of K, one
// step per handler run, instead of together. Single-packet then races K
// requests at a time, not the burst; more connections or last-byte avoid
// it.
type Serialisation struct {
	// Conn is the connection whose streams were serialised, or -1 when
	// the steps were seen across the connections of the burst (a server
	// with K workers serialises a last-byte burst too).
	Conn int
	// K is how many requests the server handled at a time.
	K int
	// Steps is how many steps the responses came in, and Step the median
	// time between two steps: about one handler run.
	Steps int
	Step  time.Duration
	// From says which times showed it: "arrival" (the server's own
	// stamps) or "first-byte" (when each response began to arrive).
	From string
}

// Thresholds of the step detection. They are generous on purpose: a
// burst is called serialised only when the steps are unmistakable, since
// a false alarm would steer auto mode away from a mode that works.
const (
	// serialMinResponses is the fewest responses a group needs.
	serialMinResponses = 6
	// serialMinSteps is the fewest steps that count as steps.
	serialMinSteps = 3
	// serialGapFactor: a gap between steps is at least this many times
	// the median gap between responses of one step.
	serialGapFactor = 4
	// serialMinStep is the shortest step: below it, the spread the steps
	// cause is within the dispatch floor of a small server anyway.
	serialMinStep = 100 * time.Microsecond
)

// Serialised reports whether the responses show the server handling the
// burst a few requests at a time, and the evidence. It looks at each
// connection that carried at least six answered requests, then, when no
// connection did, at the burst as a whole. It needs complete responses: a
// burst whose requests failed shows nothing.
func (b *Burst) Serialised() (Serialisation, bool) {
	groups := map[int][]*Result{}
	var all []*Result
	for i := range b.Results {
		r := &b.Results[i]
		if r.Cause() != "" {
			continue
		}
		groups[r.Conn] = append(groups[r.Conn], r)
		all = append(all, r)
	}
	conns := slices.Sorted(maps.Keys(groups))
	tried := false
	for _, c := range conns {
		if len(groups[c]) < serialMinResponses {
			continue
		}
		tried = true
		if s, ok := serialisedGroup(groups[c]); ok {
			s.Conn = c
			return s, true
		}
	}
	if tried || len(all) < serialMinResponses {
		return Serialisation{}, false
	}
	s, ok := serialisedGroup(all)
	s.Conn = -1
	return s, ok
}

// serialisedGroup looks for steps in the arrival stamps of rs when every
// response has one fine enough to show them, else in their first bytes.
func serialisedGroup(rs []*Result) (Serialisation, bool) {
	stamps, first := make([]time.Time, 0, len(rs)), make([]time.Time, 0, len(rs))
	var release time.Time
	for _, r := range rs {
		if !r.Arrival.IsZero() {
			stamps = append(stamps, r.Arrival)
		}
		first = append(first, r.FirstByte)
		if release.IsZero() || r.Released.Before(release) {
			release = r.Released
		}
	}
	if len(stamps) == len(rs) && stampResolution(stamps) <= 10*time.Microsecond {
		if s, ok := steps(stamps, time.Time{}); ok {
			s.From = "arrival"
			return s, true
		}
	}
	s, ok := steps(first, release)
	s.From = "first-byte"
	return s, ok
}
