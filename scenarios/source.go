package scenarios

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/racetest/racetest/expressions"

	"github.com/goccy/go-yaml/ast"
	"github.com/goccy/go-yaml/token"
)

// source is one scenario file as text and as a YAML tree, indexed by field
// path ("race.expect[0]"), so that any problem found after decoding can be
// pointed at in the file.
type source struct {
	file  string
	lines []string
	// values holds the value node of every field and list item; keys holds
	// the key node of every field.
	values map[string]ast.Node
	keys   map[string]ast.Node
}

func newSource(file string, data []byte) *source {
	// YAML breaks lines at LF, CRLF and a lone CR alike.
	text := strings.ReplaceAll(strings.ReplaceAll(string(data), "\r\n", "\n"), "\r", "\n")
	return &source{
		file: file, lines: strings.Split(text, "\n"),
		values: map[string]ast.Node{}, keys: map[string]ast.Node{},
	}
}

// index walks the tree below n, which sits at path.
func (s *source) index(n ast.Node, path string) {
	switch n := n.(type) {
	case *ast.MappingNode:
		for _, v := range n.Values {
			s.index(v, path)
		}
	case *ast.MappingValueNode:
		child := joinPath(path, n.Key.GetToken().Value)
		s.keys[child] = n.Key
		s.values[child] = n.Value
		s.index(n.Value, child)
	case *ast.SequenceNode:
		for i, v := range n.Values {
			child := fmt.Sprintf("%s[%d]", path, i)
			s.values[child] = v
			s.index(v, child)
		}
	case *ast.TagNode:
		s.index(n.Value, path)
	case *ast.AnchorNode:
		s.index(n.Value, path)
	}
}

func joinPath(path, key string) string {
	if path == "" {
		return key
	}
	return path + "." + key
}

// pathOf finds the path of the node holding tk, as a key or as a value.
func (s *source) pathOf(tk *token.Token) string {
	if tk == nil {
		return ""
	}
	for p, n := range s.keys {
		if samePos(n.GetToken(), tk) {
			return p
		}
	}
	best := ""
	for p, n := range s.values {
		// A mapping's token is that of its first key, which is the token of
		// its first field too: the longest path is the most precise.
		if samePos(n.GetToken(), tk) && (len(p) > len(best) || len(p) == len(best) && p < best) {
			best = p
		}
	}
	return best
}

func samePos(a, b *token.Token) bool {
	return a != nil && b != nil && a.Position.Line == b.Position.Line && a.Position.Column == b.Position.Column
}

// at is where the value at path starts, or where its key is when the value
// is empty; (0, 0) when the path is not in the file.
func (s *source) at(path string) (line, col int) {
	if n, ok := s.values[path]; ok && n.Type() != ast.NullType {
		if l, ok := n.(*ast.LiteralNode); ok && l.Start != nil {
			// A block scalar's text starts on the line after its | or >.
			line := l.Start.Position.Line + 1
			if line <= len(s.lines) {
				text := s.lines[line-1]
				return line, len(text) - len(strings.TrimLeft(text, " ")) + 1
			}
		}
		return nodePos(n)
	}
	if n, ok := s.keys[path]; ok {
		return nodePos(n)
	}
	if n, ok := s.values[path]; ok && n.GetToken() != nil {
		return nodePos(n) // a null list item, which has no key
	}
	return 0, 0
}

// parentPath is the path of the value that holds the one at path:
// race for race.n, setup for setup[0], "" at the top.
func parentPath(path string) string {
	i := strings.LastIndexAny(path, ".[")
	if i < 0 {
		return ""
	}
	return path[:i]
}

func nodePos(n ast.Node) (int, int) {
	// A block mapping's own token is the first ':'; its first key is
	// where a reader sees it start.
	switch m := n.(type) {
	case *ast.MappingNode:
		if !m.IsFlowStyle && len(m.Values) > 0 {
			n = m.Values[0].Key
		}
	case *ast.MappingValueNode:
		n = m.Key
	}
	tk := n.GetToken()
	if tk == nil {
		return 0, 0
	}
	return tk.Position.Line, tk.Position.Column
}

// within finds the position in the file of a spot inside the string value
// at path: text is the value's line the spot is on, col the 1-based rune
// column in it. The value's line is looked for in the file from where the
// value starts, which finds it in plain, quoted and block scalars alike;
// when escapes make it differ from the file, the start of the value is the
// best that can be said.
func (s *source) within(path, text string, col int) (int, int) {
	line, start := s.at(path)
	if line == 0 {
		return 0, 0
	}
	if text != "" {
		for l := line; l <= len(s.lines) && l < line+maxValueLines; l++ {
			from := 0
			if l == line {
				from = expressions.ByteOffset(s.lines[l-1], start-1)
			}
			if i := strings.Index(s.lines[l-1][from:], text); i >= 0 {
				return l, utf8.RuneCountInString(s.lines[l-1][:from+i]) + col
			}
		}
	}
	return line, start
}

// maxValueLines bounds how far within looks for a line of a block scalar.
const maxValueLines = 200

// excerpt is the file's line with a caret under col, behind a gutter with
// the line number:
//
//	12 |     - count(staus == 200) == 1
//	   |             ^
//
// A line longer than maxExcerpt is cut around col, and characters a
// terminal would act on (controls, invalid UTF-8) are shown as U+FFFD.
func (s *source) excerpt(line, col int) string {
	if line < 1 || line > len(s.lines) {
		return ""
	}
	runes := []rune(strings.TrimRight(s.lines[line-1], "\r"))
	start, prefix, suffix := 0, "", ""
	if len(runes) > maxExcerpt {
		start = max(0, min(col-1-maxExcerpt/2, len(runes)-maxExcerpt))
		if start > 0 {
			prefix = "..."
		}
		if start+maxExcerpt < len(runes) {
			suffix = "..."
		}
		runes = runes[start : start+maxExcerpt]
	}
	var text, caret strings.Builder
	text.WriteString(prefix)
	caret.WriteString(strings.Repeat(" ", len(prefix)))
	for i, r := range runes {
		// The caret line copies tabs so that it lines up whatever the
		// tab width.
		if start+i+1 < col {
			if r == '\t' {
				caret.WriteByte('\t')
			} else {
				caret.WriteByte(' ')
			}
		}
		if r != '\t' && !unicode.IsGraphic(r) {
			r = utf8.RuneError
		}
		text.WriteRune(r)
	}
	text.WriteString(suffix)
	for c := start + len(runes) + 1; c < col && c-start <= maxExcerpt; c++ {
		caret.WriteByte(' ')
	}
	num := fmt.Sprint(line)
	pad := strings.Repeat(" ", len(num))
	return fmt.Sprintf("  %s | %s\n  %s | %s^", num, text.String(), pad, caret.String())
}

// maxExcerpt is the most characters of a line an excerpt shows, so that a
// minified or binary file does not flood the terminal.
const maxExcerpt = 120
