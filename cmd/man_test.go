package cmd

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/racetest/racetest/internal/realservers"
)

// TestManPages writes the pages and, where man is installed, renders one
// the way a reader would.
func TestManPages(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "man1") // created by racetest man
	app, out, errb := testApp("")
	app.Getenv = func(k string) string {
		if k == "SOURCE_DATE_EPOCH" {
			return "1800000000" // 2027-01-15
		}
		return ""
	}
	if code := Execute(context.Background(), app, []string{"man", dir}); code != 0 {
		t.Fatalf("racetest man: exit %d: %s", code, errb)
	}
	if !strings.Contains(out.String(), dir) {
		t.Errorf("stdout %q does not say where the pages went", out)
	}
	for _, name := range []string{"racetest.1", "racetest-fire.1", "racetest-run.1", "racetest-demo-serve.1", "racetest-man.1"} {
		b, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(string(b), `.TH "RACETEST`) || !strings.Contains(string(b), "Jan 2027") {
			t.Errorf("%s is not a dated man page:\n%.300s", name, b)
		}
	}
	if top, _ := os.ReadFile(filepath.Join(dir, "racetest.1")); !strings.Contains(string(top), "130  interrupted") {
		t.Errorf("racetest.1 lacks the exit codes:\n%s", top)
	}
	fire, _ := os.ReadFile(filepath.Join(dir, "racetest-fire.1"))
	for _, want := range []string{"--expect-status", "single-packet"} {
		if !strings.Contains(string(fire), want) {
			t.Errorf("racetest-fire.1 lacks %q", want)
		}
	}

	man, err := exec.LookPath("man")
	if err != nil {
		needTool(t, "man is not installed (apt-get install man-db, or run .ci/tools.sh): the pages were written but not rendered")
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, man, "-l", filepath.Join(dir, "racetest-fire.1"))
	cmd.Env = append(os.Environ(), "MANPAGER=cat", "PAGER=cat", "MANWIDTH=80")
	text, err := cmd.Output()
	if err != nil {
		t.Fatalf("man -l racetest-fire.1: %v", err)
	}
	for _, want := range []string{"racetest-fire - Send N requests at once", "--mode", "SYNOPSIS",
		// An indented line of the help stays a line of its own.
		"count(status == 200) == 1            exactly one 200\n"} {
		if !strings.Contains(string(text), want) {
			t.Errorf("rendered page lacks %q:\n%.600s", want, text)
		}
	}
}

// TestManBadDir: a DIR that cannot be a folder is a usage error.
func TestManBadDir(t *testing.T) {
	file := filepath.Join(t.TempDir(), "f")
	if err := os.WriteFile(file, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	code, _, errb := run(t, context.Background(), "man", file)
	if code != 2 || !strings.Contains(errb, file) {
		t.Errorf("man on a file: exit %d, stderr %q; want 2 naming it", code, errb)
	}
}

// needTool skips a test whose system tool is missing, with msg saying how
// to install it, or fails it when CI requires every tool
// (RACETEST_REAL_SERVERS=1).
func needTool(t *testing.T, msg string) {
	t.Helper()
	if os.Getenv(realservers.EnvRequire) == "1" {
		t.Fatalf("%s; %s=1 requires it", msg, realservers.EnvRequire)
	}
	t.Skip(msg)
}
