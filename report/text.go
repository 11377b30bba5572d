package report

import (
	"fmt"
	"io"
	"strings"
	"time"
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
	p.line("  target %s, %d requests, mode %s", run.Target, run.N, run.Mode)
	for i := range run.Rounds {
		rd := &run.Rounds[i]
		// Many rounds would bury the failing ones: past a few, a round in
		// which every check held takes one line.
		if len(run.Rounds) > compactAfter && !o.Verbose && !rd.Failed() && len(rd.Checks) > 0 {
			writeRoundLine(p, rd, run.planned())
			continue
		}
		writeRoundText(p, rd, run.planned(), o)
	}
	if run.Error != "" {
		p.line("  %s %s", p.red("error"), run.Error)
		return
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
		server = dur(rd.ServerSpread)
	}
	p.line("  round %d/%d: %s  %s  spread release %s server %s  %s",
		rd.Round, rounds, p.green("pass"), tallyText(rd), dur(rd.ReleaseSpread), server, rd.Mode)
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
	p.line("  round %d/%d: %s, %s, %d requests on %d %s",
		rd.Round, rounds, rd.Mode, rd.Proto, rd.Tally.N, rd.Connections, plural(rd.Connections, "connection"))
	for _, n := range rd.Notes {
		p.line("    note: %s", n)
	}
	p.line("    responses  %s", tallyText(rd))
	l := rd.Tally.Latency
	p.line("    latency    min %s  p50 %s  p90 %s  max %s", dur(l.Min), dur(l.P50), dur(l.P90), dur(l.Max))
	server := "not reported by the target"
	if rd.HasServer {
		server = dur(rd.ServerSpread)
	}
	p.line("    spread     release %s  server %s", dur(rd.ReleaseSpread), server)
	for _, c := range rd.Checks {
		writeCheckText(p, c)
	}
	if o.Verbose {
		for _, q := range rd.Requests {
			p.line("    #%-4d %s %d %s %s", q.Index, q.Method, q.Status, q.ErrorKind, at(q.Released))
		}
	}
}

func writeCheckText(p *printer, c Check) {
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
	failed, total := run.FailedRounds(), len(run.Rounds)
	if !run.HasChecks() {
		return fmt.Sprintf("done: %d %s sent, no checks given (add --expect or --expect-status to judge them)", total, plural(total, "round"))
	}
	if failed == 0 {
		return p.green("passed") + fmt.Sprintf(": every check held in %d of %d rounds", total, total)
	}
	return p.red("race found") + fmt.Sprintf(": a check failed in %d of %d rounds", failed, total)
}

func writeSummaryText(p *printer, doc *Document) {
	p.line("%s", p.bold("summary"))
	for i := range doc.Runs {
		run := &doc.Runs[i]
		state := p.green("pass")
		switch {
		case run.Error != "":
			state = p.red("ERROR")
		case run.FailedRounds() > 0:
			state = p.red("FAIL")
		}
		if run.Error != "" {
			p.line("  %s  %s: %s", state, run.Name, run.Error)
			continue
		}
		p.line("  %s  %s: check failed in %d of %d rounds", state, run.Name, run.FailedRounds(), len(run.Rounds))
	}
}

// dur prints a duration with three significant digits, in the unit a human
// would pick.
func dur(d time.Duration) string {
	switch {
	case d == 0:
		return "0"
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
