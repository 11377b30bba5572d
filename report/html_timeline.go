package report

import (
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Timeline geometry in SVG user units. The SVG scales to the width of the
// page, so these fix proportions; the plot height is bounded so that a
// burst of 1,000 requests stays one screen of rows a pixel high.
const (
	tlWidth   = 1100.0
	tlLeft    = 52.0 // row labels
	tlRight   = 24.0
	tlTop     = 40.0 // the two spread labels
	tlBottom  = 44.0 // axis ticks and title
	tlMaxPlot = 1100.0
	tlMaxRowH = 16.0
	tlMaxRows = 1000 // beyond this, rows are subsampled
	tlLabelH  = 10.0 // rows at least this tall get an index label
)

// timelineView is the drawing of one round: a row per request, sorted by
// release, on an x axis in milliseconds from the first release.
type timelineView struct {
	Width, Height              float64
	PlotX, PlotY, PlotW, PlotH float64
	RowH, FontSize             float64
	Rows                       []timelineRow
	Ticks                      []timelineTick
	Bands                      []timelineBand
	Labels                     bool
	Shown, Total               int
	Note                       string
	// Where the template puts labels, computed here to keep arithmetic
	// out of the template.
	LabelX, AxisY, AxisX2, TickY, TitleX, TitleY float64
}

// timelineRow is one request: a group of rectangles and a tooltip.
type timelineRow struct {
	Index  int
	Class  string // status class: s2, s3, s4, s5 or err
	Title  string
	LabelY float64
	Shapes []shape
}

// shape is an SVG rect; Class says which moment or phase it draws.
type shape struct {
	Class      string
	X, Y, W, H float64
}

type timelineTick struct {
	X     float64
	Label string
}

// timelineBand shades the window in which releases (or server arrivals)
// happened, which is what the spreads measure.
type timelineBand struct {
	Class, Label   string
	X, W           float64
	LabelX, LabelY float64
	Anchor         string
}

// newTimeline lays out the requests of rd.
func newTimeline(rd *Round) timelineView {
	reqs := sortedByRelease(rd.Requests)
	tv := timelineView{Width: tlWidth, PlotX: tlLeft, PlotY: tlTop, PlotW: tlWidth - tlLeft - tlRight, Total: len(reqs)}
	if k := (len(reqs) + tlMaxRows - 1) / tlMaxRows; k > 1 {
		reqs = everyKth(reqs, k)
		tv.Note = fmt.Sprintf("every %s request of %d shown, in release order", ordinal(k), tv.Total)
	}
	tv.Shown = len(reqs)
	tv.RowH = min(tlMaxRowH, max(1, math.Floor(tlMaxPlot/float64(max(1, len(reqs)))*10)/10))
	tv.PlotH = tv.RowH * float64(max(1, len(reqs)))
	tv.Height = tlTop + tv.PlotH + tlBottom
	tv.Labels = tv.RowH >= tlLabelH
	tv.FontSize = min(11, tv.RowH-3)
	tv.LabelX, tv.AxisY, tv.AxisX2 = tv.PlotX-6, tv.PlotY+tv.PlotH, tv.PlotX+tv.PlotW
	tv.TickY, tv.TitleX, tv.TitleY = tv.AxisY+16, tv.PlotX+tv.PlotW/2, tv.AxisY+36
	ax := newAxis(rd.Requests, tv.PlotX, tv.PlotW)
	for i := range reqs {
		tv.Rows = append(tv.Rows, timelineRowOf(reqs[i], ax, tv.PlotY+float64(i)*tv.RowH, tv.RowH))
	}
	for t := ax.firstLabel; t <= ax.hi; t += ax.step {
		tv.Ticks = append(tv.Ticks, timelineTick{X: ax.x(t), Label: msLabel(t)})
	}
	tv.Bands = spreadBands(rd, ax)
	return tv
}

func sortedByRelease(rs []Request) []*Request {
	out := make([]*Request, len(rs))
	for i := range rs {
		out[i] = &rs[i]
	}
	// Never-released requests go last; ties keep index order.
	slices.SortStableFunc(out, func(a, b *Request) int {
		switch {
		case a.Released == nil && b.Released == nil:
			return a.Index - b.Index
		case a.Released == nil:
			return 1
		case b.Released == nil:
			return -1
		case *a.Released != *b.Released:
			return cmpDur(*a.Released, *b.Released)
		}
		return a.Index - b.Index
	})
	return out
}

func cmpDur(a, b time.Duration) int {
	if a < b {
		return -1
	}
	if a > b {
		return 1
	}
	return 0
}

func everyKth(rs []*Request, k int) []*Request {
	var out []*Request
	for i := 0; i < len(rs); i += k {
		out = append(out, rs[i])
	}
	return out
}

func ordinal(k int) string {
	suffix := "th"
	switch {
	case k%100 >= 11 && k%100 <= 13:
	case k%10 == 1:
		suffix = "st"
	case k%10 == 2:
		suffix = "nd"
	case k%10 == 3:
		suffix = "rd"
	}
	return strconv.Itoa(k) + suffix
}

// timelineRowOf draws one request: a tick at its release, a light bar
// while it waited for the first byte, a solid bar while the response
// arrived, and a dark mark where the server says it arrived.
func timelineRowOf(q *Request, ax axis, y, h float64) timelineRow {
	row := timelineRow{Index: q.Index, Class: statusClass(q), Title: requestTitle(q), LabelY: y + h/2}
	barY, barH, markY, markH := y, h, y, h
	if h >= 4 {
		// Tall rows get air between bars; marks stand out of the bar.
		barH = math.Round(h*0.6*4) / 4
		barY = y + (h-barH)/2
		markH = h - 2
		markY = y + 1
	}
	add := func(class string, from, to *time.Duration, minW float64) {
		if from == nil || to == nil {
			return
		}
		x0, x1 := ax.x(*from), ax.x(*to)
		row.Shapes = append(row.Shapes, shape{class, x0, barY, max(minW, x1-x0), barH})
	}
	end := q.FirstByte
	if end == nil {
		end = q.Done // an error after release: waited until it gave up
	}
	add("wait", q.Released, end, 0.5)
	add("xfer", q.FirstByte, q.Done, 1)
	mark := func(class string, at *time.Duration, w float64) {
		if at != nil {
			row.Shapes = append(row.Shapes, shape{class, ax.x(*at) - w/2, markY, w, markH})
		}
	}
	mark("rel", q.Released, 1.5)
	mark("arr", q.Arrival, 2.5)
	if q.FirstByte == nil {
		// No response: a solid end mark shows when the request gave up.
		mark("xfer", q.Done, 2.5)
	}
	return row
}

func statusClass(q *Request) string {
	switch {
	case q.ErrorKind != "" || q.Status == 0:
		return "err"
	case q.Status < 300:
		return "s2"
	case q.Status < 400:
		return "s3"
	case q.Status < 500:
		return "s4"
	}
	return "s5"
}

// requestTitle is the tooltip of a row: everything about the request in
// one line, since the page has no script to show more.
func requestTitle(q *Request) string {
	var b strings.Builder
	fmt.Fprintf(&b, "#%d conn %d", q.Index, q.Conn)
	if q.Status != 0 {
		fmt.Fprintf(&b, " · %d", q.Status)
	}
	if q.ErrorKind != "" {
		fmt.Fprintf(&b, " · %s", q.ErrorKind)
	}
	for _, m := range []struct {
		name string
		at   *time.Duration
	}{{"released", q.Released}, {"arrived", q.Arrival}, {"first byte", q.FirstByte}, {"done", q.Done}} {
		if m.at != nil {
			fmt.Fprintf(&b, " · %s %s", m.name, at(m.at))
		}
	}
	if q.Error != "" {
		fmt.Fprintf(&b, " · %s", q.Error)
	}
	return b.String()
}
