package report

import (
	"fmt"
	"io"
	"strconv"
	"strings"
)

// WriteGitHubAnnotations writes one GitHub Actions `::error` workflow
// command per failed check of each run, and one per runtime error, so that
// the failure shows on the pull request next to the scenario file. A check
// that failed in several rounds is annotated once: GitHub keeps only the
// first ten error annotations of a step, and a hundred identical ones would
// hide the other checks.
func WriteGitHubAnnotations(w io.Writer, doc *Document) error {
	for i := range doc.Runs {
		run := &doc.Runs[i]
		for _, msg := range annotationMessages(run) {
			if _, err := fmt.Fprintf(w, "::error %s::%s\n", annotationProps(run), escapeData(msg)); err != nil {
				return err
			}
		}
	}
	return nil
}

// annotationMessages lists the failures of run, one per check (in the order
// checks first failed) and then the runtime error.
func annotationMessages(run *Run) []string {
	type failure struct {
		first  Check
		round  int
		rounds int
	}
	var order []string
	byExpr := map[string]*failure{}
	for i := range run.Rounds {
		rd := &run.Rounds[i]
		for _, c := range rd.Checks {
			if c.Pass || !rd.Complete() {
				continue
			}
			key := c.Scope + "\x00" + c.Expr
			if f, ok := byExpr[key]; ok {
				f.rounds++
				continue
			}
			byExpr[key] = &failure{first: c, round: rd.Round, rounds: 1}
			order = append(order, key)
		}
	}
	var out []string
	for _, key := range order {
		f := byExpr[key]
		msg := run.Name + ": " + f.first.Expr + " — seen: " + seenText(f.first)
		if complete := run.CompleteRounds(); complete > 1 {
			msg += fmt.Sprintf(" (failed in %d of %d rounds, first in round %d)", f.rounds, complete, f.round)
		}
		out = append(out, msg)
	}
	if run.Error != "" {
		out = append(out, run.Name+": "+run.Error)
	}
	if state, text := run.Verdict(); state == "inconclusive" && run.Error == "" {
		// Too few complete rounds for --confidence: no check failed, yet
		// the step fails (exit 4) and should say why.
		out = append(out, run.Name+": "+text)
	}
	return out
}

// seenText is what a failed check saw, or why it could not be judged.
func seenText(c Check) string {
	switch {
	case c.Seen != "":
		return c.Seen
	case c.Error != "":
		return c.Error
	}
	return "the check did not hold"
}

func annotationProps(run *Run) string {
	var ps []string
	if run.File != "" {
		ps = append(ps, "file="+escapeProperty(run.File))
		if run.Line > 0 {
			ps = append(ps, "line="+strconv.Itoa(run.Line))
		}
	}
	ps = append(ps, "title=racetest")
	return strings.Join(ps, ",")
}

// escapeData escapes a workflow command's message the way the runner
// unescapes it (actions/toolkit, command.ts). A Replacer works in one pass,
// so the '%' of an escape it adds is never escaped again.
func escapeData(s string) string {
	return strings.NewReplacer("%", "%25", "\r", "%0D", "\n", "%0A").Replace(s)
}

// escapeProperty escapes a property value, where ':' would end the
// properties and ',' would start the next one.
func escapeProperty(s string) string {
	return strings.NewReplacer("%", "%25", "\r", "%0D", "\n", "%0A", ":", "%3A", ",", "%2C").Replace(s)
}
