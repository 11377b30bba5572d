package scenarios

import (
	"errors"
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// CheckURL parses raw as the URL of a request, or says in one line what
// is wrong with it and how to fix it. fire's flags and scenario files
// share it, so that the same mistake reads the same everywhere.
func CheckURL(raw string) (*url.URL, error) {
	if col, b, invalid, ok := badByte(raw); ok {
		if !invalid {
			return nil, fmt.Errorf("%q has a control character at column %d (a pasted line break?); remove it", raw, col)
		}
		return nil, fmt.Errorf("%q is not valid UTF-8 (byte 0x%02X at column %d); retype it, or percent-encode the byte as %%%02X", raw, b, col, b)
	}
	if !strings.Contains(raw, "://") {
		return nil, fmt.Errorf("%q must start with http:// or https:// (did you mean %s?)", raw, suggestURL(raw))
	}
	u, err := url.Parse(raw)
	if err != nil {
		return nil, fmt.Errorf("%q is not a URL: %w; %s", raw, unwrapURL(err), urlHint(err))
	}
	if u.Scheme != "http" && u.Scheme != "https" {
		return nil, fmt.Errorf("%q must start with http:// or https://", raw)
	}
	if u.Hostname() == "" {
		return nil, fmt.Errorf("%q has no host; write it like http://127.0.0.1:8080/path", raw)
	}
	if p := u.Port(); p != "" {
		if n, err := strconv.Atoi(p); err != nil || n < 1 || n > 65535 {
			return nil, fmt.Errorf("%q: port %s is out of range; use a port from 1 to 65535", raw, p)
		}
	}
	return u, nil
}

// badByte finds the first character of s that has no place in a URL
// typed by hand: invalid UTF-8 (invalid is set, b is the byte) or a
// control character. col is its rune column, from 1.
func badByte(s string) (col int, b byte, invalid, ok bool) {
	col = 1
	for i := 0; i < len(s); col++ {
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			return col, s[i], true, true
		}
		if unicode.IsControl(r) {
			return col, 0, false, true
		}
		i += size
	}
	return 0, 0, false, false
}

// suggestURL guesses the URL meant by one without "://".
func suggestURL(raw string) string {
	for _, scheme := range []string{"http:", "https:"} {
		if rest, ok := strings.CutPrefix(strings.ToLower(raw), scheme); ok {
			return scheme + "//" + strings.TrimLeft(raw[len(raw)-len(rest):], "/")
		}
	}
	return "http://" + strings.TrimLeft(raw, "/")
}

// urlHint says how to fix a URL that net/url refuses.
func urlHint(err error) string {
	var esc url.EscapeError
	var host url.InvalidHostError
	msg := err.Error()
	switch {
	case errors.As(err, &esc):
		return "write a literal % as %25"
	case errors.As(err, &host):
		return "write the host like 127.0.0.1, localhost or [::1]"
	case strings.Contains(msg, "invalid port"):
		return "the port is a number from 1 to 65535"
	case strings.Contains(msg, "missing ']'"):
		return "close the IPv6 address with ], as in http://[::1]:8080/"
	}
	return "write it like http://127.0.0.1:8080/path"
}

func unwrapURL(err error) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		return ue.Err
	}
	return err
}
