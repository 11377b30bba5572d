package realservers

import (
	"errors"
	"fmt"
	"net"
	"os"
	"strings"
	"testing"
	"time"
)

// Bounds of a server's life in a test.
const (
	// readyTimeout bounds the wait for every port to accept. Servers here
	// start in well under a second; the rest is for a loaded CI machine.
	readyTimeout = 20 * time.Second
	// stopGrace is how long a server has to exit after SIGTERM before its
	// process group is killed.
	stopGrace = 5 * time.Second
	// attempts bounds the retries when another process took a port between
	// picking it and the server binding it.
	attempts = 3
)

// errPortTaken is returned by waitReady when the server says that it could
// not bind a port.
var errPortTaken = errors.New("a port was taken before the server bound it")

// launch is one way to run a server: what to execute and what must accept
// before it counts as started.
type launch struct {
	bin   string
	args  []string
	env   []string // added to a minimal environment (PATH, HOME, XDG dirs)
	ports []int    // every port the server listens on
	logs  []string // the server's own log files, shown on failure
	// ready is what the server writes to readyLog once it has bound every
	// port. A port that accepts is not enough: another process may have
	// taken it after freePorts let go of it, and nginx, for one, retries a
	// failed bind for seconds before it gives up.
	ready, readyLog string
}

// configure writes a server's config for the given free ports into dir and
// says how to run it and what the test will see.
type configure func(dir string, ports []int) (*Server, launch, error)

// start picks nports free loopback ports, configures the server, runs it
// and waits until it accepts. When the server fails because a port was
// taken in the meantime, it tries again with new ports. Every other failure
// fails the test with the server's own log.
func start(t testing.TB, name string, nports int, cfg configure) *Server {
	t.Helper()
	for attempt := 1; ; attempt++ {
		dir := t.TempDir()
		ports, err := freePorts(nports)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		srv, l, err := cfg(dir, ports)
		if err != nil {
			t.Fatalf("%s: write config: %v", name, err)
		}
		srv.Dir = dir
		err = run(t, srv, l)
		if err == nil {
			return srv
		}
		if attempt < attempts && (errors.Is(err, errPortTaken) || portTaken(srv.Log())) {
			t.Logf("%s: a port was taken before the server bound it; retrying with new ports", name)
			continue
		}
		t.Fatalf("%s: %v\n%s", name, err, srv.Log())
	}
}

// freePorts returns n distinct ports that were free on 127.0.0.1 a moment
// ago. They are held open together while picking, so that they differ.
func freePorts(n int) ([]int, error) {
	ports := make([]int, 0, n)
	for range n {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			return nil, fmt.Errorf("pick a free port: %w", err)
		}
		defer ln.Close()
		ports = append(ports, ln.Addr().(*net.TCPAddr).Port)
	}
	return ports, nil
}

// portTaken reports whether a server's log says that it could not bind.
func portTaken(log string) bool {
	return strings.Contains(log, "in use") || strings.Contains(log, "could not bind")
}

// waitReady waits until the server has logged l.ready and every port
// accepts a TCP connection, or the process exits (exited is closed), or
// readyTimeout passes.
func waitReady(l launch, exited <-chan struct{}) error {
	deadline := time.Now().Add(readyTimeout)
	for {
		data, _ := os.ReadFile(l.readyLog) // not there yet: not ready yet
		if strings.Contains(string(data), l.ready) {
			break
		}
		// nginx retries a failed bind for 2.5 s; no need to wait for it.
		if portTaken(string(data)) {
			return errPortTaken
		}
		select {
		case <-exited:
			return fmt.Errorf("the server exited before it said %q", l.ready)
		case <-time.After(20 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("the server did not say %q within %v", l.ready, readyTimeout)
		}
	}
	for _, port := range l.ports {
		addr := fmt.Sprintf("127.0.0.1:%d", port)
		for {
			c, err := net.DialTimeout("tcp", addr, 200*time.Millisecond)
			if err == nil {
				c.Close()
				break
			}
			select {
			case <-exited:
				return fmt.Errorf("the server exited before %s accepted", addr)
			case <-time.After(20 * time.Millisecond):
			}
			if time.Now().After(deadline) {
				return fmt.Errorf("%s did not accept within %v: %w", addr, readyTimeout, err)
			}
		}
	}
	select {
	case <-exited:
		return fmt.Errorf("the server exited right after its ports accepted")
	default:
	}
	return nil
}
