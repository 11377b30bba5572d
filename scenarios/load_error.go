package scenarios

import (
	"errors"
	"fmt"
	"strings"

	"github.com/racetest/racetest/expressions"
)

// LoadError is one problem with a scenario file: YAML that does not parse,
// a field that does not exist or has the wrong type, a missing field, an
// expression that does not compile, an undefined variable. No request is
// sent for a file with a LoadError.
type LoadError struct {
	File string
	// Line and Column are 1-based positions in the file, 0 when the problem
	// is with the file as a whole (it cannot be read, for instance). For an
	// expression they point inside it, at the token that is wrong.
	Line, Column int
	// Field is the YAML path of the value, such as race.expect[0].
	Field string
	Msg   string
	// Excerpt is the file's line and a caret under Column, or "".
	Excerpt string
	// Unreadable is set when the file could not be read at all (missing,
	// a directory, no permission): nothing in it was judged, so callers
	// do not call it invalid.
	Unreadable bool
}

// Error gives one line: file:line:column: field: message.
func (e *LoadError) Error() string {
	var b strings.Builder
	b.WriteString(e.File)
	if e.Line > 0 {
		fmt.Fprintf(&b, ":%d:%d", e.Line, e.Column)
	}
	if b.Len() > 0 {
		// A scenario built from the command line has no file.
		b.WriteString(": ")
	}
	if e.Field != "" {
		b.WriteString(e.Field + ": ")
	}
	b.WriteString(e.Msg)
	return b.String()
}

// Detail is Error followed by the excerpt, when there is one.
func (e *LoadError) Detail() string {
	if e.Excerpt == "" {
		return e.Error()
	}
	return e.Error() + "\n" + e.Excerpt
}

// Errors is every problem found in one file. Load reports them all at once
// rather than one per attempt, up to maxErrors.
type Errors []*LoadError

// maxErrors caps the problems reported for one file: past a handful, the
// rest are usually echoes of the first.
const maxErrors = 10

// Error lists every problem with its excerpt, one after the other.
func (es Errors) Error() string {
	parts := make([]string, len(es))
	for i, e := range es {
		parts[i] = e.Detail()
	}
	return strings.Join(parts, "\n")
}

// AsErrors gives the load errors inside err, or nil when it holds none.
func AsErrors(err error) Errors {
	var es Errors
	if errors.As(err, &es) {
		return es
	}
	var e *LoadError
	if errors.As(err, &e) {
		return Errors{e}
	}
	return nil
}

// problems collects the load errors of one file as it is compiled.
type problems struct {
	src  *source
	errs Errors
}

// at records msg about the value at path, pointing at its start; or, when
// it has no place in the file (it is missing, or null), at the nearest
// value that holds it.
func (p *problems) at(path, format string, args ...any) {
	line, col := p.place(path)
	p.add(path, line, col, fmt.Sprintf(format, args...))
}

// place is where the value at path starts or, when it has no place in the
// file, where the nearest value that holds it starts. A decoded map key
// can differ from the file's: the key 00 is decoded as 0.
func (p *problems) place(path string) (line, col int) {
	line, col = p.src.at(path)
	for q := path; line == 0 && q != ""; {
		q = parentPath(q)
		line, col = p.src.at(q)
	}
	return line, col
}

// add records msg at an exact position.
func (p *problems) add(path string, line, col int, msg string) {
	if len(p.errs) >= maxErrors {
		return
	}
	p.errs = append(p.errs, &LoadError{
		File: p.src.file, Line: line, Column: col, Field: path, Msg: msg,
		Excerpt: p.src.excerpt(line, col),
	})
}

// expr records an error inside the expression or template value at path,
// pointing at the column of the expression the error is about. value is
// the whole string as written in the file.
func (p *problems) expr(path, value string, e *expressions.ExprError) {
	lines := strings.Split(value, "\n")
	text := ""
	if e.Line >= 1 && e.Line <= len(lines) {
		text = lines[e.Line-1]
	}
	line, col := p.src.within(path, text, e.Column)
	if line == 0 {
		line, col = p.place(path)
	}
	p.add(path, line, col, e.Msg)
}

// exprFailed records an error from compiling the expression or template
// value at path, an *expressions.ExprError pointing inside it; anything else is shown
// at the start of the value.
func (p *problems) exprFailed(path, value string, err error) {
	var e *expressions.ExprError
	if !errors.As(err, &e) {
		p.at(path, "%v", err)
		return
	}
	p.expr(path, value, e)
}

// err is the collected problems as an error, or nil.
func (p *problems) err() error {
	if len(p.errs) == 0 {
		return nil
	}
	return p.errs
}
