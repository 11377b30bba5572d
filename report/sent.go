package report

import (
	"fmt"
	"io"
	"net/url"
	"regexp"
	"slices"
	"strconv"

	"github.com/racetest/racetest/runner"
)

// SentPreview is how many bytes of a body WriteSent shows.
const SentPreview = 256

// WriteSent writes one request as it was sent, in curl -v's manner (lines
// that start with "> "): method and URL, headers, the body's size and its
// first SentPreview bytes, quoted so that no byte of it can drive the
// terminal. Unless show, credentials are masked as in every report: the
// secret headers, the URL's, what sc knows, and the values of
// secret-looking fields of a form or JSON body (password=, "token": ...).
func WriteSent(w io.Writer, what string, req runner.Request, sc *Scrubber, show bool) {
	mask := func(s string) string {
		if show {
			return s
		}
		return sc.Scrub(s)
	}
	hint := ""
	if !show {
		hint = " (secrets masked; --show-secrets shows them)"
	}
	fmt.Fprintf(w, "> %s as sent%s:\n", what, hint)
	fmt.Fprintf(w, "> %s %s\n", req.Method, mask(RedactURL(req.URL, show)))
	h := RedactHeader(req.Header, show)
	names := make([]string, 0, len(h))
	for k := range h {
		names = append(names, k)
	}
	slices.Sort(names)
	for _, k := range names {
		for _, v := range h[k] {
			fmt.Fprintf(w, "> %s: %s\n", k, mask(v))
		}
	}
	fmt.Fprintln(w, "> (and Host, Content-Length, and User-Agent when none is given, which the engine writes)")
	if len(req.Body) == 0 {
		fmt.Fprintln(w, "> no body")
		return
	}
	head := req.Body
	more := ""
	if len(head) > SentPreview {
		head, more = head[:SentPreview], fmt.Sprintf(", the first %d shown", SentPreview)
	}
	text := string(head)
	if !show {
		text = maskSecretFields(sc.Scrub(text))
	}
	fmt.Fprintf(w, "> body: %d bytes%s: %s\n", len(req.Body), more, strconv.Quote(text))
}

// secretField is a form or JSON field and its value: name=value,
// "name": "value" or "name": value.
var secretField = regexp.MustCompile(`("?)([A-Za-z0-9_.\-\[\]]+)("?\s*[:=]\s*"?)([^&",}\s]*)`)

// maskSecretFields masks the values of fields whose names look like
// credentials (IsSecretParam: password, token, key, ...).
func maskSecretFields(s string) string {
	return secretField.ReplaceAllStringFunc(s, func(m string) string {
		p := secretField.FindStringSubmatch(m)
		name, _ := url.QueryUnescape(p[2])
		if !IsSecretParam(name) || p[4] == "" {
			return m
		}
		return p[1] + p[2] + p[3] + Mask
	})
}
