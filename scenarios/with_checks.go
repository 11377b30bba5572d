package scenarios

import (
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/goccy/go-yaml"
	"github.com/goccy/go-yaml/ast"
	"github.com/goccy/go-yaml/parser"

	"github.com/racetest/racetest/expressions"
)

// Problem is a LoadError about the value at field (such as
// race.requests[1]), with the file's line, column and excerpt: for a
// command that takes only some of the scenarios the format allows.
func (s *Scenario) Problem(field, format string, args ...any) *LoadError {
	if s.src == nil {
		return &LoadError{File: s.File, Field: field, Msg: fmt.Sprintf(format, args...)}
	}
	p := &problems{src: s.src}
	p.at(field, format, args...)
	return p.errs[0]
}

// WithChecks is the scenario file with more checks: race adds to
// race.expect, after[j] to the expect of the j-th after step. The rest of
// the file (comments, order, quoting) stays as written, and checks that
// are there already are not repeated. The result is loaded again before
// it is returned, so that it is a file racetest run accepts.
func (s *Scenario) WithChecks(race []string, after [][]string) ([]byte, error) {
	if s.data == nil {
		return nil, errors.New("the scenario was not read from a file")
	}
	var f *ast.File
	if err := safely(func() (err error) { f, err = parser.ParseBytes(s.data, parser.ParseComments); return err }); err != nil {
		return nil, fmt.Errorf("%s: %w", s.File, err)
	}
	want := []int{len(s.Race.Expect)}
	if err := setChecks(f, "$.race", sources(s.Race.Expect), race, &want[0]); err != nil {
		return nil, err
	}
	for j, st := range s.After {
		want = append(want, len(st.Expect))
		if j < len(after) {
			if err := setChecks(f, fmt.Sprintf("$.after[%d]", j), sources(st.Expect), after[j], &want[j+1]); err != nil {
				return nil, err
			}
		}
	}
	var out []byte
	if err := safely(func() error { out = []byte(f.String()); return nil }); err != nil {
		return nil, err
	}
	if !strings.HasSuffix(string(out), "\n") {
		out = append(out, '\n')
	}
	// goccy/go-yaml writes what it parsed; should it ever not, the file
	// written must not be one that racetest run refuses or reads otherwise.
	again, err := Parse(s.File, out)
	if err != nil {
		return nil, fmt.Errorf("the checks could not be added to %s: %w", s.File, err)
	}
	got := []int{len(again.Race.Expect)}
	for _, st := range again.After {
		got = append(got, len(st.Expect))
	}
	if !slices.Equal(got, want) {
		return nil, fmt.Errorf("the checks could not be added to %s: checks in the result per place %v, want %v", s.File, got, want)
	}
	return out, nil
}

// setChecks puts the checks have and add (without those in have) under
// expect: of the mapping at path; n counts them.
func setChecks(f *ast.File, path string, have, add []string, n *int) error {
	all := slices.Clone(have)
	for _, c := range add {
		if !slices.Contains(all, c) {
			all = append(all, c)
		}
	}
	if len(all) == len(have) {
		return nil
	}
	*n = len(all)
	list, err := yaml.Marshal(all)
	if err != nil {
		return err
	}
	p, err := yaml.PathString(path + ".expect")
	if err != nil {
		return err
	}
	if len(have) > 0 {
		err = p.ReplaceWithReader(f, strings.NewReader(string(list)))
	} else {
		var m *yaml.Path
		if m, err = yaml.PathString(path); err == nil {
			err = m.MergeFromReader(f, strings.NewReader("expect:\n"+indent(string(list))))
		}
	}
	if err != nil {
		return fmt.Errorf("add the checks under %s: %w", strings.TrimPrefix(path, "$."), err)
	}
	return nil
}

// indent puts two spaces before every line of s.
func indent(s string) string {
	lines := strings.SplitAfter(s, "\n")
	for i, l := range lines {
		if l != "" {
			lines[i] = "  " + l
		}
	}
	return strings.Join(lines, "")
}

func sources(cs []*expressions.Check) []string {
	out := make([]string, len(cs))
	for i, c := range cs {
		out[i] = c.Source
	}
	return out
}
