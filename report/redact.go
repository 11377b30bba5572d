package report

import (
	"net/http"
	"net/url"
	"regexp"
	"strings"
)

// Mask replaces every secret value in reports.
const Mask = "REDACTED"

// secretHeaders carry credentials in requests or responses.
var secretHeaders = []string{"Authorization", "Proxy-Authorization", "Cookie", "Set-Cookie"}

// secretParam matches query parameter names that usually carry credentials.
var secretParam = regexp.MustCompile(`(?i)(token|key|secret|password|passwd|auth|session|sig)`)

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
	for _, k := range secretHeaders {
		if vs, ok := out[k]; ok {
			for i := range vs {
				vs[i] = Mask
			}
		}
	}
	return out
}

// RedactURL masks user info and secret-looking query parameters, unless show.
func RedactURL(raw string, show bool) string {
	if show {
		return raw
	}
	u, err := url.Parse(raw)
	if err != nil {
		return raw
	}
	if u.User != nil {
		u.User = url.User(Mask)
	}
	q := u.Query()
	changed := false
	for k := range q {
		if secretParam.MatchString(k) {
			for i := range q[k] {
				q[k][i] = Mask
			}
			changed = true
		}
	}
	if changed {
		u.RawQuery = q.Encode()
	}
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
