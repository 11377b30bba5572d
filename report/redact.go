package report

import (
	"net/http"
	"net/url"
	"slices"
	"strings"

	"github.com/racetest/racetest/runner"
)

// Mask replaces every secret value in reports.
const Mask = "REDACTED"

// isSecretHeader reports whether a header carries credentials in requests
// or responses.
func isSecretHeader(name string) bool {
	switch http.CanonicalHeaderKey(name) {
	case "Authorization", "Proxy-Authorization", "Cookie", "Set-Cookie":
		return true
	}
	return false
}

// isSecretParam reports whether a query parameter name usually carries a
// credential.
func isSecretParam(name string) bool {
	n := strings.ToLower(name)
	for _, w := range []string{"token", "key", "secret", "password", "passwd", "auth", "session", "sig"} {
		if strings.Contains(n, w) {
			return true
		}
	}
	return false
}

// RedactHeader returns a copy of h with credentials masked, unless show.
func RedactHeader(h http.Header, show bool) map[string][]string {
	if h == nil {
		return nil
	}
	out := make(map[string][]string, len(h))
	for k, vs := range h {
		out[k] = append([]string(nil), vs...)
	}
	if show {
		return out
	}
	for k, vs := range out {
		if isSecretHeader(k) {
			for i := range vs {
				vs[i] = Mask
			}
		}
	}
	return out
}

// RedactURL masks user info and secret-looking query parameters, unless
// show. A URL without secrets comes back exactly as given.
func RedactURL(raw string, show bool) string {
	if show {
		return raw
	}
	u, err := url.Parse(raw)
	if err != nil {
		return raw
	}
	changed := false
	if u.User != nil {
		u.User = url.User(Mask)
		changed = true
	}
	q := u.Query()
	for k := range q {
		if isSecretParam(k) {
			for i := range q[k] {
				q[k][i] = Mask
			}
			changed = true
		}
	}
	if !changed {
		return raw
	}
	u.RawQuery = q.Encode()
	return u.String()
}

// Redact masks URLs with credentials inside free text such as error
// messages, unless show.
func Redact(s string, show bool) string {
	if show || !strings.Contains(s, "://") {
		return s
	}
	fields := strings.Fields(s)
	for _, f := range fields {
		trimmed := strings.Trim(f, `"',:`)
		if strings.Contains(trimmed, "://") {
			if r := RedactURL(trimmed, false); r != trimmed {
				s = strings.ReplaceAll(s, trimmed, r)
			}
		}
	}
	return s
}

// minSecretLen is the shortest credential value masked inside free text;
// shorter ones would mask ordinary words of every body.
const minSecretLen = 4

// Scrubber masks the credential values a burst's requests carried wherever
// they turn up again: in a body echoed by the server, in an error message,
// in what a check saw.
type Scrubber struct{ values []string }

// NewScrubber collects the secret values of reqs: Authorization and
// Proxy-Authorization values and their tokens, cookie values, and the
// values of secret-looking query parameters and URL passwords.
func NewScrubber(reqs []runner.Request) *Scrubber {
	seen := map[string]bool{}
	add := func(v string) {
		v = strings.TrimSpace(v)
		if len(v) >= minSecretLen && !seen[v] {
			seen[v] = true
		}
	}
	for i := range reqs {
		for k, vs := range reqs[i].Header {
			if !isSecretHeader(k) {
				continue
			}
			for _, v := range vs {
				add(v)
				if _, token, ok := strings.Cut(v, " "); ok {
					add(token)
				}
				for _, c := range strings.Split(v, ";") {
					if _, val, ok := strings.Cut(c, "="); ok {
						add(val)
					}
				}
			}
		}
		addURLSecrets(reqs[i].URL, add)
	}
	s := &Scrubber{}
	for v := range seen {
		s.values = append(s.values, v)
	}
	// Longest first, so that a token inside a longer header value does not
	// leave the rest of that value behind.
	slices.SortFunc(s.values, func(a, b string) int { return len(b) - len(a) })
	return s
}

func addURLSecrets(raw string, add func(string)) {
	u, err := url.Parse(raw)
	if err != nil {
		return
	}
	if p, ok := u.User.Password(); ok {
		add(p)
	}
	for k, vs := range u.Query() {
		if isSecretParam(k) {
			for _, v := range vs {
				add(v)
			}
		}
	}
}

// Scrub returns s with every collected secret value masked. A nil Scrubber
// masks nothing.
func (sc *Scrubber) Scrub(s string) string {
	if sc == nil {
		return s
	}
	for _, v := range sc.values {
		if strings.Contains(s, v) {
			s = strings.ReplaceAll(s, v, Mask)
		}
	}
	return s
}
