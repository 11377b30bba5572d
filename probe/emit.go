package probe

import (
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/racetest/racetest/runner"
	"github.com/racetest/racetest/scenarios"
)

// EmitOptions are how WriteScenario writes the requests.
type EmitOptions struct {
	// Literal is a request as the file holds it: its text escaped so that
	// {{ and ${ are sent as written (scenarios.EscapeRequest, the default
	// when nil), and possibly its secrets replaced by ${NAME} references.
	Literal func(runner.Request) (runner.Request, error)
}

// WriteScenario writes the probe as a scenario file that racetest run
// accepts: the resets as setup steps, the burst with the burst checks,
// the --after reads with theirs. URLs on the request's origin become
// paths under target:, so that --target can point the file elsewhere.
// Each request goes through o.Literal, which racetest uses to keep
// credentials out of the file.
//
// A probe of a scenario file writes that file with the checks added to
// race.expect and to the after steps' expect: its templates, vars and
// captures stay as they are.
func WriteScenario(w io.Writer, v *Verdict, o EmitOptions) error {
	c := v.Config
	if c.Scenario != nil {
		data, err := c.Scenario.WithChecks(v.Checks.Burst, v.Checks.After)
		if err != nil {
			return err
		}
		_, err = w.Write(data)
		return err
	}
	resets, burst, afters, err := literals(c, o.Literal)
	if err != nil {
		return err
	}
	target := scenarios.Origin(c.Request.URL)
	// The name leaves out the query, where a token may be.
	path, _, _ := strings.Cut(scenarios.RelativeURL(c.Request.URL, target), "?")
	var b strings.Builder
	b.WriteString("# Written by racetest probe: the checks hold when the requests run one\n")
	b.WriteString("# after another from the reset state.\n")
	b.WriteString("version: 1\n")
	fmt.Fprintf(&b, "name: %s\n", strconv.Quote("probe "+c.Request.Method+" "+path))
	fmt.Fprintf(&b, "target: %s\n", strconv.Quote(target))
	if len(c.Reset) > 0 {
		b.WriteString("setup:\n")
		for _, r := range resets {
			writeStep(&b, r, target, nil)
		}
	}
	b.WriteString("race:\n")
	fmt.Fprintf(&b, "  n: %d\n  rounds: %d\n", c.N, c.Rounds)
	writeRequest(&b, "  ", burst, target)
	writeExpect(&b, "  ", v.Checks.Burst)
	if len(c.After) > 0 {
		b.WriteString("after:\n")
		for j, r := range afters {
			var cs []string
			if j < len(v.Checks.After) {
				cs = v.Checks.After[j]
			}
			writeStep(&b, r, target, cs)
		}
	}
	_, err = io.WriteString(w, b.String())
	return err
}

// literals are the resets, the burst and the --after reads of c through
// lit, in the order the file lists them. They are made before anything
// is written, so that an error leaves nothing half-written.
func literals(c *Config, lit func(runner.Request) (runner.Request, error)) (resets []runner.Request, burst runner.Request, afters []runner.Request, err error) {
	if lit == nil {
		lit = func(r runner.Request) (runner.Request, error) { return scenarios.EscapeRequest(r), nil }
	}
	resets = make([]runner.Request, len(c.Reset))
	for i, r := range c.Reset {
		if resets[i], err = lit(r); err != nil {
			return nil, burst, nil, err
		}
	}
	if burst, err = lit(c.Request); err != nil {
		return nil, burst, nil, err
	}
	afters = make([]runner.Request, len(c.After))
	for i, r := range c.After {
		if afters[i], err = lit(r); err != nil {
			return nil, burst, nil, err
		}
	}
	return resets, burst, afters, nil
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

// writeRequestFields writes method, url, headers and body of r, a
// request already made literal by EmitOptions.Literal.
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
