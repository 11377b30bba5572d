package scenarios

import (
	"fmt"

	"github.com/racetest/racetest/expressions"
)

// Per-request values: values: in a file, --values NAME=FILE on the command
// line. The request at index i of a burst sees entry i modulo the length
// of each list as {{ values.NAME }}; a step sees the first entry. Every
// value is a secret: reports mask it unless secrets are shown.

// compileValues checks the values: of a file: names usable as
// values.NAME, and lists of one or more scalars, kept as strings.
func compileValues(p *problems, raw map[string][]any) map[string][]string {
	out := map[string][]string{}
	for _, name := range sortedKeys(raw) {
		path := "values." + name
		if !identRE.MatchString(name) {
			p.at(path, "values name %q must be a name such as token or coupon, to be used as values.%s", name, name)
			continue
		}
		list := raw[name]
		if len(list) == 0 {
			p.at(path, "the list is empty: give one value per request, such as [tok-1, tok-2]")
			continue
		}
		vs := make([]string, 0, len(list))
		for i, v := range list {
			switch x := v.(type) {
			case string, bool, int, int64, uint64, float64:
				vs = append(vs, fmt.Sprint(x))
			default:
				p.at(fmt.Sprintf("%s[%d]", path, i), "a value is a string or a number, not a %T; one value per request", v)
			}
		}
		out[name] = vs
	}
	return out
}

// checkValueRefs reports every values.x in src, at rune offset base of
// value, that the scope does not define.
func (s *scope) checkValueRefs(p *problems, path, value, src string, base int) {
	for _, r := range memberRefs(src, "values") {
		if s.values[r.name] {
			continue
		}
		msg := fmt.Sprintf("undefined values.%s: declare it under values: (a list, one entry per request) or pass --values %s=FILE", r.name, r.name)
		if s.values == nil {
			msg = fmt.Sprintf("values.%s is per request: use it in a request's url, headers or body, not here", r.name)
		} else if c := closest(r.name, sortedKeys(s.values)); c != "" {
			msg = fmt.Sprintf("undefined values.%s; did you mean values.%s?", r.name, c)
		}
		p.expr(path, value, expressions.ErrorAt(value, base+r.at, msg))
	}
}

// DeclaresValues tells whether the scenario has values: of that name, for
// --values.
func (s *Scenario) DeclaresValues(name string) bool {
	_, ok := s.values[name]
	return ok
}

// missingValues says which {{ values.NAME }} of the scenario's requests
// neither the file nor o gives, for a scenario built from the command
// line (a file's are checked when it is loaded).
func (s *Scenario) missingValues(o RunOptions) error {
	for _, rt := range s.requests() {
		ts := []*expressions.Template{rt.URL, rt.Body}
		for _, h := range rt.Headers {
			ts = append(ts, h.Value)
		}
		for _, t := range ts {
			if t == nil {
				continue
			}
			for _, sp := range t.Spans() {
				for _, r := range memberRefs(sp.Source, "values") {
					if _, ok := s.values[r.name]; ok {
						continue
					}
					if _, ok := o.Values[r.name]; !ok {
						return fmt.Errorf("{{ values.%s }} in %s: no values named %s; pass --values %s=FILE, one value per line", r.name, rt.Path, r.name, r.name)
					}
				}
			}
		}
	}
	return nil
}

// runValues is the file's values with o's in their place.
func runValues(s *Scenario, o RunOptions) map[string][]string {
	out := make(map[string][]string, len(s.values)+len(o.Values))
	for k, v := range s.values {
		out[k] = v
	}
	for k, v := range o.Values {
		out[k] = v
	}
	return out
}

// valuesAt is what {{ values.NAME }} gives the request at index: entry
// index modulo the length of each list. nil when there are no values.
func valuesAt(values map[string][]string, index int) map[string]any {
	if len(values) == 0 {
		return nil
	}
	out := make(map[string]any, len(values))
	for k, v := range values {
		out[k] = v[index%len(v)]
	}
	return out
}

// SecretValues lists every per-request value of the run, for reports to
// mask.
func (r *Result) SecretValues() []string { return flatValues(r.Values) }

// SecretValues lists the values: of the file, for outputs that mask them
// before a run has a Result.
func (s *Scenario) SecretValues() []string { return flatValues(s.values) }

func flatValues(values map[string][]string) []string {
	var out []string
	for _, name := range sortedKeys(values) {
		out = append(out, values[name]...)
	}
	return out
}
