package expressions

import (
	"fmt"
	"strings"

	"github.com/expr-lang/expr"
)

// Check is a compiled boolean expression: an invariant over a burst, or a
// condition on one response.
type Check struct {
	// Source is the expression as written.
	Source string

	kind envKind
	prog *program
	// cmp is set when the expression is a comparison, to tell on failure
	// what each side came to.
	cmp *comparison
}

// Outcome is the result of evaluating a check.
type Outcome struct {
	Pass bool
	// Seen says, on failure, what was seen: for a comparison the value of
	// each side ("count(status == 200) = 23, want == 1"), for a runtime
	// error the error, else "false".
	Seen string
	// Err is a runtime evaluation error, such as nil compared with a
	// number. It counts as a failure.
	Err error
}

// envKind tells which environment a check was compiled against.
type envKind int

const (
	burstKind envKind = iota
	stepKind
)

func (k envKind) String() string {
	if k == burstKind {
		return "burst"
	}
	return "step"
}

// options are the compile options of an expression of this kind, without
// the boolean result. Only burst checks get the count shorthand: a step
// sees one response and has no responses to count.
func (k envKind) options() []expr.Option {
	if k == burstKind {
		return []expr.Option{expr.Env(BurstEnv{}), expr.Patch(countShorthand{})}
	}
	return []expr.Option{expr.Env(StepEnv{})}
}

// accept gives env as the struct the check was compiled against.
func (k envKind) accept(env any) (any, error) {
	switch e := env.(type) {
	case BurstEnv:
		if k == burstKind {
			return e, nil
		}
	case *BurstEnv:
		if k == burstKind && e != nil {
			return *e, nil
		}
	case StepEnv:
		if k == stepKind {
			return e, nil
		}
	case *StepEnv:
		if k == stepKind && e != nil {
			return *e, nil
		}
	}
	return nil, fmt.Errorf("%s check evaluated against %T", k, env)
}

// CompileBurstCheck compiles a check over a whole burst, against BurstEnv.
// Inside a one-argument count(...), the names of a response's fields
// (status, headers, body, json, latency, error, index) stand for the
// fields of each response: count(status == 200) == 1.
func CompileBurstCheck(src string) (*Check, error) {
	return compileCheck(src, burstKind)
}

// CompileStepCheck compiles a check on one response, against StepEnv.
func CompileStepCheck(src string) (*Check, error) {
	return compileCheck(src, stepKind)
}

// compileCheck returns an *ExprError for anything wrong with src, so that a
// typo fails at load time, before any request is sent.
func compileCheck(src string, kind envKind) (*Check, error) {
	if strings.TrimSpace(src) == "" {
		return nil, &ExprError{Source: src, Line: 1, Column: 1, Msg: "empty check"}
	}
	if e := utf8Error(src); e != nil {
		return nil, e
	}
	// The first compile only checks that the result is a boolean where
	// the types say so. The program run is compiled without AsBool, which
	// would add a cast whose failure reads "invalid operation:
	// bool(float64)"; Eval says what was wrong instead.
	if _, err := expr.Compile(src, append(kind.options(), expr.AsBool())...); err != nil {
		return nil, compileError(src, kind, err)
	}
	prog, err := compileBudgeted(src, kind.options()...)
	if err != nil {
		return nil, compileError(src, kind, err)
	}
	c := &Check{Source: src, kind: kind, prog: prog}
	c.cmp, err = compileComparison(src, kind)
	if err != nil {
		// The whole expression compiled, so its sides should too; if one
		// does not, the check still works and only Seen is plainer.
		c.cmp = nil
	}
	return c, nil
}

// compileError words expr's compile errors for racetest users.
func compileError(src string, kind envKind, err error) *ExprError {
	e := exprError(src, err)
	// expr.AsBool fails with a plain error that has no position.
	if strings.HasPrefix(e.Msg, "expected bool, but got ") {
		e.Msg = "check must be a boolean expression (got " +
			strings.TrimPrefix(e.Msg, "expected bool, but got ") + ")"
	}
	if name, ok := strings.CutPrefix(e.Msg, "unknown name "); ok && kind == burstKind && responseName(name) {
		e.Msg += fmt.Sprintf(" (a burst has many responses: use count(%s ...) or all(responses, .%s ...))", name, name)
	}
	return e
}

// Eval runs the check against env, a BurstEnv or a StepEnv (or a pointer
// to one) matching how the check was compiled.
func (c *Check) Eval(env any) Outcome {
	e, err := c.kind.accept(env)
	if err != nil {
		return Outcome{Seen: err.Error(), Err: err}
	}
	out, err := c.prog.run(e)
	if err != nil {
		xe := exprError(c.Source, err)
		xe.Msg = nullFieldMsg(xe.Msg)
		return Outcome{Seen: xe.Msg, Err: xe}
	}
	pass, ok := out.(bool)
	if !ok {
		// A dynamic value, such as json.ok, passes the compile-time type
		// check and is only known here.
		err := fmt.Errorf("check must be a boolean expression, got %s", formatValue(out))
		return Outcome{Seen: err.Error(), Err: err}
	}
	if pass {
		return Outcome{Pass: true}
	}
	if c.cmp == nil {
		return Outcome{Seen: "false"}
	}
	return Outcome{Seen: c.cmp.seen(e)}
}

// nullFieldMsg words expr's errors about null: "cannot fetch ok from
// <nil>", which json.ok == true gets when the body is not JSON (an HTML
// error page, a compressed body without --compressed) and json is null,
// and "invalid operation: <nil> >= int", which json.stock >= 0 gets when
// the field is missing.
func nullFieldMsg(msg string) string {
	const why = "a field is missing, or json is null because the body is not JSON"
	if field, ok := strings.CutPrefix(msg, "cannot fetch "); ok {
		if field, ok := strings.CutSuffix(field, " from <nil>"); ok {
			return fmt.Sprintf("cannot read %s of null: %s", field, why)
		}
	}
	if op, ok := strings.CutPrefix(msg, "invalid operation: "); ok && strings.Contains(op, "<nil>") {
		return fmt.Sprintf("invalid operation: %s: %s", strings.ReplaceAll(op, "<nil>", "null"), why)
	}
	return msg
}

// CheckResult is a check and its outcome.
type CheckResult struct {
	Check *Check
	Outcome
}

// Judge evaluates checks against env (a BurstEnv or a StepEnv): the one
// place where fire, scenario races and steps judge their checks.
func Judge(checks []*Check, env any) []CheckResult {
	out := make([]CheckResult, len(checks))
	for i, c := range checks {
		out[i] = CheckResult{Check: c, Outcome: c.Eval(env)}
	}
	return out
}
