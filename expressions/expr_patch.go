package expressions

import (
	"github.com/expr-lang/expr/ast"
)

// responseName tells whether name is a field of Response. Inside the
// one-argument count(P) of a burst check these stand for the fields of
// each response.
func responseName(name string) bool {
	switch name {
	case "index", "status", "headers", "body", "json", "latency", "error":
		return true
	}
	return false
}

// countShorthand rewrites count(P), where P mentions a per-response name,
// into count(responses, P') where each such name in P' is a field of the
// closure element: count(status == 200) becomes
// count(responses, .status == 200).
//
// expr's parser takes count with one argument (it counts the true elements
// of an array), but all, any, none and filter need two, so only count has
// a shorthand.
type countShorthand struct{}

// Visit is called after the node's children have been visited, so a
// count(P) nested in P has already been rewritten when its parent is.
func (countShorthand) Visit(node *ast.Node) {
	b, ok := (*node).(*ast.BuiltinNode)
	if !ok || b.Name != "count" || len(b.Arguments) != 1 {
		return
	}
	p := b.Arguments[0]
	if !liftResponseNames(&p) {
		return
	}
	pred := &ast.PredicateNode{Node: p}
	pred.SetLocation(p.Location())
	responses := &ast.IdentifierNode{Value: "responses"}
	responses.SetLocation(b.Location())
	b.Arguments = []ast.Node{responses, pred}
}

// liftResponseNames replaces the per-response identifiers in *p with
// member accesses on the closure element (#.status) and reports whether it
// replaced any. Identifiers inside nested closures and callee names are
// left alone: there # is another element, or the name is not a value.
func liftResponseNames(p *ast.Node) bool {
	skip := skipSet{}
	ast.Walk(p, &skip)
	l := lifter{skip: skip}
	ast.Walk(p, &l)
	return l.lifted > 0
}

// skipSet collects the identifiers liftResponseNames must not touch.
type skipSet map[*ast.IdentifierNode]bool

func (s skipSet) Visit(node *ast.Node) {
	switch n := (*node).(type) {
	case *ast.PredicateNode:
		ast.Walk(&n.Node, identCollector(s))
	case *ast.CallNode:
		if id, ok := n.Callee.(*ast.IdentifierNode); ok {
			s[id] = true
		}
	}
}

// identCollector adds every identifier it visits to the set.
type identCollector skipSet

func (c identCollector) Visit(node *ast.Node) {
	if id, ok := (*node).(*ast.IdentifierNode); ok {
		c[id] = true
	}
}

type lifter struct {
	skip   skipSet
	lifted int
}

func (l *lifter) Visit(node *ast.Node) {
	id, ok := (*node).(*ast.IdentifierNode)
	if !ok || !responseName(id.Value) || l.skip[id] {
		return
	}
	// Every new node takes the identifier's location so that a type error
	// in the predicate still points at what the user wrote.
	ptr := &ast.PointerNode{}
	ptr.SetLocation(id.Location())
	prop := &ast.StringNode{Value: id.Value}
	prop.SetLocation(id.Location())
	member := &ast.MemberNode{Node: ptr, Property: prop}
	member.SetLocation(id.Location())
	*node = member
	l.lifted++
}
