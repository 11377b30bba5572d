package scenarios

import (
	"errors"
	"fmt"
	"slices"
	"strings"
)

// EnvNeeded lists, sorted, every environment variable a run of the
// scenario must find set: the ${NAME}s of its requests and the values:
// lists written "${NAME}" (as racetest import and probe --emit write
// secrets). {{ env.NAME }} is not among them: it may be empty, or have a
// default.
func (s *Scenario) EnvNeeded() []string {
	names := slices.Clone(s.shorthand)
	for _, env := range s.valuesEnv {
		names = append(names, env)
	}
	slices.Sort(names)
	return slices.Compact(names)
}

// UnsetEnv lists, sorted, the variables of EnvNeeded that getenv does
// not give (or gives empty).
func (s *Scenario) UnsetEnv(getenv func(string) string) []string {
	var out []string
	for _, name := range s.EnvNeeded() {
		if getenv == nil || getenv(name) == "" {
			out = append(out, name)
		}
	}
	return out
}

// missingEnv is the error of a run that needs variables the environment
// does not set, naming all of them at once so that one retry is enough;
// nil when every one is set. A values: list that --values gives is not
// read from the environment, so it is not needed then.
func (s *Scenario) missingEnv(o RunOptions) error {
	unset := func(name string) bool { return o.Getenv == nil || o.Getenv(name) == "" }
	type need struct{ env, list string } // list: the values: key, or ""
	var missing []need
	for _, name := range s.shorthand {
		if unset(name) {
			missing = append(missing, need{env: name})
		}
	}
	for _, k := range sortedKeys(s.valuesEnv) {
		if _, given := o.Values[k]; !given && unset(s.valuesEnv[k]) {
			missing = append(missing, need{env: s.valuesEnv[k], list: k})
		}
	}
	switch {
	case len(missing) == 0:
		return nil
	case len(missing) == 1 && missing[0].list == "":
		return s.runError("", fmt.Errorf("${%s}: environment variable %s is not set; export it before the run", missing[0].env, missing[0].env))
	case len(missing) == 1:
		m := missing[0]
		return s.runError("values."+m.list, fmt.Errorf("${%s}: environment variable %s is not set; export it with one value per line, or pass --values %s=FILE", m.env, m.env, m.list))
	}
	var refs, names, lists []string
	for _, m := range missing {
		if !slices.Contains(names, m.env) {
			refs, names = append(refs, "${"+m.env+"}"), append(names, m.env)
		}
		if m.list != "" {
			lists = append(lists, fmt.Sprintf("%s is values.%s, one value per line, or pass --values %s=FILE", m.env, m.list, m.list))
		}
	}
	msg := fmt.Sprintf("%s: environment variables %s are not set; export them before the run", strings.Join(refs, ", "), strings.Join(names, ", "))
	if len(lists) > 0 {
		msg += " (" + strings.Join(lists, "; ") + ")"
	}
	return s.runError("", errors.New(msg))
}
