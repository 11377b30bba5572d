package probe

import (
	"encoding/json"
	"io"
	"slices"

	"github.com/racetest/racetest/confidence"
)

// JSONVersion is the version of the document WriteJSON writes.
const JSONVersion = 1

// jsonDoc is the verdict as scripts read it; field names are stable.
type jsonDoc struct {
	Version  int                 `json:"version"`
	Tool     string              `json:"tool"`
	Method   string              `json:"method"`
	URL      string              `json:"url"`
	N        int                 `json:"n"`
	Outcome  Outcome             `json:"outcome"`
	Reason   string              `json:"reason,omitempty"`
	Rounds   int                 `json:"rounds"`
	Complete int                 `json:"complete_rounds"`
	Hits     int                 `json:"hits"`
	Interval confidence.Interval `json:"hit_rate_95"`
	// Stop is --until-found or --confidence, as in racetest's report.
	Stop        *confidence.Stop `json:"stop,omitempty"`
	Findings    []Finding        `json:"signals"`
	Masked      []string         `json:"masked"`
	MaskedAfter [][]string       `json:"masked_after"`
	Checks      Checks           `json:"checks"`
	ExitCode    int              `json:"exit_code"`
}

// WriteJSON writes the verdict as one JSON document; tool names the
// program and version, exitCode is what the process exits with.
func WriteJSON(w io.Writer, v *Verdict, tool string, exitCode int, o TextOptions) error {
	red := o.Redact
	if red == nil {
		red = func(s string) string { return s }
	}
	d := jsonDoc{
		Version: JSONVersion, Tool: tool, Method: v.Config.Request.Method, URL: red(v.Config.Request.URL),
		N: v.Config.N, Outcome: v.Outcome, Reason: red(v.Reason), Rounds: len(v.Rounds), Complete: v.Complete,
		Hits: v.Hits, Interval: v.Interval, Findings: slices.Clone(v.Findings), Masked: v.Masked, MaskedAfter: v.MaskedAfter,
		Checks: v.Checks, ExitCode: exitCode,
		Stop: v.Config.Stop.Stop(),
	}
	for i := range d.Findings {
		f := &d.Findings[i]
		f.Summary, f.Sequential, f.Parallel = red(f.Summary), red(f.Sequential), red(f.Parallel)
	}
	// Lists are [] rather than null when empty, so that jq '.masked[]'
	// works on every verdict.
	d.Findings = orEmpty(d.Findings)
	d.Masked, d.MaskedAfter = orEmpty(d.Masked), orEmpty(slices.Clone(d.MaskedAfter))
	d.Checks.Burst, d.Checks.After = orEmpty(d.Checks.Burst), orEmpty(slices.Clone(d.Checks.After))
	for i := range d.MaskedAfter {
		d.MaskedAfter[i] = orEmpty(d.MaskedAfter[i])
	}
	for i := range d.Checks.After {
		d.Checks.After[i] = orEmpty(d.Checks.After[i])
	}
	e := json.NewEncoder(w)
	e.SetIndent("", "  ")
	return e.Encode(d)
}

// orEmpty is s, or an empty slice for nil.
func orEmpty[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}
