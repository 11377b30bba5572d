package scenarios

import (
	"errors"
	"fmt"
	"strings"

	"github.com/racetest/racetest/expressions"
	"github.com/racetest/racetest/runner"
)

// Headers that HTTP cannot carry (runner.CheckHeader) are refused before
// their request is sent, and where the bad bytes come from decides the exit
// code: from the user's own input (the file, vars, --var, the environment)
// it is a LoadError, found before any request of the run; from a value
// captured from a response it is found when the request is built, and
// that request (for the race: the whole burst) is not sent, a runtime
// fault like anything else a server does.

// headerProblem is what is wrong with a header, without its name: the
// field path of the message names it.
func headerProblem(err error) string {
	var he *runner.HeaderError
	if errors.As(err, &he) {
		return he.Problem()
	}
	return err.Error()
}

// compileHeader checks a header of the file: its name, and its value when
// it has no template. It returns false when the header cannot be sent.
func compileHeader(p *problems, hpath, name, value string) bool {
	if name == "" || strings.ContainsAny(name, " \t\r\n:") {
		p.at(hpath, "header name %q has a space or a colon; write Name: value", name)
		return false
	}
	if err := runner.CheckHeader(name, ""); err != nil {
		p.at(hpath, "%s", headerProblem(err))
		return false
	}
	if !strings.Contains(value, "{{") && !strings.Contains(value, "${") {
		if err := runner.CheckHeader(name, value); err != nil {
			p.at(hpath, "%s", headerProblem(err))
			return false
		}
	}
	return true
}

// headerAt is where a header is in the file, as a LoadError without a
// message: the message is known only when its value is expanded.
func headerAt(p *problems, hpath string) *LoadError {
	q := &problems{src: p.src}
	q.at(hpath, "")
	return q.errs[0]
}

// markCaptured records, on every header, the captured vars its value
// reads: such a value comes from a response.
func (s *Scenario) markCaptured() {
	captured := map[string]bool{}
	for _, st := range s.steps() {
		for _, c := range st.Captures {
			captured[c.Name] = true
		}
	}
	for _, rt := range s.requests() {
		for i := range rt.Headers {
			h := &rt.Headers[i]
			for _, sp := range h.Value.Spans() {
				for _, r := range memberRefs(sp.Source, "vars") {
					if captured[r.name] {
						h.captured = append(h.captured, "vars."+r.name)
					}
				}
			}
		}
	}
}

// steps lists every step of the scenario in the order they run.
func (s *Scenario) steps() []*Step {
	var all []*Step
	return append(append(append(all, s.Setup...), s.After...), s.Teardown...)
}

// requests lists every request template of the scenario.
func (s *Scenario) requests() []*RequestTemplate {
	var out []*RequestTemplate
	for _, st := range s.steps() {
		out = append(out, st.Request)
	}
	if s.Race != nil {
		for _, g := range s.Race.Groups {
			out = append(out, g.Request)
		}
	}
	return out
}

// checkHeaders expands, before anything is sent, every header whose value
// does not read a captured var, as round 1 will (each index of the race),
// and refuses one that HTTP cannot carry. Values that do not expand here
// (a template error) are left to the run, which says what is wrong.
func (r *run) checkHeaders() error {
	for _, st := range r.s.steps() {
		if err := r.checkRequestHeaders(st.Request, 0, 1); err != nil {
			return err
		}
	}
	if r.s.Race == nil {
		return nil
	}
	index := 0
	for _, g := range r.s.Race.Groups {
		// A value that does not read index is the same for the whole
		// group: one expansion stands for a burst of up to 100,000.
		n := 1
		if readsIndex(g.Request) {
			n = g.Count
		}
		for i := range n {
			if err := r.checkRequestHeaders(g.Request, index+i, 1); err != nil {
				return err
			}
		}
		index += g.Count
	}
	return nil
}

// readsIndex tells whether a header of rt may read the request's index,
// or a per-request value, which depends on it. It looks at the text only:
// a false yes costs time, not correctness.
func readsIndex(rt *RequestTemplate) bool {
	for _, h := range rt.Headers {
		for _, sp := range h.Value.Spans() {
			if strings.Contains(sp.Source, "index") || strings.Contains(sp.Source, "values") {
				return true
			}
		}
	}
	return false
}

func (r *run) checkRequestHeaders(rt *RequestTemplate, index, round int) error {
	env := &expressions.TemplateEnv{Vars: r.vars, Env: r.tenv, Values: valuesAt(r.values, index), Index: index, Round: round}
	for _, h := range rt.Headers {
		if len(h.captured) > 0 {
			continue // checked when the request is built
		}
		v, err := h.Value.Render(env)
		if err != nil {
			continue
		}
		if err := runner.CheckHeader(h.Name, v); err != nil {
			e := LoadError{File: r.s.File, Field: rt.Path + ".headers." + h.Name}
			if h.at != nil {
				e = *h.at
			}
			e.Msg = headerProblem(err) + " (once its templates are expanded); nothing was sent"
			return &e
		}
	}
	return nil
}

// headerValue expands a header of a request being built and refuses one
// that cannot be sent. A value read from a captured var came from a
// response: the message says which, and the run stops with a runtime
// error, not a usage error.
func headerValue(rt *RequestTemplate, h *Header, env *expressions.TemplateEnv) (string, error) {
	v, err := h.Value.Render(env)
	if err != nil {
		return "", fmt.Errorf("%s.headers.%s: %w", rt.Path, h.Name, err)
	}
	if err := runner.CheckHeader(h.Name, v); err != nil {
		return "", &UnsendableHeaderError{Field: rt.Path + ".headers." + h.Name, Err: err, Captured: h.captured}
	}
	return v, nil
}

// UnsendableHeaderError is a header, expanded during a run, that HTTP
// cannot carry; its request (for the race: the whole burst) is not sent.
type UnsendableHeaderError struct {
	Field string // such as race.request.headers.X-Token
	Err   error  // a *runner.HeaderError
	// Captured lists the captured vars the value reads, such as
	// vars.token: then the bytes came from a response.
	Captured []string
}

func (e *UnsendableHeaderError) Error() string {
	var he *runner.HeaderError
	if len(e.Captured) == 0 || !errors.As(e.Err, &he) {
		return fmt.Sprintf("%s: %s", e.Field, headerProblem(e.Err))
	}
	return fmt.Sprintf("%s: %s; it was captured from a response (%s)", e.Field, he.Fault(), strings.Join(e.Captured, ", "))
}

func (e *UnsendableHeaderError) Unwrap() error { return e.Err }
