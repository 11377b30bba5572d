package cmd

import (
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// runWithStdout runs the built racetest with stdout on out and returns
// its exit code and stderr.
func runWithStdout(t *testing.T, bin string, out *os.File, args ...string) (int, string) {
	t.Helper()
	cmd := exec.Command(bin, args...)
	var errb lockedBuffer
	cmd.Stdout, cmd.Stderr = out, &errb
	cmd.Env = append(os.Environ(), "NO_COLOR=1")
	err := cmd.Run()
	var ee *exec.ExitError
	switch {
	case errors.As(err, &ee):
		return ee.ExitCode(), errb.String()
	case err != nil:
		t.Fatal(err)
	}
	return 0, errb.String()
}

// `racetest fire ... --junit r.xml --html r.html | head -1`: the reader
// of stdout leaves before the report is written. The files are still
// written, nothing is said about the pipe, and the exit code is the
// verdict's (issue 12: it was SIGPIPE, exit 141, and no files). A stdout
// that really fails (/dev/full) is still exit 3, after the files.
func TestClosedStdoutStillWritesTheReports(t *testing.T) {
	bin := buildRacetest(t)
	base := demoTarget(t)
	for _, c := range []struct {
		name, user string
		check      []string
		code       ExitCode
	}{
		{"race found", "u1", []string{"--expect-status", "200=1"}, ExitCheckFailed},
		{"checks held", "u2", []string{"--expect", "count(status == 200) >= 1"}, ExitOK},
	} {
		t.Run(c.name, func(t *testing.T) {
			dir := t.TempDir()
			xml, html := filepath.Join(dir, "r.xml"), filepath.Join(dir, "r.html")
			args := append([]string{"fire", "--n", "10", "-X", "POST", "-H", "Authorization: Bearer " + c.user,
				"--json", `{"type":"investment_complete"}`, "-o", "json", "--junit", xml, "--html", html},
				append(c.check, base+"/missions/naive/complete")...)
			// A pipe whose reader is gone before racetest writes: every
			// write to it fails with EPIPE, as after `head -1` exits.
			r, w, err := os.Pipe()
			if err != nil {
				t.Fatal(err)
			}
			_ = r.Close()
			code, errOut := runWithStdout(t, bin, w, args...)
			_ = w.Close()
			if code != int(c.code) || errOut != "" {
				t.Errorf("exit %d, stderr %q; want exit %d and nothing on stderr", code, errOut, c.code)
			}
			for _, f := range []string{xml, html} {
				if b, err := os.ReadFile(f); err != nil || len(b) == 0 {
					t.Errorf("%s: %v, %d bytes", f, err, len(b))
				}
			}
		})
	}
	t.Run("/dev/full", func(t *testing.T) {
		full, err := os.OpenFile("/dev/full", os.O_WRONLY, 0)
		if err != nil {
			t.Skip("no /dev/full")
		}
		defer full.Close()
		dir := t.TempDir()
		xml := filepath.Join(dir, "r.xml")
		code, errOut := runWithStdout(t, bin, full, "fire", "--n", "2", "--junit", xml, base+"/state")
		if code != int(ExitRuntime) || !strings.Contains(errOut, "write the report: write /dev/stdout: no space left on device") {
			t.Errorf("exit %d, stderr %q; want exit 3 and the write error", code, errOut)
		}
		if _, err := os.Stat(xml); err != nil {
			t.Errorf("the JUnit report was not written after stdout failed: %v", err)
		}
	})
}
