package runner

import (
	"fmt"
	"maps"
	"slices"
	"unicode/utf8"

	"golang.org/x/net/http/httpguts"
)

// HeaderError is a request header that HTTP cannot carry: a name with a
// byte that is not a token character, or a value with a control character
// (NUL, CR, LF, DEL, ... but not HTAB). Every engine refuses such a
// request before anything of its burst is sent, rather than one sending
// it raw, another counting the server's answer as a protocol error and a
// third refusing it: the same request gets the same verdict everywhere.
type HeaderError struct {
	Name string
	// InName says that the name is at fault, not the value.
	InName bool
	// Byte is the first byte that cannot be sent, Column its place in the
	// name or value, counted in characters from 1. Column is 0 for an
	// empty name.
	Byte   byte
	Column int
}

// Error names the header, never its value: the value may be a secret.
func (e *HeaderError) Error() string {
	return fmt.Sprintf("header %q: %s", e.Name, e.Problem())
}

// Problem is the error without the header's name, for messages that name
// it already (a field path such as race.request.headers.X-Token), with
// the fix for a value the user wrote.
func (e *HeaderError) Problem() string {
	if e.InName {
		return e.Fault()
	}
	return e.Fault() + "; remove it"
}

// Fault says what is wrong and no more, for a value the user did not
// write, such as one captured from a response.
func (e *HeaderError) Fault() string {
	if e.InName {
		if e.Column == 0 {
			return "the name is empty; write Name: value"
		}
		return fmt.Sprintf("the name has %s (byte 0x%02X at column %d); a header name has letters, digits and !#$%%&'*+-.^_`|~ only",
			describeByte(e.Byte), e.Byte, e.Column)
	}
	return fmt.Sprintf("the value has %s (byte 0x%02X at column %d), which HTTP does not allow in a header",
		describeByte(e.Byte), e.Byte, e.Column)
}

// describeByte words a byte that cannot be sent.
func describeByte(b byte) string {
	switch {
	case b == 0:
		return "a NUL"
	case b == '\r' || b == '\n':
		return "a line break"
	case b == ' ':
		return "a space"
	case b == ':':
		return "a colon"
	case b < 0x20 || b == 0x7f:
		return "a control character"
	case b >= 0x80:
		return "a character that is not ASCII"
	}
	return fmt.Sprintf("%q", rune(b))
}

// CheckHeader says whether name: value can be sent in HTTP/1.1 and
// HTTP/2 (RFC 9110, 5.1 and 5.5): nil, or a *HeaderError at the first
// byte that cannot. It is the one rule for every engine, Do, and the
// places that check headers before a run.
func CheckHeader(name, value string) error {
	if name == "" {
		return &HeaderError{InName: true}
	}
	for i := 0; i < len(name); i++ {
		if !httpguts.IsTokenRune(rune(name[i])) {
			return &HeaderError{Name: name, InName: true, Byte: name[i], Column: utf8.RuneCountInString(name[:i]) + 1}
		}
	}
	for i := 0; i < len(value); i++ {
		if b := value[i]; (b < 0x20 && b != '\t') || b == 0x7f {
			return &HeaderError{Name: name, Byte: b, Column: utf8.RuneCountInString(value[:i]) + 1}
		}
	}
	return nil
}

// checkHeaders checks every header of r, in name order so that the same
// request always gets the same message.
func (r *Request) checkHeaders() error {
	for _, k := range slices.Sorted(maps.Keys(r.Header)) {
		for _, v := range r.Header[k] {
			if err := CheckHeader(k, v); err != nil {
				return err
			}
		}
	}
	return nil
}
