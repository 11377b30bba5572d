package cmd

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
)

// countingTarget is a loopback server that counts the requests it gets:
// bad input must be refused before any of them is sent.
func countingTarget(t *testing.T) (string, *atomic.Int32) {
	t.Helper()
	var hits atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		hits.Add(1)
	}))
	t.Cleanup(srv.Close)
	return srv.URL, &hits
}

// writeFiles writes name: content files into dir.
func writeFiles(t *testing.T, dir string, files map[string][]byte) {
	t.Helper()
	for name, b := range files {
		if err := os.WriteFile(filepath.Join(dir, name), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// badInput is bad input to fire and the message it must get.
type badInput struct {
	name  string
	args  []string
	stdin string
	want  string
}

// fireBadInputs are the cases of TestFireBadInput; in(name) is a file of
// the test's folder and base the URL of a target that must not be hit.
func fireBadInputs(in func(string) string, base string) []badInput {
	return []badInput{
		{"URL without a scheme", []string{"127.0.0.1:8080/x"}, "",
			`URL: "127.0.0.1:8080/x" must start with http:// or https:// (did you mean http://127.0.0.1:8080/x?)`},
		{"URL with one slash", []string{"http:/127.0.0.1/x"}, "",
			`URL: "http:/127.0.0.1/x" must start with http:// or https:// (did you mean http://127.0.0.1/x?)`},
		{"URL of another scheme", []string{"ftp://127.0.0.1/x"}, "", `URL: "ftp://127.0.0.1/x" must start with http:// or https://`},
		{"URL without a host", []string{"http:///x"}, "", `URL: "http:///x" has no host; write it like http://127.0.0.1:8080/path`},
		{"URL with a bad port", []string{"http://127.0.0.1:99999/"}, "",
			`URL: "http://127.0.0.1:99999/": port 99999 is out of range; use a port from 1 to 65535`},
		{"URL with a space in the host", []string{"http://exa mple.com/"}, "",
			`URL: "http://exa mple.com/" is not a URL: invalid character " " in host name; write the host like 127.0.0.1, localhost or [::1]`},
		{"URL with a line break", []string{base + "/x\n"}, "",
			fmt.Sprintf(`URL: "%s/x\n" has a control character at column %d (a pasted line break?); remove it`, base, len(base)+3)},
		{"URL in Latin-1", []string{base + "/caf\xe9"}, "",
			fmt.Sprintf(`URL: "%s/caf\xe9" is not valid UTF-8 (byte 0xE9 at column %d); retype it, or percent-encode the byte as %%E9`, base, len(base)+5)},
		{"header without a colon", []string{"-H", "NoColon", base}, "", `--header "NoColon": a header is written 'Name: value'`},
		{"header in Latin-1", []string{"-H", "X-Name: caf\xe9", base}, "",
			`--header "X-Name: caf\xe9": not valid UTF-8 (byte 0xE9 at column 12); retype it`},
		{"missing @file", []string{"-d", "@" + in("nope.json"), base}, "",
			"--data @" + in("nope.json") + ": cannot read the file: no such file or directory; write @path to a file, or @- for standard input"},
		{"missing @file for --json", []string{"--json", "@" + in("nope.json"), base}, "",
			"--json @" + in("nope.json") + ": cannot read the file: no such file or directory; write @path to a file, or @- for standard input"},
		{"n zero", []string{"-n", "0", base}, "", "--n 0: the burst needs at least one request; give 1 to 10000"},
		{"n negative", []string{"-n", "-3", base}, "", "--n -3: the burst needs at least one request; give 1 to 10000"},
		{"n above the default limit", []string{"-n", "10001", base}, "",
			"--n 10001: more than 10000 requests in one burst; add --allow-large to allow up to 100000"},
		{"n above the absolute limit", []string{"-n", "100001", "--allow-large", base}, "",
			"--n 100001: more than 100000 requests in one burst is not supported, even with --allow-large"},
		{"n not a number", []string{"-n", "ten", base}, "", `--n "ten": not a whole number; write it like 30`},
		{"duration without a unit", []string{"--timeout", "10", base}, "", `--timeout "10": a duration needs a unit; write it like 10s or 10ms`},
		{"duration that is a word", []string{"--timeout", "soon", base}, "", `--timeout "soon": not a duration; write it like 500ms, 10s or 1m`},
		{"negative duration", []string{"--timeout", "-1s", base}, "", "--timeout -1s: the timeout must be positive"},
		{"body file too large", []string{"-d", "@" + in("big.bin"), base}, "",
			"--data @" + in("big.bin") + ": the body is 17 MiB, more than the 16 MiB a request body may have; send a smaller body"},
		{"body from a device without end", []string{"-d", "@/dev/zero", base}, "",
			"--data @/dev/zero: the body is more than 16 MiB, the most a request body may have; send a smaller body"},
		{"body on stdin too large", []string{"-d", "@-", base}, strings.Repeat("x", 17<<20),
			"--data @-: the body on standard input is more than 16 MiB, the most a request body may have; send a smaller body"},
		{"burst of bodies too large", []string{"-n", "10000", "-d", "@" + in("200k.bin"), base}, "",
			"--n 10000 with a body of 200 KiB: the burst would hold 1.9 GiB of request bodies, more than 1 GiB; send fewer requests or a smaller body"},
		{"JSON body in Latin-1", []string{"--json", "@" + in("latin.json"), base}, "",
			"--json: the body is not valid UTF-8 (byte 0xE9 at line 1, column 14); JSON is UTF-8: save it as UTF-8"},
		{"JSON body that does not parse", []string{"--json", "{\n  \"a\": nope}", base}, "",
			"--json: the body is not valid JSON at line 2, column 9: invalid character 'o' in literal null (expecting 'u')"},
		{"check in Latin-1", []string{"--expect", "count(status == 200) == 1 && \xe9", base}, "",
			"--expect: invalid UTF-8 (byte 0xE9); retype the expression at column 30\n  count(status == 200) == 1 && \uFFFD\n                               ^"},
	}
}

// TestFireBadInput pins the exact message of every bad input to fire:
// one line that says what is wrong, where (the flag) and how to fix it,
// then the usage hint; exit 2, nothing sent, no report file written.
func TestFireBadInput(t *testing.T) {
	dir := t.TempDir()
	writeFiles(t, dir, map[string][]byte{
		"big.bin":    bytes.Repeat([]byte{0}, 17<<20),
		"200k.bin":   bytes.Repeat([]byte("x"), 200<<10),
		"latin.json": []byte("{\"name\": \"caf\xe9\"}"),
	})
	base, hits := countingTarget(t)
	in := func(name string) string { return filepath.Join(dir, name) }
	cases := fireBadInputs(in, base)
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			report := filepath.Join(t.TempDir(), "report")
			args := append([]string{"fire", "--junit", report + ".xml", "--html", report + ".html"}, c.args...)
			app, out, errb := testApp(c.stdin)
			code := Execute(context.Background(), app, args)
			want := "racetest: " + c.want + "\nRun 'racetest fire --help' for usage.\n"
			if code != 2 || errb.String() != want {
				t.Errorf("exit %d, stderr\n%s\nwant exit 2, stderr\n%s", code, errb, want)
			}
			if out.Len() != 0 {
				t.Errorf("stdout: %s", out)
			}
			if left, _ := filepath.Glob(filepath.Join(filepath.Dir(report), "*")); len(left) > 0 {
				t.Errorf("files written: %v", left)
			}
		})
	}
	if n := hits.Load(); n != 0 {
		t.Errorf("the target got %d requests", n)
	}
}

// TestRunBadScenarioFiles pins the first line of what run and validate say
// about files that are not scenarios: file:line:column, what, how to fix;
// exit 2 and nothing sent.
func TestRunBadScenarioFiles(t *testing.T) {
	base, hits := countingTarget(t)
	dir := t.TempDir()
	race := "race:\n  request: {url: " + base + "/}\n"
	bomb := "version: 1\nvars:\n  a: &a [x, x, x, x, x, x, x, x, x, x]\n  b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]\n" +
		"  c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]\n  d: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c, *c]\n" +
		"  e: [*d, *d, *d, *d, *d, *d, *d, *d, *d, *d]\n" + race
	files := map[string][]byte{
		"empty.yaml":   nil,
		"binary.yaml":  append([]byte("\x7fELF\x02\x01\x01\x00"), bytes.Repeat([]byte{0}, 64)...),
		"latin.yaml":   []byte("version: 1\nname: caf\xe9\n" + race),
		"bomb.yaml":    []byte(bomb),
		"tag.yaml":     []byte("version: 1\nrace:\n  expect: !!str x\n  request: {url: " + base + "/}\n"),
		"big.yaml":     append([]byte("version: 1\n# "), bytes.Repeat([]byte("x"), 2<<20)...),
		"huge-n.yaml":  []byte("version: 1\nrace:\n  n: 200000\n  request: {url: " + base + "/}\n"),
		"timeout.yaml": []byte("version: 1\nrace:\n  timeout: 10\n  request: {url: " + base + "/}\n"),
	}
	writeFiles(t, dir, files)
	want := map[string]string{
		"empty.yaml":   "empty.yaml:1:1: the file is empty; a scenario starts with 'version: 1' and has a race: (see docs/scenarios.md)",
		"binary.yaml":  "binary.yaml:1:1: control character U+007F is not allowed in YAML; remove it",
		"latin.yaml":   "latin.yaml:2:10: invalid UTF-8 (byte 0xE9); save the file as UTF-8",
		"bomb.yaml":    "bomb.yaml:6:38: aliases expand to more than 10000 values (a YAML alias bomb?); write the values out or use fewer aliases",
		"tag.yaml":     "tag.yaml:3:11: YAML tags such as !!str are not supported in a scenario; remove it, and quote the value if it must be a string",
		"big.yaml":     "big.yaml: the file is larger than 1 MiB, the most a scenario file may have: is it the right file?",
		"huge-n.yaml":  "huge-n.yaml:3:6: race.n: n is 200000: more than 100000 requests in one burst is not supported, even with --allow-large",
		"timeout.yaml": `timeout.yaml:3:12: race.timeout: "10" is not a positive duration; write it like 500ms or 10s`,
	}
	for name, first := range want {
		for _, cmd := range []string{"validate", "run"} {
			t.Run(cmd+" "+name, func(t *testing.T) {
				code, out, errOut := run(t, context.Background(), cmd, filepath.Join(dir, name))
				line, _, _ := strings.Cut(errOut, "\n")
				if code != 2 || line != "racetest: "+filepath.Join(dir, first) {
					t.Errorf("exit %d, stderr\n%s\nwant exit 2, first line\nracetest: %s", code, errOut, filepath.Join(dir, first))
				}
				if !strings.HasSuffix(errOut, "racetest: the scenario file is invalid; fix the problems above (docs/scenarios.md has the format)\n") {
					t.Errorf("stderr does not end with the summary:\n%s", errOut)
				}
				if out != "" {
					t.Errorf("stdout: %s", out)
				}
			})
		}
	}
	if n := hits.Load(); n != 0 {
		t.Errorf("the target got %d requests", n)
	}
}

// TestRunLargeBurstNeedsAllowLarge: race.n above the default limit is a
// valid file, and run refuses it without --allow-large, saying where.
func TestRunLargeBurstNeedsAllowLarge(t *testing.T) {
	base, hits := countingTarget(t)
	path := filepath.Join(t.TempDir(), "large.yaml")
	writeFiles(t, filepath.Dir(path), map[string][]byte{
		"large.yaml": []byte("version: 1\nrace:\n  n: 20000\n  request: {url: " + base + "/}\n"),
	})
	if code, out, errOut := run(t, context.Background(), "validate", path); code != 0 || out != "ok "+path+"\n" {
		t.Errorf("validate: exit %d\n%s%s", code, out, errOut)
	}
	code, _, errOut := run(t, context.Background(), "run", path)
	want := "racetest: " + path + ":3:6: race.n: n is 20000: more than 10000 requests in one burst; add --allow-large to allow up to 100000\n" +
		"  3 |   n: 20000\n    |      ^\n" +
		"racetest: 1 of 1 scenarios cannot run as given; nothing was run\n"
	if code != 2 || errOut != want {
		t.Errorf("exit %d, stderr\n%s\nwant exit 2, stderr\n%s", code, errOut, want)
	}
	if n := hits.Load(); n != 0 {
		t.Errorf("the target got %d requests", n)
	}
	app, _, _ := testApp("")
	var got *RunOptions
	cmd := newCmdRun(app, func(_ context.Context, o *RunOptions) error { got = o; return nil })
	cmd.SetArgs([]string{"--allow-large", path})
	if err := cmd.Execute(); err != nil || !got.AllowLarge {
		t.Errorf("--allow-large not parsed: %v %+v", err, got)
	}
}
