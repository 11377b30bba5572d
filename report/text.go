package report

import (
	"fmt"
	"io"
	"math"
	"strings"
	"time"

	"github.com/racetest/racetest/runner"
)

// TextOptions tune the human report.
type TextOptions struct {
	Color   bool // ANSI colours for pass and fail
	Verbose bool // list every request
}

// WriteText writes the human report of doc: per run, per round, the tally,
// the spreads and each check, then a verdict.
func WriteText(w io.Writer, doc *Document, o TextOptions) error {
	p := &printer{w: w, color: o.Color}
	for i := range doc.Runs {
		writeRunText(p, &doc.Runs[i], o)
	}
	if len(doc.Runs) > 1 {
		writeSummaryText(p, doc)
	}
	if doc.Interrupted {
		p.line("interrupted: the report shows what was collected before the stop")
	}
	return p.err
}

func writeRunText(p *printer, run *Run, o TextOptions) {
	title := run.Name
	if run.File != "" {
		title += " (" + run.File + ")"
	}
	p.line("%s", p.bold(title))
	p.line("  target %s, %d %s, mode %s", run.Target, run.N, plural(run.N, "request"), run.Mode)
	for i := range run.Rounds {
		rd := &run.Rounds[i]
		// Many rounds would bury the failing ones: past a few, a round in
		// which every check held takes one line.
		if len(run.Rounds) > compactAfter && !o.Verbose && rd.Complete() && !rd.Failed() && len(rd.Checks) > 0 {
			writeRoundLine(p, rd, run.planned())
			continue
		}
		writeRoundText(p, rd, run.planned(), o)
	}
	if run.Error != "" {
		p.line("  %s %s", p.red("error"), run.Error)
		return
	}
	if hr := run.HitRateText(); hr != "" {
		p.line("  hit rate %s", hr)
	}
	p.line("  %s", p.verdict(run))
	p.line("")
}

// compactAfter is the number of rounds up to which every round is shown in
// full; -v shows all of them in full.
const compactAfter = 3

// writeRoundLine is a passing round in one line: its spreads and tally.
func writeRoundLine(p *printer, rd *Round, rounds int) {
	server := "-"
	if rd.HasServer {
		server = serverText(rd)
	}
	p.line("  round %d/%d: %s  %s  spread release %s server %s  %s",
		rd.Round, rounds, p.green("pass"), tallyText(rd), releaseText(rd), server, rd.Mode)
}

func tallyText(rd *Round) string {
	var parts []string
	for _, s := range rd.Tally.Statuses {
		parts = append(parts, fmt.Sprintf("%d x%d", s.Status, s.Count))
	}
	for _, e := range rd.Tally.Errors {
		parts = append(parts, fmt.Sprintf("%s x%d", e.Kind, e.Count))
	}
	return strings.Join(parts, ", ")
}

func writeRoundText(p *printer, rd *Round, rounds int, o TextOptions) {
	incomplete := ""
	if len(rd.Incomplete) > 0 {
		incomplete = ": " + p.red("INCOMPLETE") + ", not counted"
	}
	p.line("  round %d/%d: %s, %s, %d %s on %d %s%s",
		rd.Round, rounds, rd.Mode, rd.Proto, rd.Tally.N, plural(rd.Tally.N, "request"), rd.Connections, plural(rd.Connections, "connection"), incomplete)
	for _, c := range rd.Incomplete {
		p.line("    cut short  %s", causeText(c))
	}
	if rd.Proxy != "" {
		p.line("    proxy      %s (the receipt counts what reached it; it sends on in its own packets)", rd.Proxy)
	}
	for _, n := range rd.Notes {
		p.line("    note: %s", n)
	}
	p.line("    responses  %s", tallyText(rd))
	if len(rd.Tally.Statuses) > 0 {
		l := rd.Tally.Latency
		p.line("    latency    min %s  p50 %s  p90 %s  max %s", dur(l.Min), dur(l.P50), dur(l.P90), dur(l.Max))
	}
	p.line("    spread     release %s  server %s", releaseText(rd), serverText(rd))
	for _, l := range receiptLines(rd) {
		p.line("    %-10s %s", l.Label, l.Value)
	}
	for _, c := range rd.Checks {
		writeCheckText(p, c, rd.Complete())
	}
	if o.Verbose {
		for _, q := range rd.Requests {
			p.line("    #%-4d %s %d %s %s%s", q.Index, q.Method, q.Status, q.ErrorKind, at(q.Released), errorText(q.Error))
		}
	}
}

// causeText is one cause of an incomplete round in a line, worded as the
// runner words it.
func causeText(c Cause) string {
	return runner.Cause{Kind: runner.CauseKind(c.Kind), Count: c.Count, First: c.Message, AfterRelease: c.AfterRelease}.String()
}

// errorText is a request's error for the -v list, cut to one short line.
func errorText(e string) string {
	const limit = 100
	if e == "" {
		return ""
	}
	if r := []rune(e); len(r) > limit {
		e = string(r[:limit-3]) + "..."
	}
	return "  " + e
}

// writeCheckText writes a check; counted is false in an incomplete round,
// whose checks are shown for what they saw but are neither pass nor fail.
func writeCheckText(p *printer, c Check, counted bool) {
	if !counted {
		p.line("    skip  %s  (not counted: the round is incomplete)", c.Expr)
		if !c.Pass && c.Seen != "" {
			p.line("          seen: %s", c.Seen)
		}
		return
	}
	if c.Pass {
		p.line("    %s  %s", p.green("pass"), c.Expr)
		return
	}
	seen := c.Seen
	if c.Error != "" && seen == "" {
		seen = c.Error
	}
	p.line("    %s  %s", p.red("FAIL"), c.Expr)
	if seen != "" {
		p.line("          seen: %s", seen)
	}
}

func (p *printer) verdict(run *Run) string {
	state, text := run.Verdict()
	word, rest, _ := strings.Cut(text, ":")
	switch state {
	case "pass":
		word = p.green(word)
	case "fail", "inconclusive", "error":
		word = p.red(word)
	}
	return word + ":" + rest
}

func writeSummaryText(p *printer, doc *Document) {
	p.line("%s", p.bold("summary"))
	for i := range doc.Runs {
		run := &doc.Runs[i]
		v, text := run.Verdict()
		state := p.green("pass")
		switch v {
		case "error":
			state = p.red("ERROR")
		case "fail":
			state = p.red("FAIL")
		case "inconclusive":
			state = p.red("INCONCLUSIVE")
		}
		if run.Error != "" {
			p.line("  %s  %s: %s", state, run.Name, run.Error)
			continue
		}
		if v == "inconclusive" {
			p.line("  %s  %s: %s", state, run.Name, text)
			continue
		}
		p.line("  %s  %s: check failed in %d of %d rounds", state, run.Name, run.FailedRounds(), run.CompleteRounds())
	}
}

// dur prints a duration with three significant digits, in the unit a human
// would pick.
func dur(d time.Duration) string {
	switch {
	case d == 0:
		return "0"
	case d < 0:
		// An answer before the release (early) has a negative latency;
		// without this it fell into the nanosecond case, whole. time.Sub
		// saturates at the minimum, whose negation is itself: clamped,
		// or this recursed until the stack overflowed.
		return "-" + dur(-max(d, -math.MaxInt64))
	case d < time.Microsecond:
		return fmt.Sprintf("%dns", d.Nanoseconds())
	case d < time.Millisecond:
		return fmt.Sprintf("%.3gµs", float64(d)/float64(time.Microsecond))
	case d < time.Second:
		return fmt.Sprintf("%.3gms", float64(d)/float64(time.Millisecond))
	}
	return fmt.Sprintf("%.3gs", d.Seconds())
}

func at(d *time.Duration) string {
	if d == nil {
		return "-"
	}
	return "+" + dur(*d)
}

// printer writes lines and remembers the first write error.
type printer struct {
	w     io.Writer
	color bool
	err   error
}

func (p *printer) line(format string, args ...any) {
	if p.err != nil {
		return
	}
	_, p.err = fmt.Fprintf(p.w, format+"\n", args...)
}

func (p *printer) paint(code, s string) string {
	if !p.color {
		return s
	}
	return "\x1b[" + code + "m" + s + "\x1b[0m"
}

func (p *printer) red(s string) string   { return p.paint("31;1", s) }
func (p *printer) green(s string) string { return p.paint("32", s) }
func (p *printer) bold(s string) string  { return p.paint("1", s) }

func plural(n int, word string) string {
	if n == 1 {
		return word
	}
	return word + "s"
}
