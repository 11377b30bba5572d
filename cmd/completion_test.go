package cmd

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/racetest/racetest/runner"
)

// TestCompleteFlagValues asks cobra's hidden __complete command, which
// every shell's script calls, for flag values and arguments.
func TestCompleteFlagValues(t *testing.T) {
	cases := []struct {
		args      []string
		want      []string
		directive string
	}{
		{[]string{"fire", "--mode", ""}, names(runner.Modes()), ":4"},
		{[]string{"run", "--mode", "l"}, names(runner.Modes()), ":4"}, // the shell filters by prefix
		{[]string{"probe", "--hold", ""}, names(runner.Holds()), ":4"},
		{[]string{"demo", "--mode", ""}, names(runner.Modes()), ":4"},
		{[]string{"report", "-o", ""}, []string{"text", "json"}, ":4"},
		{[]string{"fire", "--color", ""}, []string{"auto", "always", "never"}, ":4"},
		// Files, filtered by extension (directive 8).
		{[]string{"run", "--junit", ""}, []string{"xml"}, ":8"},
		{[]string{"fire", "--cacert", ""}, []string{"pem", "crt"}, ":8"},
		{[]string{"run", ""}, []string{"yaml", "yml"}, ":8"},
		{[]string{"report", ""}, []string{"json"}, ":8"},
		{[]string{"import", ""}, []string{"curl", "raw", "har"}, ":4"},
		{[]string{"import", "har", ""}, nil, ":0"}, // any file
		// A URL: no file names (directive 4).
		{[]string{"fire", ""}, nil, ":4"},
	}
	for _, c := range cases {
		code, out, _ := run(t, context.Background(), append([]string{"__complete"}, c.args...)...)
		lines := strings.Split(strings.TrimSpace(out), "\n")
		if code != 0 || len(lines) == 0 || lines[len(lines)-1] != c.directive {
			t.Errorf("__complete %q: exit %d, output %q, want directive %s", c.args, code, out, c.directive)
			continue
		}
		if got := lines[:len(lines)-1]; !slices.Equal(got, c.want) && (len(got) != 0 || len(c.want) != 0) {
			t.Errorf("__complete %q = %q, want %q", c.args, got, c.want)
		}
	}
	if !slices.Contains(names(runner.Modes()), "single-packet") {
		t.Fatalf("runner.Modes() = %v lacks single-packet", runner.Modes())
	}
}

// TestBashCompletion drives the script `racetest completion bash` prints
// in a real bash, as pressing Tab would: the completion function is called
// with the words typed so far and answers in COMPREPLY. cobra's script
// needs the bash-completion package, as on any Debian shell.
func TestBashCompletion(t *testing.T) {
	const lib = "/usr/share/bash-completion/bash_completion"
	bash, err := exec.LookPath("bash")
	if _, serr := os.Stat(lib); err != nil || serr != nil {
		needTool(t, "bash or the bash-completion package is missing: apt-get install bash-completion (or run .ci/tools.sh)")
	}
	dir := t.TempDir()
	for _, f := range []string{"a.yaml", "notes.txt", "report.xml"} {
		if err := os.WriteFile(filepath.Join(dir, f), nil, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	// complete LINE prints what Tab offers after LINE; racetest is on PATH
	// (TestMain puts this test binary there under that name).
	script := `source ` + lib + `
source <(racetest completion bash)
complete_line() {
	COMP_LINE="$1"; COMP_POINT=${#COMP_LINE}
	read -ra COMP_WORDS <<<"$COMP_LINE"
	[[ $COMP_LINE == *" " ]] && COMP_WORDS+=("")
	COMP_CWORD=$((${#COMP_WORDS[@]} - 1)); COMPREPLY=()
	__start_racetest 2>/dev/null
	echo "${COMPREPLY[*]}"
}
complete_line "racetest fire --mode "
complete_line "racetest run --hold he"
complete_line "racetest fire -o "
complete_line "racetest run "
complete_line "racetest fire --junit "
`
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, bash, "--norc", "--noprofile", "-c", script)
	cmd.Dir = dir
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("bash: %v\n%s", err, out)
	}
	want := []string{
		strings.Join(names(runner.Modes()), " "),
		"headers",
		"text json",
		"a.yaml",
		"report.xml",
	}
	got := strings.Split(strings.TrimRight(string(out), "\n"), "\n")
	if !slices.Equal(got, want) {
		t.Errorf("bash completion gave\n%q\nwant\n%q", got, want)
	}
}
