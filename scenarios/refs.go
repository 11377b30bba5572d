package scenarios

import (
	"fmt"
	"slices"
	"strings"

	"github.com/racetest/racetest/expressions"

	"github.com/expr-lang/expr/ast"
	"github.com/expr-lang/expr/parser"
)

// ref is a constant member access on a root name, such as vars.before or
// env["HOME"]: the name and the rune offset of it in the expression.
type ref struct {
	name string
	at   int
}

// memberRefs finds every root.name in src. Dynamic accesses (vars[k])
// cannot be known before the run and are left out.
func memberRefs(src, root string) []ref {
	tree, err := parser.Parse(src)
	if err != nil {
		return nil // the compile has already said what is wrong
	}
	v := &refVisitor{root: root}
	ast.Walk(&tree.Node, v)
	return v.refs
}

type refVisitor struct {
	root string
	refs []ref
}

func (v *refVisitor) Visit(n *ast.Node) {
	m, ok := (*n).(*ast.MemberNode)
	if !ok {
		return
	}
	id, ok := m.Node.(*ast.IdentifierNode)
	if !ok || id.Value != v.root {
		return
	}
	if p, ok := m.Property.(*ast.StringNode); ok {
		v.refs = append(v.refs, ref{name: p.Value, at: p.Location().From})
	}
}

// scope is the set of variables defined at a point of the scenario: the
// vars, then the captures of every step before it, in order.
type scope struct {
	names map[string]bool
	// env collects every env.NAME and ${NAME} the scenario reads, so that
	// only those are taken from the environment.
	env map[string]bool
	// shorthand collects the ${NAME}s, which must be set before a run.
	shorthand map[string]bool
	// values are the per-request values defined; nil where none may be
	// used (the target, the vars).
	values map[string]bool
}

func newScope() *scope {
	return &scope{names: map[string]bool{}, env: map[string]bool{}, shorthand: map[string]bool{}}
}

func (s *scope) define(name string) { s.names[name] = true }

// check reports every vars.x in src, at rune offset base of value, that is
// not defined, and records env references.
func (s *scope) check(p *problems, path, value, src string, base int) {
	for _, r := range memberRefs(src, "env") {
		s.env[r.name] = true
	}
	for _, r := range memberRefs(src, "vars") {
		if s.names[r.name] {
			continue
		}
		p.expr(path, value, expressions.ErrorAt(value, base+r.at, s.undefined(r.name)))
	}
	s.checkValueRefs(p, path, value, src, base)
}

// undefined words the error for vars.name with what is defined.
func (s *scope) undefined(name string) string {
	msg := fmt.Sprintf("undefined variable vars.%s: declare it under vars: or capture it in an earlier step", name)
	known := make([]string, 0, len(s.names))
	for n := range s.names {
		known = append(known, n)
	}
	slices.Sort(known)
	if c := Closest(name, known); c != "" {
		msg = fmt.Sprintf("undefined variable vars.%s; did you mean vars.%s?", name, c)
	}
	if len(known) > 0 {
		msg += " (defined here: " + strings.Join(known, ", ") + ")"
	}
	return msg
}

// checkTemplate checks every expression of t and records its ${NAME}s.
func (s *scope) checkTemplate(p *problems, path string, t *expressions.Template) {
	for _, name := range t.Shorthands() {
		s.env[name] = true
		s.shorthand[name] = true
	}
	for _, sp := range t.Spans() {
		s.check(p, path, t.Source, sp.Source, sp.At)
	}
}
