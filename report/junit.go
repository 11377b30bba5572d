package report

import (
	"encoding/xml"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"
)

// The JUnit file follows the shape of the Jenkins xunit plugin's
// junit-10.xsd (the Ant/Surefire dialect), because that is the subset
// GitLab, Jenkins and the GitHub Actions reporters all read. Only elements
// and attributes declared there are written; docs/ci.md lists them and
// testdata/junit-10.xsd is our own minimal copy of that shape.

type junitSuites struct {
	XMLName  xml.Name     `xml:"testsuites"`
	Name     string       `xml:"name,attr"`
	Tests    int          `xml:"tests,attr"`
	Failures int          `xml:"failures,attr"`
	Errors   int          `xml:"errors,attr"`
	Time     string       `xml:"time,attr"`
	Suites   []junitSuite `xml:"testsuite"`
}

type junitSuite struct {
	Name       string          `xml:"name,attr"`
	Tests      int             `xml:"tests,attr"`
	Failures   int             `xml:"failures,attr"`
	Errors     int             `xml:"errors,attr"`
	Skipped    int             `xml:"skipped,attr"`
	Time       string          `xml:"time,attr"`
	Timestamp  string          `xml:"timestamp,attr,omitempty"`
	File       string          `xml:"file,attr,omitempty"`
	Properties []junitProperty `xml:"properties>property"`
	Cases      []junitCase     `xml:"testcase"`
	SystemErr  *junitText      `xml:"system-err"`
}

type junitProperty struct {
	Name  string `xml:"name,attr"`
	Value string `xml:"value,attr"`
}

type junitCase struct {
	Name      string        `xml:"name,attr"`
	Classname string        `xml:"classname,attr"`
	Time      string        `xml:"time,attr"`
	Failure   *junitOutcome `xml:"failure"`
	Error     *junitOutcome `xml:"error"`
	Skipped   *junitSkipped `xml:"skipped"`
	SystemOut *junitText    `xml:"system-out"`
}

// junitSkipped marks a check of an incomplete round: shown, not counted.
type junitSkipped struct {
	Message string `xml:"message,attr"`
}

// junitOutcome is the body of a <failure> or <error>.
type junitOutcome struct {
	Message string `xml:"message,attr"`
	Type    string `xml:"type,attr"`
	Text    string `xml:",cdata"`
}

// junitText is free text kept as CDATA, so that the multi-line summaries
// stay readable in the file instead of turning into &#xA; escapes.
type junitText struct {
	Text string `xml:",cdata"`
}

// xmlText replaces what XML 1.0 cannot carry, even in CDATA (control
// characters from a response body, invalid UTF-8), which encoding/xml
// writes into CDATA unchecked.
func xmlText(s string) string {
	return strings.Map(func(r rune) rune {
		switch {
		case r == '\t' || r == '\n' || r == '\r',
			r >= 0x20 && r <= 0xD7FF, r >= 0xE000 && r <= 0xFFFD, r >= 0x10000 && r <= 0x10FFFF:
			return r
		}
		return '\uFFFD'
	}, s)
}

// completedCase names the testcase that stands for the run itself: it is
// written when a run has no checks, so CI still lists it, and it carries a
// runtime error, so CI shows that the race could not be judged.
const completedCase = "burst completed"

// WriteJUnit writes doc as a JUnit XML report: one <testsuite> per run, one
// <testcase> per check per round, failures carrying what was seen.
func WriteJUnit(w io.Writer, doc *Document) error {
	out := junitSuites{Name: "racetest"}
	var total time.Duration
	for i := range doc.Runs {
		s, d := junitRun(&doc.Runs[i], doc)
		out.Tests += s.Tests
		out.Failures += s.Failures
		out.Errors += s.Errors
		total += d
		out.Suites = append(out.Suites, s)
	}
	out.Time = seconds(total)
	if _, err := io.WriteString(w, xml.Header); err != nil {
		return err
	}
	enc := xml.NewEncoder(w)
	enc.Indent("", "  ")
	if err := enc.Encode(out); err != nil {
		return fmt.Errorf("write junit: %w", err)
	}
	_, err := io.WriteString(w, "\n")
	return err
}

// junitRun builds the suite of one run and returns how long its bursts took.
func junitRun(run *Run, doc *Document) (junitSuite, time.Duration) {
	s := junitSuite{Name: run.Name, File: run.File, Properties: junitProperties(run)}
	if !doc.Started.IsZero() {
		// Ant's format: no zone. The time is UTC, as docs/ci.md says.
		s.Timestamp = doc.Started.UTC().Format("2006-01-02T15:04:05")
	}
	var total time.Duration
	checks := 0
	for i := range run.Rounds {
		rd := &run.Rounds[i]
		d := roundDuration(rd)
		total += d
		for _, c := range rd.Checks {
			s.Cases = append(s.Cases, junitCheck(run, rd, c, d))
			checks++
		}
	}
	state, _ := run.Verdict()
	if checks == 0 || run.Error != "" || state == "inconclusive" {
		s.Cases = append(s.Cases, junitCompleted(run, total))
	}
	for _, c := range s.Cases {
		s.Tests++
		if c.Failure != nil {
			s.Failures++
		}
		if c.Error != nil {
			s.Errors++
		}
		if c.Skipped != nil {
			s.Skipped++
		}
	}
	if doc.Interrupted {
		s.SystemErr = &junitText{"interrupted: the report shows what was collected before the stop\n"}
	}
	s.Time = seconds(total)
	return s, total
}

func junitProperties(run *Run) []junitProperty {
	ps := []junitProperty{
		{"target", run.Target}, {"mode", run.Mode}, {"n", strconv.Itoa(run.N)},
		{"rounds", strconv.Itoa(len(run.Rounds))},
	}
	if h := run.HitRate; h != nil {
		ps = append(ps, junitProperty{"complete_rounds", strconv.Itoa(h.Complete)}, junitProperty{"hit_rounds", strconv.Itoa(h.Hits)},
			junitProperty{"hit_rate", ratio(h.Rate)}, junitProperty{"hit_rate_95_low", ratio(h.Low)}, junitProperty{"hit_rate_95_high", ratio(h.High)})
	}
	if st := run.Stop; st != nil && st.Confidence > 0 {
		ps = append(ps, junitProperty{"confidence", ratio(st.Confidence)}, junitProperty{"min_rate", ratio(st.MinRate)},
			junitProperty{"needed_rounds", strconv.Itoa(st.NeededRounds)})
	}
	if run.Line > 0 {
		ps = append(ps, junitProperty{"line", strconv.Itoa(run.Line)})
	}
	return ps
}

// junitCheck is one check of one round. The round's summary goes into the
// failure text, so a CI page alone tells what the burst looked like.
func junitCheck(run *Run, rd *Round, c Check, d time.Duration) junitCase {
	tc := junitCase{
		Name:      fmt.Sprintf("round %d: %s", rd.Round, c.Expr),
		Classname: run.Name, Time: seconds(d),
	}
	if !rd.Complete() {
		var why []string
		for _, c := range rd.Incomplete {
			why = append(why, causeText(c))
		}
		tc.Skipped = &junitSkipped{Message: "the round is incomplete, its checks are not counted: " + strings.Join(why, "; ")}
		return tc
	}
	if c.Pass {
		return tc
	}
	msg := c.Seen
	if c.Error != "" {
		msg = c.Error
	}
	if hr := run.HitRateText(); hr != "" {
		msg += "; hit rate " + hr
	}
	var b strings.Builder
	fmt.Fprintf(&b, "%s\n", c.Expr)
	if c.Seen != "" {
		fmt.Fprintf(&b, "seen: %s\n", c.Seen)
	}
	if c.Error != "" {
		fmt.Fprintf(&b, "error: %s\n", c.Error)
	}
	b.WriteString(hitRateLine(run))
	b.WriteString(roundSummary(rd))
	tc.Failure = &junitOutcome{Message: msg, Type: "check " + c.Scope, Text: xmlText(b.String())}
	return tc
}

func junitCompleted(run *Run, d time.Duration) junitCase {
	tc := junitCase{Name: completedCase, Classname: run.Name, Time: seconds(d)}
	if run.Error != "" {
		tc.Error = &junitOutcome{Message: run.Error, Type: "runtime", Text: xmlText(run.Error + "\n")}
		return tc
	}
	if state, verdict := run.Verdict(); state == "inconclusive" {
		// Every check may have held, yet too few rounds were complete to
		// pass: the suite must not read as green.
		tc.Error = &junitOutcome{Message: verdict, Type: "inconclusive", Text: xmlText(verdict + "\n" + hitRateLine(run))}
		return tc
	}
	var b strings.Builder
	for i := range run.Rounds {
		b.WriteString(roundSummary(&run.Rounds[i]))
	}
	b.WriteString(hitRateLine(run))
	tc.SystemOut = &junitText{xmlText(b.String())}
	return tc
}

// hitRateLine is the run's hit rate on a line of its own, or "" for a run
// of one round.
func hitRateLine(run *Run) string {
	if hr := run.HitRateText(); hr != "" {
		return "hit rate " + hr + "\n"
	}
	return ""
}

// ratio writes a rate or probability for a property: 4 decimals, enough
// for a CI dashboard, short enough to read.
func ratio(f float64) string { return strconv.FormatFloat(f, 'f', 4, 64) }

// roundSummary is the round in a few lines of plain text.
func roundSummary(rd *Round) string {
	var b strings.Builder
	fmt.Fprintf(&b, "round %d: %s, %s, %d requests on %d %s\n",
		rd.Round, rd.Mode, rd.Proto, rd.Tally.N, rd.Connections, plural(rd.Connections, "connection"))
	fmt.Fprintf(&b, "responses: %s\n", tallyLine(&rd.Tally))
	fmt.Fprintf(&b, "spread: release %s, server %s\n", releaseText(rd), serverText(rd))
	for _, l := range receiptLines(rd) {
		fmt.Fprintf(&b, "%s: %s\n", l.Label, l.Value)
	}
	for _, c := range rd.Incomplete {
		fmt.Fprintf(&b, "cut short: %s\n", causeText(c))
	}
	for _, n := range rd.Notes {
		fmt.Fprintf(&b, "note: %s\n", n)
	}
	return b.String()
}

// tallyLine is "200 x1, 409 x29, timeout x2".
func tallyLine(t *Tally) string {
	var parts []string
	for _, s := range t.Statuses {
		parts = append(parts, fmt.Sprintf("%d x%d", s.Status, s.Count))
	}
	for _, e := range t.Errors {
		parts = append(parts, fmt.Sprintf("%s x%d", e.Kind, e.Count))
	}
	if len(parts) == 0 {
		return "none"
	}
	return strings.Join(parts, ", ")
}

// roundDuration is the time from the first release to the last moment any
// request of the round was seen, which is what a CI time column can show.
func roundDuration(rd *Round) time.Duration {
	var hi time.Duration
	for i := range rd.Requests {
		q := &rd.Requests[i]
		for _, t := range []*time.Duration{q.Released, q.FirstByte, q.Done} {
			if t != nil && *t > hi {
				hi = *t
			}
		}
	}
	return hi
}

// seconds formats d as the schema's time: decimal seconds, no exponent.
func seconds(d time.Duration) string {
	return strconv.FormatFloat(d.Seconds(), 'f', 6, 64)
}
