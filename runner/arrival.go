package runner

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// parseArrival reads a server timestamp. It accepts Unix time in seconds,
// milliseconds, microseconds or nanoseconds, with or without a fraction and
// an optional "t=" prefix (the X-Request-Start convention of proxies), and
// tells the unit from the magnitude. Decimal stamps are read exactly, not
// through a float, so that the resolution of the server's clock shows in
// the values: nginx's $msec "1700000000.123" is a whole millisecond.
func parseArrival(v string) time.Time {
	v = strings.TrimPrefix(strings.TrimSpace(v), "t=")
	if strings.ContainsAny(v, "eE") {
		return parseArrivalFloat(v)
	}
	whole, frac, _ := strings.Cut(v, ".")
	n, err := strconv.ParseInt(whole, 10, 64)
	if err != nil || n < 0 || !digits(frac) {
		return time.Time{}
	}
	// frac as nanoseconds of the unit: "123" is 123,000,000 of 1e9.
	f := int64(0)
	if frac != "" {
		frac = (frac + "000000000")[:9]
		f, _ = strconv.ParseInt(frac, 10, 64)
	}
	if n == 0 && f == 0 {
		return time.Time{}
	}
	switch {
	case n < 1e11: // seconds
		return time.Unix(n, f)
	case n < 1e14: // milliseconds
		return time.Unix(n/1e3, n%1e3*1e6+f/1e3)
	case n < 1e17: // microseconds
		return time.Unix(n/1e6, n%1e6*1e3+f/1e6)
	}
	return time.Unix(n/1e9, n%1e9)
}

func digits(s string) bool {
	for _, c := range s {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}

// parseArrivalFloat reads a stamp in exponent notation, which no server
// we know of sends; its resolution cannot be told.
func parseArrivalFloat(v string) time.Time {
	f, err := strconv.ParseFloat(v, 64)
	if err != nil || f <= 0 || f >= 1e19 {
		return time.Time{}
	}
	switch {
	case f < 1e11:
		return time.Unix(0, int64(f*1e9))
	case f < 1e14:
		return time.Unix(0, int64(f*1e6))
	case f < 1e17:
		return time.Unix(0, int64(f*1e3))
	}
	return time.Unix(0, int64(f))
}

// stamps counts the responses that carried an arrival stamp.
func (b *Burst) stamps() int {
	n := 0
	for i := range b.Results {
		if !b.Results[i].Arrival.IsZero() {
			n++
		}
	}
	return n
}

// ArrivalResolution is the coarsest of 1 s, 1 ms, 1 µs and 1 ns that
// every arrival stamp of the burst is a whole multiple of: 1 ms for
// nginx's $msec or Caddy's millisecond stamps, 1 ns for the demo target.
// A ServerSpread below it means "under one unit", not zero. It is 0 when
// no response carried a stamp. With a single stamp, or stamps from a
// clock that happens to land on round values, it can only overstate the
// unit, never understate it.
func (b *Burst) ArrivalResolution() time.Duration {
	var ts []time.Time
	for i := range b.Results {
		if a := b.Results[i].Arrival; !a.IsZero() {
			ts = append(ts, a)
		}
	}
	if len(ts) == 0 {
		return 0
	}
	return stampResolution(ts)
}

// dropImpossibleStamps forgets the arrival stamps of a burst when their
// spread could not have happened: every request reached the server after
// racetest began sending it and before its answer came back, so the
// stamps, whatever the server clock's offset, span at most that window,
// plus one unit of their resolution and a second of slack for clocks that
// step. A broken or hostile server's stamps ("1" next to the largest
// int64) would otherwise print a server spread of centuries; a note says
// why the spread is missing instead.
func dropImpossibleStamps(b *Burst) {
	spread, ok := b.ServerSpread()
	if !ok {
		return
	}
	var first, last time.Time
	for i := range b.Results {
		r := &b.Results[i]
		if r.Arrival.IsZero() {
			continue
		}
		for _, sent := range [...]time.Time{r.Armed, r.Released} {
			if !sent.IsZero() && (first.IsZero() || sent.Before(first)) {
				first = sent
			}
		}
		if r.Done.After(last) {
			last = r.Done
		}
	}
	if first.IsZero() || last.IsZero() {
		return
	}
	window := last.Sub(first)
	if spread <= window+b.ArrivalResolution()+time.Second {
		return
	}
	for i := range b.Results {
		b.Results[i].Arrival = time.Time{}
	}
	b.Notes = append(b.Notes, fmt.Sprintf(
		"arrival stamps ignored: they spread over %s, but the burst took %s from the first request sent to the last answer, so they are not a usable clock",
		spread.Round(time.Second), window.Round(time.Microsecond)))
}
