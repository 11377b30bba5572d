// Package realservers starts HTTP servers that nobody here wrote (Debian's
// nginx, Apache 2.4 with mod_http2, and Caddy) on loopback for the length
// of one test, so that racetest's engines are tested against the servers
// users race, not only against Go's.
//
// Each Start function writes a config into t.TempDir(), picks free
// 127.0.0.1 ports, runs the server in the foreground as a child process in
// its own process group, waits until every port accepts, and kills the
// group in t.Cleanup. A server that is not installed skips the test with
// the Debian package to install, unless Options.Require is set (CI sets it
// from RACETEST_REAL_SERVERS=1), in which case the test fails: a CI run
// must not go green by skipping.
//
// A test puts a server in front of a check-then-act backend and races it:
//
//	be := realservers.StartBackend(t, time.Millisecond)
//	srv := realservers.StartNginx(t, realservers.NginxOptions{Options: realservers.Options{
//		Require: os.Getenv(realservers.EnvRequire) == "1", Backend: be.URL}})
//	b, err := runner.Run(ctx, runner.Plan{Requests: reqs /* to srv.TLSURL + "/race" */,
//		Options: runner.Options{Client: runner.Client{RootCAs: srv.RootCAs()}}})
//
// It is non-test code so that several test packages can share it; it is
// internal because only tests use it. The servers are Debian's: .ci/servers.sh
// installs them.
package realservers

import (
	"context"
	"crypto/x509"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// EnvRequire is the environment variable that CI sets to 1 so that a
// missing server fails the tests instead of skipping them. The package does
// not read it (the environment belongs to the caller): tests pass
// os.Getenv(EnvRequire) == "1" as Options.Require.
const EnvRequire = "RACETEST_REAL_SERVERS"

// OKPath is answered by nginx (return 200) and Caddy (respond) themselves,
// for every method and without reading the request body, with the body "ok".
// Apache serves it as a static file, for GET and HEAD only.
const OKPath = okDir + "ok"

// okDir holds OKPath; servers do not proxy it.
const okDir = "/_racetest/"

// Options are what every server takes.
type Options struct {
	// Require makes a missing server binary a test failure instead of a
	// skip.
	Require bool
	// Backend is the base URL ("http://127.0.0.1:PORT") that every path but
	// OKPath is proxied to, over HTTP/1.1. Empty: those paths answer 404.
	Backend string
}

// Server is a running server. Its URLs have no trailing slash.
type Server struct {
	Name    string // "nginx", "apache2", "caddy", "tinyproxy" or "microsocks"
	Version string // what the binary says its version is
	// TLSURL is https://127.0.0.1:PORT, offering h2 and http/1.1 by ALPN.
	TLSURL string
	// H2CURL is http://127.0.0.1:PORT speaking HTTP/2 with prior knowledge
	// (h2c); empty when the server offers none.
	H2CURL string
	// HTTPURL is http://127.0.0.1:PORT speaking HTTP/1.1. It is the same as
	// H2CURL where one port speaks both (Apache, Caddy).
	HTTPURL string
	// ProxyURL is the proxy's URL (http:// or socks5://) for a proxy
	// (StartTinyproxy, StartMicrosocks); the other URLs are empty then.
	ProxyURL string
	// CAPEM is the certificate of the throwaway CA that signed the
	// certificate TLSURL presents (for 127.0.0.1, ::1 and localhost).
	CAPEM []byte
	// Dir is the server's temp dir: config, logs, pid file, certificate.
	Dir string

	logs []string // files whose contents Log returns
}

// RootCAs returns a pool that trusts the server's CA, for
// runner.Client.RootCAs or tls.Config.RootCAs.
func (s *Server) RootCAs() *x509.CertPool {
	pool := x509.NewCertPool()
	pool.AppendCertsFromPEM(s.CAPEM)
	return pool
}

// Log returns the server's own logs (error log, stderr) as they are now,
// for test failure messages.
func (s *Server) Log() string {
	var b strings.Builder
	for _, path := range s.logs {
		data, err := os.ReadFile(path)
		if err != nil || len(data) == 0 {
			continue
		}
		b.WriteString("--- " + filepath.Base(path) + "\n")
		b.Write(data)
		if data[len(data)-1] != '\n' {
			b.WriteByte('\n')
		}
	}
	if b.Len() == 0 {
		return "(the server logged nothing)"
	}
	return b.String()
}

// binary finds a server's executable: on PATH, or in the sbin directories
// that a non-root PATH often lacks. When it is missing it skips the test,
// or fails it when o.Require is set, naming the Debian package.
func binary(t testing.TB, o Options, name, pkg string) string {
	t.Helper()
	if path, err := exec.LookPath(name); err == nil {
		return path
	}
	for _, dir := range []string{"/usr/sbin", "/usr/bin", "/sbin", "/usr/local/sbin", "/usr/local/bin"} {
		path := filepath.Join(dir, name)
		if fi, err := os.Stat(path); err == nil && !fi.IsDir() && fi.Mode()&0o111 != 0 {
			return path
		}
	}
	msg := name + " is not installed: apt-get install " + pkg + " (or run .ci/servers.sh)"
	if o.Require {
		t.Fatalf("%s; %s=1 requires it", msg, EnvRequire)
	} else {
		t.Skip(msg)
	}
	return ""
}

// versionOf runs bin with args and returns the first line it prints, such
// as "nginx version: nginx/1.22.1", for test logs and reports.
func versionOf(bin string, args ...string) string {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	out, err := exec.CommandContext(ctx, bin, args...).CombinedOutput()
	line, _, _ := strings.Cut(strings.TrimSpace(string(out)), "\n")
	if err != nil && line == "" {
		return "unknown (" + err.Error() + ")"
	}
	return line
}
