package cmd

import (
	"bytes"
	"context"
	"encoding/pem"
	"errors"
	"io"
	"log"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync/atomic"
	"testing"
)

// tlsTarget is an HTTPS server with a certificate no system trusts, and
// the PEM file of that certificate, for --cacert.
func tlsTarget(t *testing.T, h http.Handler, h2 bool) (url, caFile string) {
	t.Helper()
	srv := httptest.NewUnstartedServer(h)
	srv.EnableHTTP2 = h2
	srv.Config.ErrorLog = log.New(io.Discard, "", 0) // refused handshakes are expected
	srv.StartTLS()
	t.Cleanup(srv.Close)
	caFile = filepath.Join(t.TempDir(), "ca.pem")
	block := pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: srv.Certificate().Raw})
	if err := os.WriteFile(caFile, block, 0o600); err != nil {
		t.Fatal(err)
	}
	return srv.URL, caFile
}

type cliCase struct {
	name    string
	args    []string
	code    int
	stderrs []string
	stdouts []string
}

func runCases(t *testing.T, cases []cliCase) {
	t.Helper()
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			code, out, errOut := run(t, context.Background(), c.args...)
			if code != c.code {
				t.Fatalf("exit %d, want %d\nstdout:\n%s\nstderr:\n%s", code, c.code, out, errOut)
			}
			for _, s := range c.stderrs {
				if !strings.Contains(errOut, s) {
					t.Errorf("stderr lacks %q:\n%s", s, errOut)
				}
			}
			for _, s := range c.stdouts {
				if !strings.Contains(out, s) {
					t.Errorf("stdout lacks %q:\n%s", s, out)
				}
			}
		})
	}
}

// TestFireCertificates: an untrusted certificate is one line naming the
// host and saying what to do, in every mode; -k and --cacert both work;
// a --cacert that cannot be used is a usage error naming the flag.
func TestFireCertificates(t *testing.T) {
	url, ca := tlsTarget(t, http.HandlerFunc(func(http.ResponseWriter, *http.Request) {}), true)
	host := strings.TrimPrefix(url, "https://")
	notPEM := filepath.Join(t.TempDir(), "ca.txt")
	if err := os.WriteFile(notPEM, []byte("not a certificate\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	var cases []cliCase
	for _, mode := range []string{"auto", "single-packet", "last-byte", "barrier"} {
		cases = append(cases,
			cliCase{name: mode + "/untrusted", args: []string{"fire", "-n", "3", "--mode", mode, url}, code: 3,
				stderrs: []string{"the target's TLS certificate was not trusted: tls handshake with " + host + ": ", "use -k to skip certificate verification, or --cacert FILE"},
				// The report says it too, not "unreachable": a reader of
				// the report alone learns the fix.
				stdouts: []string{"the target's TLS certificate was not trusted", "use -k to skip certificate verification, or --cacert FILE"}},
			cliCase{name: mode + "/untrusted json", args: []string{"fire", "-n", "3", "--mode", mode, "-o", "json", url}, code: 3,
				stdouts: []string{`"error": "round 1: race: the target's TLS certificate was not trusted: `, `(use -k to skip certificate verification, or --cacert FILE to trust the CA that signed it)"`}},
			cliCase{name: mode + "/insecure", args: []string{"fire", "-n", "3", "--mode", mode, "-k", "--expect-status", "200=3", url}, code: 0},
			cliCase{name: mode + "/cacert", args: []string{"fire", "-n", "3", "--mode", mode, "--cacert", ca, "--expect-status", "200=3", url}, code: 0},
		)
	}
	cases = append(cases,
		cliCase{name: "cacert missing", args: []string{"fire", "--cacert", "/nonexistent/ca.pem", url}, code: 2,
			stderrs: []string{"racetest: --cacert /nonexistent/ca.pem: cannot read the file: no such file or directory", "racetest fire --help"}},
		cliCase{name: "cacert not PEM", args: []string{"fire", "--cacert", notPEM, url}, code: 2,
			stderrs: []string{"--cacert " + notPEM + ": no PEM certificate in the file"}},
		cliCase{name: "after uses cacert", args: []string{"fire", "-n", "2", "--cacert", ca, "--after", "/state", "--expect-after", "status == 200", url}, code: 0},
	)
	runCases(t, cases)
}

// TestRunCertificates: run takes --cacert too, and a step that meets an
// untrusted certificate says what to do.
func TestRunCertificates(t *testing.T) {
	url, ca := tlsTarget(t, http.HandlerFunc(func(http.ResponseWriter, *http.Request) {}), true)
	file := filepath.Join(t.TempDir(), "tls.yaml")
	yaml := "version: 1\nname: tls\nsetup:\n  - request: {url: /reset}\nrace:\n  n: 2\n  request: {url: /}\n  expect: [count(status == 200) == 2]\n"
	if err := os.WriteFile(file, []byte(yaml), 0o600); err != nil {
		t.Fatal(err)
	}
	runCases(t, []cliCase{
		{name: "untrusted", args: []string{"run", "--target", url, file}, code: 3,
			stderrs: []string{"tls handshake with " + strings.TrimPrefix(url, "https://"), "--cacert FILE"}},
		{name: "cacert", args: []string{"run", "--target", url, "--cacert", ca, file}, code: 0},
		{name: "cacert missing", args: []string{"run", "--target", url, "--cacert", "/nonexistent/ca.pem", file}, code: 2,
			stderrs: []string{"--cacert /nonexistent/ca.pem: cannot read the file"}},
	})
}

// TestRunConnections: race.connections spreads single-packet's streams
// over K connections, as --connections does, which overrides it.
func TestRunConnections(t *testing.T) {
	url, ca := tlsTarget(t, http.HandlerFunc(func(http.ResponseWriter, *http.Request) {}), true)
	file := filepath.Join(t.TempDir(), "conn.yaml")
	yaml := "version: 1\nname: conn\nrace:\n  n: 6\n  connections: 2\n  request: {url: /}\n  expect: [\"count(status == 200) == 6\"]\n"
	if err := os.WriteFile(file, []byte(yaml), 0o600); err != nil {
		t.Fatal(err)
	}
	runCases(t, []cliCase{
		{name: "file", args: []string{"run", "--target", url, "--cacert", ca, file}, code: 0,
			stdouts: []string{"single-packet, HTTP/2.0, 6 requests on 2 connections"}},
		{name: "flag overrides", args: []string{"run", "--target", url, "--cacert", ca, "--connections", "3", file}, code: 0,
			stdouts: []string{"single-packet, HTTP/2.0, 6 requests on 3 connections"}},
	})
}

// TestFireSinglePacketOverHTTP1: a TLS server without HTTP/2 cannot give
// single-packet: inconclusive, saying why.
func TestFireSinglePacketOverHTTP1(t *testing.T) {
	url, _ := tlsTarget(t, http.NotFoundHandler(), false)
	h1 := httptest.NewServer(http.NotFoundHandler())
	defer h1.Close()
	// The runner says which mode works (SyncError.Instead); the flag is
	// named at the edge, on stderr and in the report's error alike.
	const hint = "; use --mode last-byte or an https URL"
	runCases(t, []cliCase{
		// Said once, at the end of the line, in the report as on stderr.
		{name: "tls", args: []string{"fire", "-n", "2", "-k", "--mode", "single-packet", "-o", "json", url}, code: 4,
			stderrs: []string{"single-packet mode unavailable", "did not offer HTTP/2 in TLS ALPN", "http/1.1); use --mode last-byte\n"},
			stdouts: []string{"http/1.1); use --mode last-byte\""}},
		{name: "h2c", args: []string{"fire", "-n", "2", "--mode", "single-packet", "-o", "json", h1.URL}, code: 4,
			stderrs: []string{"single-packet mode unavailable: " + h1.Listener.Addr().String() + " does not speak h2c", hint + "\n"},
			stdouts: []string{hint + `"`}},
	})
}

// TestFireRedirects: a 3xx is the result unless --location; following is
// bounded, and what was followed is in the report.
func TestFireRedirects(t *testing.T) {
	mux := http.NewServeMux()
	mux.HandleFunc("/found", func(w http.ResponseWriter, r *http.Request) { http.Redirect(w, r, "/final", http.StatusFound) })
	mux.HandleFunc("/loop", func(w http.ResponseWriter, r *http.Request) { http.Redirect(w, r, "/loop", http.StatusFound) })
	mux.HandleFunc("/final", func(w http.ResponseWriter, r *http.Request) { _, _ = io.WriteString(w, "final") })
	srv := httptest.NewServer(mux)
	defer srv.Close()
	runCases(t, []cliCase{
		{name: "not followed", args: []string{"fire", "-n", "3", "--expect-status", "302=3", srv.URL + "/found"}, code: 0},
		{name: "followed", args: []string{"fire", "-n", "3", "-L", "--expect-status", "200=3", srv.URL + "/found"}, code: 0,
			stdouts: []string{"note: 3 of 3 responses were redirects (302 x3), followed after the burst"}},
		{name: "loop", args: []string{"fire", "-n", "3", "--location", "--max-redirs", "2",
			"--expect", `all(responses, .error == "redirect")`, srv.URL + "/loop"}, code: 0,
			stdouts: []string{"responses  redirect x3"}},
		{name: "loop json", args: []string{"fire", "-n", "1", "-L", "-o", "json", srv.URL + "/loop"}, code: 0,
			stdouts: []string{`"error_kind": "redirect"`, `"error": "stopped after 10 redirects (the next one to /loop)"`}},
		{name: "json", args: []string{"fire", "-n", "2", "-L", "-o", "json", srv.URL + "/found"}, code: 0,
			stdouts: []string{`"status": 200`, "2 of 2 responses were redirects (302 x2)"}},
		{name: "max-redirs without location", args: []string{"fire", "--max-redirs", "3", srv.URL}, code: 2,
			stderrs: []string{"--max-redirs 3 needs --location"}},
		{name: "negative max-redirs", args: []string{"fire", "-L", "--max-redirs", "-1", srv.URL}, code: 2,
			stderrs: []string{"--max-redirs -1: cannot be negative"}},
	})
}

// TestFireFileLimit: with an open-file limit too low for --n, fire says so
// in one line, with how to raise it, and exits 3 without sending a
// request.
func TestFireFileLimit(t *testing.T) {
	bin := buildRacetest(t)
	sh, err := exec.LookPath("sh")
	if err != nil {
		t.Skip("no sh to lower the limit with")
	}
	var served atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(http.ResponseWriter, *http.Request) { served.Add(1) }))
	defer srv.Close()
	file := filepath.Join(t.TempDir(), "big.yaml")
	yaml := "version: 1\nname: big\nrace:\n  n: 300\n  request: {url: /}\n  expect: [count(status == 200) == 300]\n"
	if err := os.WriteFile(file, []byte(yaml), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct{ name, lower, prefix string }{
		{"last-byte", "--n", ""}, {"barrier", "--n", ""}, {"auto", "--n", ""}, {"run", "race.n", file + ": "},
	} {
		t.Run(c.name, func(t *testing.T) {
			args := []string{"fire", "-n", "300", "--mode", c.name, srv.URL}
			if c.name == "run" {
				args = []string{"run", "--target", srv.URL, file}
			}
			// The hard limit too: Go raises the soft limit to it at start-up.
			cmd := exec.Command(sh, append([]string{"-c", `ulimit -n 100 && exec "$0" "$@"`, bin}, args...)...)
			var out, errb bytes.Buffer
			cmd.Stdout, cmd.Stderr = &out, &errb
			err := cmd.Run()
			var ee *exec.ExitError
			if !errors.As(err, &ee) || ee.ExitCode() != int(ExitRuntime) {
				t.Fatalf("exit %v, want 3\nstdout:\n%s\nstderr:\n%s", err, &out, &errb)
			}
			want := regexp.MustCompile(`^racetest: ` + regexp.QuoteMeta(c.prefix) +
				`the open-file limit \(100\) is too low for a burst of 300: \d+ requests could not open a connection; ` +
				`raise it with 'ulimit -n 1000' in the shell that runs racetest \(past the hard limit only root can\), or lower ` +
				regexp.QuoteMeta(c.lower) + `\n$`)
			if !want.MatchString(errb.String()) {
				t.Errorf("stderr %q, want one line matching %s", &errb, want)
			}
			// fire and run report alike: the run and its error, and no round,
			// since none was sent.
			if strings.Contains(out.String(), "round 1/") || !strings.Contains(out.String(), "error ") {
				t.Errorf("stdout %q, want the run's error and no round: none was sent", &out)
			}
		})
	}
	if n := served.Load(); n != 0 {
		t.Errorf("the server answered %d requests, want none", n)
	}
}
