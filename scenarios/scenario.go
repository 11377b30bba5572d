package scenarios

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"time"

	"github.com/racetest/racetest/expressions"
	"github.com/racetest/racetest/runner"
)

// Scenario is a scenario file compiled: every expression and template
// compiled and every variable reference checked, ready to Run.
type Scenario struct {
	File string
	Name string
	// Line is where race: is in the file, for reports that link to it.
	Line     int
	Setup    []*Step
	Race     *Race
	After    []*Step
	Teardown []*Step

	// src and data are the file as read, for Problem and WithChecks; nil
	// for a scenario built in code.
	src  *source
	data []byte

	target *expressions.Template // nil when the file names no target
	vars   []namedValue
	// values are the per-request values of values:, each list non-empty.
	values map[string][]string
	// valuesEnv maps a values: name written as "${NAME}" to NAME: the
	// environment variable that holds its list, one value per line.
	valuesEnv map[string]string
	// env lists the environment variables the scenario reads, so that
	// nothing else is taken from the environment.
	env []string
	// shorthand lists the ${NAME} references, which must be set.
	shorthand []string
}

type namedValue struct {
	name string
	val  *value
}

// Race is the burst of a scenario and its checks.
type Race struct {
	// N is the number of requests in the burst: the sum of the counts of
	// Groups.
	N      int
	Rounds int
	// Sync is race.mode, race.hold, race.warmup, race.warmup_url and
	// race.connections.
	runner.Sync
	Timeout time.Duration // 0 for the runner's default
	// H2C speaks HTTP/2 with prior knowledge to http:// targets.
	H2C    bool
	Groups []Group
	Expect []*expressions.Check
	// large, when set, says that N is more than DefaultMaxN: the race
	// runs only with RunOptions.AllowLarge.
	large *LoadError
}

// size is the number of requests in the burst: N, or for a race built in
// code without N, the counts of its groups added up.
func (r *Race) size() int {
	if r.N > 0 {
		return r.N
	}
	n := 0
	for _, g := range r.Groups {
		n += g.Count
	}
	return n
}

// Group is Count copies of one request in the burst. A race with one
// request has one group; a mixed race one per entry of requests:.
type Group struct {
	Count   int
	Request *RequestTemplate
}

// Step is one sequential request of setup, after or teardown.
type Step struct {
	// Name is as written in the file; Path is where the step is, such as
	// setup[1].
	Name, Path string
	// Once runs a setup step in the first round only; what it captures
	// stays defined in the rounds after.
	Once     bool
	Request  *RequestTemplate
	Captures []*expressions.Capture
	Expect   []*expressions.Check
	// StatusHint is what to do when the step, without Expect, gets an
	// error status; empty says to add expect: [status == N], which fits a
	// step written in a file but not one made from a flag.
	StatusHint string
}

// Label names the step in messages: its name, or where it is and what it
// sends.
func (s *Step) Label() string {
	if s.Name != "" {
		return fmt.Sprintf("%s step %q", s.phase(), s.Name)
	}
	return fmt.Sprintf("%s (%s %s)", s.Path, s.Request.Method, s.Request.URL.Source)
}

func (s *Step) phase() string {
	for i, r := range s.Path {
		if r == '[' {
			return s.Path[:i]
		}
	}
	return s.Path
}

// RequestTemplate is a request whose strings are templates, expanded for
// every request sent.
type RequestTemplate struct {
	Path    string // where it is in the file, such as race.request
	Method  string
	URL     *expressions.Template
	Headers []Header
	Body    *expressions.Template // nil unless body: was given
	json    *value                // nil unless json: was given
	Timeout time.Duration
}

// Header is one request header with a templated value.
type Header struct {
	Name  string
	Value *expressions.Template
	// at is where the header is in the file (nil for headers built in
	// code); captured lists the captured vars its value reads.
	at       *LoadError
	captured []string
}

// Load reads and compiles the scenario file at path. Every problem in the
// file is reported at once, as Errors.
func Load(ctx context.Context, path string) (*Scenario, error) {
	data, err := readFile(ctx, path)
	var le *LoadError
	switch {
	case errors.As(err, &le):
		return nil, Errors{le}
	case err != nil && ctx.Err() != nil:
		return nil, ctx.Err()
	}
	if err != nil {
		var pe *os.PathError
		if errors.As(err, &pe) {
			err = pe.Err
		}
		return nil, Errors{{File: path, Msg: "cannot read the file: " + err.Error() + "; check the file name", Unreadable: true}}
	}
	return Parse(path, data)
}

// Parse compiles the scenario in data; file names it in errors. data may
// hold anything: what is not a scenario is an error with its position.
func Parse(file string, data []byte) (*Scenario, error) {
	if len(data) > MaxFileSize {
		return nil, Errors{tooLarge(file, len(data))}
	}
	data = bytes.TrimPrefix(data, []byte(utf8BOM))
	src := newSource(file, data)
	raw, err := decode(src, data)
	if err != nil {
		return nil, err
	}
	s, err := compile(src, raw)
	if err != nil {
		return nil, err
	}
	s.src, s.data = src, data
	return s, nil
}

// Declares tells whether the scenario has a var of that name, for --var.
func (s *Scenario) Declares(name string) bool {
	for _, v := range s.vars {
		if v.name == name {
			return true
		}
	}
	return false
}

// EnvNames lists the environment variables the scenario reads.
func (s *Scenario) EnvNames() []string { return s.env }
