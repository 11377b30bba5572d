package capture

import (
	"bytes"
	"net/url"
	"strconv"
	"strings"
	"time"

	"golang.org/x/net/http/httpguts"
)

// CookieJar reads a Netscape cookie file (what curl -c writes and -b
// reads, and browser extensions export) and returns the Cookie header
// value curl would send to u at now: the cookies whose domain and path
// match, secure ones only over https, expired ones left out.
func CookieJar(data []byte, u *url.URL, now time.Time) (string, error) {
	host := strings.ToLower(u.Hostname())
	var out []string
	// A file saved by a Windows editor may start with a byte order mark.
	data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))
	for i, line := range strings.Split(string(data), "\n") {
		line = strings.TrimSuffix(line, "\r")
		// curl marks HttpOnly cookies with this prefix on a line that
		// would otherwise be a comment.
		line = strings.TrimPrefix(line, "#HttpOnly_")
		if strings.TrimSpace(line) == "" || strings.HasPrefix(line, "#") {
			continue
		}
		f := strings.Split(line, "\t")
		if len(f) != 7 {
			return "", errorf(i+1, 1, "not a cookie line: a Netscape cookie file has 7 tab-separated fields (domain, subdomains, path, secure, expires, name, value); for a cookie string write -b 'name=value'")
		}
		exp, err := strconv.ParseInt(f[4], 10, 64)
		if err != nil {
			return "", errorf(i+1, 1, "the expiry %q is not a Unix time", clip(f[4]))
		}
		if !httpguts.ValidHeaderFieldValue(f[5] + "=" + f[6]) {
			// The value is not shown: it is a credential.
			return "", errorf(i+1, 1, "the cookie %q has a control character in its name or value, which HTTP does not allow in a header", clip(strings.ToValidUTF8(f[5], "?")))
		}
		domain := strings.ToLower(strings.TrimPrefix(f[0], "."))
		sub := strings.EqualFold(f[1], "TRUE")
		switch {
		case exp != 0 && exp < now.Unix():
		case strings.EqualFold(f[3], "TRUE") && u.Scheme != "https":
		case !(host == domain || sub && strings.HasSuffix(host, "."+domain)):
		case !pathMatch(u.EscapedPath(), f[2]):
		default:
			out = append(out, f[5]+"="+f[6])
		}
	}
	return strings.Join(out, "; "), nil
}

// pathMatch is RFC 6265's path-match of a request path against a cookie's.
func pathMatch(reqPath, cookiePath string) bool {
	if reqPath == "" {
		reqPath = "/"
	}
	switch {
	case cookiePath == "" || reqPath == cookiePath:
		return true
	case strings.HasPrefix(reqPath, cookiePath):
		return strings.HasSuffix(cookiePath, "/") || reqPath[len(cookiePath)] == '/'
	}
	return false
}
