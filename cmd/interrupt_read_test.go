package cmd

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// Ctrl-C works while racetest waits for input that never comes: a FIFO
// with no writer (opening it blocks), standard input that stays open, for
// every flag and command that reads a file. Nothing is sent.
func TestInterruptWhileReading(t *testing.T) {
	bin := buildRacetest(t)
	fifo := filepath.Join(t.TempDir(), "fifo")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Skipf("no FIFOs here: %v", err)
	}
	url, started := slowServer(t)
	cases := map[string][]string{
		"-d @fifo":      {"fire", "-d", "@" + fifo, url},
		"--json @fifo":  {"fire", "--json", "@" + fifo, url},
		"--cacert fifo": {"fire", "--cacert", fifo, url},
		"validate fifo": {"validate", fifo},
		"run fifo":      {"run", fifo},
		"-d @-":         {"fire", "-d", "@-", url},
		"--curl -":      {"fire", "--curl", "-"},
		"import curl -": {"import", "curl", "-"},
		"--har fifo":    {"fire", "--har", fifo, "--entry", "1"},
		"-E fifo":       {"fire", "-E", fifo, url},
		"--values fifo": {"fire", "--values", "t=" + fifo, "-H", "X: {{ values.t }}", url},
		"-b fifo":       {"fire", "-b", fifo, url},
		"report fifo":   {"report", fifo},
		"report -":      {"report", "-"},
		"merge fifo":    {"merge", fifo},
	}
	for name, args := range cases {
		t.Run(name, func(t *testing.T) {
			p := startWithOpenStdin(t, bin, args...)
			// Long enough to be blocked in the read, not before it.
			time.Sleep(300 * time.Millisecond)
			if d := p.interrupt(t); d > 2*time.Second {
				t.Errorf("took %s to stop after SIGINT", d)
			}
			if p.code != int(ExitInterrupted) {
				t.Errorf("exit %d, want %d\nstderr:\n%s", p.code, ExitInterrupted, p.err.String())
			}
		})
	}
	if n := started.Load(); n != 0 {
		t.Errorf("the server got %d requests while racetest was reading its input", n)
	}
}

// Ctrl-C works while racetest picks a request out of a HAR file, which
// can take seconds: here a pattern (within --match's size limit) that
// costs about 2 million steps an entry over 5,000 long URLs.
func TestInterruptWhileMatchingHAR(t *testing.T) {
	bin := buildRacetest(t)
	var b strings.Builder
	b.WriteString(`{"log":{"entries":[`)
	for i := range 5000 {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString(`{"request":{"method":"GET","url":"http://127.0.0.1:1/` + strings.Repeat("a", 2000) + `"}}`)
	}
	b.WriteString(`]}}`)
	har := filepath.Join(t.TempDir(), "slow.har")
	if err := os.WriteFile(har, []byte(b.String()), 0o600); err != nil {
		t.Fatal(err)
	}
	p := start(t, bin, "import", "har", har, "--match", strings.Repeat("[^z]*", 200)+"z")
	time.Sleep(500 * time.Millisecond)
	if d := p.interrupt(t); d > 2*time.Second {
		t.Errorf("took %s to stop after SIGINT", d)
	}
	if p.code != int(ExitInterrupted) {
		t.Errorf("exit %d, want %d\nstderr:\n%s", p.code, ExitInterrupted, p.err.String())
	}
}

// startWithOpenStdin is start with a standard input that stays open and
// silent until the test ends, as a terminal nobody types into.
func startWithOpenStdin(t *testing.T, bin string, args ...string) *proc {
	t.Helper()
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { w.Close() })
	p := &proc{cmd: exec.Command(bin, args...), done: make(chan struct{})}
	p.cmd.Stdin = r
	return startProc(t, p)
}

// --cacert /dev/zero is refused at the size limit instead of filling memory.
func TestCACertUnbounded(t *testing.T) {
	app, _, errb := testApp("")
	code := Execute(t.Context(), app, []string{"fire", "--cacert", "/dev/zero", "http://127.0.0.1:1/"})
	if code != int(ExitUsage) || !strings.Contains(errb.String(), "--cacert /dev/zero: the file is more than 16 MiB") {
		t.Errorf("exit %d, stderr %q", code, errb)
	}
}
