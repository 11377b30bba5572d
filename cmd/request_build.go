package cmd

import (
	"bytes"
	"context"
	"encoding/base64"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/racetest/racetest/capture"
	"github.com/racetest/racetest/expressions"
	"github.com/racetest/racetest/internal/readfile"
	"github.com/racetest/racetest/runner"
)

// request builds the one request fire and probe send N times from the
// request flags, reading them as curl does.
func (o *FireOptions) request(ctx context.Context) (runner.Request, error) {
	// A {{ values.NAME }} in the URL (a path segment, a query value) is
	// kept out of the URL's parsing, which would percent-encode its
	// braces and spaces and so turn the template into text.
	var refs []string
	raw := expressions.ReplaceValueRefs(o.URL, func(ref string) string {
		refs = append(refs, ref)
		return valuePlaceholder(len(refs) - 1)
	})
	u, err := parseTargetURL("URL", raw)
	if err != nil {
		return runner.Request{}, err
	}
	h, removed, err := parseRequestHeaders("--header", o.Headers)
	if err != nil {
		return runner.Request{}, err
	}
	body, err := o.body(ctx, h)
	if err != nil {
		return runner.Request{}, err
	}
	method, err := o.method(body)
	if err != nil {
		return runner.Request{}, err
	}
	if o.Get && body != nil {
		// curl -G: the data is the query, and the request has no body.
		u.RawQuery = strings.TrimPrefix(u.RawQuery+"&"+string(body), "&")
		body = nil
		h.Del("Content-Type")
	}
	if err := o.identity(ctx, u, h); err != nil {
		return runner.Request{}, err
	}
	if o.Compressed {
		// racetest asks for what it can decode, whatever a copied
		// command asked for (Firefox copies zstd).
		h.Del("Accept-Encoding")
	}
	for _, name := range removed {
		h.Del(name)
	}
	final := u.String()
	for i, ref := range refs {
		final = strings.Replace(final, valuePlaceholder(i), ref, 1)
	}
	return runner.Request{Method: method, URL: final, Header: h, Body: body}, nil
}

// valuePlaceholder stands for the i-th {{ values.NAME }} of the URL while
// it is parsed: letters, digits and dashes, which no part of a URL
// encodes.
func valuePlaceholder(i int) string { return "racetest-value-" + strconv.Itoa(i) + "-" }

// method is -X, else HEAD for -I, GET for -G, POST with a body, as curl.
func (o *FireOptions) method(body []byte) (string, error) {
	switch {
	case o.Head && body != nil && !o.Get:
		return "", usageErrorf("--head (-I) sends HEAD, which has no body; drop -d/--json or add -G to put the data in the query")
	case o.Method != "":
		return strings.ToUpper(o.Method), nil
	case o.Head:
		return http.MethodHead, nil
	case body != nil && !o.Get:
		return http.MethodPost, nil
	}
	return http.MethodGet, nil
}

// identity sets the headers that say who is asking: Basic credentials
// from -u or the URL's user info (removed from the URL, which is how
// curl sends them), -A, -e and -b. A header given with -H wins, as in
// curl.
func (o *FireOptions) identity(ctx context.Context, u *url.URL, h http.Header) error {
	user := o.User
	if u.User != nil {
		if user == "" {
			user = u.User.String()
			if s, err := url.PathUnescape(user); err == nil {
				user = s
			}
		}
		u.User = nil
	}
	if user != "" && h.Get("Authorization") == "" {
		if !strings.Contains(user, ":") {
			return usageErrorf("--user: give the password too, as USER:PASSWORD; racetest does not prompt for it")
		}
		h.Set("Authorization", "Basic "+base64.StdEncoding.EncodeToString([]byte(user)))
	}
	if o.UserAgent != "" && h.Get("User-Agent") == "" {
		h.Set("User-Agent", o.UserAgent)
	}
	if o.Referer != "" && h.Get("Referer") == "" {
		// curl's ";auto" suffix is about following redirects.
		h.Set("Referer", strings.TrimSuffix(o.Referer, ";auto"))
	}
	return o.cookies(ctx, u, h)
}

// cookies adds -b: a cookie string (it has a =) or a Netscape cookie
// file, merged with a Cookie header from -H into one header.
func (o *FireOptions) cookies(ctx context.Context, u *url.URL, h http.Header) error {
	var parts []string
	if c := h.Get("Cookie"); c != "" {
		parts = append(parts, c)
	}
	for _, c := range o.Cookies {
		if strings.Contains(c, "=") {
			parts = append(parts, c)
			continue
		}
		data, err := readfile.File(ctx, c, maxCookieFileSize)
		if err != nil {
			return fileReadError(ctx, "--cookie", c, maxCookieFileSize, err)
		}
		jar, err := capture.CookieJar(data, u, time.Now())
		if err != nil {
			return captureError("--cookie", c, err)
		}
		if jar != "" {
			parts = append(parts, jar)
		}
	}
	if len(parts) > 0 {
		h.Set("Cookie", strings.Join(parts, "; "))
	}
	return nil
}

// maxCookieFileSize bounds a -b cookie file: a browser's whole jar is a
// few hundred KiB.
const maxCookieFileSize = 16 << 20

// body is the request body of the -d family, -F and --json, and sets the
// Content-Type (and for --json the Accept) curl would.
func (o *FireOptions) body(ctx context.Context, h http.Header) ([]byte, error) {
	switch {
	case len(o.Body) > 0 && o.JSON != "":
		return nil, usageErrorf("--data and --json both give a body; use one")
	case len(o.Form) > 0 && (len(o.Body) > 0 || o.JSON != ""):
		return nil, usageErrorf("--form and --data or --json both give a body; use one (a form field is -F name=value)")
	case len(o.Form) > 0 && o.Get:
		return nil, usageErrorf("--get (-G) puts -d data in the query; a --form body cannot go there: drop -G, or use -d name=value")
	case len(o.Form) > 0:
		return o.formBody(ctx, h)
	}
	if o.JSON != "" {
		body, err := readData(ctx, "--json", o.JSON, o.App.Stdin)
		if err != nil {
			return nil, err
		}
		if err := checkJSON("--json", body); err != nil {
			return nil, err
		}
		setDefault(h, "Content-Type", "application/json")
		setDefault(h, "Accept", "application/json")
		return body, nil
	}
	if len(o.Body) == 0 {
		return nil, nil
	}
	var parts [][]byte
	for _, p := range o.Body {
		b, err := o.bodyPart(ctx, p)
		if err != nil {
			return nil, err
		}
		if o.binary == "" && strings.HasPrefix(p.value, "@") && !utf8.Valid(b) {
			o.binary = p.flag + " " + p.value + ": " + formFile(p.value[1:])
		}
		parts = append(parts, b)
	}
	setDefault(h, "Content-Type", "application/x-www-form-urlencoded")
	return bytes.Join(parts, []byte("&")), nil
}

// setDefault sets a header unless -H gave it (or removed it with 'Name:').
func setDefault(h http.Header, name, value string) {
	if _, ok := h[http.CanonicalHeaderKey(name)]; !ok {
		h.Set(name, value)
	}
}

// bodyPart reads one body option as curl does.
func (o *FireOptions) bodyPart(ctx context.Context, p bodyPart) ([]byte, error) {
	switch p.flag {
	case "--data-raw":
		return []byte(p.value), nil
	case "--data-urlencode":
		return o.urlencoded(ctx, p.value)
	}
	b, err := readData(ctx, p.flag, p.value, o.App.Stdin)
	if err != nil {
		return nil, err
	}
	if p.flag == "--data" && strings.HasPrefix(p.value, "@") {
		// curl -d @file drops carriage returns and newlines; only
		// --data-binary keeps the file as it is.
		b = bytes.ReplaceAll(bytes.ReplaceAll(b, []byte("\r"), nil), []byte("\n"), nil)
	}
	return b, nil
}

// urlencoded is one --data-urlencode in curl's five forms: content,
// =content, name=content, @file, name@file.
func (o *FireOptions) urlencoded(ctx context.Context, v string) ([]byte, error) {
	name, content := "", v
	if i := strings.IndexAny(v, "=@"); i >= 0 {
		name, content = v[:i], v[i+1:]
		if v[i] == '@' {
			b, err := readData(ctx, "--data-urlencode", "@"+content, o.App.Stdin)
			if err != nil {
				return nil, err
			}
			content = string(b)
		}
	}
	enc := percentEncode(content)
	if name == "" {
		return []byte(enc), nil
	}
	return []byte(name + "=" + enc), nil
}

// percentEncode escapes every byte but RFC 3986's unreserved ones, as
// curl_easy_escape does for --data-urlencode (a space is %20).
func percentEncode(s string) string {
	const hex = "0123456789ABCDEF"
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-' || c == '.' || c == '_' || c == '~' {
			b.WriteByte(c)
			continue
		}
		b.WriteByte('%')
		b.WriteByte(hex[c>>4])
		b.WriteByte(hex[c&15])
	}
	return b.String()
}
