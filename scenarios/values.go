package scenarios

import (
	"fmt"
	"strings"

	"github.com/racetest/racetest/expressions"
)

// Per-request values: values: in a file, --values NAME=FILE on the command
// line. The request at index i of a burst sees entry i modulo the length
// of each list as {{ values.NAME }}; a step sees the first entry. Every
// value is a secret: reports mask it unless secrets are shown.

// compileValues checks the values: of a file: names usable as
// values.NAME, each a list of one or more scalars, kept as strings, or
// "${NAME}": the environment variable NAME holds the list, one value per
// line (what racetest probe --emit writes, so that the values themselves,
// secrets, stay out of the file). The second map holds those.
func compileValues(p *problems, raw map[string]any) (map[string][]string, map[string]string) {
	out, fromEnv := map[string][]string{}, map[string]string{}
	for _, name := range sortedKeys(raw) {
		path := "values." + name
		if !expressions.IsName(name) {
			p.at(path, "values name %q must be a name such as token or coupon, to be used as values.%s", name, name)
			continue
		}
		list, ok := raw[name].([]any)
		if !ok {
			if env := envList(raw[name]); env != "" {
				fromEnv[name] = env
			} else {
				p.at(path, "values.%s is a list, one value per request, such as [tok-1, tok-2], or \"${NAME}\": an environment variable with one value per line", name)
			}
			continue
		}
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
	return out, fromEnv
}

// envList is NAME when v is the string "${NAME}", else "".
func envList(v any) string {
	s, _ := v.(string)
	env, ok := strings.CutPrefix(s, "${")
	env, closed := strings.CutSuffix(env, "}")
	if !ok || !closed || !expressions.IsName(env) {
		return ""
	}
	return env
}

// ValuesError is a list of values, one per line, that has none (Line 0)
// or a blank line (Line, from 1).
type ValuesError struct{ Line int }

func (e *ValuesError) Error() string {
	if e.Line == 0 {
		return "no values; put one value per line"
	}
	return fmt.Sprintf("line %d is empty; put one value per line, with no blank lines", e.Line)
}

// SplitValues reads values written one per line, as in a --values file or
// a values: environment variable: CRLF taken as LF, a final newline
// ending the last line rather than adding an empty value. An empty line
// elsewhere is a *ValuesError: it is more often a mistake than an empty
// token. More lines than MaxN are an error.
func SplitValues(text string) ([]string, error) {
	text = strings.TrimSuffix(strings.ReplaceAll(text, "\r\n", "\n"), "\n")
	if text == "" {
		return nil, &ValuesError{}
	}
	// Request i of a burst gets line i: lines past the largest burst
	// would never be sent, and each costs memory and a secret to mask
	// (16 MiB of one-byte lines took 311 MB).
	if n := strings.Count(text, "\n") + 1; n > MaxN {
		return nil, fmt.Errorf("%d lines, more than the %d requests a burst may have; request i gets line i, so keep the first %d", n, MaxN, MaxN)
	}
	lines := strings.Split(text, "\n")
	for i, l := range lines {
		if l == "" {
			return nil, &ValuesError{Line: i + 1}
		}
	}
	return lines, nil
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
		} else if c := Closest(r.name, sortedKeys(s.values)); c != "" {
			msg = fmt.Sprintf("undefined values.%s; did you mean values.%s?", r.name, c)
		}
		p.expr(path, value, expressions.ErrorAt(value, base+r.at, msg))
	}
}

// DeclaresValues tells whether the scenario has values: of that name, for
// --values.
func (s *Scenario) DeclaresValues(name string) bool {
	_, ok := s.values[name]
	_, env := s.valuesEnv[name]
	return ok || env
}

// valueRef is a {{ values.NAME }} in a request, and where.
type valueRef struct{ name, path string }

// valueRefs lists the {{ values.NAME }} of the scenario's requests.
func (s *Scenario) valueRefs() []valueRef {
	var out []valueRef
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
					out = append(out, valueRef{r.name, rt.Path})
				}
			}
		}
	}
	return out
}

// UsesValues tells whether a request of the scenario uses
// {{ values.NAME }}, so that a --values nothing uses can be refused.
func (s *Scenario) UsesValues(name string) bool {
	for _, r := range s.valueRefs() {
		if r.name == name {
			return true
		}
	}
	return false
}

// missingValues says which {{ values.NAME }} of the scenario's requests
// neither the file nor o gives, for a scenario built from the command
// line (a file's are checked when it is loaded).
func (s *Scenario) missingValues(o RunOptions) error {
	for _, r := range s.valueRefs() {
		if s.DeclaresValues(r.name) {
			continue
		}
		if _, ok := o.Values[r.name]; !ok {
			return fmt.Errorf("{{ values.%s }} in %s: no values named %s; pass --values %s=FILE, one value per line", r.name, r.path, r.name, r.name)
		}
	}
	return nil
}

// runValues is the file's values with o's in their place; a list the
// file gives as "${NAME}" is read from the environment unless o gives it.
func (s *Scenario) runValues(o RunOptions) (map[string][]string, error) {
	out := make(map[string][]string, len(s.values)+len(s.valuesEnv)+len(o.Values))
	for k, v := range s.values {
		out[k] = v
	}
	for _, k := range sortedKeys(s.valuesEnv) {
		if _, ok := o.Values[k]; ok {
			continue
		}
		env := s.valuesEnv[k]
		var text string
		if o.Getenv != nil {
			text = o.Getenv(env)
		}
		if text == "" {
			// preflight has said so already; this is its message.
			return nil, s.missingEnv(o)
		}
		vs, err := SplitValues(text)
		if err != nil {
			return nil, s.runError("values."+k, fmt.Errorf("${%s}: %w", env, err))
		}
		out[k] = vs
	}
	for k, v := range o.Values {
		out[k] = v
	}
	return out, nil
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

func flatValues(values map[string][]string) []string {
	var out []string
	for _, name := range sortedKeys(values) {
		out = append(out, values[name]...)
	}
	return out
}
