package report

import (
	"github.com/racetest/racetest/expressions"
)

// Scopes of a check.
const (
	ScopeBurst = "burst"
	ScopeAfter = "after"
)

// Checks turns checks judged by expressions.Judge into report checks of the
// given scope.
func Checks(cs []expressions.CheckResult, scope string) []Check {
	out := make([]Check, len(cs))
	for i, c := range cs {
		out[i] = Check{Expr: c.Check.Source, Scope: scope, Pass: c.Pass, Seen: c.Seen}
		if c.Err != nil {
			out[i].Error = c.Err.Error()
		}
	}
	return out
}
