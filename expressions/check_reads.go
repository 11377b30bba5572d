package expressions

import (
	"github.com/expr-lang/expr/ast"
	"github.com/expr-lang/expr/parser"
)

// ReadsBody reports whether the check reads a response's body: body or
// json, of the step's response, of each response inside a count(...) or
// a predicate (.json), or of one (responses[0].body). A report uses it to
// say when what the check read was not the body the server meant: bytes
// still in a Content-Encoding, for instance.
func (c *Check) ReadsBody() bool {
	tree, err := parser.Parse(c.Source)
	if err != nil {
		// It compiled, so it parses; were it not to, no note is better
		// than a wrong one.
		return false
	}
	v := &bodyReader{}
	ast.Walk(&tree.Node, v)
	return v.reads
}

// bodyReader is the ast.Visitor of ReadsBody.
type bodyReader struct{ reads bool }

func (v *bodyReader) Visit(node *ast.Node) {
	switch n := (*node).(type) {
	case *ast.IdentifierNode:
		v.reads = v.reads || n.Value == "body" || n.Value == "json"
	case *ast.MemberNode:
		// vars.body and env.json are the user's names, not a response's.
		if id, ok := n.Node.(*ast.IdentifierNode); ok && (id.Value == "vars" || id.Value == "env" || id.Value == "headers") {
			return
		}
		if s, ok := n.Property.(*ast.StringNode); ok {
			v.reads = v.reads || s.Value == "body" || s.Value == "json"
		}
	}
}
