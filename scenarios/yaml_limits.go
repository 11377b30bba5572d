package scenarios

import (
	"fmt"

	"github.com/goccy/go-yaml/ast"
	"github.com/goccy/go-yaml/token"
)

// checkTokens refuses a file of more than maxTokens tokens, or with
// collections nested deeper than maxNesting, before the parser spends
// time quadratic in them. The lexer has already told brackets in strings
// and comments apart. Flow collections ([...], {...}) nest by brackets;
// block ones by indentation, which is only known from columns: "- - - 1"
// on one line is three lists deep. Both count towards one depth.
func (p *problems) checkTokens(tokens token.Tokens) bool {
	flow := 0
	var block []int // columns of the open block collections, innermost last
	for i, tk := range tokens {
		if i == maxTokens {
			p.add("", tk.Position.Line, tk.Position.Column,
				fmt.Sprintf("more than %d YAML tokens (keys, values, punctuation); a scenario needs a few thousand: is it the right file?", maxTokens))
			return false
		}
		switch tk.Type {
		case token.SequenceStartType, token.MappingStartType:
			flow++
		case token.SequenceEndType, token.MappingEndType:
			flow = max(flow-1, 0)
		case token.SequenceEntryType, token.MappingValueType:
			if flow == 0 {
				block = openBlock(block, blockColumn(tokens, i))
			}
		default:
			continue
		}
		// The file's own mapping is not counted, as it was not before
		// block nesting was: vars: {x: [...]} is one level at vars.
		if max(len(block)-1, 0)+flow > maxNesting {
			if tk.Type == token.MappingValueType && i > 0 {
				tk = tokens[i-1] // the key, where a reader sees the level start
			}
			p.add("", tk.Position.Line, tk.Position.Column,
				fmt.Sprintf("lists and mappings nested more than %d deep; a scenario needs a few levels: is it the right file?", maxNesting))
			return false
		}
	}
	return true
}

// blockColumn is the column where the block entry of tokens[i] starts: a
// "- " where it is, a "key:" where its key is.
func blockColumn(tokens token.Tokens, i int) int {
	tk := tokens[i]
	if tk.Type == token.MappingValueType && i > 0 && tokens[i-1].Position.Line == tk.Position.Line {
		return tokens[i-1].Position.Column
	}
	return tk.Position.Column
}

// openBlock is the stack of open block collections once an entry at col
// is seen: those indented deeper have ended, one at col goes on, and a
// deeper entry opens a collection inside the innermost. (A list may sit
// at its parent key's column, so this can count one level short there;
// the bound is generous enough for that.)
func openBlock(block []int, col int) []int {
	for len(block) > 0 && block[len(block)-1] > col {
		block = block[:len(block)-1]
	}
	if len(block) == 0 || block[len(block)-1] < col {
		block = append(block, col)
	}
	return block
}

// treeCheck walks a parsed file for what the decoder cannot be trusted
// with: YAML tags, which goccy/go-yaml mishandles (some make it panic)
// and no scenario needs, and aliases that expand without bound. It counts
// in document order, as the decoder resolves aliases, both the values and
// the bytes of text an alias stands for: a long string aliased many times
// is as much a bomb as a mapping aliased many times.
type treeCheck struct {
	p     *problems
	sizes map[string]expansion // anchor name: its value expanded
	added expansion            // what the aliases seen so far add
	bad   bool
}

// expansion is how much a node stands for once its aliases are expanded:
// values (scalars and collections) and bytes of scalar text.
type expansion struct{ values, bytes int }

func (e expansion) plus(o expansion) expansion {
	return expansion{e.values + o.values, e.bytes + o.bytes}
}

// checkTree refuses a tree with a tag, or whose aliases would expand to
// more than maxAliasValues extra values or maxAliasBytes extra bytes,
// pointing at the first culprit. The tree itself is linear in the file;
// only aliases multiply.
func (p *problems) checkTree(root ast.Node) bool {
	c := &treeCheck{p: p, sizes: map[string]expansion{}}
	c.size(root)
	return !c.bad
}

// size is what n stands for once its aliases are expanded. It stops once
// a problem is found, so that the sizes it works with stay small.
func (c *treeCheck) size(n ast.Node) expansion {
	if n == nil || c.bad {
		return expansion{}
	}
	switch n := n.(type) {
	case *ast.AliasNode:
		return c.alias(n)
	case *ast.TagNode:
		tag := ""
		if n.Start != nil {
			tag = n.Start.Value
		}
		c.fail(n, fmt.Sprintf("YAML tags such as %s are not supported in a scenario; remove it, and quote the value if it must be a string", shortValue(tag)))
		return expansion{values: 1}
	case *ast.AnchorNode:
		s := c.size(n.Value)
		if n.Name != nil && n.Name.GetToken() != nil {
			c.sizes[n.Name.GetToken().Value] = s
		}
		return s
	case *ast.MappingKeyNode:
		return c.size(n.Value)
	case *ast.LiteralNode: // | and >: the text is the value's, not the token's
		return c.size(n.Value)
	case *ast.MappingValueNode:
		return c.size(n.Key).plus(c.size(n.Value))
	case *ast.MappingNode:
		return expansion{values: 1}.plus(sumOf(c, n.Values))
	case *ast.SequenceNode:
		return expansion{values: 1}.plus(sumOf(c, n.Values))
	}
	e := expansion{values: 1}
	if tk := n.GetToken(); tk != nil {
		e.bytes = len(tk.Value)
	}
	return e
}

// alias counts what an alias adds beyond the one value it replaces.
func (c *treeCheck) alias(n *ast.AliasNode) expansion {
	// An alias to an anchor not yet seen (or to itself, while its anchor
	// is being read) is an error or nil for the decoder: one value.
	s := c.sizes[aliasName(n)]
	s.values = max(s.values, 1)
	c.added = c.added.plus(expansion{s.values - 1, s.bytes})
	switch {
	case c.added.values > maxAliasValues:
		c.fail(n, fmt.Sprintf("aliases expand to more than %d values (a YAML alias bomb?); write the values out or use fewer aliases", maxAliasValues))
	case c.added.bytes > maxAliasBytes:
		c.fail(n, fmt.Sprintf("aliases expand to more than %s of text (a YAML alias bomb?); write the values out or use fewer aliases", FormatBytes(maxAliasBytes)))
	}
	return s
}

// sumOf is the sizes of ns added up.
func sumOf[T ast.Node](c *treeCheck, ns []T) expansion {
	var s expansion
	for _, v := range ns {
		s = s.plus(c.size(v))
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
