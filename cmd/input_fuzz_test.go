package cmd

import (
	"encoding/json"
	"net/http"
	"testing"
	"unicode/utf8"
)

// FuzzParseTargetURL: a URL from the command line is refused with a usage
// error, or is one every engine can send: http or https, with a host.
func FuzzParseTargetURL(f *testing.F) {
	for _, s := range []string{
		"http://127.0.0.1:8080/x", "127.0.0.1:8080/x", "http:/h/x", "ftp://h/", "http://", "http://:80/",
		"http://exa mple.com/", "http://h:99999/", "http://[::1/", "http://h/%zz", "http://h/\n", "http://h/\xff",
		"https://user:pw@h/p?token=1#f", "http://[::1]:8080/", "HTTP://H/",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		u, err := parseTargetURL("URL", raw)
		if err != nil {
			if exitCode(err) != ExitUsage {
				t.Fatalf("%q: %v is not a usage error", raw, err)
			}
			return
		}
		if (u.Scheme != "http" && u.Scheme != "https") || u.Hostname() == "" || !utf8.ValidString(raw) {
			t.Fatalf("%q accepted as %#v", raw, u)
		}
		if _, err := http.NewRequest(http.MethodGet, raw, nil); err != nil {
			t.Fatalf("%q accepted but net/http refuses it: %v", raw, err)
		}
	})
}

// FuzzCheckJSON: a --json body is accepted only when it is valid JSON in
// valid UTF-8, which is what is sent.
func FuzzCheckJSON(f *testing.F) {
	for _, s := range []string{`{"a":1}`, `{nope`, `[1,2`, "\"caf\xe9\"", `"ok"`, "", " ", "{}\n{}"} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		err := checkJSON("--json", body)
		switch {
		case err != nil && exitCode(err) != ExitUsage:
			t.Fatalf("%q: %v is not a usage error", body, err)
		case err == nil && (!json.Valid(body) || !utf8.Valid(body)):
			t.Fatalf("%q accepted", body)
		}
	})
}
