package cmd

import (
	"bytes"
	"encoding/json"
	"fmt"
	"mime"
	"net/url"
	"sort"
	"strings"

	"github.com/racetest/racetest/expressions"
	"github.com/racetest/racetest/report"
	"github.com/racetest/racetest/runner"
	"github.com/racetest/racetest/scenarios"
)

// secret is a value kept out of a scenario file: the variable that holds
// it and what it is.
type secret struct{ env, what, value string }

// secretRefs takes the secrets out of the requests that racetest import
// and probe --emit write into a scenario file, which people commit: each
// credential header and token-like query parameter becomes a
// ${RACETEST_...} reference. The same value under the same name, as in
// the reset, the burst and the after read of a probe, is one variable.
type secretRefs struct {
	used  map[string]bool   // variable names given out
	taken map[string]string // name and value -> variable
	list  []secret
	// commandLine says that the requests came from the command line,
	// where {{ values.NAME }} is a template (probe --emit), rather than
	// captured, where every {{ is text (import).
	commandLine bool
}

func newSecretRefs(commandLine bool) *secretRefs {
	return &secretRefs{used: map[string]bool{}, taken: map[string]string{}, commandLine: commandLine}
}

// take is the reference that stands for value, what says what it is.
func (s *secretRefs) take(name, what, value string) string {
	key := name + "\x00" + value
	env, ok := s.taken[key]
	if !ok {
		env = envName(name, s.used)
		s.taken[key] = env
		s.list = append(s.list, secret{env, what, value})
	}
	return "${" + env + "}"
}

// literal is req as a scenario file holds it: its text escaped, so that
// {{ and ${ are sent as written, and its secrets as references.
func (s *secretRefs) literal(req runner.Request) (runner.Request, error) {
	lit := scenarios.EscapeRequest(req)
	if s.commandLine {
		lit = scenarios.EscapeCommandLine(req)
	}
	names := make([]string, 0, len(req.Header))
	for name := range req.Header {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		v := strings.Join(req.Header[name], ", ")
		if s.commandLine && hasValueRef(v) {
			// The per-request value is the secret, and values: names
			// the variable that holds it.
			continue
		}
		if report.IsSecretHeader(name) {
			lit.Header[name] = []string{s.take(name, "the "+name+" header"+authScheme(name, v), v)}
		}
	}
	u, err := url.Parse(req.URL)
	if err != nil {
		return runner.Request{}, err
	}
	if q, changed := s.pairs(u.RawQuery, "query_", "query parameter (as in the URL, percent-encoded)"); changed {
		lit.URL = s.escape(scenarios.Origin(req.URL)+u.EscapedPath()) + "?" + q
	}
	if b, changed := s.body(req); changed {
		lit.Body = []byte(b)
	}
	return lit, nil
}

// escape writes text as a template that expands to it; on the command
// line, {{ values.NAME }} stays a template.
func (s *secretRefs) escape(text string) string {
	if s.commandLine {
		return expressions.EscapeCommandLine(text)
	}
	return expressions.EscapeTemplate(text)
}

// hasValueRef tells whether v holds a {{ values.NAME }} reference.
func hasValueRef(v string) bool {
	found := false
	expressions.ReplaceValueRefs(v, func(ref string) string { found = true; return ref })
	return found
}

// authScheme says what an Authorization value holds besides the
// credential, so that the variable is set whole: "Basic ..." for -u.
func authScheme(name, v string) string {
	scheme, _, ok := strings.Cut(v, " ")
	if !ok || !strings.HasSuffix(name, "Authorization") {
		return ""
	}
	if scheme == "Basic" {
		return ": 'Basic ' and the base64 of USER:PASSWORD"
	}
	return ": '" + scheme + " ...'"
}

// pairs replaces the secret-looking values of name=value pairs joined
// by & (a query, a form body) with references, keeping the order and
// encoding of the rest; false when there are none.
func (s *secretRefs) pairs(raw, prefix, what string) (string, bool) {
	if raw == "" {
		return "", false
	}
	changed := false
	parts := strings.Split(raw, "&")
	for i, p := range parts {
		k, v, _ := strings.Cut(p, "=")
		name, err := url.QueryUnescape(k)
		if err != nil || v == "" || !report.IsSecretParam(name) || s.commandLine && hasValueRef(v) {
			parts[i] = s.escape(p)
			continue
		}
		parts[i] = s.escape(k) + "=" + s.take(prefix+name, "the "+name+" "+what, v)
		changed = true
	}
	return strings.Join(parts, "&"), changed
}

// body is req's body with the secret-looking fields of a form or a JSON
// body made references (password, api_key, client_secret...: the names
// report.IsSecretParam masks), or false when there are none.
func (s *secretRefs) body(req runner.Request) (string, bool) {
	if len(req.Body) == 0 {
		return "", false
	}
	ct, _, _ := mime.ParseMediaType(req.Header.Get("Content-Type"))
	switch {
	case ct == "application/x-www-form-urlencoded":
		return s.pairs(string(req.Body), "body_", "form field (as in the body, percent-encoded)")
	case ct == "application/json" || strings.HasSuffix(ct, "+json") || ct == "" && json.Valid(req.Body):
		return s.json(req.Body)
	}
	return "", false
}

// json replaces the string values of secret-looking keys, at any depth,
// in place: the rest of the body keeps its bytes (order, spacing). The
// variable holds the string as the body has it, JSON-escaped, without
// its quotes, so that the scenario sends the same bytes.
func (s *secretRefs) json(body []byte) (string, bool) {
	d := json.NewDecoder(bytes.NewReader(body))
	var b strings.Builder
	done := 0        // bytes of body written to b
	key := ""        // the key whose value comes next, in an object
	var stack []bool // at each depth, true for an object
	for {
		before := d.InputOffset()
		t, err := d.Token()
		if err != nil {
			break
		}
		switch v := t.(type) {
		case json.Delim:
			if v == '{' || v == '[' {
				stack = append(stack, v == '{')
			} else if len(stack) > 0 {
				stack = stack[:len(stack)-1]
			}
			key = ""
			continue
		case string:
			if len(stack) > 0 && stack[len(stack)-1] && key == "" {
				key = v
				continue
			}
			if key != "" && v != "" && report.IsSecretParam(key) && !(s.commandLine && hasValueRef(v)) {
				end := int(d.InputOffset())
				start := bytes.IndexByte(body[before:end], '"') + int(before)
				b.WriteString(s.escape(string(body[done : start+1])))
				b.WriteString(s.take("body_"+key, "the "+key+" field of the JSON body (as in the body, JSON-escaped)", string(body[start+1:end-1])))
				done = end - 1
			}
		}
		key = ""
	}
	if done == 0 {
		return "", false
	}
	b.WriteString(s.escape(string(body[done:])))
	return b.String(), true
}

// envName is RACETEST_ and name in upper case with _ for the rest,
// numbered when it is taken.
func envName(name string, used map[string]bool) string {
	var b strings.Builder
	b.WriteString("RACETEST_")
	for _, r := range strings.ToUpper(name) {
		if r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' {
			b.WriteRune(r)
		} else {
			b.WriteByte('_')
		}
	}
	env := b.String()
	for i := 2; used[env]; i++ {
		env = fmt.Sprintf("%s_%d", b.String(), i)
	}
	used[env] = true
	return env
}

// writeExports names the variables on stderr, with their values only
// with --show-secrets.
func writeExports(app *App, secrets []secret, show bool) {
	if len(secrets) == 0 {
		return
	}
	fmt.Fprintln(app.Stderr, "# The scenario reads these secrets from the environment; set them before racetest run:")
	for _, s := range secrets {
		v := "..."
		if show {
			v = shellQuote(s.value)
		}
		fmt.Fprintf(app.Stderr, "export %s=%s   # %s\n", s.env, v, s.what)
	}
	if !show {
		fmt.Fprintln(app.Stderr, "# (--show-secrets prints the values)")
	}
}
