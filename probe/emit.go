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

// EmitOptions are how WriteScenario writes the requests.
type EmitOptions struct {
	// Literal is a request as the file holds it: its text escaped so that
	// {{ and ${ are sent as written and {{ values.NAME }} stays the
	// per-request value (scenarios.EscapeCommandLine, the default when
	// nil), and possibly its credentials replaced by ${NAME} references.
	Literal func(runner.Request) (runner.Request, error)
}

// WriteScenario writes the probe as a scenario file that racetest run
// accepts: the resets as setup steps, the burst with the burst checks,
// the --after reads with theirs. URLs on the request's origin become
// paths under target:, so that --target can point the file elsewhere.
// Each request goes through o.Literal, which racetest uses to keep
// credentials out of the file. Per-request values are not written either:
// each values: list is a "${RACETEST_VALUES_NAME}" reference, read from
// the environment (one value per line) or replaced by racetest run
// --values NAME=FILE, so that the file runs and holds no value.
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
	if err := CheckValuesNames(c.Values); err != nil {
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
	writeValues(&b, c.Values)
	if len(c.Reset) > 0 {
		b.WriteString("setup:\n")
		for _, r := range resets {
			writeStep(&b, r, target, c.HeaderOrder, nil)
		}
	}
	b.WriteString("race:\n")
	fmt.Fprintf(&b, "  n: %d\n  rounds: %d\n", c.N, c.Rounds)
	writeRequest(&b, "  ", burst, target, c.HeaderOrder)
	writeExpect(&b, "  ", v.Checks.Burst)
	if len(c.After) > 0 {
		b.WriteString("after:\n")
		for j, r := range afters {
			var cs []string
			if j < len(v.Checks.After) {
				cs = v.Checks.After[j]
			}
			writeStep(&b, r, target, c.HeaderOrder, cs)
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
		lit = func(r runner.Request) (runner.Request, error) { return scenarios.EscapeCommandLine(r), nil }
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

// CheckValuesNames refuses per-request values names that an emitted
// scenario would read from one environment variable: valuesEnv folds
// case, as environment variables are written, and Windows would not tell
// RACETEST_VALUES_tok from RACETEST_VALUES_TOK either, so the file would
// give both lists the same values.
func CheckValuesNames(values map[string][]string) error {
	seen := map[string]string{}
	for _, name := range slices.Sorted(maps.Keys(values)) {
		env := valuesEnv(name)
		if other, ok := seen[env]; ok {
			return fmt.Errorf("values %s and %s differ only in case, and the emitted scenario would read both from %s; rename one", other, name, env)
		}
		seen[env] = name
	}
	return nil
}

func writeStep(b *strings.Builder, r runner.Request, target string, order, expect []string) {
	b.WriteString("  - request:\n")
	writeRequestFields(b, "      ", r, target, order)
	writeExpect(b, "    ", expect)
}

func writeRequest(b *strings.Builder, indent string, r runner.Request, target string, order []string) {
	b.WriteString(indent + "request:\n")
	writeRequestFields(b, indent+"  ", r, target, order)
}

// writeRequestFields writes method, url, headers and body of r, a
// request already made literal by EmitOptions.Literal. Headers come in
// order, as given.
func writeRequestFields(b *strings.Builder, indent string, r runner.Request, target string, order []string) {
	scenarios.WriteRequest(b, indent, r, target, order)
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
