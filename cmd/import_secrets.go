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

// secret is a value kept out of a written scenario: the variable that
// holds it and what it is.
type secret struct{ env, what, value string }

// taker records a secret under a variable named after name and returns
// the ${ENV} reference that replaces it.
type taker func(name, what, value string) string

// newSecretTaker is a taker that appends to secrets, numbering a
// variable whose name is taken by another value; the same value under
// the same name (a header of the race and of a setup step) is one.
func newSecretTaker(secrets *[]secret) taker {
	used := map[string]bool{}
	seen := map[[2]string]string{}
	return func(name, what, value string) string {
		if env, ok := seen[[2]string{name, value}]; ok {
			return "${" + env + "}"
		}
		env := envName(name, used)
		seen[[2]string{name, value}] = env
		*secrets = append(*secrets, secret{env, what, value})
		return "${" + env + "}"
	}
}

// secretRefs is req as scenario literals (templates escaped) with its
// secrets replaced by ${ENV} references, the one rule of racetest import
// and probe --emit: credential headers, secret-looking query parameters,
// and in a JSON or form body the string values of secret-looking fields
// (password, token, secret, api_key...: report.IsSecretParam). A file on
// disk is copied, committed and shared; the command line it came from
// was not.
func secretRefs(req runner.Request, take taker) (runner.Request, error) {
	lit := scenarios.EscapeRequest(req)
	names := make([]string, 0, len(req.Header))
	for name := range req.Header {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		if report.IsSecretHeader(name) || report.IsSecretParam(name) {
			lit.Header[name] = []string{take(name, "the "+name+" header", strings.Join(req.Header[name], ", "))}
		}
	}
	u, err := url.Parse(req.URL)
	if err != nil {
		return lit, err
	}
	if u.RawQuery != "" {
		if q, changed := secretPairs(u.RawQuery, "query_", "query parameter (as in the URL, percent-encoded)", take); changed {
			lit.URL = expressions.EscapeTemplate(scenarios.Origin(req.URL)+u.EscapedPath()) + "?" + q
		}
	}
	if len(req.Body) > 0 {
		if b, changed := secretBody(req, take); changed {
			lit.Body = []byte(b)
		}
	}
	return lit, nil
}

// secretPairs replaces the secret-looking values of name=value pairs
// joined by & (a query or a form body) with references, keeping the
// order and encoding of the rest, escaped as literals.
func secretPairs(raw, prefix, what string, take taker) (string, bool) {
	changed := false
	parts := strings.Split(raw, "&")
	for i, p := range parts {
		k, v, _ := strings.Cut(p, "=")
		name, err := url.QueryUnescape(k)
		if err != nil || !report.IsSecretParam(name) || v == "" {
			parts[i] = expressions.EscapeTemplate(p)
			continue
		}
		parts[i] = expressions.EscapeTemplate(k) + "=" + take(prefix+name, "the "+name+" "+what, v)
		changed = true
	}
	return strings.Join(parts, "&"), changed
}

// secretBody is req's body with the secret-looking fields of a form or a
// JSON object replaced, or false when there are none.
func secretBody(req runner.Request, take taker) (string, bool) {
	ct, _, _ := mime.ParseMediaType(req.Header.Get("Content-Type"))
	body := string(req.Body)
	switch {
	case ct == "application/x-www-form-urlencoded":
		return secretPairs(body, "body_", "form field (as in the body, percent-encoded)", take)
	case ct == "application/json" || strings.HasSuffix(ct, "+json") || ct == "" && json.Valid(req.Body):
		return secretJSON(req.Body, take)
	}
	return "", false
}

// secretJSON replaces the string values of secret-looking keys, at any
// depth, in place: the rest of the body keeps its bytes (order, spacing),
// escaped as literals. The variable holds the string as the body has it,
// JSON-escaped, without its quotes.
func secretJSON(body []byte, take taker) (string, bool) {
	d := json.NewDecoder(bytes.NewReader(body))
	var b strings.Builder
	done := 0        // bytes of body written to b
	key := ""        // the key whose value comes next, in an object
	var stack []bool // true for an object, at each depth
	expectKey := func() bool { return len(stack) > 0 && stack[len(stack)-1] && key == "" }
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
			if expectKey() {
				key = v
				continue
			}
			if key != "" && report.IsSecretParam(key) && v != "" {
				end := int(d.InputOffset())
				start := bytes.IndexByte(body[before:end], '"') + int(before)
				b.WriteString(expressions.EscapeTemplate(string(body[done : start+1])))
				b.WriteString(take("body_"+key, fmt.Sprintf("the %s field of the JSON body (as in the body, JSON-escaped)", key), string(body[start+1:end-1])))
				done = end - 1
			}
		}
		key = ""
	}
	if done == 0 {
		return "", false
	}
	b.WriteString(expressions.EscapeTemplate(string(body[done:])))
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
