package probe

import (
	"cmp"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/racetest/racetest/confidence"
	"github.com/racetest/racetest/scenarios"
)

// TextOptions are how the text verdict is written.
type TextOptions struct {
	// Redact masks secrets (tokens in URLs) in what is printed; nil
	// prints as is.
	Redact func(string) string
}

// WriteText writes the verdict for a person: the verdict line, one
// example of each signal, and the checks ready to paste.
func WriteText(w io.Writer, v *Verdict, o TextOptions) error {
	red := o.Redact
	if red == nil {
		red = func(s string) string { return s }
	}
	c := v.Config
	var b strings.Builder
	fmt.Fprintf(&b, "probe %s %s, n %d\n", c.Request.Method, red(c.Request.URL), c.N)
	fmt.Fprintf(&b, "sequential: %s", count(len(v.Sequential), "phase"))
	if len(v.Masked) > 0 {
		fmt.Fprintf(&b, "; masked as volatile: %s", strings.Join(v.Masked, ", "))
	}
	b.WriteString("\n")
	if len(v.Rounds) > 0 {
		fmt.Fprintf(&b, "parallel: %s, %d complete (%s)\n", count(len(v.Rounds), "round"), v.Complete, roundsNote(v, red))
	}
	b.WriteString("\n")
	// As in racetest's report: with a stop rule even one round has a hit
	// rate, whose interval says how little one round tells.
	if c.Stop.ShowsRate(len(v.Rounds)) {
		fmt.Fprintf(&b, "hit rate %s\n", confidence.HitRate(v.Hits, v.Complete))
	}
	switch v.Outcome {
	case Inconclusive:
		fmt.Fprintf(&b, "inconclusive: %s\n", red(v.Reason))
	case RaceFound:
		fmt.Fprintf(&b, "race found in %d of %d complete rounds\n\n", v.Hits, v.Complete)
		writeSignals(&b, v, red)
	default:
		// Without --confidence the probe's rounds are judged at 95%.
		fmt.Fprintf(&b, "%s\n", confidence.Possible(v.Complete, cmp.Or(c.Stop.Level, 0.95)))
	}
	if v.Outcome != Inconclusive {
		b.WriteString("\n")
		writeChecks(&b, v, red)
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// roundsNote says how the bursts went, or why one did not count; red
// masks secrets in the cause, an error message that may hold a URL.
func roundsNote(v *Verdict, red func(string) string) string {
	for _, rd := range v.Rounds {
		if !rd.Complete {
			return "round " + fmt.Sprint(rd.Number) + " incomplete: " + red(rd.Cause())
		}
	}
	return fmt.Sprintf("%s, release spread %s in round 1", v.Rounds[0].Mode, v.Rounds[0].Spread)
}

// writeSignals lists each signal once, with the rounds it fired in and
// the example of the first.
func writeSignals(b *strings.Builder, v *Verdict, red func(string) string) {
	b.WriteString("signals:\n")
	var order []Signal
	rounds := map[Signal][]string{}
	first := map[Signal]Finding{}
	for _, f := range v.Findings {
		if _, ok := first[f.Signal]; !ok {
			order = append(order, f.Signal)
			first[f.Signal] = f
		}
		if r := fmt.Sprint(f.Round); !slices.Contains(rounds[f.Signal], r) {
			rounds[f.Signal] = append(rounds[f.Signal], r)
		}
	}
	for _, s := range order {
		f := first[s]
		fmt.Fprintf(b, "  %s (rounds %s): %s\n", s, strings.Join(rounds[s], ", "), red(f.Summary))
		if f.Sequential != "" {
			fmt.Fprintf(b, "    sequential: %s\n", red(f.Sequential))
		}
		if f.Parallel != "" {
			fmt.Fprintf(b, "    parallel:   %s\n", red(f.Parallel))
		}
	}
}

// writeChecks prints the checks as fire flags, ready to paste.
func writeChecks(b *strings.Builder, v *Verdict, red func(string) string) {
	n := len(v.Checks.Burst)
	for _, a := range v.Checks.After {
		n += len(a)
	}
	if n == 0 {
		b.WriteString("checks: none to suggest; the sequential phase gave nothing to pin\n")
		return
	}
	if v.Config.Scenario != nil {
		writeFileChecks(b, v)
		return
	}
	b.WriteString("checks (for racetest fire; --emit FILE writes them as a scenario):\n")
	for _, c := range v.Checks.Burst {
		fmt.Fprintf(b, "  --expect %s\n", ShellQuote(c))
	}
	for j, cs := range v.Checks.After {
		if len(cs) == 0 {
			continue
		}
		u := v.Config.After[j].URL
		fmt.Fprintf(b, "  --after %s", ShellQuote(red(scenarios.RelativeURL(u, scenarios.Origin(v.Config.Request.URL)))))
		for _, c := range cs {
			fmt.Fprintf(b, " --expect-after %s", ShellQuote(c))
		}
		b.WriteString("\n")
	}
}

// writeFileChecks prints the checks of a scenario's probe where they go
// in its file.
func writeFileChecks(b *strings.Builder, v *Verdict) {
	fmt.Fprintf(b, "checks (for %s; --emit FILE writes it with them added):\n", v.Config.Scenario.File)
	list := func(where string, cs []string) {
		if len(cs) == 0 {
			return
		}
		fmt.Fprintf(b, "  %s:\n", where)
		for _, c := range cs {
			fmt.Fprintf(b, "    - %s\n", c)
		}
	}
	list("race.expect", v.Checks.Burst)
	for j, cs := range v.Checks.After {
		list(fmt.Sprintf("after[%d].expect", j), cs)
	}
}

// ShellQuote quotes s for a POSIX shell.
func ShellQuote(s string) string {
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

// count writes "1 round" or "3 rounds": --until-found and --confidence
// often stop after one.
func count(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return fmt.Sprintf("%d %ss", n, noun)
}
