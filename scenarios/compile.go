package scenarios

import (
	"fmt"
	"path/filepath"
	"strings"

	"github.com/racetest/racetest/expressions"
)

// compile turns the decoded file into a Scenario, collecting every
// problem. The order of compiling is the order of running, so that the
// scope says which variables exist at each point.
func compile(src *source, raw *rawScenario) (*Scenario, error) {
	p := &problems{src: src}
	sc := newScope()
	s := &Scenario{File: src.file, Name: raw.Name}
	if s.Name == "" {
		s.Name = strings.TrimSuffix(filepath.Base(src.file), filepath.Ext(src.file))
	}
	s.Line, _ = src.at("race")
	// Vars see the environment but not each other: they have no order.
	vsc := &scope{names: map[string]bool{}, env: sc.env, shorthand: sc.shorthand}
	for _, name := range sortedKeys(raw.Vars) {
		path := "vars." + name
		s.vars = append(s.vars, namedValue{name: name, val: compileValue(p, vsc, path, raw.Vars[name])})
		sc.define(name)
	}
	if raw.Target != "" {
		s.target = compileString(p, sc, "target", raw.Target)
		if s.target != nil && s.target.Static() {
			if err := checkURL(raw.Target, true); err != nil {
				p.at("target", "%v", err)
			}
		}
	}
	// Values are per request: the target and the vars, read once per
	// run, cannot use them.
	s.values, s.valuesEnv = compileValues(p, raw.Values)
	sc.values = map[string]bool{}
	for name := range s.values {
		sc.values[name] = true
	}
	for name := range s.valuesEnv {
		sc.values[name] = true
	}
	s.Setup = compileSteps(p, sc, "setup", raw.Setup)
	if raw.Race == nil {
		line, col := src.at("version")
		p.add("race", line, col, "missing required field race; a scenario needs a race with a request and its checks (see docs/scenarios.md)")
	} else {
		s.Race = compileRace(p, sc, raw.Race)
	}
	s.After = compileSteps(p, sc, "after", raw.After)
	s.Teardown = compileSteps(p, sc, "teardown", raw.Teardown)
	s.env, s.shorthand = sortedKeys(sc.env), sortedKeys(sc.shorthand)
	if err := p.err(); err != nil {
		return nil, err
	}
	s.markCaptured()
	return s, nil
}

func compileSteps(p *problems, sc *scope, phase string, raws []rawStep) []*Step {
	steps := make([]*Step, 0, len(raws))
	for i := range raws {
		steps = append(steps, compileStep(p, sc, fmt.Sprintf("%s[%d]", phase, i), phase, &raws[i]))
	}
	return steps
}

// compileStep compiles a step. Its captures see the vars before the step;
// its checks see its captures too, as they are taken first.
func compileStep(p *problems, sc *scope, path, phase string, rs *rawStep) *Step {
	st := &Step{Name: rs.Name, Path: path, Once: rs.Once}
	if rs.Once && phase != "setup" {
		p.at(path+".once", "once: applies to setup steps only; remove it")
	}
	if rs.Request == nil {
		p.at(path, "missing required field request; a step is a request with an optional capture and expect")
		st.Request = &RequestTemplate{URL: &expressions.Template{}}
	} else {
		st.Request = compileRequest(p, sc, path+".request", rs.Request)
		staticBodySize(p, st.Request)
	}
	for _, name := range sortedKeys(rs.Capture) {
		cpath := path + ".capture." + name
		if !expressions.IsName(name) {
			p.at(cpath, "capture name %q must be a name such as before or user_id, to be used as vars.%s", name, name)
			continue
		}
		csrc := rs.Capture[name]
		c, err := expressions.CompileCapture(name, csrc)
		if err != nil {
			p.exprFailed(cpath, csrc, err)
			continue
		}
		sc.check(p, cpath, csrc, csrc, 0)
		st.Captures = append(st.Captures, c)
	}
	for _, c := range st.Captures {
		sc.define(c.Name)
	}
	for i, src := range rs.Expect {
		if c := compileCheckAt(p, sc, fmt.Sprintf("%s.expect[%d]", path, i), src, expressions.CompileStepCheck); c != nil {
			st.Expect = append(st.Expect, c)
		}
	}
	return st
}

// compileCheckAt compiles one check of the file and checks its references.
func compileCheckAt(p *problems, sc *scope, path, src string, compile func(string) (*expressions.Check, error)) *expressions.Check {
	c, err := compile(src)
	if err != nil {
		p.exprFailed(path, src, err)
		return nil
	}
	sc.check(p, path, src, src, 0)
	return c
}

// compileString compiles a template field and checks its references.
func compileString(p *problems, sc *scope, path, s string) *expressions.Template {
	t, err := expressions.CompileTemplate(s)
	if err != nil {
		p.exprFailed(path, s, err)
		return nil
	}
	sc.checkTemplate(p, path, t)
	return t
}
