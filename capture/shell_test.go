package capture

import (
	"os"
	"slices"
	"strings"
	"testing"
)

func TestCurlArgsBash(t *testing.T) {
	for _, tc := range []struct {
		name, text string
		want       []string
	}{
		{"single quotes", `curl 'http://h/a b' -H 'X: "q"'`, []string{"curl", "http://h/a b", "-H", `X: "q"`}},
		{"double quotes", `curl "http://h/" -d "a=\"1\" \$x \\"`, []string{"curl", "http://h/", "-d", `a="1" $x \`}},
		{"ANSI-C", `curl h --data-raw $'it\'s \u0021 \x21 \n\\'`, []string{"curl", "h", "--data-raw", "it's ! ! \n\\"}},
		{"continuations", "curl 'h' \\\n  -H 'A: 1' \\\n  --compressed\n", []string{"curl", "h", "-H", "A: 1", "--compressed"}},
		{"CRLF", "curl 'h' \\\r\n  -s\r\n", []string{"curl", "h", "-s"}},
		{"unquoted escapes", `curl h\ i -d a\&b`, []string{"curl", "h i", "-d", "a&b"}},
		{"comment", "curl h # copied\n", []string{"curl", "h"}},
		{"curl.exe", `curl.exe h`, []string{"curl", "h"}},
		{"no globbing", `curl h -H Accept:*/* -d ''`, []string{"curl", "h", "-H", "Accept:*/*", "-d", ""}},
	} {
		args, err := CurlArgs(tc.text)
		if got := values(args); err != nil || !slices.Equal(got, tc.want) {
			t.Errorf("%s: %q, %v; want %q", tc.name, got, err, tc.want)
		}
	}
}

func TestCurlArgsRefusesWhatAShellWouldCompute(t *testing.T) {
	for text, want := range map[string]string{
		`curl h -H "A: $TOKEN"`:      `1:15: "$TOKEN" is expanded by the shell`,
		`curl h -d $(cat f)`:         `1:11: "$(cat f)" is expanded by the shell`,
		"curl h\ncurl g":             "2:1: a second command",
		"curl a; curl b":             "1:9: a second command",
		`curl h | jq .`:              "not a plain command",
		`curl h > out`:               "not a plain command",
		`TOKEN=x curl h`:             "not a plain command",
		`wget h`:                     `the command is "wget", not curl`,
		`curl 'h`:                    "1:6: reached EOF without closing quote",
		"":                           "no command in the file",
		`curl ~/x`:                   `"~/x" is expanded by the shell`,
		`curl h{a,b}`:                `"h{a,b}" is expanded by the shell into several words`,
		`curl ^"h^" & del x`:         `"&" starts another command`,
		`curl ^"h%PATH%^"`:           "%PATH% is expanded by cmd",
		"curl ^\"h^\"\ncurl ^\"g^\"": "2:1: a second command",
		"curl ^\"h^\" ^":             "1:12: the command ends with ^",
		"curl ^\"h^\" ^\n":           "1:12: the command ends with ^",
	} {
		_, err := CurlArgs(text)
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%q: %v, want %q", text, err, want)
		}
	}
}

// TestCurlArgsCmd reads what Chrome's escapeStringWin writes: ^"...^"
// around every argument, \" inside, ^ before every special character,
// %^ before a would-be variable, and ^ newline newline for a newline.
func TestCurlArgsCmd(t *testing.T) {
	text := "curl ^\"http://h/a?b=1^&c=2^\" ^\n  -H ^\"sec-ch-ua: ^\\^\"Chromium^\\^\";v=^\\^\"131^\\^\"^\" ^\n" +
		"  --data-raw ^\"^{^\\^\"a^\\^\":^\\^\"100^% x%^PATH%^! ^\\^\\^\\^\"q^\\^\\^\\^\" ^<^>^|^^^\\^\"^\n\nline2^\" ^\n  --compressed\r\n"
	want := []string{"curl", "http://h/a?b=1&c=2", "-H", `sec-ch-ua: "Chromium";v="131"`,
		"--data-raw", "{\"a\":\"100% x%PATH%! \\\"q\\\" <>|^\"\nline2", "--compressed"}
	args, err := CurlArgs(text)
	if got := values(args); err != nil || !slices.Equal(got, want) {
		t.Errorf("%q, %v\nwant %q", got, err, want)
	}
	if got, _ := crtSplit(`a\\\"b "c d" e\\f "g""h" \\"i j"`); !slices.Equal(got, []string{`a\"b`, "c d", `e\\f`, `g"h`, `\i j`}) {
		t.Errorf("crtSplit: %q", got)
	}
}

// TestCurlArgsBrowserCopies reads the copies kept for the end-to-end
// scripts: Chrome's bash and cmd flavours and Firefox's of one request
// give the same body and the same cookies.
func TestCurlArgsBrowserCopies(t *testing.T) {
	body := `{"type":"investment_complete","note":"100% mine! it's a \"race\""}`
	for _, f := range []string{"chrome.sh", "chrome-cmd.txt", "firefox.sh"} {
		data, err := os.ReadFile("../cmd/testdata/capture/" + f)
		if err != nil {
			t.Fatal(err)
		}
		words, err := CurlArgs(string(data))
		if err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		args := values(words)
		if args[1] != "http://127.0.0.1:8080/missions/naive/complete" {
			t.Errorf("%s: URL %q", f, args[1])
		}
		if i := slices.Index(args, "--data-raw"); i < 0 || args[i+1] != body {
			t.Errorf("%s: body %q", f, args)
		}
		if !slices.Contains(args, "--compressed") {
			t.Errorf("%s: no --compressed in %q", f, args)
		}
		cookie := slices.ContainsFunc(args, func(a string) bool {
			return strings.Contains(a, "sessionid=8f1c2e7a9b4d")
		})
		if !cookie {
			t.Errorf("%s: no cookie in %q", f, args)
		}
	}
}

func FuzzCurlArgs(f *testing.F) {
	for _, s := range []string{`curl 'h' -H 'A: 1'`, `curl $'\u0021\x41'`, "curl ^\"h^\" ^\n  -d ^\"^{^}^\"", `curl "a$b"`, `curl ^"%x%`} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, text string) {
		args, err := CurlArgs(text)
		if err == nil && (len(args) == 0 || args[0].Value != "curl") {
			t.Fatalf("%q gave %q without an error", text, values(args))
		}
	})
}

// TestCurlArgsBounded refuses, quickly and in little memory, commands
// whose parsing or expansion would grow without bound: brace expansion
// (30 {a,b} are a billion words), millions of words (the parser keeps
// hundreds of bytes a word), a second command followed by megabytes.
func TestCurlArgsBounded(t *testing.T) {
	many := strings.Repeat("-H a:b ", MaxArgs)
	for text, want := range map[string]string{
		"curl " + strings.Repeat("{a,b}", 30):      "is expanded by the shell into several words (brace expansion)",
		"curl h" + strings.Repeat("{", 100000):     "is expanded by the shell into several words",
		"curl h " + many:                           "more than 10000 words",
		"curl ^\"h^\" " + many:                     "more than 10000 words",
		"curl h; " + many:                          "1:9: a second command",
		"curl h;" + strings.Repeat(" ", 100000):    "shell text follows the command",
		"curl h | " + strings.Repeat("x ", 100000): "not a plain command",
		strings.Repeat("(", 100000):                "must be followed by",
	} {
		_, err := CurlArgs(text)
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%.40q: %v, want %q", text, err, want)
		}
	}
	// A command just under the bound is read.
	args, err := CurlArgs("curl h " + strings.Repeat("-H a:b ", MaxArgs/2-1))
	if err != nil || len(args) != MaxArgs {
		t.Errorf("%d args, %v", len(args), err)
	}
}

// values is the arguments without their places.
func values(args []Arg) []string {
	out := make([]string, len(args))
	for i, a := range args {
		out[i] = a.Value
	}
	return out
}

// TestCurlArgsPlaces: each argument says where it starts in the file, in
// both flavours, so that an error about an option can point at it.
func TestCurlArgsPlaces(t *testing.T) {
	for _, tc := range []struct {
		name, text string
		want       []Arg
	}{
		{"bash", "curl 'http://h/' \\\n  -H 'A: 1' \\\n  --data-raw x\n", []Arg{
			{"curl", 1, 1}, {"http://h/", 1, 6}, {"-H", 2, 3}, {"A: 1", 2, 6}, {"--data-raw", 3, 3}, {"x", 3, 14}}},
		{"cmd", "curl ^\"http://h/^\" ^\n  -H ^\"A: ^\\^\"1^\\^\"^\" ^\n  --data-raw ^\"^{^}^\"\r\n", []Arg{
			{"curl", 1, 1}, {"http://h/", 1, 6}, {"-H", 2, 3}, {`A: "1"`, 2, 6}, {"--data-raw", 3, 3}, {"{}", 3, 14}}},
	} {
		got, err := CurlArgs(tc.text)
		if err != nil || !slices.Equal(got, tc.want) {
			t.Errorf("%s: %v, %v\nwant %v", tc.name, got, err, tc.want)
		}
	}
}
