package runner

import (
	"slices"
	"time"
)

// steps finds clear steps in ts: groups of K times close together,
// separated by gaps several times longer than the gaps inside a group,
// and of a regular length. When release is known, K = 1 is recognised
// too: every response a full step after the one before, the first a step
// after the release.
func steps(ts []time.Time, release time.Time) (Serialisation, bool) {
	ts = slices.Clone(ts)
	slices.SortFunc(ts, func(a, b time.Time) int { return a.Compare(b) })
	gaps := make([]time.Duration, len(ts)-1)
	for i := range gaps {
		gaps[i] = ts[i+1].Sub(ts[i])
	}
	if s, ok := oneAtATime(ts, gaps, release); ok {
		return s, true
	}
	// With K >= 2, most gaps are inside a step, so the median is one.
	limit := max(serialGapFactor*median(gaps), serialMinStep)
	var sizes []int
	var between []time.Duration
	size := 1
	for _, g := range gaps {
		if g < limit {
			size++
			continue
		}
		sizes = append(sizes, size)
		between = append(between, g)
		size = 1
	}
	sizes = append(sizes, size)
	if len(sizes) < serialMinSteps {
		return Serialisation{}, false
	}
	k := sizes[0]
	// Every step but the last holds K (the last holds what is left), and
	// the steps are about equally long: a hiccup or two of the machine
	// makes neither.
	for _, s := range sizes[:len(sizes)-1] {
		if s != k {
			return Serialisation{}, false
		}
	}
	if sizes[len(sizes)-1] > k || !regular(between) {
		return Serialisation{}, false
	}
	return Serialisation{K: k, Steps: len(sizes), Step: median(between)}, true
}

// oneAtATime recognises a server that handles one request at a time:
// every gap about as long as the first response took after the release.
func oneAtATime(ts []time.Time, gaps []time.Duration, release time.Time) (Serialisation, bool) {
	if release.IsZero() || len(ts) < serialMinSteps {
		return Serialisation{}, false
	}
	step := ts[0].Sub(release)
	if step < serialMinStep {
		return Serialisation{}, false
	}
	for _, g := range gaps {
		if g < step/2 || g > 2*step {
			return Serialisation{}, false
		}
	}
	return Serialisation{K: 1, Steps: len(ts), Step: median(gaps)}, true
}

// regular reports whether every duration is within a factor of two of
// their median.
func regular(ds []time.Duration) bool {
	m := median(ds)
	for _, d := range ds {
		if d < m/2 || d > 2*m {
			return false
		}
	}
	return true
}

func median(ds []time.Duration) time.Duration {
	if len(ds) == 0 {
		return 0
	}
	s := slices.Clone(ds)
	slices.Sort(s)
	return s[len(s)/2]
}

// stampResolution is ArrivalResolution for a set of stamps.
func stampResolution(ts []time.Time) time.Duration {
	res := time.Second
	for _, t := range ts {
		ns := time.Duration(t.Nanosecond())
		// Stamps come in seconds, milliseconds, microseconds or
		// nanoseconds: steps of 1000, so that five millisecond stamps that
		// happen to end in 0 do not read as a 10 ms resolution.
		for res > time.Nanosecond && ns%res != 0 {
			res /= 1000
		}
	}
	return res
}
