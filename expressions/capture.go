package expressions

import (
	"github.com/expr-lang/expr"
)

// Capture is a value taken from a step's response into vars: an expression
// over a StepEnv, compiled once.
type Capture struct {
	Name   string
	Source string
	prog   *program
}

// CompileCapture compiles the capture name: src. A compile error is an
// *ExprError.
func CompileCapture(name, src string) (*Capture, error) {
	prog, err := compileBudgeted(src, expr.Env(StepEnv{}))
	if err != nil {
		return nil, exprError(src, err)
	}
	return &Capture{Name: name, Source: src, prog: prog}, nil
}

// Run evaluates the capture on env. A run-time error is an *ExprError.
func (c *Capture) Run(env StepEnv) (any, error) {
	v, err := c.prog.run(env)
	if err != nil {
		return nil, exprError(c.Source, err)
	}
	return v, nil
}
