package scenarios

import (
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/racetest/racetest/expressions"
	"github.com/racetest/racetest/runner"
)

// WriteRequest writes r as the fields of a scenario request (method, url
// relative to target when it is on it, headers, body) at indent. The
// strings of r are templates: callers pass literal text through
// EscapeRequest. Strings are double-quoted: YAML reads Go's quoting of
// printable text as written. Headers are written in order (a captured
// request's, such as a browser's), then the rest sorted by name.
func WriteRequest(b *strings.Builder, indent string, r runner.Request, target string, order []string) {
	fmt.Fprintf(b, "%smethod: %s\n", indent, r.Method)
	fmt.Fprintf(b, "%surl: %s\n", indent, strconv.Quote(RelativeURL(r.URL, target)))
	if len(r.Header) > 0 {
		fmt.Fprintf(b, "%sheaders:\n", indent)
		for _, n := range HeaderOrder(r.Header, order) {
			fmt.Fprintf(b, "%s  %s: %s\n", indent, strconv.Quote(n), strconv.Quote(strings.Join(r.Header[n], ", ")))
		}
	}
	if r.Body != nil {
		fmt.Fprintf(b, "%sbody: %s\n", indent, strconv.Quote(string(r.Body)))
	}
}

// HeaderOrder is the names of h: those in order first, as order has
// them, then the rest sorted.
func HeaderOrder(h http.Header, order []string) []string {
	names := make([]string, 0, len(h))
	for _, n := range order {
		if _, ok := h[n]; ok && !slices.Contains(names, n) {
			names = append(names, n)
		}
	}
	var rest []string
	for n := range h {
		if !slices.Contains(names, n) {
			rest = append(rest, n)
		}
	}
	slices.Sort(rest)
	return append(names, rest...)
}

// EscapeRequest is r with every string written as a template that
// expands to it, so that {{ or ${NAME} in a captured body is sent as is.
func EscapeRequest(r runner.Request) runner.Request {
	return escapeRequest(r, expressions.EscapeTemplate)
}

// EscapeCommandLine is r, given on the command line, written as templates
// that expand as LiteralRequest(r) does: {{ values.NAME }} stays a
// template, anything else is sent as is.
func EscapeCommandLine(r runner.Request) runner.Request {
	return escapeRequest(r, expressions.EscapeCommandLine)
}

func escapeRequest(r runner.Request, esc func(string) string) runner.Request {
	out := runner.Request{Method: r.Method, URL: esc(r.URL)}
	if r.Header != nil {
		out.Header = make(map[string][]string, len(r.Header))
		for n, vs := range r.Header {
			for _, v := range vs {
				out.Header[n] = append(out.Header[n], esc(v))
			}
		}
	}
	if r.Body != nil {
		out.Body = []byte(esc(string(r.Body)))
	}
	return out
}

// Origin is scheme://host of u, the target of a scenario written for it.
func Origin(u string) string {
	p, err := url.Parse(u)
	if err != nil {
		return ""
	}
	return p.Scheme + "://" + p.Host
}

// RelativeURL is u relative to target when it is on it, else u.
func RelativeURL(u, target string) string {
	if target != "" && strings.HasPrefix(u, target+"/") {
		return strings.TrimPrefix(u, target)
	}
	return u
}
