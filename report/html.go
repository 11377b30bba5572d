package report

import (
	"fmt"
	"html/template"
	"io"
	"math"
	"strconv"
	"time"
)

// htmlPage parses the page template (a fraction of a millisecond, once per
// report); html/template escapes every value from the
// document (run names, URLs, bodies in error text) for its context, which
// matters because a target's responses end up on the page.
func htmlPage() *template.Template {
	return template.Must(template.New("page").Funcs(template.FuncMap{
		"px": px,
	}).Parse(htmlTemplate))
}

// WriteHTML writes doc as one self-contained HTML page: inline CSS and SVG,
// no script and no remote resource, so it can be archived as a CI artifact
// and opened offline. Each round gets a timeline of every request, the
// tally, the spreads and every check.
func WriteHTML(w io.Writer, doc *Document) error {
	if err := htmlPage().Execute(w, newPageView(doc)); err != nil {
		return fmt.Errorf("write html: %w", err)
	}
	return nil
}

type pageView struct {
	Title, Tool, Started string
	Interrupted          bool
	Runs                 []runView
}

type runView struct {
	ID, Name, Where, Target, Mode string
	N                             int
	Error                         string
	State, Verdict                string // State: pass, fail, error or none (no checks)
	HitRate                       string // "" for one round
	Rounds                        []roundView
}

type roundView struct {
	ID                          string
	Round, Rounds               int
	Heading                     string
	Failed                      bool
	Notes                       []string
	Checks                      []checkView
	Tally                       []tallyRow
	Latency                     []labelled
	ReleaseSpread, ServerSpread string
	// Receipt is the text report's receipt and start-at lines, which
	// the notes refer to ("the receipt counts that write" on the heads).
	Receipt  []labelled
	Timeline timelineView
	Requests []requestRow
}

// tallyRow is one status or error kind with its share of the burst, which
// the page draws as a bar.
type tallyRow struct {
	Label, Class string
	Count        int
	Percent      float64
}

type labelled struct{ Label, Value string }

type requestRow struct {
	Index, Conn                        int
	Class, Status                      string
	Released, Arrival, FirstByte, Done string
	Error                              string
}

func newPageView(doc *Document) pageView {
	pv := pageView{Title: "racetest report", Tool: doc.Tool, Interrupted: doc.Interrupted}
	if !doc.Started.IsZero() {
		pv.Started = doc.Started.UTC().Format("2006-01-02 15:04:05 UTC")
	}
	if len(doc.Runs) == 1 {
		pv.Title = "racetest: " + doc.Runs[0].Name
	}
	for i := range doc.Runs {
		pv.Runs = append(pv.Runs, newRunView(&doc.Runs[i], i+1))
	}
	return pv
}

func newRunView(run *Run, n int) runView {
	rv := runView{
		ID: "run-" + strconv.Itoa(n), Name: run.Name, Where: run.File, Target: run.Target,
		Mode: run.Mode, N: run.N, Error: run.Error, HitRate: run.HitRateText(),
	}
	if run.File != "" && run.Line > 0 {
		rv.Where += ":" + strconv.Itoa(run.Line)
	}
	total := len(run.Rounds)
	rv.State, rv.Verdict = run.Verdict()
	if rv.State == "error" {
		// The error itself is shown beside the verdict.
		rv.Verdict = "error: the race could not be judged"
	}
	for i := range run.Rounds {
		rv.Rounds = append(rv.Rounds, newRoundView(&run.Rounds[i], total, rv.ID))
	}
	return rv
}

func newRoundView(rd *Round, rounds int, runID string) roundView {
	rv := roundView{
		ID: runID + "-round-" + strconv.Itoa(rd.Round), Round: rd.Round, Rounds: rounds,
		Failed: rd.Failed(), Notes: rd.Notes,
		ReleaseSpread: dur(rd.ReleaseSpread), ServerSpread: "not reported by the target",
		Timeline: newTimeline(rd),
	}
	rv.Checks = newCheckViews(rd)
	for _, c := range rd.Incomplete {
		rv.Notes = append([]string{"cut short, not counted: " + causeText(c)}, rv.Notes...)
	}
	rv.ReleaseSpread, rv.ServerSpread = releaseText(rd), serverText(rd)
	rv.Heading = fmt.Sprintf("%s, %s, %d requests on %d %s", rd.Mode, rd.Proto, rd.Tally.N, rd.Connections, plural(rd.Connections, "connection"))
	if rd.Hold != "" {
		rv.Heading += ", holding " + rd.Hold
	}
	if rd.Proxy != "" {
		rv.Heading += ", through the proxy " + rd.Proxy
	}
	t := &rd.Tally
	for _, s := range t.Statuses {
		q := Request{Status: s.Status}
		rv.Tally = append(rv.Tally, tallyRow{strconv.Itoa(s.Status), statusClass(&q), s.Count, share(s.Count, t.N)})
	}
	for _, e := range t.Errors {
		rv.Tally = append(rv.Tally, tallyRow{e.Kind, "err", e.Count, share(e.Count, t.N)})
	}
	rv.Receipt = receiptLines(rd)
	l := t.Latency
	rv.Latency = []labelled{{"min", dur(l.Min)}, {"p50", dur(l.P50)}, {"p90", dur(l.P90)}, {"max", dur(l.Max)}}
	for i := range rd.Requests {
		rv.Requests = append(rv.Requests, newRequestRow(&rd.Requests[i]))
	}
	return rv
}

// checkView is a check as the page shows it: pass, fail, or skip in an
// incomplete round, whose checks do not count.
type checkView struct {
	Check
	State string
}

func newCheckViews(rd *Round) []checkView {
	out := make([]checkView, len(rd.Checks))
	for i, c := range rd.Checks {
		out[i] = checkView{Check: c, State: "pass"}
		switch {
		case !rd.Complete():
			out[i].State = "skip"
		case !c.Pass:
			out[i].State = "fail"
		}
	}
	return out
}

func newRequestRow(q *Request) requestRow {
	r := requestRow{
		Index: q.Index, Conn: q.Conn, Class: statusClass(q), Status: q.ErrorKind,
		Released: msAt(q.Released), Arrival: msAt(q.Arrival), FirstByte: msAt(q.FirstByte), Done: msAt(q.Done),
		Error: q.Error,
	}
	if q.Status != 0 {
		r.Status = strconv.Itoa(q.Status)
	}
	return r
}

// share is count as a percentage of n, for the width of a tally bar.
func share(count, n int) float64 {
	if n == 0 {
		return 0
	}
	return float64(count*1000/n) / 10
}

// msAt prints a moment in milliseconds with microsecond precision, the
// same unit as the timeline axis, so the table and picture agree.
func msAt(d *time.Duration) string {
	if d == nil {
		return "–"
	}
	return strconv.FormatFloat(float64(*d)/1e6, 'f', 3, 64)
}

// px prints an SVG coordinate with two decimals at most, which keeps a
// thousand-row timeline small.
func px(f float64) string {
	v := math.Round(f*100) / 100
	if v == 0 {
		v = 0 // no "-0"
	}
	return strconv.FormatFloat(v, 'f', -1, 64)
}
