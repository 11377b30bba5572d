package cmd

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"golang.org/x/net/http/httpguts"
)

// FuzzParseHeaders: whatever the user types, parseHeaders either refuses it
// with a usage error or returns a header net/http can send.
func FuzzParseHeaders(f *testing.F) {
	for _, s := range []string{"A: 1", "NoColon", ": v", "X-Y:  spaced  ", "Bad Name: v", "A: b\r\nInjected: 1", "é: v", "A:"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		h, err := parseHeaders("--header", []string{raw})
		if err != nil {
			if exitCode(err) != ExitUsage {
				t.Fatalf("%q: error %v is not a usage error", raw, err)
			}
			return
		}
		for k, vs := range h {
			if !httpguts.ValidHeaderFieldName(k) {
				t.Fatalf("%q: accepted invalid name %q", raw, k)
			}
			for _, v := range vs {
				if !httpguts.ValidHeaderFieldValue(v) {
					t.Fatalf("%q: accepted invalid value %q", raw, v)
				}
			}
		}
	})
}

// FuzzReadData: literals pass through unchanged; @forms read a file or
// stdin and never panic.
func FuzzReadData(f *testing.F) {
	for _, s := range []string{"a=1", "@-", "@", "@/nonexistent", `{"x":1}`, "@@"} {
		f.Add(s, "stdin body")
	}
	f.Fuzz(func(t *testing.T, v, stdin string) {
		b, err := readData(context.Background(), "--data", v, strings.NewReader(stdin))
		switch {
		case !strings.HasPrefix(v, "@"):
			if err != nil || string(b) != v {
				t.Fatalf("literal %q: got %q, %v", v, b, err)
			}
		case v == "@-":
			if err != nil || string(b) != stdin {
				t.Fatalf("@-: got %q, %v", b, err)
			}
		case err != nil && exitCode(err) != ExitUsage:
			t.Fatalf("%q: error %v is not a usage error", v, err)
		}
	})
}

// FuzzExpectStatus: an accepted shorthand always compiles to a check.
func FuzzExpectStatus(f *testing.F) {
	for _, s := range []string{"200=1", "200", "=1", "999=1", "200=-1", "200 = 1", "0x10=1"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, v string) {
		src, err := parseExpectStatus(v)
		if err != nil {
			return
		}
		o := &FireOptions{ExpectStatus: []string{v}}
		if _, err := o.checks(); err != nil {
			t.Fatalf("%q became %q which does not compile: %v", v, src, err)
		}
	})
}

func TestParseHeadersMessages(t *testing.T) {
	for raw, want := range map[string]string{
		"NoColon":        `--header "NoColon": a header is written 'Name: value'`,
		"Bad Name: v":    "the name has a space (byte 0x20 at column 4); a header name has letters, digits and",
		"A: b\x00c":      "the value has a NUL (byte 0x00 at column 2), which HTTP does not allow in a header",
		"Content-Type: ": "",
		"Content-Type;":  "",
	} {
		h, removed, err := parseRequestHeaders("--header", []string{raw})
		if want == "" {
			// As curl: "Name:" leaves out a header racetest would add,
			// "Name;" sends it empty.
			sent := len(h[http.CanonicalHeaderKey("content-type")])
			if err != nil || h.Get("Content-Type") != "" || strings.HasSuffix(raw, ";") != (sent == 1) || strings.HasSuffix(raw, ": ") != (len(removed) == 1) {
				t.Errorf("%q: %v %v %v", raw, h, removed, err)
			}
			continue
		}
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%q: error %v, want %q", raw, err, want)
		}
	}
}
