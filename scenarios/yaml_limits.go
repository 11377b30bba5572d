package scenarios

import (
	"fmt"

	"github.com/goccy/go-yaml/ast"
	"github.com/goccy/go-yaml/token"
)

// checkTokens refuses a file of more than maxTokens tokens, or with flow
// collections nested deeper than maxNesting, before the parser spends
// time quadratic in them. The lexer has already told brackets in strings
// and comments apart.
func (p *problems) checkTokens(tokens token.Tokens) bool {
	depth := 0
	for i, tk := range tokens {
		if i == maxTokens {
			p.add("", tk.Position.Line, tk.Position.Column,
				fmt.Sprintf("more than %d YAML tokens (keys, values, punctuation); a scenario needs a few thousand: is it the right file?", maxTokens))
			return false
		}
		switch tk.Type {
		case token.SequenceStartType, token.MappingStartType:
			depth++
			if depth > maxNesting {
				p.add("", tk.Position.Line, tk.Position.Column,
					fmt.Sprintf("lists and mappings nested more than %d deep; a scenario needs a few levels: is it the right file?", maxNesting))
				return false
			}
		case token.SequenceEndType, token.MappingEndType:
			depth = max(depth-1, 0)
		}
	}
	return true
}

// treeCheck walks a parsed file for what the decoder cannot be trusted
// with: YAML tags, which goccy/go-yaml mishandles (some make it panic)
// and no scenario needs, and aliases that expand without bound. It counts
// in document order, as the decoder resolves aliases.
type treeCheck struct {
	p     *problems
	sizes map[string]int // anchor name: values of its expanded value
	added int            // values added by the aliases seen so far
	bad   bool
}

// checkTree refuses a tree with a tag, or whose aliases would expand to
// more than maxAliasValues extra values, pointing at the first culprit.
// The tree itself is linear in the file; only aliases multiply.
func (p *problems) checkTree(root ast.Node) bool {
	c := &treeCheck{p: p, sizes: map[string]int{}}
	c.size(root)
	return !c.bad
}

// size is the number of values n stands for once its aliases are
// expanded. It stops once a problem is found, so that the sizes it works
// with stay small.
func (c *treeCheck) size(n ast.Node) int {
	if n == nil || c.bad {
		return 0
	}
	switch n := n.(type) {
	case *ast.AliasNode:
		// An alias to an anchor not yet seen (or to itself, while its
		// anchor is being read) is an error or nil for the decoder: 1.
		s := max(c.sizes[aliasName(n)], 1)
		c.added += s - 1
		if c.added > maxAliasValues {
			c.fail(n, fmt.Sprintf("aliases expand to more than %d values (a YAML alias bomb?); write the values out or use fewer aliases", maxAliasValues))
		}
		return s
	case *ast.TagNode:
		tag := ""
		if n.Start != nil {
			tag = n.Start.Value
		}
		c.fail(n, fmt.Sprintf("YAML tags such as %s are not supported in a scenario; remove it, and quote the value if it must be a string", shortValue(tag)))
		return 1
	case *ast.AnchorNode:
		s := c.size(n.Value)
		if n.Name != nil && n.Name.GetToken() != nil {
			c.sizes[n.Name.GetToken().Value] = s
		}
		return s
	case *ast.MappingKeyNode:
		return c.size(n.Value)
	case *ast.MappingValueNode:
		return c.size(n.Key) + c.size(n.Value)
	case *ast.MappingNode:
		return 1 + sumOf(c, n.Values)
	case *ast.SequenceNode:
		return 1 + sumOf(c, n.Values)
	}
	return 1
}

// sumOf is the sizes of ns added up.
func sumOf[T ast.Node](c *treeCheck, ns []T) int {
	s := 0
	for _, v := range ns {
		s += c.size(v)
	}
	return s
}

// fail records the first problem, at n.
func (c *treeCheck) fail(n ast.Node, msg string) {
	c.bad = true
	line, col := nodePos(n)
	c.p.add("", line, col, msg)
}

func aliasName(n *ast.AliasNode) string {
	if n.Value == nil || n.Value.GetToken() == nil {
		return ""
	}
	return n.Value.GetToken().Value
}
