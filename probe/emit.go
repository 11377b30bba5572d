package probe

import (
	"fmt"
	"io"
	"maps"
	"slices"
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
// use, like the command line it came from. Per-request values are not:
// each values: list is a "${RACETEST_VALUES_NAME}" reference, read from
// the environment (one value per line) or replaced by racetest run
// --values NAME=FILE, so that the file runs and holds no value.
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
	writeValues(&b, c.Values)
	if len(c.Reset) > 0 {
		b.WriteString("setup:\n")
		for _, r := range c.Reset {
			writeStep(&b, r, target, c.HeaderOrder, nil)
		}
	}
	b.WriteString("race:\n")
	fmt.Fprintf(&b, "  n: %d\n  rounds: %d\n", c.N, c.Rounds)
	writeRequest(&b, "  ", c.Request, target, c.HeaderOrder)
	writeExpect(&b, "  ", v.Checks.Burst)
	if len(c.After) > 0 {
		b.WriteString("after:\n")
		for j, r := range c.After {
			var cs []string
			if j < len(v.Checks.After) {
				cs = v.Checks.After[j]
			}
			writeStep(&b, r, target, c.HeaderOrder, cs)
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// writeValues writes a values: list for each per-request value as a
// reference to the environment variable that holds it.
func writeValues(b *strings.Builder, values map[string][]string) {
	if len(values) == 0 {
		return
	}
	names := slices.Sorted(maps.Keys(values))
	b.WriteString("# The per-request values are secrets: each list is read from the environment,\n")
	b.WriteString("# one value per line, or given as a file to racetest run, e.g.\n")
	fmt.Fprintf(b, "#   %s=\"$(cat %s.txt)\" racetest run FILE\n", valuesEnv(names[0]), names[0])
	fmt.Fprintf(b, "#   racetest run --values %s=%s.txt FILE\n", names[0], names[0])
	b.WriteString("values:\n")
	for _, name := range names {
		fmt.Fprintf(b, "  %s: %s\n", name, strconv.Quote("${"+valuesEnv(name)+"}"))
	}
}

// valuesEnv is the environment variable that an emitted scenario reads
// the per-request values NAME from.
func valuesEnv(name string) string { return "RACETEST_VALUES_" + strings.ToUpper(name) }

func writeStep(b *strings.Builder, r runner.Request, target string, order, expect []string) {
	b.WriteString("  - request:\n")
	writeRequestFields(b, "      ", r, target, order)
	writeExpect(b, "    ", expect)
}

func writeRequest(b *strings.Builder, indent string, r runner.Request, target string, order []string) {
	b.WriteString(indent + "request:\n")
	writeRequestFields(b, indent+"  ", r, target, order)
}

// writeRequestFields writes method, url, headers and body as the command
// line gave them: {{ in a body is sent as written, not read as a
// template, and {{ values.NAME }} stays the per-request value. Headers
// come in order, as given.
func writeRequestFields(b *strings.Builder, indent string, r runner.Request, target string, order []string) {
	scenarios.WriteRequest(b, indent, scenarios.EscapeCommandLine(r), target, order)
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
