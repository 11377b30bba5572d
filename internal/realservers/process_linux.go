package realservers

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"syscall"
	"testing"
	"time"
)

// run starts the server of l in its own process group, with its stdout and
// stderr in a file in srv.Dir, and waits until it accepts. On success the
// group is stopped in t.Cleanup; on failure it is stopped before run
// returns, and the error says why (the caller adds the server's log).
func run(t testing.TB, srv *Server, l launch) error {
	t.Helper()
	stderr := filepath.Join(srv.Dir, "stderr.log")
	srv.logs = append(append([]string{}, l.logs...), stderr)
	out, err := os.Create(stderr)
	if err != nil {
		return err
	}
	defer out.Close() // the child has its own copy

	cmd := exec.Command(l.bin, l.args...)
	cmd.Dir = srv.Dir
	cmd.Stdout = out
	cmd.Stderr = out
	// A minimal environment, not this process's: the servers must not pick
	// up a developer's proxy or Caddy settings, and Caddy keeps its data
	// under HOME and the XDG dirs.
	cmd.Env = append([]string{
		"PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
		"HOME=" + srv.Dir,
		"XDG_DATA_HOME=" + filepath.Join(srv.Dir, "data"),
		"XDG_CONFIG_HOME=" + filepath.Join(srv.Dir, "config"),
		"LANG=C",
	}, l.env...)
	cmd.SysProcAttr = &syscall.SysProcAttr{
		// Its own group, so that stopping it also stops the workers it
		// forks (nginx, Apache).
		Setpgid: true,
		// If the test binary dies without running its cleanups (a panic in
		// another goroutine, a -timeout), the server goes too.
		Pdeathsig: syscall.SIGKILL,
	}
	if err := cmd.Start(); err != nil {
		return fmt.Errorf("start %s: %w", l.bin, err)
	}
	exited := make(chan struct{})
	var waitErr error
	go func() {
		waitErr = cmd.Wait()
		close(exited)
	}()
	stop := func() error { return stopGroup(cmd.Process.Pid, exited) }

	if l.readyLog == "" {
		l.readyLog = stderr
	}
	if err := waitReady(l, exited); err != nil {
		_ = stop() // the readiness error says more than how it stopped
		<-exited
		if waitErr != nil {
			return fmt.Errorf("%w (%s: %w)", err, l.bin, waitErr)
		}
		return err
	}
	t.Cleanup(func() {
		if err := stop(); err != nil {
			t.Errorf("%s: %v\n%s", srv.Name, err, srv.Log())
		}
	})
	return nil
}

// stopGroup ends the process group led by pid: SIGTERM, so that the
// server shuts its workers down itself, then SIGKILL to whatever is left of
// the group after stopGrace. exited is closed when the leader has been
// reaped.
func stopGroup(pid int, exited <-chan struct{}) error {
	// ESRCH: the group is already gone, which is what we want.
	_ = syscall.Kill(-pid, syscall.SIGTERM)
	select {
	case <-exited:
	case <-time.After(stopGrace):
		_ = syscall.Kill(-pid, syscall.SIGKILL)
		<-exited
		return fmt.Errorf("did not exit within %v of SIGTERM; killed", stopGrace)
	}
	// The leader is gone; workers that outlived it are orphans now and
	// would keep their sockets. Kill any and wait for them to disappear.
	deadline := time.Now().Add(stopGrace)
	for {
		err := syscall.Kill(-pid, syscall.SIGKILL)
		if errors.Is(err, syscall.ESRCH) {
			return nil
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("processes of group %d still exist %v after the server exited", pid, stopGrace)
		}
		time.Sleep(20 * time.Millisecond)
	}
}
