package probe

import (
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/racetest/racetest/runner"
	"github.com/racetest/racetest/scenarios"
)

// WriteScenario writes the probe as a scenario file that racetest run
// accepts: the resets as setup steps, the burst with the burst checks,
// the --after reads with theirs. URLs on the request's origin become
// paths under target:, so that --target can point the file elsewhere.
// Header values are written as given: the file is for the user's own
// use, like the command line it came from.
//
// A probe of a scenario file writes that file with the checks added to
// race.expect and to the after steps' expect: its templates, vars and
// captures stay as they are.
func WriteScenario(w io.Writer, v *Verdict) error {
	c := v.Config
	if c.Scenario != nil {
		data, err := c.Scenario.WithChecks(v.Checks.Burst, v.Checks.After)
		if err != nil {
			return err
		}
		_, err = w.Write(data)
		return err
	}
	target := scenarios.Origin(c.Request.URL)
	var b strings.Builder
	b.WriteString("# Written by racetest probe: the checks hold when the requests run one\n")
	b.WriteString("# after another from the reset state.\n")
	b.WriteString("version: 1\n")
	fmt.Fprintf(&b, "name: %s\n", strconv.Quote("probe "+c.Request.Method+" "+scenarios.RelativeURL(c.Request.URL, target)))
	fmt.Fprintf(&b, "target: %s\n", strconv.Quote(target))
	if len(c.Reset) > 0 {
		b.WriteString("setup:\n")
		for _, r := range c.Reset {
			writeStep(&b, r, target, nil)
		}
	}
	b.WriteString("race:\n")
	fmt.Fprintf(&b, "  n: %d\n  rounds: %d\n", c.N, c.Rounds)
	writeRequest(&b, "  ", c.Request, target)
	writeExpect(&b, "  ", v.Checks.Burst)
	if len(c.After) > 0 {
		b.WriteString("after:\n")
		for j, r := range c.After {
			var cs []string
			if j < len(v.Checks.After) {
				cs = v.Checks.After[j]
			}
			writeStep(&b, r, target, cs)
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}

func writeStep(b *strings.Builder, r runner.Request, target string, expect []string) {
	b.WriteString("  - request:\n")
	writeRequestFields(b, "      ", r, target)
	writeExpect(b, "    ", expect)
}

func writeRequest(b *strings.Builder, indent string, r runner.Request, target string) {
	b.WriteString(indent + "request:\n")
	writeRequestFields(b, indent+"  ", r, target)
}

// writeRequestFields writes method, url, headers and body, as literals:
// {{ in a body is sent as written, not read as a template.
func writeRequestFields(b *strings.Builder, indent string, r runner.Request, target string) {
	scenarios.WriteRequest(b, indent, scenarios.EscapeRequest(r), target)
}

func writeExpect(b *strings.Builder, indent string, checks []string) {
	if len(checks) == 0 {
		return
	}
	b.WriteString(indent + "expect:\n")
	for _, c := range checks {
		fmt.Fprintf(b, "%s  - %s\n", indent, strconv.Quote(c))
	}
}
