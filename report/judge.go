package report

import (
	"github.com/racetest/racetest/scenarios"
)

// Scopes of a check.
const (
	ScopeBurst = "burst"
	ScopeAfter = "after"
)

// Judge evaluates compiled checks against env (a scenarios.BurstEnv or
// StepEnv) and returns them as report checks of the given scope.
func Judge(checks []*scenarios.Check, env any, scope string) []Check {
	out := make([]Check, 0, len(checks))
	for _, c := range checks {
		o := c.Eval(env)
		rc := Check{Expr: c.Source, Scope: scope, Pass: o.Pass, Seen: o.Seen}
		if o.Err != nil {
			rc.Error = o.Err.Error()
		}
		out = append(out, rc)
	}
	return out
}
