package expressions

import (
	"encoding/json"
	"fmt"
	"math"
	"strconv"
	"unicode/utf8"

	"github.com/expr-lang/expr/ast"
	"github.com/expr-lang/expr/parser"
)

// comparison is a check whose root is a comparison, with each side
// compiled on its own so that a failure can say what each came to.
type comparison struct {
	op          string
	left, right side
	// want is set when the right side is a literal: the failure then reads
	// "count(status == 200) = 23, want == 1".
	want bool
}

type side struct {
	src  string
	prog *program
}

// flipped turns a comparison around, for a literal on the left; ok is
// false for an operator that is not a comparison.
func flipped(op string) (string, bool) {
	switch op {
	case "==", "!=":
		return op, true
	case "<":
		return ">", true
	case "<=":
		return ">=", true
	case ">":
		return "<", true
	case ">=":
		return "<=", true
	}
	return "", false
}

// compileComparison gives nil, nil when src is not a comparison at its
// root. The sides are taken from the parsed tree before the count
// shorthand applies, so they read as the user wrote them.
func compileComparison(src string, kind envKind) (*comparison, error) {
	tree, err := parser.Parse(src)
	if err != nil {
		return nil, err
	}
	b, ok := tree.Node.(*ast.BinaryNode)
	if !ok {
		return nil, nil
	}
	op, ok := flipped(b.Operator)
	if !ok {
		return nil, nil
	}
	left, right := b.Left, b.Right
	if isLiteral(left) && !isLiteral(right) {
		left, right = right, left
	} else {
		op = b.Operator
	}
	c := &comparison{op: op, want: isLiteral(right)}
	for _, s := range []struct {
		node ast.Node
		to   *side
	}{{left, &c.left}, {right, &c.right}} {
		s.to.src = s.node.String()
		s.to.prog, err = compileBudgeted(s.to.src, kind.options()...)
		if err != nil {
			return nil, err
		}
	}
	return c, nil
}

// isLiteral tells whether n is a constant as written: a number, string,
// bool, nil, a negated number or an array of those.
func isLiteral(n ast.Node) bool {
	switch n := n.(type) {
	case *ast.IntegerNode, *ast.FloatNode, *ast.StringNode, *ast.BoolNode, *ast.NilNode:
		return true
	case *ast.UnaryNode:
		return (n.Operator == "-" || n.Operator == "+") && isLiteral(n.Node)
	case *ast.ArrayNode:
		for _, e := range n.Nodes {
			if !isLiteral(e) {
				return false
			}
		}
		return true
	}
	return false
}

// seen evaluates both sides against env for the failure message. When
// two computed numbers should have been equal it also says by how much
// they differ, which is what a lost update or a double payment comes to:
// "json.points = 3000, vars.before + 100 = 100 (off by +2900)".
func (c *comparison) seen(env any) string {
	lv, lerr := c.left.run(env)
	l := c.left.format(lv, lerr)
	if c.want {
		return fmt.Sprintf("%s = %s, want %s %s", c.left.src, l, c.op, c.right.src)
	}
	rv, rerr := c.right.run(env)
	out := fmt.Sprintf("%s = %s, %s = %s", c.left.src, l, c.right.src, c.right.format(rv, rerr))
	if c.op == "==" && lerr == nil && rerr == nil {
		if a, ok := number(lv); ok {
			if b, ok := number(rv); ok && a != b {
				out += " (off by " + signed(a-b) + ")"
			}
		}
	}
	return out
}

func (s side) run(env any) (any, error) { return s.prog.run(env) }

func (s side) format(v any, err error) string {
	if err != nil {
		return "<" + exprError(s.src, err).Msg + ">"
	}
	return formatValue(v)
}

// number gives v as a float64 when it is a number of any Go type.
func number(v any) (float64, bool) {
	switch x := v.(type) {
	case int:
		return float64(x), true
	case int64:
		return float64(x), true
	case int32:
		return float64(x), true
	case uint64:
		return float64(x), true
	case float64:
		return x, true
	case float32:
		return float64(x), true
	}
	return 0, false
}

func signed(f float64) string {
	if f > 0 {
		return "+" + formatFloat(f)
	}
	return formatFloat(f)
}

// maxValue is how many runes of a value a message shows: a body can be
// megabytes long.
const maxValue = 80

// formatValue writes v compactly: integral numbers without a fraction,
// strings quoted, maps and slices as JSON.
func formatValue(v any) string {
	var s string
	switch x := v.(type) {
	case nil:
		s = "nil"
	case string:
		s = strconv.Quote(x)
	case float64:
		s = formatFloat(x)
	case float32:
		s = formatFloat(float64(x))
	case int, int8, int16, int32, int64, uint, uint8, uint16, uint32, uint64, bool:
		s = fmt.Sprint(x)
	default:
		if b, err := json.Marshal(x); err == nil {
			s = string(b)
		} else {
			s = fmt.Sprintf("%v", x)
		}
	}
	if utf8.RuneCountInString(s) > maxValue {
		r := []rune(s)
		s = string(r[:maxValue-3]) + "..."
	}
	return s
}

func formatFloat(f float64) string {
	if math.Abs(f) < 1e15 {
		return strconv.FormatFloat(f, 'f', -1, 64)
	}
	return strconv.FormatFloat(f, 'g', -1, 64)
}
