package cmd

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/racetest/racetest/expressions"
	"github.com/racetest/racetest/internal/readfile"
	"github.com/racetest/racetest/runner"
	"github.com/racetest/racetest/scenarios"
)

// parseTargetURL checks a URL given on the command line and says how to fix
// it when it cannot be sent; where names the flag or argument.
func parseTargetURL(where, raw string) (*url.URL, error) {
	u, err := scenarios.CheckURL(raw)
	if err != nil {
		return nil, usageErrorf("%s: %w", where, err)
	}
	return u, nil
}

// parseHeaders turns curl-style "Name: value" flags into a header.
func parseHeaders(flag string, hs []string) (http.Header, error) {
	h, _, err := parseRequestHeaders(flag, hs)
	return h, err
}

// headerNames is the names of -H values in the order given, each once,
// as http.Header writes them: the order files written from them keep.
func headerNames(hs []string) []string {
	var out []string
	for _, raw := range hs {
		name := raw
		if i := strings.IndexAny(raw, ":;"); i >= 0 {
			name = raw[:i]
		}
		name = http.CanonicalHeaderKey(strings.TrimSpace(name))
		if !slices.Contains(out, name) {
			out = append(out, name)
		}
	}
	return out
}

// parseRequestHeaders reads -H as curl does: "Name: value" adds a
// header, "Name;" adds it with an empty value, and "Name:" with nothing
// after it is a header racetest must not send (one it would add, such as
// Content-Type): those names are returned in removed.
func parseRequestHeaders(flag string, hs []string) (h http.Header, removed []string, err error) {
	h = http.Header{}
	for _, raw := range hs {
		name, value, ok := strings.Cut(raw, ":")
		empty := false
		if n, rest, semi := strings.Cut(raw, ";"); semi && strings.TrimSpace(rest) == "" && (!ok || len(n) < len(name)) {
			name, value, ok, empty = n, "", true, true
		}
		name = strings.TrimSpace(name)
		if !ok || name == "" {
			return nil, nil, usageErrorf("%s %q: a header is written 'Name: value'", flag, raw)
		}
		value = strings.TrimSpace(value)
		if i := expressions.InvalidUTF8(raw); i >= 0 {
			// HTTP allows such bytes in a value, but from a command line
			// they are a terminal in the wrong encoding, not intent.
			return nil, nil, usageErrorf("%s %q: not valid UTF-8 (byte 0x%02X at column %d); retype it", flag, raw, raw[i], utf8.RuneCountInString(raw[:i])+1)
		}
		// The one rule every engine applies, so that a flag that passes
		// here is never refused later.
		var he *runner.HeaderError
		if errors.As(runner.CheckHeader(name, value), &he) {
			return nil, nil, usageErrorf("%s %q: %s", flag, raw, he.Problem())
		}
		if value == "" && !empty {
			removed = append(removed, name)
			continue
		}
		h.Add(name, value)
	}
	return h, removed, nil
}

// readData resolves curl's -d forms: a literal, @file, or @- for stdin.
// A file or stdin is read no further than the body limit, so that @/dev/zero
// fails at once instead of filling memory, and the read gives way to
// Ctrl-C, so that a FIFO with no writer cannot hold racetest.
func readData(ctx context.Context, flag, v string, stdin io.Reader) ([]byte, error) {
	if !strings.HasPrefix(v, "@") {
		return []byte(v), nil
	}
	name := v[1:]
	var b []byte
	var err error
	if name == "-" {
		b, err = readfile.All(ctx, stdin, scenarios.MaxBodySize)
	} else {
		b, err = readfile.File(ctx, name, scenarios.MaxBodySize)
	}
	var tl *readfile.TooLargeError
	switch {
	case err == nil:
		return b, nil
	case ctx.Err() != nil:
		return nil, ctx.Err()
	case errors.As(err, &tl) && tl.Size > 0:
		return nil, usageErrorf("%s %s: %w", flag, v, scenarios.CheckBody(tl.Size))
	case errors.As(err, &tl) && name == "-":
		return nil, usageErrorf("%s @-: the body on standard input is more than %s, the most a request body may have; send a smaller body",
			flag, scenarios.FormatBytes(scenarios.MaxBodySize))
	case errors.As(err, &tl):
		return nil, usageErrorf("%s %s: the body is more than %s, the most a request body may have; send a smaller body",
			flag, v, scenarios.FormatBytes(scenarios.MaxBodySize))
	case name == "-":
		return nil, usageErrorf("%s @-: reading standard input: %v", flag, err)
	}
	return nil, usageErrorf("%s %s: cannot read the file: %v; write @path to a file, or @- for standard input", flag, v, unwrapPathError(err))
}

// unwrapPathError drops the "open NAME:" of an *os.PathError, which the
// messages that name the file already say.
func unwrapPathError(err error) error {
	var pe *os.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

// checkJSON makes sure a --json body parses, so that a typo is caught before
// thirty copies of it are sent. Positions are line and column in the body.
func checkJSON(flag string, body []byte) error {
	// encoding/json would quietly turn invalid UTF-8 into U+FFFD, and send
	// something else than what the file holds.
	if i := expressions.InvalidUTF8(string(body)); i >= 0 {
		line, col := lineCol(body, i)
		return usageErrorf("%s: the body is not valid UTF-8 (byte 0x%02X at line %d, column %d); JSON is UTF-8: save it as UTF-8", flag, body[i], line, col)
	}
	var v any
	if err := json.Unmarshal(body, &v); err != nil {
		var se *json.SyntaxError
		if errors.As(err, &se) && se.Offset > 0 {
			line, col := lineCol(body, int(se.Offset)-1)
			return usageErrorf("%s: the body is not valid JSON at line %d, column %d: %v", flag, line, col, err)
		}
		return usageErrorf("%s: the body is not valid JSON: %v", flag, err)
	}
	return nil
}

// lineCol is the 1-based line and rune column of byte offset i of b.
func lineCol(b []byte, i int) (line, col int) {
	i = min(i, len(b))
	start := bytes.LastIndexByte(b[:i], '\n') + 1
	return bytes.Count(b[:i], []byte("\n")) + 1, utf8.RuneCount(b[start:i]) + 1
}

// parseExpectStatus turns "200=1" into the check "count(status == 200) == 1".
func parseExpectStatus(v string) (string, error) {
	code, count, ok := strings.Cut(v, "=")
	var c, n int
	if ok {
		_, err1 := fmt.Sscanf(code, "%d", &c)
		_, err2 := fmt.Sscanf(count, "%d", &n)
		ok = err1 == nil && err2 == nil && c >= 100 && c <= 599 && n >= 0 &&
			fmt.Sprint(c) == strings.TrimSpace(code) && fmt.Sprint(n) == strings.TrimSpace(count)
	}
	if !ok {
		return "", usageErrorf("--expect-status %q: write STATUS=COUNT, for example 200=1 (exactly one 200)", v)
	}
	return fmt.Sprintf("count(status == %d) == %d", c, n), nil
}
