package report

import (
	"math"
	"strconv"
	"time"
)

// axis maps nanoseconds from the first release to x.
type axis struct {
	lo, hi     time.Duration
	x0, w      float64
	step       time.Duration
	firstLabel time.Duration
}

func (a axis) x(d time.Duration) float64 {
	return a.x0 + a.w*float64(d-a.lo)/float64(a.hi-a.lo)
}

// newAxis spans every moment of every request (all of them, not only the
// rows shown, so a subsample keeps the scale) and picks round ticks.
func newAxis(rs []Request, x0, w float64) axis {
	var lo, hi time.Duration
	for i := range rs {
		q := &rs[i]
		for _, t := range []*time.Duration{q.Released, q.FirstByte, q.Done, q.Arrival} {
			if t != nil {
				lo, hi = min(lo, *t), max(hi, *t)
			}
		}
	}
	if hi-lo < time.Microsecond {
		hi = lo + time.Microsecond
	}
	a := axis{lo: lo, hi: hi, x0: x0, w: w, step: niceStep(hi - lo)}
	a.firstLabel = time.Duration(math.Ceil(float64(lo)/float64(a.step))) * a.step
	return a
}

// niceStep is 1, 2 or 5 times a power of ten, for five to twelve ticks:
// enough to read a time off the axis, few enough for labels not to touch.
func niceStep(span time.Duration) time.Duration {
	raw := float64(span) / 12
	mag := math.Pow(10, math.Floor(math.Log10(raw)))
	for _, m := range []float64{1, 2, 5, 10} {
		if m*mag >= raw {
			return max(1, time.Duration(m*mag))
		}
	}
	return time.Duration(10 * mag)
}

// msLabel prints a tick in milliseconds without float noise: 0, 0.5, 12.
func msLabel(d time.Duration) string {
	ms := math.Round(float64(d)/1e3) / 1e3
	return strconv.FormatFloat(ms, 'f', -1, 64)
}

// spreadBands shades the release window and the server arrival window.
func spreadBands(rd *Round, ax axis) []timelineBand {
	var out []timelineBand
	band := func(class, label string, get func(*Request) *time.Duration, y float64) {
		lo, hi, ok := window(rd.Requests, get)
		if !ok {
			return
		}
		b := timelineBand{Class: class, Label: label, X: ax.x(lo), W: max(1.5, ax.x(hi)-ax.x(lo)), LabelY: y, Anchor: "start"}
		b.LabelX = b.X
		if b.X > ax.x0+ax.w*0.7 {
			// Near the right edge the label would leave the picture.
			b.Anchor, b.LabelX = "end", b.X+b.W
		}
		out = append(out, b)
	}
	band("band-rel", "release spread "+dur(rd.ReleaseSpread), func(q *Request) *time.Duration { return q.Released }, 14)
	if rd.HasServer {
		band("band-arr", "server spread "+dur(rd.ServerSpread), func(q *Request) *time.Duration { return q.Arrival }, 30)
	}
	return out
}

func window(rs []Request, get func(*Request) *time.Duration) (lo, hi time.Duration, ok bool) {
	for i := range rs {
		t := get(&rs[i])
		if t == nil {
			continue
		}
		if !ok || *t < lo {
			lo = *t
		}
		if !ok || *t > hi {
			hi = *t
		}
		ok = true
	}
	return lo, hi, ok
}
