package probe

import (
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/racetest/racetest/expressions"
	"github.com/racetest/racetest/runner"
	"github.com/racetest/racetest/scenarios"
)

// WriteScenario writes the probe as a scenario file that racetest run
// accepts: the resets as setup steps, the burst with the burst checks,
// the --after reads with theirs. URLs on the request's origin become
// paths under target:, so that --target can point the file elsewhere.
// literal turns each request into what the file says (templates escaped,
// and, from the command line, secrets made ${ENV} references, since a
// file is shared as a command line is not); nil writes them as they are,
// escaped.
//
// A probe of a scenario file writes that file with the checks added to
// race.expect and to the after steps' expect: its templates, vars and
// captures stay as they are.
func WriteScenario(w io.Writer, v *Verdict, literal func(runner.Request) runner.Request) error {
	if literal == nil {
		literal = scenarios.EscapeRequest
	}
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
	race := literal(c.Request)
	name := scenarios.RelativeURL(c.Request.URL, target)
	if race.URL != expressions.EscapeTemplate(c.Request.URL) {
		// A secret of the query became a reference: the name leaves
		// the query out.
		name, _, _ = strings.Cut(name, "?")
	}
	var b strings.Builder
	b.WriteString("# Written by racetest probe: the checks hold when the requests run one\n")
	b.WriteString("# after another from the reset state.\n")
	b.WriteString("version: 1\n")
	fmt.Fprintf(&b, "name: %s\n", strconv.Quote("probe "+c.Request.Method+" "+name))
	fmt.Fprintf(&b, "target: %s\n", strconv.Quote(target))
	if len(c.Reset) > 0 {
		b.WriteString("setup:\n")
		for _, r := range c.Reset {
			writeStep(&b, literal(r), target, nil)
		}
	}
	b.WriteString("race:\n")
	fmt.Fprintf(&b, "  n: %d\n  rounds: %d\n", c.N, c.Rounds)
	writeRequest(&b, "  ", race, target)
	writeExpect(&b, "  ", v.Checks.Burst)
	if len(c.After) > 0 {
		b.WriteString("after:\n")
		for j, r := range c.After {
			var cs []string
			if j < len(v.Checks.After) {
				cs = v.Checks.After[j]
			}
			writeStep(&b, literal(r), target, cs)
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

// writeRequestFields writes method, url, headers and body of r, already
// made literals.
func writeRequestFields(b *strings.Builder, indent string, r runner.Request, target string) {
	scenarios.WriteRequest(b, indent, r, target)
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
