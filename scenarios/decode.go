package scenarios

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"unicode"

	"github.com/goccy/go-yaml"
	"github.com/goccy/go-yaml/ast"
	"github.com/goccy/go-yaml/lexer"
	"github.com/goccy/go-yaml/parser"
	"github.com/goccy/go-yaml/token"
)

// Version is the scenario format this racetest reads.
const Version = 1

// decode parses data strictly into a rawScenario and indexes its tree in
// src. Errors are Errors with positions. What is not text, nests too
// deep, has tags or hides an alias bomb is refused before the step that
// would choke on it.
func decode(src *source, data []byte) (*rawScenario, error) {
	p := &problems{src: src}
	if !p.checkText(data) {
		return nil, p.err()
	}
	var tokens token.Tokens
	if err := safely(func() error { tokens = lexer.Tokenize(string(data)); return nil }); err != nil {
		p.yaml(err)
		return nil, p.err()
	}
	if !p.checkTokens(tokens) {
		return nil, p.err()
	}
	var f *ast.File
	if err := safely(func() (err error) { f, err = parser.Parse(tokens, 0); return err }); err != nil {
		p.yaml(err)
		return nil, p.err()
	}
	body, ok := p.document(f)
	if !ok {
		return nil, p.err()
	}
	src.index(body, "")
	if !p.checkTree(body) || !p.version() {
		return nil, p.err()
	}
	var raw rawScenario
	if err := safely(func() error { return yaml.NodeToValue(body, &raw, yaml.Strict()) }); err != nil {
		p.yaml(err)
		return nil, p.err()
	}
	return &raw, nil
}

// safely runs a call into goccy/go-yaml and turns a panic, which it has on
// some malformed input, into an error: no file may crash racetest.
func safely(f func() error) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("the YAML library failed on this file (%v); simplify the YAML, and report it with the file", r)
		}
	}()
	return f()
}

// document gives the one mapping a scenario file holds.
func (p *problems) document(f *ast.File) (ast.Node, bool) {
	var docs []ast.Node
	for _, d := range f.Docs {
		if d.Body != nil {
			docs = append(docs, d.Body)
		}
	}
	switch {
	case len(docs) == 0:
		p.add("", 1, 1, "the file is empty; a scenario starts with 'version: 1' and has a race: (see docs/scenarios.md)")
		return nil, false
	case len(docs) > 1:
		line, col := nodePos(docs[1])
		p.add("", line, col, "one scenario per file: split the documents after '---' into files of their own")
		return nil, false
	}
	if docs[0].Type() != ast.MappingType && docs[0].Type() != ast.MappingValueType {
		line, col := nodePos(docs[0])
		p.add("", line, col, "a scenario is a mapping of fields (version:, name:, race:, ...), not "+article(docs[0].Type().YAMLName()))
		return nil, false
	}
	return docs[0], true
}

// version checks the version field before anything else is decoded.
func (p *problems) version() bool {
	n, ok := p.src.values["version"]
	if !ok {
		p.add("", 1, 1, fmt.Sprintf("missing required field version; start the file with 'version: %d'", Version))
		return false
	}
	// "1" in quotes is what was meant too.
	if t := n.Type(); (t == ast.IntegerType || t == ast.StringType) && n.GetToken().Value == fmt.Sprint(Version) {
		return true
	}
	p.at("version", "unsupported version %s: this racetest reads version %d; upgrade racetest or write 'version: %d'",
		shortValue(n.GetToken().Value), Version, Version)
	return false
}

// yaml turns an error from goccy/go-yaml into a LoadError worded for the
// scenario format.
func (p *problems) yaml(err error) {
	// Without a token, the problem is somewhere in the file: its start is
	// the best place to show.
	var ye yaml.Error
	if !errors.As(err, &ye) {
		p.add("", 1, 1, "yaml: "+err.Error())
		return
	}
	tk := ye.GetToken()
	path := p.src.pathOf(tk)
	line, col := 1, 1
	if tk != nil && tk.Position != nil && tk.Position.Line > 0 {
		line, col = tk.Position.Line, tk.Position.Column
	}
	var (
		unknown  *yaml.UnknownFieldError
		typeErr  *yaml.TypeError
		nodeType *yaml.UnexpectedNodeTypeError
		overflow *yaml.OverflowError
	)
	msg := "yaml: " + ye.GetMessage()
	switch {
	case errors.As(err, &unknown):
		msg = unknownFieldMsg(path, tk)
	case errors.As(err, &typeErr):
		msg = fmt.Sprintf("want %s, got %s", describeType(typeErr.DstType.Kind().String()), describeToken(tk))
	case errors.As(err, &nodeType):
		msg = fmt.Sprintf("want %s, got %s", describeNode(nodeType.Expected), describeToken(tk))
		if nodeType.Expected == ast.SequenceType {
			msg += "; write a list, one '- item' per line or [a, b]"
		}
	case errors.As(err, &overflow):
		msg = fmt.Sprintf("%s is too large for %s", overflow.SrcNum, describeType(overflow.DstType.Kind().String()))
	}
	p.add(path, line, col, msg)
}

// unknownFieldMsg names the field, where it is, and what was meant.
func unknownFieldMsg(path string, tk *token.Token) string {
	name := ""
	if tk != nil {
		name = tk.Value
	}
	parent := ""
	if i := strings.LastIndexByte(path, '.'); i >= 0 {
		parent = path[:i]
	}
	fields := fieldsAt(parent)
	where := "at the top level"
	if parent != "" {
		where = "in " + parent
	}
	msg := fmt.Sprintf("unknown field %q %s", name, where)
	if s := Closest(name, fields); s != "" {
		msg += fmt.Sprintf("; did you mean %q?", s)
	}
	if len(fields) > 0 {
		msg += " (fields: " + strings.Join(fields, ", ") + ")"
	}
	return msg
}

func describeType(kind string) string {
	switch kind {
	case "int", "int64", "int32", "uint", "uint64":
		return "a whole number"
	case "string":
		return "a string"
	case "bool":
		return "true or false"
	case "slice":
		return "a list"
	case "map", "struct", "ptr":
		return "a mapping of fields"
	}
	return kind
}

func describeNode(t ast.NodeType) string {
	switch t {
	case ast.SequenceType:
		return "a list"
	case ast.MappingType, ast.MappingValueType:
		return "a mapping of fields"
	}
	return "a " + t.YAMLName()
}

// describeToken says what the file has where the error is.
func describeToken(tk *token.Token) string {
	if tk == nil {
		return "something else"
	}
	switch tk.Type {
	case token.MappingStartType, token.MappingValueType:
		return "a mapping"
	case token.SequenceStartType, token.SequenceEntryType:
		return "a list"
	}
	return quoteCut(tk.Value)
}

// shortValue shows a value from the file inside a one-line message: as it
// is when it is a short plain word, else quoted and cut.
func shortValue(v string) string {
	plain := len(v) <= maxShown && v != "" && !strings.ContainsFunc(v, func(r rune) bool {
		return r == ' ' || !unicode.IsGraphic(r)
	})
	if plain {
		return v
	}
	return quoteCut(v)
}

// quoteCut quotes a value from the file, cut after maxShown characters,
// so that a message stays one line of reasonable length.
func quoteCut(v string) string {
	if r := []rune(v); len(r) > maxShown {
		return strconv.Quote(string(r[:maxShown])) + "..."
	}
	return strconv.Quote(v)
}

// maxShown is the most characters of a value a message quotes.
const maxShown = 40

// article puts "a" or "an" before a noun.
func article(noun string) string {
	if noun != "" && strings.ContainsRune("aeiou", rune(noun[0])) {
		return "an " + noun
	}
	return "a " + noun
}
