package cmd

import (
	"encoding/json"
	"fmt"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/racetest/racetest/internal/demo"
	"github.com/racetest/racetest/internal/realservers"
	"github.com/racetest/racetest/report"
)

// realOptions are the options of every real-server test: CI sets
// RACETEST_REAL_SERVERS=1 so that a missing server fails, not skips.
func realOptions(backend string) realservers.Options {
	return realservers.Options{Require: os.Getenv(realservers.EnvRequire) == "1", Backend: backend}
}

// nginx ends an HTTP/2 connection with GOAWAY after keepalive_requests:
// with 50 and a burst of 100 streams, half were never processed. That
// burst did not happen, so there is no verdict: exit 4 naming the GOAWAY.
func TestNginxGOAWAYIsInconclusive(t *testing.T) {
	be := realservers.StartBackend(t, time.Millisecond)
	srv := realservers.StartNginx(t, realservers.NginxOptions{Options: realOptions(be.URL), KeepaliveRequests: 50})
	for _, args := range [][]string{
		{"--h2c", srv.H2CURL + "/race"},
		{"--cacert", writeCA(t, srv.CAPEM), srv.TLSURL + "/race"},
	} {
		code, out, errb := runApp(t, false, false, nil, append([]string{"fire", "-n", "100", "--mode", "single-packet",
			"-X", "POST", "--expect", "count(status == 200) <= 1"}, args...)...)
		// The HEADERS of all 100 streams are in the arming write, so
		// nginx's GOAWAY comes before the release.
		if code != int(ExitInconclusive) || !strings.Contains(errb, "goaway x50 before the release") ||
			!strings.Contains(errb, "keepalive_requests") || !strings.Contains(out, "INCOMPLETE") {
			t.Errorf("%v: exit %d, want 4 naming the GOAWAY\nstdout:\n%s\nstderr:\n%s", args, code, out, errb)
		}
		be.Reset()
	}
}

// writeCA writes a PEM CA for --cacert.
func writeCA(t *testing.T, pem []byte) string {
	t.Helper()
	f := t.TempDir() + "/ca.pem"
	if err := os.WriteFile(f, pem, 0o600); err != nil {
		t.Fatal(err)
	}
	return f
}

// TestMeasureAutoVsLastByte measures how often auto and last-byte catch a
// check-then-act race (the demo target's naive mission: a read, a 1 ms
// pause, a write) behind Apache with mod_http2 and Caddy, side by side in
// one run, over 10 rounds each: the table of docs/PERFORMANCE.md. Auto
// runs as users run it, all rounds in one invocation, so that what it
// learns in one round steers the next. It is a measurement, not a test,
// so it runs only with RACETEST_MEASURE=1:
//
//	RACETEST_MEASURE=1 go test ./cmd -run TestMeasureAutoVsLastByte -v
func TestMeasureAutoVsLastByte(t *testing.T) {
	if os.Getenv("RACETEST_MEASURE") != "1" {
		t.Skip("a measurement: set RACETEST_MEASURE=1 to run it")
	}
	target := httptest.NewServer(demo.NewServer(demo.Config{Latency: time.Millisecond}).Handler())
	t.Cleanup(target.Close)
	servers := map[string]*realservers.Server{
		"apache": realservers.StartApache(t, realOptions(target.URL)),
		"caddy":  realservers.StartCaddy(t, realOptions(target.URL)),
		"nginx":  realservers.StartNginx(t, realservers.NginxOptions{Options: realOptions(target.URL)}),
	}
	dir := t.TempDir()
	scenario := func(n string) string {
		file := filepath.Join(dir, "mission-"+n+".yaml")
		yaml := "version: 1\nname: mission\nsetup:\n  - request: {method: POST, url: /reset}\n" +
			"race:\n  n: " + n + "\n  request: {method: POST, url: /missions/naive/complete, headers: {Authorization: Bearer m1}, json: {type: investment_complete}}\n" +
			"  expect: [count(status == 200) <= 1]\n"
		if err := os.WriteFile(file, []byte(yaml), 0o600); err != nil {
			t.Fatal(err)
		}
		return file
	}
	t.Logf("| server | N | auto: rounds that found the race | last-byte: rounds that found it | single-packet over N/6 connections: found | engines auto used |")
	t.Logf("|---|---|---|---|---|---|")
	for _, name := range []string{"apache", "caddy", "nginx"} {
		srv := servers[name]
		for _, n := range []string{"30", "100"} {
			var line [3]string
			modes := ""
			// Apache's mod_http2 runs 6 streams of a connection at a time
			// at first: single-packet over N/6 connections (--connections)
			// is the alternative to auto's switch to last-byte.
			k, _ := strconv.Atoi(n)
			for i, mode := range []string{"auto", "last-byte", "single-packet"} {
				args := []string{"run", "--rounds", "10", "--mode", mode, "-o", "json",
					"--cacert", writeCA(t, srv.CAPEM), "--target", srv.TLSURL, scenario(n)}
				if mode == "single-packet" {
					args = append(args, "--connections", strconv.Itoa((k+5)/6))
				}
				_, out, errb := runApp(t, false, false, nil, args...)
				var doc report.Document
				if err := json.Unmarshal([]byte(out), &doc); err != nil || len(doc.Runs) != 1 {
					t.Fatalf("%s %s: %v\n%s", name, mode, err, errb)
				}
				run := &doc.Runs[0]
				line[i] = fmt.Sprintf("%d of %d", run.FailedRounds(), run.CompleteRounds())
				var spreads []string
				for _, rd := range run.Rounds {
					spreads = append(spreads, rd.ServerSpread.Round(10*time.Microsecond).String())
					if mode == "auto" {
						modes += rd.Mode + " "
					}
				}
				t.Logf("%s %s %s server spreads: %v", name, n, mode, spreads)
			}
			t.Logf("| %s | %s | %s | %s | %s | %s|", name, n, line[0], line[1], line[2], modes)
		}
	}
}
