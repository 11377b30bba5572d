package cmd

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// runApp executes racetest on an App whose terminal flags and environment
// the test chooses.
func runApp(t *testing.T, stdoutTTY, stderrTTY bool, env map[string]string, args ...string) (int, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	app := &App{Stdin: strings.NewReader(""), Stdout: &out, Stderr: &errb,
		Getenv: func(k string) string { return env[k] }, StdoutTTY: stdoutTTY, StderrTTY: stderrTTY}
	code := Execute(context.Background(), app, args)
	return code, out.String(), errb.String()
}

func TestPipedOutputIsPlain(t *testing.T) {
	base := demoTarget(t)
	args := append([]string{"fire", "--rounds", "3"}, mission(base, "naive")[1:]...)
	for name, c := range map[string]struct {
		outTTY, errTTY bool
		env            map[string]string
	}{
		"piped":           {false, false, nil},
		"terminal in CI":  {true, true, map[string]string{"CI": "true", "NO_COLOR": "1"}},
		"NO_COLOR on tty": {true, false, map[string]string{"NO_COLOR": "1"}},
	} {
		code, out, errOut := runApp(t, c.outTTY, c.errTTY, c.env, args...)
		if code != 1 {
			t.Fatalf("%s: exit %d\n%s", name, code, errOut)
		}
		if strings.Contains(out+errOut, "\x1b[") || strings.Contains(errOut, "rounds") {
			t.Errorf("%s: escape codes or progress in the output:\nstdout %q\nstderr %q", name, out, errOut)
		}
	}
	_, out, _ := runApp(t, false, false, nil, append([]string{"fire", "--color", "always"}, args[1:]...)...)
	if !strings.Contains(out, "\x1b[31;1mFAIL\x1b[0m") {
		t.Errorf("--color always: no coloured FAIL in %q", out)
	}
}

func TestReportFilesAndAnnotations(t *testing.T) {
	base := demoTarget(t)
	dir := t.TempDir()
	junit, html := filepath.Join(dir, "r.xml"), filepath.Join(dir, "r.html")
	args := append([]string{"fire", "--junit", junit, "--html", html}, mission(base, "naive")[1:]...)
	code, out, errOut := runApp(t, false, false, map[string]string{"GITHUB_ACTIONS": "true"}, args...)
	if code != 1 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	if !strings.Contains(errOut, "::error ") || !strings.Contains(errOut, "count(status == 200) == 1") || strings.Contains(out, "::error") {
		t.Errorf("want the workflow annotation on stderr only:\nstdout:\n%s\nstderr:\n%s", out, errOut)
	}
	// With -o json, stdout stays one JSON document that jq can read.
	_, jsonOut, _ := runApp(t, false, false, map[string]string{"GITHUB_ACTIONS": "true"}, append(append([]string{}, args...)[:1], append([]string{"-o", "json"}, args[1:]...)...)...)
	var doc map[string]any
	if err := json.Unmarshal([]byte(jsonOut), &doc); err != nil {
		t.Errorf("-o json with GITHUB_ACTIONS=true is not one JSON document: %v\n%s", err, jsonOut)
	}
	x, err := os.ReadFile(junit)
	if err != nil || !bytes.Contains(x, []byte("<failure")) || !bytes.Contains(x, []byte("<testsuites")) {
		t.Errorf("junit file: %v\n%s", err, x)
	}
	h, err := os.ReadFile(html)
	if err != nil || !bytes.Contains(h, []byte("<svg")) || !bytes.Contains(h, []byte("count(status == 200) == 1")) {
		t.Errorf("html file: %v", err)
	}
	for _, f := range [][]byte{x, h, []byte(out)} {
		if bytes.Contains(f, []byte("Bearer u1")) {
			t.Error("a report file shows the Authorization value")
		}
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 2 {
		t.Errorf("temporary files left behind: %v", entries)
	}
}

func TestOutputFlagErrors(t *testing.T) {
	base := demoTarget(t)
	for args, want := range map[string]string{
		"--color sometimes":          `--color "sometimes": choose auto, always or never`,
		"--junit /nonexistent/r.xml": "--junit /nonexistent/r.xml: the folder /nonexistent does not exist",
		"--html /nonexistent/x.html": "--html /nonexistent/x.html: the folder /nonexistent does not exist",
		"-o yaml":                    `--output "yaml": choose text or json`,
		"-o out.json":                `--output "out.json": choose text or json; -o is the report format, not an output file as in curl: save the report with -o json > out.json`,
	} {
		full := append([]string{"fire"}, strings.Fields(args)...)
		code, _, errOut := runApp(t, false, false, nil, append(full, base)...)
		if code != 2 || !strings.Contains(errOut, want) {
			t.Errorf("%s: exit %d, stderr %q, want %q", args, code, errOut, want)
		}
	}
}

func TestReportRerendersSavedJSON(t *testing.T) {
	base := demoTarget(t)
	dir := t.TempDir()
	saved := filepath.Join(dir, "r.json")
	code, out, _ := runApp(t, false, false, nil, append([]string{"fire", "-o", "json"}, mission(base, "naive")[1:]...)...)
	if code != 1 {
		t.Fatalf("fire exit %d", code)
	}
	if err := os.WriteFile(saved, []byte(out), 0o644); err != nil {
		t.Fatal(err)
	}
	html := filepath.Join(dir, "r.html")
	code, text, errOut := runApp(t, false, false, nil, "report", saved, "--html", html)
	if code != 1 || !strings.Contains(text, "race found: a check failed in 1 of 1 rounds") {
		t.Fatalf("report exit %d\n%s%s", code, text, errOut)
	}
	if _, err := os.Stat(html); err != nil {
		t.Error(err)
	}
	code, _, errOut = runApp(t, false, false, nil, "report", filepath.Join(dir, "missing.json"))
	if code != 2 || !strings.Contains(errOut, "missing.json: cannot read the file") {
		t.Errorf("missing file: exit %d %q", code, errOut)
	}
	if err := os.WriteFile(saved, []byte(`{"schema":"x"}`), 0o644); err != nil {
		t.Fatal(err)
	}
	code, _, errOut = runApp(t, false, false, nil, "report", saved)
	if code != 2 || !strings.Contains(errOut, `report schema "x" is not "racetest.report/v1"`) {
		t.Errorf("foreign schema: exit %d %q", code, errOut)
	}
}

func TestRunRedirectedToAFileIsPlain(t *testing.T) {
	base := demoTarget(t)
	// stdout redirected to a file, stderr still a terminal: the report has
	// no escape codes, and progress goes to stderr only.
	code, out, errOut := runApp(t, false, true, map[string]string{"CI": "true"},
		"run", "--target", base, "../examples/stock-vulnerable.yaml")
	if code != 1 {
		t.Fatalf("exit %d\n%s%s", code, out, errOut)
	}
	if strings.Contains(out, "\x1b[") || strings.Contains(out, "%|") || strings.Contains(errOut, "\x1b[") {
		t.Errorf("escape codes or progress in the output:\nstdout %q\nstderr %q", out, errOut)
	}
	if !strings.Contains(out, "race found: a check failed in 3 of 3 rounds") {
		t.Errorf("report missing:\n%s", out)
	}
}

// failingWriter fails every write, as stdout redirected to /dev/full does.
type failingWriter struct{}

func (failingWriter) Write([]byte) (int, error) { return 0, errors.New("no space left on device") }

// A report that cannot be written is a runtime fault: exit 3 and one line,
// with no usage hint, since the command line was right.
func TestReportWriteFailureIsRuntime(t *testing.T) {
	app, _, errb := testApp("")
	app.Stdout = failingWriter{}
	code := Execute(context.Background(), app, []string{"report", "../report/testdata/report.json"})
	if code != int(ExitRuntime) {
		t.Errorf("exit %d, want %d", code, ExitRuntime)
	}
	if lines := strings.Count(errb.String(), "\n"); lines != 1 || strings.Contains(errb.String(), "--help") {
		t.Errorf("stderr %q, want one line and no usage", errb)
	}
}
