package expressions

import (
	"crypto/rand"
	"encoding/json"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/expr-lang/expr"
)

// TemplateEnv is what a {{ }} template in a request sees.
type TemplateEnv struct {
	Vars map[string]any `expr:"vars"`
	// Env holds strings; it is a map of any so that an unset variable is
	// nil, which {{ env.NAME ?? "default" }} can replace.
	Env map[string]any `expr:"env"`
	// Values holds this request's line of each --values file or values:
	// list: the request at Index gets entry Index modulo the list's length.
	Values map[string]any `expr:"values"`
	// Index is the position of the request in the burst, from 0; 0 in a
	// step.
	Index int `expr:"index"`
	Round int `expr:"round"`
}

// Template is a string with {{ expr }} expressions and ${NAME} environment
// references in it, compiled once and rendered per request.
type Template struct {
	Source string
	parts  []tmplPart
}

// tmplPart is a literal, an environment reference or an expression.
type tmplPart struct {
	lit  string
	env  string
	src  string // the expression, without the braces
	prog *program
	at   int // rune offset of src in the template, for reference checks
}

// templateOptions are the compile options of template expressions.
func templateOptions() []expr.Option {
	return []expr.Option{
		expr.Env(TemplateEnv{}),
		expr.Function("uuid", func(...any) (any, error) { return newUUID() }, new(func() string)),
	}
}

// CompileTemplate compiles s. An error is an *ExprError positioned in s.
func CompileTemplate(s string) (*Template, error) {
	if e := utf8Error(s); e != nil {
		return nil, e
	}
	t := &Template{Source: s}
	rest, at := s, 0
	for rest != "" {
		i := nextMarker(rest)
		if i < 0 {
			t.parts = append(t.parts, tmplPart{lit: rest})
			break
		}
		if i > 0 {
			t.parts = append(t.parts, tmplPart{lit: rest[:i]})
		}
		at += i
		rest = rest[i:]
		part, n, err := compilePart(s, rest, at)
		if err != nil {
			return nil, err
		}
		t.parts = append(t.parts, part)
		at += n
		rest = rest[n:]
	}
	return t, nil
}

// nextMarker is the byte index of the next {{ or ${NAME} in s, or -1.
func nextMarker(s string) int {
	for i := 0; i < len(s)-1; i++ {
		if s[i] == '{' && s[i+1] == '{' {
			return i
		}
		if s[i] == '$' && s[i+1] == '{' && envRef(s[i:]) != "" {
			return i
		}
	}
	return -1
}

// envRef is NAME when s starts with ${NAME}, else "".
func envRef(s string) string {
	end := strings.IndexByte(s, '}')
	if !strings.HasPrefix(s, "${") || end < 3 {
		return ""
	}
	name := s[2:end]
	for i, r := range name {
		if !(r == '_' || r >= 'A' && r <= 'Z' || r >= 'a' && r <= 'z' || i > 0 && r >= '0' && r <= '9') {
			return ""
		}
	}
	return name
}

// compilePart compiles the marker at the start of rest, which begins at
// byte offset at of whole, and says how many bytes it took.
func compilePart(whole, rest string, at int) (tmplPart, int, error) {
	if name := envRef(rest); name != "" {
		return tmplPart{env: name}, len(name) + 3, nil
	}
	end := strings.Index(rest, "}}")
	if end < 0 {
		return tmplPart{}, 0, errAt(whole, at, "unclosed {{: end the expression with }}")
	}
	src := rest[2:end]
	if strings.TrimSpace(src) == "" {
		return tmplPart{}, 0, errAt(whole, at, "empty {{ }}: put an expression inside, such as {{ vars.user }}")
	}
	prog, err := compileBudgeted(src, templateOptions()...)
	if err != nil {
		e := exprError(src, err)
		return tmplPart{}, 0, errAt(whole, at+2+byteOffsetOf(src, e.Line, e.Column), e.Msg)
	}
	runeAt := utf8.RuneCountInString(whole[:at+2])
	return tmplPart{src: src, prog: prog, at: runeAt}, end + 2, nil
}

// errAt is an *ExprError at byte offset off of src.
func errAt(src string, off int, msg string) *ExprError {
	line, col := position(src, utf8.RuneCountInString(src[:off]))
	return &ExprError{Source: src, Line: line, Column: col, Msg: msg}
}

// byteOffsetOf is the byte offset of a 1-based line and rune column in s.
func byteOffsetOf(s string, line, col int) int {
	off := 0
	for l := 1; l < line; l++ {
		i := strings.IndexByte(s[off:], '\n')
		if i < 0 {
			break
		}
		off += i + 1
	}
	return off + ByteOffset(s[off:], col-1)
}

// Static tells whether the template has nothing to expand.
func (t *Template) Static() bool {
	return len(t.parts) == 0 || len(t.parts) == 1 && t.parts[0].prog == nil && t.parts[0].env == ""
}

// Render expands the template to a string.
func (t *Template) Render(env *TemplateEnv) (string, error) {
	var b strings.Builder
	for _, p := range t.parts {
		v, err := p.eval(env)
		if err != nil {
			return "", err
		}
		b.WriteString(stringify(v))
	}
	return b.String(), nil
}

// Value expands the template keeping the type of a lone expression, so
// that "{{ vars.amount }}" in a JSON body stays a number.
func (t *Template) Value(env *TemplateEnv) (any, error) {
	if len(t.parts) == 1 && t.parts[0].prog != nil {
		return t.parts[0].eval(env)
	}
	return t.Render(env)
}

func (p *tmplPart) eval(env *TemplateEnv) (any, error) {
	switch {
	case p.env != "":
		v, _ := env.Env[p.env].(string)
		if v == "" {
			return nil, fmt.Errorf("${%s}: environment variable %s is not set; export it or use {{ env.%s ?? \"default\" }}", p.env, p.env, p.env)
		}
		return v, nil
	case p.prog == nil:
		return p.lit, nil
	}
	v, err := p.prog.run(*env)
	if err != nil {
		return nil, fmt.Errorf("{{%s}}: %s", p.src, exprError(p.src, err).Msg)
	}
	if v == nil {
		return nil, fmt.Errorf("{{%s}} gave nil: is the variable set?", p.src)
	}
	return v, nil
}

// stringify writes a template value into a string: numbers without a
// needless fraction, maps and lists as JSON.
func stringify(v any) string {
	switch x := v.(type) {
	case string:
		return x
	case float64:
		return strconv.FormatFloat(x, 'f', -1, 64)
	case int, int64, uint64, bool:
		return fmt.Sprint(x)
	}
	if b, err := json.Marshal(v); err == nil {
		return string(b)
	}
	return fmt.Sprint(v)
}

// newUUID is a random (version 4) UUID.
func newUUID() (string, error) {
	var b [16]byte
	if _, err := rand.Read(b[:]); err != nil {
		return "", err
	}
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:]), nil
}

// ByteOffset is the byte offset of the rune at index runes of s.
func ByteOffset(s string, runes int) int {
	for i := range s {
		if runes == 0 {
			return i
		}
		runes--
	}
	return len(s)
}

// Span is one {{ }} expression of a template: its source and the rune
// offset of that source in the template, for messages that point into it.
type Span struct {
	Source string
	At     int
}

// Spans lists the {{ }} expressions of t in order.
func (t *Template) Spans() []Span {
	var out []Span
	for _, p := range t.parts {
		if p.prog != nil {
			out = append(out, Span{Source: p.src, At: p.at})
		}
	}
	return out
}

// Shorthands lists the environment variables t reads with ${NAME}.
func (t *Template) Shorthands() []string {
	var out []string
	for _, p := range t.parts {
		if p.env != "" {
			out = append(out, p.env)
		}
	}
	return out
}

// Literal is a template that expands to s as it is, whatever it holds.
func Literal(s string) *Template {
	return &Template{Source: s, parts: []tmplPart{{lit: s}}}
}

// valueRef is a {{ values.NAME }} reference, the one template form a value
// given on the command line may hold.
var valueRef = regexp.MustCompile(`\{\{\s*values\.([A-Za-z_][A-Za-z0-9_]*)\s*\}\}`)

// ReplaceValueRefs is s with each {{ values.NAME }} replaced by f(ref),
// where ref is the reference as written.
func ReplaceValueRefs(s string, f func(ref string) string) string {
	return valueRef.ReplaceAllStringFunc(s, f)
}

// CommandLine is the template of a value given on the command line, where
// {{ is not a template: s expands as it is, except that each
// {{ values.NAME }} becomes this request's per-request value NAME.
func CommandLine(s string) *Template {
	t := &Template{Source: s}
	last := 0
	for _, m := range valueRef.FindAllStringIndex(s, -1) {
		if m[0] > last {
			t.parts = append(t.parts, tmplPart{lit: s[last:m[0]]})
		}
		src := s[m[0]+2 : m[1]-2]
		prog, err := compileBudgeted(src, templateOptions()...)
		if err != nil {
			// values.NAME always compiles; keep the text if it ever does not.
			t.parts = append(t.parts, tmplPart{lit: s[m[0]:m[1]]})
		} else {
			t.parts = append(t.parts, tmplPart{src: src, prog: prog, at: utf8.RuneCountInString(s[:m[0]+2])})
		}
		last = m[1]
	}
	if last < len(s) || len(t.parts) == 0 {
		t.parts = append(t.parts, tmplPart{lit: s[last:]})
	}
	return t
}

// EscapeCommandLine writes s as a file template that expands as
// CommandLine(s) does: each {{ values.NAME }} stays a template, and the
// rest is escaped as EscapeTemplate escapes it.
func EscapeCommandLine(s string) string {
	var b strings.Builder
	last := 0
	for _, m := range valueRef.FindAllStringIndex(s, -1) {
		b.WriteString(EscapeTemplate(s[last:m[0]]))
		b.WriteString(s[m[0]:m[1]])
		last = m[1]
	}
	b.WriteString(EscapeTemplate(s[last:]))
	return b.String()
}

// EscapeTemplate writes s as a template that expands to s itself: every
// {{ and ${NAME} in it becomes an expression giving those characters, so
// that a captured body or header is sent as it was.
func EscapeTemplate(s string) string {
	var b strings.Builder
	for {
		i := nextMarker(s)
		if i < 0 {
			b.WriteString(s)
			return b.String()
		}
		b.WriteString(s[:i])
		b.WriteString(`{{ "` + s[i:i+2] + `" }}`)
		s = s[i+2:]
	}
}
