package cmd

import (
	"bytes"
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/racetest/racetest/report"
	"github.com/racetest/racetest/scenarios"
)

// buildRacetest builds the real binary, whose main turns SIGINT into a
// cancelled context, into a temporary directory of t.
func buildRacetest(t *testing.T) string {
	t.Helper()
	if runtime.GOOS == "windows" {
		t.Skip("sends SIGINT")
	}
	goTool, err := exec.LookPath("go")
	if err != nil {
		t.Skip("no go tool to build racetest with")
	}
	bin := filepath.Join(t.TempDir(), "racetest")
	out, err := exec.Command(goTool, "build", "-o", bin, "github.com/racetest/racetest/cmd/racetest").CombinedOutput()
	if err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}

// proc is a racetest process of a test.
type proc struct {
	cmd      *exec.Cmd
	out, err lockedBuffer
	done     chan struct{}
	code     int
}

// lockedBuffer is a bytes.Buffer that exec's copying goroutine writes while
// the test reads it.
type lockedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

func start(t *testing.T, bin string, args ...string) *proc {
	t.Helper()
	return startProc(t, &proc{cmd: exec.Command(bin, args...), done: make(chan struct{})})
}

// startProc starts p's command with its output captured, and kills it at
// the end of the test if it is still running.
func startProc(t *testing.T, p *proc) *proc {
	t.Helper()
	p.cmd.Stdout, p.cmd.Stderr = &p.out, &p.err
	p.cmd.Env = append(os.Environ(), "NO_COLOR=1")
	if err := p.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() {
		defer close(p.done)
		err := p.cmd.Wait()
		var ee *exec.ExitError
		if errors.As(err, &ee) {
			p.code = ee.ExitCode()
		}
	}()
	t.Cleanup(func() {
		select {
		case <-p.done:
		default:
			_ = p.cmd.Process.Kill()
			<-p.done
		}
	})
	return p
}

// interrupt sends SIGINT and returns how long the process took to exit;
// it fails the test when that is more than a few seconds.
func (p *proc) interrupt(t *testing.T) time.Duration {
	t.Helper()
	sent := time.Now()
	if err := p.cmd.Process.Signal(os.Interrupt); err != nil {
		t.Fatal(err)
	}
	select {
	case <-p.done:
		return time.Since(sent)
	case <-time.After(5 * time.Second):
		t.Fatalf("still running 5s after SIGINT\nstdout:\n%s\nstderr:\n%s", p.out.String(), p.err.String())
	}
	return 0
}

// waitFor polls cond until it holds, or fails the test.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	for deadline := time.Now().Add(10 * time.Second); !cond(); time.Sleep(10 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
	}
}

// slowServer answers every request after the client gives up, and counts
// the requests whose handler started.
func slowServer(t *testing.T) (string, *atomic.Int64) {
	t.Helper()
	var started atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodHead { // warm-up
			return
		}
		started.Add(1)
		select {
		case <-r.Context().Done():
		case <-time.After(time.Minute):
		}
	}))
	t.Cleanup(srv.Close)
	return srv.URL, &started
}

// slowH2CServer is slowServer speaking h2c as well, for single-packet.
func slowH2CServer(t *testing.T) (string, *atomic.Int64) {
	t.Helper()
	var started atomic.Int64
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		started.Add(1)
		<-r.Context().Done()
	}))
	srv.Config.Protocols = new(http.Protocols)
	srv.Config.Protocols.SetHTTP1(true)
	srv.Config.Protocols.SetUnencryptedHTTP2(true)
	srv.Start()
	t.Cleanup(srv.Close)
	return srv.URL, &started
}

// TestInterrupt: SIGINT during warm-up, during a burst, between rounds,
// during a scenario's race and while serving the demo target stops
// racetest within a second or two, with what was collected on stdout,
// marked interrupted, and exit code 130.
func TestInterrupt(t *testing.T) {
	bin := buildRacetest(t)
	t.Run("fire during warm-up", func(t *testing.T) {
		var accepted atomic.Int64
		url := rawListener(t, func(c net.Conn) {
			accepted.Add(1)
			_, _ = io.Copy(io.Discard, c) // never answers the warm-up
		})
		p := start(t, bin, "fire", "-n", "5", "--mode", "last-byte", "--warmup", "1", "--timeout", "1m", url)
		waitFor(t, "the connections", func() bool { return accepted.Load() == 5 })
		wantInterrupted(t, p, p.interrupt(t), "fire GET "+url, "error interrupted in round 1 of 1")
	})
	for _, mode := range []string{"last-byte", "barrier", "single-packet"} {
		t.Run("fire during a burst/"+mode, func(t *testing.T) {
			server, h2c := slowServer, "--h2c=false"
			if mode == "single-packet" {
				server, h2c = slowH2CServer, "--h2c"
			}
			url, started := server(t)
			p := start(t, bin, "fire", "-n", "5", "--mode", mode, h2c, "--timeout", "1m", "--expect-status", "200=1", url)
			waitFor(t, "the burst", func() bool { return started.Load() == 5 })
			wantInterrupted(t, p, p.interrupt(t), "round 1/1: "+mode, "responses  canceled x5",
				"note: interrupted during this round: the responses that came back are shown, the checks were not judged")
			if strings.Contains(p.out.String(), "count(status == 200)") {
				t.Errorf("the interrupted round was judged:\n%s", p.out.String())
			}
		})
	}
	t.Run("fire between rounds", func(t *testing.T) {
		var served atomic.Int64
		srv := httptest.NewServer(http.HandlerFunc(func(http.ResponseWriter, *http.Request) { served.Add(1) }))
		t.Cleanup(srv.Close)
		// -v keeps every round in full, so that its checks can be seen.
		p := start(t, bin, "fire", "-v", "-n", "2", "--rounds", "10000", "--expect-status", "200=2", srv.URL)
		waitFor(t, "three rounds", func() bool { return served.Load() >= 6 })
		wantInterrupted(t, p, p.interrupt(t), "round 1/10000", "round 2/10000", "pass  count(status == 200) == 2", "error interrupted in round ")
	})
	t.Run("run during the race", func(t *testing.T) {
		url, started := slowServer(t)
		file := filepath.Join(t.TempDir(), "slow.yaml")
		// The teardown meets the same slow server: it may clean up for
		// scenarios.TeardownGrace, no longer.
		yaml := "version: 1\nname: slow\nrace:\n  n: 3\n  rounds: 2\n  mode: last-byte\n  timeout: 1m\n  request: {url: /}\n" +
			"  expect: [count(status == 200) <= 1]\nteardown:\n  - request: {url: /cleanup}\n"
		if err := os.WriteFile(file, []byte(yaml), 0o600); err != nil {
			t.Fatal(err)
		}
		p := start(t, bin, "run", "--target", url, file)
		waitFor(t, "the race", func() bool { return started.Load() == 3 })
		took := p.interrupt(t)
		wantInterrupted(t, p, took-scenarios.TeardownGrace, "slow (", "round 1/2: last-byte", "responses  canceled x3",
			report.InterruptedNote, "error interrupted in round 1 of 2")
		if strings.Contains(p.out.String(), "count(status == 200)") {
			t.Errorf("the interrupted round was judged:\n%s", p.out.String())
		}
	})
	t.Run("demo serve", func(t *testing.T) {
		p := start(t, bin, "demo", "serve", "--addr", "127.0.0.1:0")
		waitFor(t, "the demo target", func() bool { return strings.Contains(p.err.String(), "demo target: http://") })
		took := p.interrupt(t)
		if p.code != int(ExitInterrupted) || took > 2*time.Second {
			t.Errorf("exit %d after %v, want 130 within 2s\n%s", p.code, took, p.err.String())
		}
	})
}

// wantInterrupted checks that p exited 130 within 2s of the SIGINT, says
// so on stderr and shows the report with wants on stdout.
func wantInterrupted(t *testing.T, p *proc, took time.Duration, wants ...string) {
	t.Helper()
	out, errOut := p.out.String(), p.err.String()
	if p.code != int(ExitInterrupted) || took > 2*time.Second {
		t.Errorf("exit %d %v after SIGINT, want 130 within 2s", p.code, took)
	}
	// -v's request as sent ("> " lines, as curl -v) comes before it.
	var lines []string
	for _, l := range strings.SplitAfter(errOut, "\n") {
		if !strings.HasPrefix(l, "> ") {
			lines = append(lines, l)
		}
	}
	if strings.Join(lines, "") != "racetest: interrupted\n" {
		t.Errorf("stderr %q, want one line saying it was interrupted", errOut)
	}
	wants = append(wants, "interrupted: the report shows what was collected before the stop")
	for _, w := range wants {
		if !strings.Contains(out, w) {
			t.Errorf("stdout lacks %q:\n%s", w, out)
		}
	}
}

// rawListener serves every connection with handle and returns an http://
// URL for it.
func rawListener(t *testing.T, handle func(net.Conn)) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go func() {
				defer c.Close()
				handle(c)
			}()
		}
	}()
	return "http://" + ln.Addr().String() + "/"
}
