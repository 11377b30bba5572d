package cmd

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"strings"

	"golang.org/x/net/http/httpguts"
)

// parseTargetURL checks a URL given on the command line and says how to fix
// it when it cannot be sent.
func parseTargetURL(where, raw string) (*url.URL, error) {
	if !strings.Contains(raw, "://") {
		return nil, usageErrorf("%s: %q must start with http:// or https:// (did you mean http://%s?)", where, raw, raw)
	}
	u, err := url.Parse(raw)
	if err != nil {
		return nil, usageErrorf("%s: %q is not a URL: %v", where, raw, unwrapURLError(err))
	}
	if u.Scheme != "http" && u.Scheme != "https" {
		return nil, usageErrorf("%s: %q must start with http:// or https://", where, raw)
	}
	if u.Host == "" || u.Hostname() == "" {
		return nil, usageErrorf("%s: %q has no host; write it like http://127.0.0.1:8080/path", where, raw)
	}
	return u, nil
}

func unwrapURLError(err error) error {
	if ue, ok := err.(*url.Error); ok {
		return ue.Err
	}
	return err
}

// parseHeaders turns curl-style "Name: value" flags into a header.
func parseHeaders(flag string, hs []string) (http.Header, error) {
	h := http.Header{}
	for _, raw := range hs {
		name, value, ok := strings.Cut(raw, ":")
		name = strings.TrimSpace(name)
		if !ok || name == "" {
			return nil, usageErrorf("%s %q: a header is written 'Name: value'", flag, raw)
		}
		value = strings.TrimSpace(value)
		if !httpguts.ValidHeaderFieldName(name) {
			return nil, usageErrorf("%s %q: %q is not a valid header name (letters, digits and !#$%%&'*+-.^_`|~ only)", flag, raw, name)
		}
		if !httpguts.ValidHeaderFieldValue(value) {
			return nil, usageErrorf("%s %q: the value has a control character or line break", flag, raw)
		}
		h.Add(name, value)
	}
	return h, nil
}

// readData resolves curl's -d forms: a literal, @file, or @- for stdin.
func readData(flag, v string, stdin io.Reader) ([]byte, error) {
	if !strings.HasPrefix(v, "@") {
		return []byte(v), nil
	}
	name := v[1:]
	if name == "-" {
		b, err := io.ReadAll(stdin)
		if err != nil {
			return nil, usageErrorf("%s @-: reading standard input: %v", flag, err)
		}
		return b, nil
	}
	b, err := os.ReadFile(name)
	if err != nil {
		return nil, usageErrorf("%s %s: cannot read the file: %v", flag, v, unwrapPathError(err))
	}
	return b, nil
}

func unwrapPathError(err error) error {
	if pe, ok := err.(*os.PathError); ok {
		return pe.Err
	}
	return err
}

// checkJSON makes sure a --json body parses, so that a typo is caught before
// thirty copies of it are sent.
func checkJSON(flag string, body []byte) error {
	var v any
	if err := json.Unmarshal(body, &v); err != nil {
		return usageErrorf("%s: the body is not valid JSON: %v", flag, err)
	}
	return nil
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
