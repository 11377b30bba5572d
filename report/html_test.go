package report

import (
	"bytes"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"
)

// bigDocument is one round of n requests with spread-out timings: most
// 409, every 97th a 200, every 131st a timeout, every 211th a 500.
func bigDocument(n int) *Document {
	d := func(v time.Duration) *time.Duration { return &v }
	us := time.Microsecond
	rd := Round{Round: 1, Mode: "single-packet", Proto: "HTTP/2.0", Connections: 1 + n/100,
		ReleaseSpread: time.Duration(n) * us, HasServer: true, ServerSpread: time.Duration(2*n) * us}
	for i := 0; i < n; i++ {
		rel := time.Duration(i*7919%n) * us
		q := Request{Index: i, Conn: i / 100, Method: "POST", Status: 409, Released: d(rel), Arrival: d(rel + 300*us + time.Duration(i%50)*20*us)}
		q.FirstByte = d(*q.Arrival + 2*time.Millisecond + time.Duration(i%17)*100*us)
		q.Done = d(*q.FirstByte + 50*us)
		switch {
		case i%131 == 0:
			q.Status, q.ErrorKind, q.Error, q.FirstByte, q.Arrival = 0, "timeout", "i/o timeout", nil, nil
			q.Done = d(rel + 8*time.Millisecond)
		case i%211 == 0:
			q.Status = 500
		case i%97 == 0:
			q.Status = 200
		}
		rd.Requests = append(rd.Requests, q)
	}
	rd.Tally = Tally{N: n, Statuses: []StatusCount{{200, 0}, {409, 0}, {500, 0}}, Errors: []ErrorCount{{"timeout", 0}},
		Latency: Latency{Min: 2300 * us, P50: 3800 * us, P90: 4800 * us, Max: 8 * time.Millisecond}}
	for _, q := range rd.Requests {
		for i := range rd.Tally.Statuses {
			if rd.Tally.Statuses[i].Status == q.Status {
				rd.Tally.Statuses[i].Count++
			}
		}
		if q.ErrorKind != "" {
			rd.Tally.Errors[0].Count++
		}
	}
	rd.Checks = []Check{{Expr: "count(status == 200) == 1", Scope: ScopeBurst, Seen: "count(status == 200) = " + strconv.Itoa(n/97) + ", want == 1"}}
	return &Document{Schema: Schema, Tool: "racetest test", Runs: []Run{{Name: "big", Target: "http://127.0.0.1/x", Mode: "auto", N: n, Rounds: []Round{rd}}}}
}

func renderHTML(t *testing.T, doc *Document) string {
	t.Helper()
	var buf bytes.Buffer
	if err := WriteHTML(&buf, doc); err != nil {
		t.Fatal(err)
	}
	return buf.String()
}

// loadingAttr is an attribute inside a tag that would fetch or run
// something; the only links the page may have point inside it.
var loadingAttr = regexp.MustCompile(`<[^>]*\s(src|on[a-z]+|href="[^#])`)

var svgSize = regexp.MustCompile(`<svg class="timeline"[^>]* width="([0-9.]+)" height="([0-9.]+)"`)

// TestHTMLTimelineScales checks that the timeline keeps one row per request
// up to 1,000 and a bounded height beyond, where it subsamples and says so.
func TestHTMLTimelineScales(t *testing.T) {
	for _, tc := range []struct{ n, rows int }{{1, 1}, {30, 30}, {1000, 1000}, {2500, 834}} {
		page := renderHTML(t, bigDocument(tc.n))
		if got := strings.Count(page, `<g class="req `); got != tc.rows {
			t.Errorf("n=%d: %d rows, want %d", tc.n, got, tc.rows)
		}
		m := svgSize.FindStringSubmatch(page)
		if m == nil {
			t.Fatalf("n=%d: no timeline svg", tc.n)
		}
		if h, _ := strconv.ParseFloat(m[2], 64); h > 1200 || h < 60 {
			t.Errorf("n=%d: timeline height %v, want between 60 and 1200", tc.n, h)
		}
		if sub := strings.Contains(page, "every 3rd request of 2500 shown"); sub != (tc.n == 2500) {
			t.Errorf("n=%d: subsample note shown=%v", tc.n, sub)
		}
	}
}

func TestHTMLTimelineAxis(t *testing.T) {
	tv := newTimeline(&bigDocument(30).Runs[0].Rounds[0])
	if len(tv.Ticks) < 4 || len(tv.Ticks) > 13 {
		t.Errorf("%d ticks, want 4 to 13", len(tv.Ticks))
	}
	if tv.Ticks[0].Label != "0" || tv.Ticks[0].X != tv.PlotX {
		t.Errorf("first tick %+v, want 0 at the plot's left edge %v", tv.Ticks[0], tv.PlotX)
	}
	for _, r := range tv.Rows {
		for _, s := range r.Shapes {
			if s.X < tv.PlotX-2 || s.X+s.W > tv.PlotX+tv.PlotW+2 {
				t.Errorf("row #%d: %s at %v+%v is outside the plot", r.Index, s.Class, s.X, s.W)
			}
		}
	}
	if got := len(tv.Bands); got != 2 {
		t.Errorf("%d spread bands, want release and server", got)
	}
}

func TestNiceStep(t *testing.T) {
	for span, want := range map[time.Duration]time.Duration{
		12 * time.Millisecond: time.Millisecond, 3400 * time.Microsecond: 500 * time.Microsecond,
		10 * time.Second: time.Second, time.Microsecond: 100, 7: 1,
	} {
		if got := niceStep(span); got != want {
			t.Errorf("niceStep(%v) = %v, want %v", span, got, want)
		}
	}
}

// TestHTMLEscapesAndLoadsNothing renders text a hostile target or scenario
// could choose and expects it inert, and no reference to anything outside
// the page.
func TestHTMLEscapesAndLoadsNothing(t *testing.T) {
	doc := goldenDocument()
	doc.Runs[0].Name = `<script>alert(1)</script>`
	doc.Runs[0].Rounds[0].Checks[0].Seen = `"><img src=x onerror=alert(2)>`
	doc.Runs[0].Rounds[0].Requests[0].Error = `</title><script>alert(3)</script>`
	page := renderHTML(t, doc)
	for _, bad := range []string{"<script", "<img", "<link", "<iframe", "@import", "url(", "http-equiv"} {
		if strings.Contains(page, bad) {
			t.Errorf("page contains %q", bad)
		}
	}
	// Escaped text may spell "src=", but no tag may carry it.
	if m := loadingAttr.FindString(page); m != "" {
		t.Errorf("a tag loads or runs something: %s", m)
	}
	if !strings.Contains(page, "&lt;script&gt;alert(1)&lt;/script&gt;") {
		t.Error("the run name should be shown, escaped")
	}
}

func TestHTMLShowsChecksAndErrors(t *testing.T) {
	page := renderHTML(t, goldenDocument())
	for _, want := range []string{
		`<span class="badge fail">FAIL</span>`, "seen: count(status == 200) = 3, want == 1",
		"race found: a check failed in 1 of 2 rounds", "error: the race could not be judged",
		"connection refused (is the target running?)", "examples/mission.yaml:4",
		"note: the target speaks only HTTP/1.1", "server spread 560µs", "not reported by the target",
		`id="run-1-round-1-timeline"`,
	} {
		if !strings.Contains(page, want) {
			t.Errorf("page lacks %q", want)
		}
	}
}

// A round released at a set time (--start-at) shows when and how close
// the release came on the page, as the text report does.
func TestHTMLShowsStartAt(t *testing.T) {
	doc := goldenDocument()
	rd := &doc.Runs[0].Rounds[0]
	at := time.Date(2026, 11, 30, 12, 0, 3, 0, time.UTC)
	late := 250 * time.Microsecond
	rd.Receipt.ReleaseAt, rd.Receipt.ReleaseError = &at, &late
	page := renderHTML(t, doc)
	if want := "start-at: release at 2026-11-30T12:00:03Z, released 250µs after it (local clock)"; !strings.Contains(page, want) {
		t.Errorf("page lacks %q", want)
	}
	if strings.Count(page, "start-at:") != 1 {
		t.Errorf("start-at shown %d times, want once, for the one round that had it", strings.Count(page, "start-at:"))
	}
}
