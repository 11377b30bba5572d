package report

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/url"
	"slices"
	"strings"

	"github.com/racetest/racetest/runner"
)

// Mask replaces every secret value in reports.
const Mask = "REDACTED"

// IsSecretHeader reports whether a header carries credentials in requests
// or responses: Authorization, cookies, and a name that IsSecretParam
// would mask (X-Api-Key, X-Auth-Token), which racetest import also
// writes as a secret, so that reports and scenario files keep one rule.
// The challenges (WWW-Authenticate) hold no credential.
func IsSecretHeader(name string) bool {
	switch k := http.CanonicalHeaderKey(name); k {
	case "Authorization", "Proxy-Authorization", "Cookie", "Set-Cookie":
		return true
	case "Www-Authenticate", "Proxy-Authenticate":
		return false
	default:
		return IsSecretParam(k)
	}
}

// secretWords are what a name that looks secret contains.
func secretWords() []string {
	return []string{"token", "key", "secret", "password", "passwd", "auth", "session", "sig"}
}

// IsSecretParam reports whether a query parameter name usually carries a
// credential.
func IsSecretParam(name string) bool {
	n := strings.ToLower(name)
	for _, w := range secretWords() {
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
		if IsSecretHeader(k) {
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
		return redactUserInfo(raw)
	}
	changed := false
	if u.User != nil {
		u.User = url.User(Mask)
		changed = true
	}
	q := u.Query()
	for k := range q {
		if IsSecretParam(k) {
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

// redactUserInfo masks the user info of a URL that does not parse, such as
// one with a space in it, so that a usage error cannot print its password.
func redactUserInfo(raw string) string {
	scheme, rest, ok := strings.Cut(raw, "://")
	if !ok {
		return raw
	}
	host := rest
	if i := strings.IndexAny(rest, "/?#"); i >= 0 {
		host = rest[:i]
	}
	at := strings.LastIndex(host, "@")
	if at < 0 {
		return raw
	}
	return scheme + "://" + Mask + rest[at:]
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

// Scrubber masks the credential values a run's requests carried wherever
// they turn up again: in a body echoed by the server, in an error message,
// in what a check saw. It matches each value as sent, JSON- and
// URL-escaped, and in any letter case, and masks a value cut short at the
// end of a truncated text.
type Scrubber struct {
	secrets []string        // as sent, longest first
	forms   []form          // secrets and their escaped forms, longest first
	seen    map[string]bool // secrets collected so far
	known   map[string]bool // forms collected so far
}

// form is one way a secret may appear, with its lower case for matching
// in any letter case.
type form struct{ text, lower string }

// NewScrubber collects the secret values of reqs: Authorization and
// Proxy-Authorization values and their tokens, cookie values, and the
// values of secret-looking query parameters and URL passwords.
func NewScrubber(reqs []runner.Request) *Scrubber {
	sc := &Scrubber{seen: map[string]bool{}, known: map[string]bool{}}
	sc.AddRequests(reqs)
	return sc
}

// AddRequests collects the secret values of more requests: their secret
// headers, the URL's, and the secret-looking fields of their bodies, the
// ones WriteSent masks and racetest import writes as references.
func (sc *Scrubber) AddRequests(reqs []runner.Request) {
	var last []byte
	for i := range reqs {
		sc.addHeader(reqs[i].Header)
		addURLSecrets(reqs[i].URL, sc.add)
		// A burst is mostly N copies of one body: scan each once.
		if b := reqs[i].Body; len(b) > 0 && (last == nil || !bytes.Equal(b, last)) {
			addBodySecrets(b, sc.add)
			last = b
		}
	}
	sc.sort()
}

// bodyScanSize bounds the part of a body addBodySecrets reads: the field
// pattern runs at a few MB/s, and a burst may carry N distinct bodies of
// up to 16 MiB. Credential fields sit near the start of real bodies.
const bodyScanSize = 64 << 10

// addBodySecrets adds the values of a form or JSON body's secret-looking
// fields (password=..., "api_key": "..."), as sent and percent-decoded,
// since a server may echo either.
func addBodySecrets(b []byte, add func(string)) {
	body := string(b[:min(len(b), bodyScanSize)])
	// A body with none of the words has no secret field: most bodies
	// are done here, at the speed of a byte search.
	lower := strings.ToLower(body)
	if !slices.ContainsFunc(secretWords(), func(w string) bool { return strings.Contains(lower, w) }) {
		return
	}
	for _, p := range secretField.FindAllStringSubmatch(body, -1) {
		name, _ := url.QueryUnescape(p[2])
		if p[4] == "" || !IsSecretParam(name) {
			continue
		}
		add(p[4])
		if v, err := url.QueryUnescape(p[4]); err == nil {
			add(v)
		}
	}
}

// AddSecrets collects values that are secrets wherever they were sent,
// such as per-request values.
func (sc *Scrubber) AddSecrets(vs []string) {
	for _, v := range vs {
		sc.add(v)
	}
	sc.sort()
}

// AddResponses collects the secrets that responses set: Set-Cookie values.
func (sc *Scrubber) AddResponses(rs []runner.Result) {
	for i := range rs {
		sc.addHeader(rs[i].Header)
	}
	sc.sort()
}

func (sc *Scrubber) addHeader(h http.Header) {
	for k, vs := range h {
		if !IsSecretHeader(k) {
			continue
		}
		for _, v := range vs {
			sc.add(v)
			if _, token, ok := strings.Cut(v, " "); ok {
				sc.add(token)
			}
			for _, c := range strings.Split(v, ";") {
				if _, val, ok := strings.Cut(c, "="); ok {
					sc.add(val)
				}
			}
		}
	}
}

func (sc *Scrubber) add(v string) {
	v = strings.TrimSpace(v)
	if len(v) < minSecretLen || sc.seen[v] {
		return
	}
	sc.seen[v] = true
	sc.secrets = append(sc.secrets, v)
	quoted, _ := json.Marshal(v)
	for _, f := range []string{v, string(quoted[1 : len(quoted)-1]), strings.ReplaceAll(v, "/", `\/`), url.QueryEscape(v)} {
		// A map, not a scan of forms: --values may bring 10,000 secrets.
		if !sc.known[f] {
			sc.known[f] = true
			sc.forms = append(sc.forms, form{f, strings.ToLower(f)})
		}
	}
}

// sort puts the longest first, so that a token inside a longer header
// value does not leave the rest of that value behind.
func (sc *Scrubber) sort() {
	longest := func(a, b string) int { return len(b) - len(a) }
	slices.SortFunc(sc.secrets, longest)
	slices.SortFunc(sc.forms, func(a, b form) int { return longest(a.text, b.text) })
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
		if IsSecretParam(k) {
			for _, v := range vs {
				add(v)
			}
		}
	}
}

// Scrub returns s with every collected secret value masked. A nil Scrubber
// masks nothing.
func (sc *Scrubber) Scrub(s string) string {
	if sc == nil || s == "" {
		return s
	}
	// Most texts hold no secret: one lower-cased copy and a search per
	// form, rather than a lower-cased copy per form, keeps a run with
	// thousands of per-request values from scrubbing for minutes.
	ls := strings.ToLower(s)
	for _, f := range sc.forms {
		if !strings.Contains(ls, f.lower) && !strings.Contains(s, f.text) {
			continue
		}
		s = replaceFold(s, f.text)
		ls = strings.ToLower(s)
	}
	return sc.scrubCut(s)
}

// replaceFold masks every occurrence of v in s, whatever the letter case
// (a server may echo a token lower-cased). Texts whose lower case changes
// length (some non-ASCII letters) are matched exactly.
func replaceFold(s, v string) string {
	ls, lv := strings.ToLower(s), strings.ToLower(v)
	if len(ls) != len(s) || len(lv) != len(v) {
		return strings.ReplaceAll(s, v, Mask)
	}
	var b strings.Builder
	for {
		i := strings.Index(ls, lv)
		if i < 0 {
			if b.Len() == 0 {
				return s
			}
			b.WriteString(s)
			return b.String()
		}
		b.WriteString(s[:i])
		b.WriteString(Mask)
		s, ls = s[i+len(v):], ls[i+len(v):]
	}
}

// truncated ends a text cut short, as a check's "seen" is.
const truncated = "..."

// scrubCut masks the start of a secret left at the end of a text that was
// cut short before the secret ended.
func (sc *Scrubber) scrubCut(s string) string {
	t, ok := strings.CutSuffix(s, truncated)
	if !ok {
		return s
	}
	lt := strings.ToLower(t)
	for _, v := range sc.secrets {
		for k := len(v) - 1; k >= minSecretLen; k-- {
			if strings.HasSuffix(lt, strings.ToLower(v[:k])) {
				return t[:len(t)-k] + Mask + truncated
			}
		}
	}
	return s
}
