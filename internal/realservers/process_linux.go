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

	// The guard's stdin is a pipe whose write end only this process holds:
	// when this process dies for any reason, even SIGKILL, the guard reads
	// EOF and kills the whole group.
	lifeline, keep, err := os.Pipe()
	if err != nil {
		return err
	}
	defer lifeline.Close() // the guard has its own copy
	cmd := exec.Command("/bin/sh", append([]string{"-c", guardScript, "realservers-guard", l.bin}, l.args...)...)
	cmd.Dir = srv.Dir
	cmd.Stdin = lifeline
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
	// Its own group, led by the guard, so that stopping it also stops the
	// workers the server forks (nginx, Apache), which stay in the group
	// even when their parent is gone.
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := cmd.Start(); err != nil {
		keep.Close()
		return fmt.Errorf("start %s: %w", l.bin, err)
	}
	exited := make(chan struct{})
	var waitErr error
	go func() {
		waitErr = cmd.Wait()
		close(exited)
	}()
	stop := func() error {
		defer keep.Close()
		return stopGroup(cmd.Process.Pid, exited)
	}

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

// guardScript runs the server ("$@") as a child of a shell that leads the
// process group, so that the group outlives a crash of the test process:
// Pdeathsig would kill only the server's master, and nginx's and Apache's
// workers survive their master. A watcher waits for EOF on the lifeline
// (stdin, fd 3 here), which comes when the test process is gone, and then
// kills the group. Otherwise the shell waits for the server and exits with
// its status; SIGTERM from stopGroup reaches the server directly, and the
// shell's no-op trap keeps it waiting until the server has shut down. The
// shell reaps the watcher before it exits, so that no zombie of the group
// is left for stopGroup to wait on.
const guardScript = `exec 3<&0 </dev/null
"$@" 3<&- &
srv=$!
{ read -r _ <&3; kill -KILL 0; } &
watch=$!
exec 3<&-
trap : TERM
while :; do
	wait "$srv"; status=$?
	kill -0 "$srv" 2>/dev/null || break
done
kill "$watch" 2>/dev/null
wait "$watch"
exit "$status"
`

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
