package expressions

import (
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/expr-lang/expr"
	"github.com/expr-lang/expr/ast"
	"github.com/expr-lang/expr/file"
	"github.com/expr-lang/expr/vm"
)

// Budgets of one evaluation of a check, capture or template expression.
// expr's own VM budget counts only what ranges, arrays and maps hold; a
// string it builds (repeat, +) is allocated before it is counted, so
// len(repeat(repeat("a",999999),999999)) > 0 asked the Go runtime for a
// terabyte and killed the process. And its VM cannot be stopped from
// outside: six nested all() over 40 responses ran for minutes.
const (
	// EvalTimeBudget is how long one evaluation may run.
	EvalTimeBudget = 2 * time.Second
	// EvalMemoryBudget is how many bytes of strings, and list and map
	// slots, one evaluation may build in all.
	EvalMemoryBudget = 64 << 20
	// exprMemoryBudget is expr's VM budget, in elements of the ranges,
	// arrays and maps it makes: its default, written down here.
	exprMemoryBudget = 1_000_000
)

// errBudget is wrapped by every budget failure.
var errBudget = errors.New("evaluation budget exceeded")

// budget is the state of one evaluation, read by the functions the
// budget patch calls from inside the expression.
type budget struct {
	deadline time.Time
	left     int64 // bytes
	steps    uint
}

// charge counts what v holds against the budget and, every so often, the
// clock. It returns true, so that the patch can use it as a condition.
func (b *budget) charge(v any) (bool, error) {
	switch x := v.(type) {
	case string:
		b.left -= int64(len(x))
	case []any:
		b.left -= 16 * int64(len(x))
	case map[string]any:
		b.left -= 64 * int64(len(x))
	}
	if b.left < 0 {
		return false, fmt.Errorf("%w: the expression built more than %d MiB of strings and lists", errBudget, EvalMemoryBudget>>20)
	}
	if b.steps++; b.steps%256 == 0 && time.Now().After(b.deadline) {
		return false, fmt.Errorf("%w: the expression ran for more than %v", errBudget, EvalTimeBudget)
	}
	return true, nil
}

// repeat is expr's repeat with the size checked before the string is made.
func (b *budget) repeat(s string, n int) (string, error) {
	if n < 0 {
		return "", fmt.Errorf("invalid argument for repeat (expected positive integer, got %d)", n)
	}
	if len(s) > 0 && int64(n) > b.left/int64(len(s)) {
		return "", fmt.Errorf("%w: repeat would make %s bytes, more than the %d MiB an expression may build", errBudget, bigProduct(len(s), n), EvalMemoryBudget>>20)
	}
	out := strings.Repeat(s, n)
	_, err := b.charge(out)
	return out, err
}

// bigProduct writes a*b without overflow.
func bigProduct(a, b int) string {
	if b != 0 && a > (1<<62)/b {
		return fmt.Sprintf("about %.3g", float64(a)*float64(b))
	}
	return fmt.Sprint(a * b)
}

// budgetName is the function the patch calls; budgetVar holds a value
// while it is charged. Neither can be written in an expression (names
// start with a letter), so they cannot clash.
const (
	budgetName = "$racetest_charge"
	budgetVar  = "$racetest_v"
)

// program is a compiled expression with its budget. Evaluations of one
// program take turns, since they share the budget the compiled functions
// point to.
type program struct {
	mu   sync.Mutex
	prog *vm.Program
	b    *budget
}

// compileBudgeted compiles src with opts and the budget: repeat checked
// before it allocates, and every closure step and + charged. A repeat
// whose size is known from the source and over the budget is a compile
// error.
func compileBudgeted(src string, opts ...expr.Option) (*program, error) {
	b := &budget{}
	p := &budgetPatch{}
	opts = append(opts,
		expr.Function("repeat", func(args ...any) (any, error) {
			return b.repeat(args[0].(string), args[1].(int))
		}, new(func(string, int) string)),
		expr.Function(budgetName, func(args ...any) (any, error) { return b.charge(args[0]) }, new(func(any) bool)),
		expr.Patch(p),
	)
	prog, err := expr.Compile(src, opts...)
	if err == nil && p.err != nil {
		err = p.err
	}
	if err != nil {
		return nil, err
	}
	return &program{prog: prog, b: b}, nil
}

// run evaluates the program against env within the budgets.
func (p *program) run(env any) (any, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.b.deadline = time.Now().Add(EvalTimeBudget)
	p.b.left = EvalMemoryBudget
	p.b.steps = 0
	m := vm.VM{MemoryBudget: exprMemoryBudget}
	return m.Run(p.prog, env)
}

// budgetPatch rewrites the tree so that the budget sees every value a
// closure step or a + makes: x becomes
//
//	let $racetest_v = x; $racetest_charge($racetest_v) ? $racetest_v : $racetest_v
//
// which has x's type, so that type checks are unchanged. It also finds a
// repeat over the budget from constants alone.
type budgetPatch struct{ err error }

func (p *budgetPatch) Visit(node *ast.Node) {
	switch n := (*node).(type) {
	case *ast.PredicateNode:
		n.Node = charged(n.Node)
	case *ast.BinaryNode:
		if n.Operator == "+" {
			*node = charged(n)
		}
	case *ast.CallNode:
		if id, ok := n.Callee.(*ast.IdentifierNode); ok && id.Value == "repeat" && len(n.Arguments) == 2 && p.err == nil {
			if size, ok := staticLen(n); ok && size > EvalMemoryBudget {
				p.err = &file.Error{Location: n.Location(), Message: fmt.Sprintf("repeat would make %s bytes, more than the %d MiB an expression may build", fmtSize(size), EvalMemoryBudget>>20)}
			}
		}
	}
}

// charged wraps n as budgetPatch describes.
func charged(n ast.Node) ast.Node {
	v := func() ast.Node {
		id := &ast.IdentifierNode{Value: budgetVar}
		id.SetLocation(n.Location())
		return id
	}
	call := &ast.CallNode{Callee: &ast.IdentifierNode{Value: budgetName}, Arguments: []ast.Node{v()}}
	call.Callee.SetLocation(n.Location())
	call.SetLocation(n.Location())
	cond := &ast.ConditionalNode{Cond: call, Exp1: v(), Exp2: v()}
	cond.SetLocation(n.Location())
	decl := &ast.VariableDeclaratorNode{Name: budgetVar, Value: n, Expr: cond}
	decl.SetLocation(n.Location())
	return decl
}

// staticLen is the length of the string n makes when the source alone
// says: a literal, a + of known strings, a repeat of one by a constant.
// Sizes saturate rather than overflow.
func staticLen(n ast.Node) (float64, bool) {
	switch n := n.(type) {
	case *ast.StringNode:
		return float64(len(n.Value)), true
	case *ast.BinaryNode:
		if n.Operator != "+" {
			return 0, false
		}
		a, ok1 := staticLen(n.Left)
		b, ok2 := staticLen(n.Right)
		return a + b, ok1 && ok2
	case *ast.VariableDeclaratorNode: // a + already charged
		if n.Name == budgetVar {
			return staticLen(n.Value)
		}
	case *ast.CallNode:
		id, ok := n.Callee.(*ast.IdentifierNode)
		if !ok || id.Value != "repeat" || len(n.Arguments) != 2 {
			return 0, false
		}
		count, ok := n.Arguments[1].(*ast.IntegerNode)
		if !ok {
			return 0, false
		}
		s, ok := staticLen(n.Arguments[0])
		return s * float64(count.Value), ok
	}
	return 0, false
}

func fmtSize(f float64) string {
	if f < 1e15 {
		return fmt.Sprintf("%.0f", f)
	}
	return fmt.Sprintf("%.3g", f)
}
