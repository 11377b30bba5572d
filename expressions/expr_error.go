package expressions

import (
	"errors"
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/expr-lang/expr/file"
)

// ExprError is an error in an expression, with its position in the
// expression source. Line and Column are 1-based and relative to Source,
// so that callers can add their own location: a flag name, or the file,
// line and column of a YAML node.
type ExprError struct {
	Source       string
	Line, Column int
	Msg          string
}

// Error gives one line: the position in the expression and the message.
func (e *ExprError) Error() string {
	if strings.Contains(e.Source, "\n") {
		return fmt.Sprintf("line %d, column %d: %s", e.Line, e.Column, e.Msg)
	}
	return fmt.Sprintf("column %d: %s", e.Column, e.Msg)
}

// Snippet gives the source line the error is on and a caret under its
// column, without a trailing newline:
//
//	count(staus == 200) == 1
//	      ^
func (e *ExprError) Snippet() string {
	lines := strings.Split(e.Source, "\n")
	if e.Line < 1 || e.Line > len(lines) {
		return ""
	}
	line := printable(strings.TrimRight(lines[e.Line-1], "\r"))
	// The caret line copies the tabs of the source line so that the caret
	// stays under the column whatever the tab width.
	var caret strings.Builder
	col := 1
	for _, r := range line {
		if col >= e.Column {
			break
		}
		if r == '\t' {
			caret.WriteByte('\t')
		} else {
			caret.WriteByte(' ')
		}
		col++
	}
	for ; col < e.Column; col++ {
		caret.WriteByte(' ')
	}
	caret.WriteByte('^')
	return line + "\n" + caret.String()
}

// exprError turns an error from expr into an *ExprError on src. expr's
// file.Error carries its own snippet in Error(); only the message and the
// position are kept. The position is worked out again from the rune offset
// because not every stage of expr binds the error to the source.
func exprError(src string, err error) *ExprError {
	var fe *file.Error
	if !errors.As(err, &fe) {
		line, col := firstToken(src)
		return &ExprError{Source: src, Line: line, Column: col, Msg: err.Error()}
	}
	line, col := position(src, fe.From)
	return &ExprError{Source: src, Line: line, Column: col, Msg: fe.Message}
}

// position gives the 1-based line and column of the rune at offset.
func position(src string, offset int) (line, col int) {
	line, col = 1, 1
	n := 0
	for _, r := range src {
		if n == offset {
			break
		}
		if r == '\n' {
			line++
			col = 1
		} else {
			col++
		}
		n++
	}
	return line, col
}

// firstToken gives the position of the first non-blank rune, where an
// error about the whole expression is shown.
func firstToken(src string) (line, col int) {
	trimmed := strings.TrimLeft(src, " \t\r\n")
	return position(src, utf8.RuneCountInString(src[:len(src)-len(trimmed)]))
}

// utf8Error is an *ExprError at the first invalid UTF-8 byte of src, or
// nil. expr would read such a byte as some token and say something odd.
func utf8Error(src string) *ExprError {
	i := InvalidUTF8(src)
	if i < 0 {
		return nil
	}
	line, col := position(src, utf8.RuneCountInString(src[:i]))
	return &ExprError{Source: src, Line: line, Column: col,
		Msg: fmt.Sprintf("invalid UTF-8 (byte 0x%02X); retype the expression", src[i])}
}

// InvalidUTF8 is the byte offset of the first byte of s that is not
// UTF-8, or -1. Flags, files and expressions all report it the same way.
func InvalidUTF8(s string) int {
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			return i
		}
		i += size
	}
	return -1
}

// printable replaces what a terminal would act on (control characters,
// invalid UTF-8) with U+FFFD, one for one, so that columns still line up.
func printable(s string) string {
	return strings.Map(func(r rune) rune {
		if r != '\t' && !unicode.IsGraphic(r) {
			return utf8.RuneError
		}
		return r
	}, s)
}

// ErrorAt is an *ExprError with msg at rune offset at of src.
func ErrorAt(src string, at int, msg string) *ExprError {
	line, col := position(src, at)
	return &ExprError{Source: src, Line: line, Column: col, Msg: msg}
}
