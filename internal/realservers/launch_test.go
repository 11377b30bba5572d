package realservers

import (
	"fmt"
	"net"
	"os"
	"strings"
	"testing"
)

// TestPortTaken recognises each server's own words for a port that
// another process took between picking and binding, so that start
// retries instead of failing.
func TestPortTaken(t *testing.T) {
	for _, log := range []string{
		`2026/11/30 00:23:12 [emerg] 15360#15360: bind() to 127.0.0.1:43873 failed (98: Address already in use)`,
		`(98)Address already in use: AH00072: make_sock: could not bind to address 127.0.0.1:42853`,
		`Error: loading initial config: loading new config: http app module: start: listening on 127.0.0.1:38433: listen tcp 127.0.0.1:38433: bind: address already in use`,
	} {
		if !portTaken(log) {
			t.Errorf("portTaken(%q) = false, want true", log)
		}
	}
	if portTaken("AH00016: Configuration Failed") {
		t.Error("a config error was taken for a port conflict")
	}
}

// TestFreePortsDistinct checks that the ports of one server differ.
func TestFreePortsDistinct(t *testing.T) {
	ports, err := freePorts(5)
	if err != nil {
		t.Fatal(err)
	}
	seen := map[int]bool{}
	for _, p := range ports {
		if p <= 0 || seen[p] {
			t.Fatalf("ports %v: not distinct positive ports", ports)
		}
		seen[p] = true
	}
}

// fakeTB records how binary ends a test it cannot run.
type fakeTB struct {
	testing.TB
	skipped, failed string
}

func (f *fakeTB) Helper()                   {}
func (f *fakeTB) Skip(args ...any)          { f.skipped = fmt.Sprint(args...) }
func (f *fakeTB) Fatalf(s string, a ...any) { f.failed = fmt.Sprintf(s, a...) }

// TestMissingBinary skips naming the Debian package, and fails instead
// when Require is set (RACETEST_REAL_SERVERS=1 in CI).
func TestMissingBinary(t *testing.T) {
	const name, pkg = "racetest-no-such-server", "racetest-no-such-package"
	f := &fakeTB{TB: t}
	binary(f, Options{}, name, pkg)
	if f.failed != "" || f.skipped != name+" is not installed: apt-get install "+pkg+" (or run .ci/servers.sh)" {
		t.Errorf("without Require: skipped %q, failed %q", f.skipped, f.failed)
	}
	f = &fakeTB{TB: t}
	binary(f, Options{Require: true}, name, pkg)
	if f.skipped != "" || f.failed == "" {
		t.Errorf("with Require: skipped %q, failed %q; want a failure", f.skipped, f.failed)
	}
	t.Log(f.failed)
}

// TestRetryWhenPortTaken takes one of nginx's ports before it binds, as
// another process could between freePorts and the server's start: start
// must see nginx's complaint and come up on new ports.
func TestRetryWhenPortTaken(t *testing.T) {
	bin := binary(t, Options{Require: os.Getenv(EnvRequire) == "1"}, "nginx", "nginx")
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	taken := ln.Addr().(*net.TCPAddr).Port
	cfg := nginxConfigure(bin, "", NginxOptions{})
	attempts := 0
	srv := start(t, "nginx", 3, func(dir string, ports []int) (*Server, launch, error) {
		attempts++
		if attempts == 1 {
			ports[2] = taken
		}
		return cfg(dir, ports)
	})
	if attempts != 2 {
		t.Errorf("%d attempts, want 2", attempts)
	}
	if strings.Contains(srv.HTTPURL, fmt.Sprint(taken)) {
		t.Errorf("nginx came up on the taken port %d: %s", taken, srv.HTTPURL)
	}
}
