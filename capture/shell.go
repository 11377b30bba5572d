package capture

import (
	"errors"
	"strings"

	"mvdan.cc/sh/v3/expand"
	"mvdan.cc/sh/v3/syntax"
)

// Arg is one argument of a copied command and where it starts in the
// text: Line and Col count from 1 (Col in bytes).
type Arg struct {
	Value     string
	Line, Col int
}

// CurlArgs splits a copied curl command into its arguments, "curl" first.
// It reads the two flavours browsers write: bash ('...', "...", $'...'
// with \uXXXX and \xHH escapes, backslash-newline continuations), and
// Windows cmd (^ escapes, ^" quotes, ^-newline continuations), which it
// recognises by its ^" quotes. Anything a shell would expand or run
// ($VAR, $(...), a pipe, a second command) is an error that says where,
// since racetest does not run a shell and a guess would send something
// else than the copied request.
func CurlArgs(text string) ([]Arg, error) {
	// A command saved on Windows has CRLF line ends; neither flavour gives
	// a raw CR any meaning (browsers write it as \r or ^ escapes).
	text = strings.ReplaceAll(text, "\r\n", "\n")
	var args []Arg
	var err error
	if strings.Contains(text, `^"`) {
		args, err = cmdArgs(text)
	} else {
		args, err = bashArgs(text)
	}
	if err != nil {
		return nil, err
	}
	switch {
	case len(args) == 0:
		return nil, errorf(0, 0, "no command in the file; paste the whole command that \"Copy as cURL\" gave, starting with curl")
	case args[0].Value != "curl" && args[0].Value != "curl.exe":
		return nil, errorf(args[0].Line, args[0].Col, "the command is %q, not curl; paste the whole command that \"Copy as cURL\" gave, starting with curl", args[0].Value)
	}
	args[0].Value = "curl"
	return args, nil
}

// bashArgs reads text as one bash simple command with mvdan.cc/sh, which
// parses quoting exactly as bash does, including $'...'.
func bashArgs(text string) ([]Arg, error) {
	head, err := boundWords(text)
	if err != nil {
		return nil, err
	}
	f, err := syntax.NewParser(syntax.Variant(syntax.LangBash)).Parse(strings.NewReader(head), "")
	if err != nil {
		var pe syntax.ParseError
		if errors.As(err, &pe) {
			return nil, errorf(int(pe.Pos.Line()), int(pe.Pos.Col()), "%s; the command is not complete shell text: copy it again", pe.Text)
		}
		return nil, errorf(0, 0, "%v", err)
	}
	switch {
	case len(f.Stmts) == 0:
		return nil, nil
	case len(f.Stmts) > 1:
		p := f.Stmts[1].Pos()
		return nil, errorf(int(p.Line()), int(p.Col()), "a second command; the file must hold one curl command (\"Copy as cURL\", not \"Copy all as cURL\")")
	}
	st := f.Stmts[0]
	call, ok := st.Cmd.(*syntax.CallExpr)
	if !ok || st.Negated || st.Background || len(st.Redirs) > 0 || len(call.Assigns) > 0 {
		p := st.Pos()
		return nil, errorf(int(p.Line()), int(p.Col()), "not a plain command; the file must hold one curl command as \"Copy as cURL\" writes it, without pipes, redirections or variables")
	}
	if len(head) < len(text) {
		// The parser read only the start of what follows a ;: more
		// shell text, which a copied command does not have.
		return nil, errorf(0, 0, "shell text follows the command; the file must hold one curl command as \"Copy as cURL\" writes it")
	}
	args := make([]Arg, 0, len(call.Args))
	for _, w := range call.Args {
		if err := literalWord(w); err != nil {
			return nil, err
		}
		if braces(w) {
			p := w.Pos()
			return nil, errorf(int(p.Line()), int(p.Col()), "%q is expanded by the shell into several words (brace expansion); quote it", shellSource(w))
		}
		// Fields removes quotes and backslashes as bash does; braces
		// refused above, it gives one field.
		fs, err := expand.Fields(nil, w)
		if err != nil || len(fs) != 1 {
			p := w.Pos()
			return nil, errorf(int(p.Line()), int(p.Col()), "%q is expanded by the shell into %d words; quote it", shellSource(w), len(fs))
		}
		p := w.Pos()
		args = append(args, Arg{Value: fs[0], Line: int(p.Line()), Col: int(p.Col())})
	}
	return args, nil
}

// MaxArgs bounds the words of a copied command: the parser keeps about
// 230 bytes a word, so that a few MiB of "-H a:b" took gigabytes, while
// the copy of a request with a hundred headers has about 200.
const MaxArgs = 10000

// maxAfterToken is how much text after the first token that is not a
// word (;, |, &, <) is parsed: such a token makes the command an error
// unless it ends it (a trailing ;), and the parser's cost must stay
// bounded however many words follow.
const maxAfterToken = 64 << 10

// boundWords checks that text has at most MaxArgs words, parsing them one
// at a time and dropping them, and returns the part of text the full
// parser may read: all of it, or, when a token that is not a word comes
// first, what it needs to say what the token starts.
func boundWords(text string) (string, error) {
	n := 0
	var err error
	for _, err = range syntax.NewParser(syntax.Variant(syntax.LangBash)).WordsSeq(strings.NewReader(text)) {
		if err != nil {
			break
		}
		if n++; n > MaxArgs {
			return "", errorf(0, 0, "the command has more than %d words; a copied request has tens: is it the right file?", MaxArgs)
		}
	}
	var pe syntax.ParseError
	if errors.As(err, &pe) && !pe.Incomplete {
		if end := int(pe.Pos.Offset()) + maxAfterToken; end < len(text) {
			return text[:end], nil
		}
	}
	return text, nil
}

// braces tells whether bash would brace-expand w: an unquoted part with
// { followed by a comma or .. and a }. It errs on the side of yes (an
// escaped \{ counts too), and says yes to more than a few unquoted {,
// whose expansion takes time quadratic in their number: such a word is
// asked to be quoted. Brace expansion must not run on a copied command:
// a few bytes of {a,b}{a,b}... expand to millions of words.
func braces(w *syntax.Word) bool {
	n := 0
	for _, part := range w.Parts {
		lit, ok := part.(*syntax.Lit)
		if !ok {
			continue
		}
		if n += strings.Count(lit.Value, "{"); n > 16 {
			return true
		}
		open := strings.IndexByte(lit.Value, '{')
		if open < 0 {
			continue
		}
		rest := lit.Value[open:]
		if end := strings.LastIndexByte(rest, '}'); end > 0 && strings.ContainsAny(rest[:end], ",") || strings.Contains(rest, "..") && strings.Contains(rest, "}") {
			return true
		}
	}
	return false
}

// literalWord refuses a word whose value a shell would compute: a
// variable, a command substitution, arithmetic, a glob, a ~.
func literalWord(w *syntax.Word) error {
	for i, part := range w.Parts {
		var bad syntax.Node
		switch p := part.(type) {
		case *syntax.Lit:
			if i == 0 && strings.HasPrefix(p.Value, "~") {
				bad = p
			}
		case *syntax.SglQuoted:
		case *syntax.DblQuoted:
			for _, q := range p.Parts {
				if _, ok := q.(*syntax.Lit); !ok {
					bad = q
					break
				}
			}
		default:
			bad = part
		}
		if bad != nil {
			pos := bad.Pos()
			return errorf(int(pos.Line()), int(pos.Col()), "%q is expanded by the shell, which racetest does not run; write its value instead",
				shellSource(bad))
		}
	}
	return nil
}

// shellSource prints a node back as shell text for a message.
func shellSource(n syntax.Node) string {
	var b strings.Builder
	if err := syntax.NewPrinter().Print(&b, n); err != nil {
		return "this word"
	}
	s := b.String()
	if len(s) > 40 {
		s = s[:40] + "..."
	}
	return s
}
