package scenarios

import (
	"fmt"
	"strings"
	"testing"

	"github.com/racetest/racetest/expressions"
)

// billionLaughs is a scenario whose vars hold nine anchors of nine aliases
// each: about 9^depth values once expanded, from a few hundred bytes.
func billionLaughs(depth int) string {
	var b strings.Builder
	b.WriteString("version: 1\nvars:\n  l0: &l0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n")
	for i := 1; i <= depth; i++ {
		fmt.Fprintf(&b, "  l%d: &l%d [", i, i)
		for j := range 9 {
			if j > 0 {
				b.WriteString(", ")
			}
			fmt.Fprintf(&b, "*l%d", i-1)
		}
		b.WriteString("]\n")
	}
	b.WriteString("race:\n  request: {url: http://127.0.0.1:1/}\n")
	return b.String()
}

// manyKeys is a mapping of n keys, two spaces in.
func manyKeys(n int) string {
	var b strings.Builder
	for i := range n {
		fmt.Fprintf(&b, "  k%d: 1\n", i)
	}
	return b.String()
}

// TestBadInputMessages pins the one-line message, with its position, of
// every kind of file that is not a scenario racetest can run.
func TestBadInputMessages(t *testing.T) {
	const race = "race:\n  request: {url: http://127.0.0.1:1/}\n"
	tests := []struct{ name, in, want string }{
		{"empty", "", "x.yaml:1:1: the file is empty; a scenario starts with 'version: 1' and has a race: (see docs/scenarios.md)"},
		{"only comments", "# nothing\n\n", "x.yaml:1:1: the file is empty; a scenario starts with 'version: 1' and has a race: (see docs/scenarios.md)"},
		{"binary", "\x7fELF\x02\x01\x01\x00\x00", "x.yaml:1:1: control character U+007F is not allowed in YAML; remove it"},
		{"NUL byte", "version: 1\x00\n", "x.yaml:1:11: a NUL byte: this is a binary file, not a YAML scenario; check the file name"},
		{"PNG", "\x89PNG\r\n\x1a\n", "x.yaml:1:1: invalid UTF-8 (byte 0x89); save the file as UTF-8"},
		{"UTF-16", "\xff\xfev\x00e\x00", "x.yaml:1:1: the file is UTF-16; save it as UTF-8"},
		{"invalid UTF-8", "version: 1\nname: caf\xe9\n" + race, "x.yaml:2:10: invalid UTF-8 (byte 0xE9); save the file as UTF-8"},
		{"control character", "version: 1\nname: a\x07b\n" + race, "x.yaml:2:8: control character U+0007 is not allowed in YAML; remove it"},
		{"alias bomb", billionLaughs(8), "x.yaml:7:12: aliases expand to more than 10000 values (a YAML alias bomb?); write the values out or use fewer aliases"},
		{"deep nesting", "version: 1\nvars: {x: " + strings.Repeat("[", 100000) + "}\n",
			"x.yaml:2:110: lists and mappings nested more than 100 deep; a scenario needs a few levels: is it the right file?"},
		{"too many tokens", "version: 1\nvars:\n" + manyKeys(10000),
			"x.yaml:6668:3: more than 20000 YAML tokens (keys, values, punctuation); a scenario needs a few thousand: is it the right file?"},
		{"n too large even with --allow-large", "version: 1\nrace:\n  n: 100001\n  request: {url: http://127.0.0.1:1/}\n",
			"x.yaml:3:6: race.n: n is 100001: more than 100000 requests in one burst is not supported, even with --allow-large"},
		{"counts too large", "version: 1\nrace:\n  requests:\n    - {count: 60000, url: http://127.0.0.1:1/a}\n    - {count: 60000, url: http://127.0.0.1:1/b}\n",
			"x.yaml:4:5: race.requests: n is 120000: more than 100000 requests in one burst is not supported, even with --allow-large"},
		{"n zero", "version: 1\nrace:\n  n: 0\n  request: {url: http://127.0.0.1:1/}\n", "x.yaml:3:6: race.n: n must be at least 1"},
		{"bad duration", "version: 1\nrace:\n  timeout: soon\n  request: {url: http://127.0.0.1:1/}\n",
			`x.yaml:3:12: race.timeout: "soon" is not a positive duration; write it like 500ms or 10s`},
		{"duration without unit", "version: 1\nrace:\n  request: {url: http://127.0.0.1:1/, timeout: \"10\"}\n",
			`x.yaml:3:48: race.request.timeout: "10" is not a positive duration; write it like 500ms or 10s`},
		{"bodies of the burst too large", "version: 1\nrace:\n  n: 10000\n  request: {url: http://127.0.0.1:1/, body: " + strings.Repeat("x", 110<<10) + "}\n",
			"x.yaml:4:45: race.request.body: the burst would hold 1.0 GiB of request bodies, more than 1 GiB; send fewer requests or a smaller body"},
		{"JSON body that is not JSON", "version: 1\nrace:\n  request: {url: http://127.0.0.1:1/, json: {x: .inf}}\n",
			"x.yaml:3:45: race.request.json: cannot be written as JSON (unsupported value: +Inf); JSON has no NaN or infinity: quote the value or use body:"},
		{"URL with a space in the host", "version: 1\nrace:\n  request: {url: \"http://exa mple.com/\"}\n",
			`x.yaml:3:18: race.request.url: "http://exa mple.com/" is not a URL: invalid character " " in host name; write the host like 127.0.0.1, localhost or [::1]`},
		{"URL with a bad port", "version: 1\nrace:\n  request: {url: \"http://127.0.0.1:99999/\"}\n",
			`x.yaml:3:18: race.request.url: "http://127.0.0.1:99999/": port 99999 is out of range; use a port from 1 to 65535`},
		{"target without a host", "version: 1\ntarget: http:///api\nrace:\n  request: {url: /x}\n",
			`x.yaml:2:9: target: "http:///api" has no host; write it like http://127.0.0.1:8080/path`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Parse("x.yaml", []byte(tt.in))
			es := AsErrors(err)
			if len(es) == 0 {
				t.Fatalf("got %v, want a load error", err)
			}
			if got := es[0].Error(); got != tt.want {
				t.Errorf("got\n%s\nwant\n%s", got, tt.want)
			}
			for _, r := range es[0].Detail() {
				if r != '\n' && r != '\t' && (r < ' ' || r == 0x7f) {
					t.Errorf("the excerpt has control character %U:\n%q", r, es[0].Detail())
				}
			}
		})
	}
}

func TestByteOrderMarkIsAccepted(t *testing.T) {
	_, err := Parse("x.yaml", []byte("\xef\xbb\xbfversion: 1\nrace:\n  request: {url: http://127.0.0.1:1/}\n"))
	if err != nil {
		t.Fatal(err)
	}
}

// TestExcerptOfALongLine: a minified line is cut around the column.
func TestExcerptOfALongLine(t *testing.T) {
	in := "version: 1\nrace: {request: {url: http://127.0.0.1:1/}, expect: [\"" + strings.Repeat("1 == 1 && ", 100) + "nope\"]}\n"
	_, err := Parse("x.yaml", []byte(in))
	es := AsErrors(err)
	if len(es) != 1 || es[0].Msg != "unknown name nope" {
		t.Fatalf("got %v", err)
	}
	lines := strings.Split(es[0].Excerpt, "\n")
	if len(lines) != 2 || len(lines[0]) > 140 || !strings.HasPrefix(lines[0], "  2 | ...") || !strings.HasSuffix(lines[0], "nope\"]}") {
		t.Fatalf("excerpt:\n%s", es[0].Excerpt)
	}
	// The caret is under the n of nope.
	caret := strings.Index(lines[1], "^")
	if caret < 0 || lines[0][caret:caret+4] != "nope" {
		t.Errorf("caret misplaced:\n%s", es[0].Excerpt)
	}
}

func TestParseVarInvalidUTF8(t *testing.T) {
	_, _, err := ParseVar("user=caf\xe9")
	if want := `"user=caf\xe9" is not valid UTF-8 (byte 0xE9 at column 9); retype it`; err == nil || err.Error() != want {
		t.Errorf("got %v, want %s", err, want)
	}
}

func TestCheckInvalidUTF8(t *testing.T) {
	_, err := expressions.CompileBurstCheck("count(status == 200) == 1 && \xff")
	if want := "column 30: invalid UTF-8 (byte 0xFF); retype the expression"; err == nil || err.Error() != want {
		t.Errorf("got %v, want %s", err, want)
	}
}

func TestCheckURL(t *testing.T) {
	tests := map[string]string{
		"127.0.0.1:8080/x":       `"127.0.0.1:8080/x" must start with http:// or https:// (did you mean http://127.0.0.1:8080/x?)`,
		"http:/127.0.0.1/x":      `"http:/127.0.0.1/x" must start with http:// or https:// (did you mean http://127.0.0.1/x?)`,
		"ftp://h/x":              `"ftp://h/x" must start with http:// or https://`,
		"http://":                `"http://" has no host; write it like http://127.0.0.1:8080/path`,
		"http://:8080/":          `"http://:8080/" has no host; write it like http://127.0.0.1:8080/path`,
		"http://h:abc/":          `"http://h:abc/" is not a URL: invalid port ":abc" after host; the port is a number from 1 to 65535`,
		"http://h:0/":            `"http://h:0/": port 0 is out of range; use a port from 1 to 65535`,
		"http://[::1/":           `"http://[::1/" is not a URL: missing ']' in host; close the IPv6 address with ], as in http://[::1]:8080/`,
		"http://h/%zz":           `"http://h/%zz" is not a URL: invalid URL escape "%zz"; write a literal % as %25`,
		"http://h/x\n":           `"http://h/x\n" has a control character at column 11 (a pasted line break?); remove it`,
		"http://h/caf\xe9":       `"http://h/caf\xe9" is not valid UTF-8 (byte 0xE9 at column 13); retype it, or percent-encode the byte as %E9`,
		"http://127.0.0.1:8080/": "",
		"https://h/café?q=1#f":   "",
	}
	for in, want := range tests {
		_, err := CheckURL(in)
		got := ""
		if err != nil {
			got = err.Error()
		}
		if got != want {
			t.Errorf("CheckURL(%q):\ngot  %s\nwant %s", in, got, want)
		}
	}
}

// TestSafely: a panic in the YAML library becomes an error, so that no file
// crashes racetest.
func TestSafely(t *testing.T) {
	err := safely(func() error { panic("boom") })
	want := "the YAML library failed on this file (boom); simplify the YAML, and report it with the file"
	if err == nil || err.Error() != want {
		t.Errorf("got %v, want %s", err, want)
	}
}

// TestTagsAreRefused: tags, some of which make goccy/go-yaml panic, are
// refused with their place (FuzzParse found the panic).
func TestTagsAreRefused(t *testing.T) {
	for in, want := range map[string]string{
		"version: 1\nrace:\n  expect: !!str x\n":   "x.yaml:3:11: YAML tags such as !!str are not supported in a scenario; remove it, and quote the value if it must be a string",
		"version: 1\nrace:\n  expect: !foo x\n":    "x.yaml:3:11: YAML tags such as !foo are not supported in a scenario; remove it, and quote the value if it must be a string",
		"version: 1\nsetup: !!seq\n":               "x.yaml:2:8: YAML tags such as !!seq are not supported in a scenario; remove it, and quote the value if it must be a string",
		"version: !!str 1\nrace:\n  expect: [x]\n": "x.yaml:1:10: YAML tags such as !!str are not supported in a scenario; remove it, and quote the value if it must be a string",
	} {
		_, err := Parse("x.yaml", []byte(in))
		if es := AsErrors(err); len(es) == 0 || es[0].Error() != want {
			t.Errorf("%q: got %v\nwant %s", in, err, want)
		}
	}
}
