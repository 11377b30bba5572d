package cmd

import (
	"bufio"
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/racetest/racetest/report"
)

// netns is a network namespace made for one test, deleted when it ends.
type netns struct {
	t    *testing.T
	ip   string
	name string
}

// ipCmd runs ip with args, failing the test on an error.
func ipCmd(t *testing.T, ip string, args ...string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if out, err := exec.CommandContext(ctx, ip, args...).CombinedOutput(); err != nil {
		t.Fatalf("ip %s: %v: %s", strings.Join(args, " "), err, out)
	}
}

func newNetns(t *testing.T, ip, name string) *netns {
	t.Helper()
	ipCmd(t, ip, "netns", "add", name)
	// Deleting the namespace also deletes the veth ends in it, and with
	// them their peers.
	t.Cleanup(func() { _ = exec.Command(ip, "netns", "del", name).Run() })
	ipCmd(t, ip, "-n", name, "link", "set", "lo", "up")
	return &netns{t: t, ip: ip, name: name}
}

// link joins n to srv with a veth pair on subnet 10.231.sub.0/24: n has
// .2, srv .1, and n routes srvAddr (on srv's loopback) through it.
func (n *netns) link(srv *netns, sub int, id string, srvAddr string) string {
	t := n.t
	t.Helper()
	a, b := fmt.Sprintf("rt%d%s", sub, id), fmt.Sprintf("rs%d%s", sub, id)
	ipCmd(t, n.ip, "link", "add", a, "netns", n.name, "type", "veth", "peer", "name", b, "netns", srv.name)
	mine, theirs := fmt.Sprintf("10.231.%d.2", sub), fmt.Sprintf("10.231.%d.1", sub)
	ipCmd(t, n.ip, "-n", n.name, "addr", "add", mine+"/24", "dev", a)
	ipCmd(t, n.ip, "-n", srv.name, "addr", "add", theirs+"/24", "dev", b)
	ipCmd(t, n.ip, "-n", n.name, "link", "set", a, "up")
	ipCmd(t, n.ip, "-n", srv.name, "link", "set", b, "up")
	ipCmd(t, n.ip, "-n", n.name, "route", "add", srvAddr+"/32", "via", theirs)
	return mine
}

// TestStartAtFromTwoNamespaces: two racetest processes in two network
// namespaces, with distinct source addresses, fire at a demo target in a
// third with the same --start-at. The target sees all 2 x N requests
// within a few milliseconds, and merge judges both results as one.
func TestStartAtFromTwoNamespaces(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("network namespaces need root: run as root (CI does)")
	}
	ip, err := exec.LookPath("ip")
	if err != nil {
		needTool(t, "ip is not installed: apt-get install iproute2 (or run .ci/tools.sh)")
	}
	idb := make([]byte, 3)
	_, _ = rand.Read(idb)
	id := hex.EncodeToString(idb)
	srv := newNetns(t, ip, "rt-srv-"+id)
	const srvAddr = "10.231.0.1"
	ipCmd(t, ip, "-n", srv.name, "addr", "add", srvAddr+"/32", "dev", "lo")
	clients := []*netns{newNetns(t, ip, "rt-a-"+id), newNetns(t, ip, "rt-b-"+id)}
	var sources []string
	for i, c := range clients {
		sources = append(sources, c.link(srv, i+1, id, srvAddr))
	}
	t.Logf("target %s in %s; sources %v", srvAddr, srv.name, sources)

	// The demo target, in its namespace: reachable only from the clients.
	// A wide check-then-act window, so that a burst split over two
	// machines still lands inside it.
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	serve := exec.CommandContext(ctx, ip, "netns", "exec", srv.name, "racetest", "demo", "serve", "--addr", srvAddr+":8080", "--latency", "200ms")
	stderr, err := serve.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := serve.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = serve.Process.Kill(); _ = serve.Wait() })
	line, err := bufio.NewReader(stderr).ReadString('\n')
	if err != nil || !strings.Contains(line, "demo target: http://"+srvAddr) {
		t.Fatalf("demo target did not start: %q %v", line, err)
	}

	// Both processes get the same instant, far enough ahead for both to
	// start, dial and arm.
	const n = 10
	at := time.Now().Add(3 * time.Second).UTC().Format(time.RFC3339Nano)
	dir := t.TempDir()
	fire := make([]*exec.Cmd, len(clients))
	for i, c := range clients {
		out, err := os.Create(filepath.Join(dir, fmt.Sprintf("%d.json", i)))
		if err != nil {
			t.Fatal(err)
		}
		defer out.Close()
		fire[i] = exec.CommandContext(ctx, ip, "netns", "exec", c.name, "racetest", "fire",
			"-n", fmt.Sprint(n), "--start-at", at, "-X", "POST", "-H", "Authorization: Bearer fleet",
			"--json", `{"type":"investment_complete"}`, "--expect-status", "200=1", "-o", "json",
			"http://"+srvAddr+":8080/missions/naive/complete")
		fire[i].Stdout = out
		fire[i].Stderr = os.Stderr
		if err := fire[i].Start(); err != nil {
			t.Fatal(err)
		}
	}
	for i, f := range fire {
		// Exit 1: each burst alone paid the reward more than once.
		if err := f.Wait(); f.ProcessState.ExitCode() != 1 {
			t.Errorf("racetest in %s: %v, want exit 1", clients[i].name, err)
		}
	}

	// What the target saw: every arrival stamp of both bursts, on the one
	// clock of the target.
	var arrivals []time.Time
	for i := range clients {
		b, err := os.ReadFile(filepath.Join(dir, fmt.Sprintf("%d.json", i)))
		if err != nil {
			t.Fatal(err)
		}
		doc, err := report.ReadJSON(strings.NewReader(string(b)))
		if err != nil {
			t.Fatalf("result of %s: %v", clients[i].name, err)
		}
		rd := doc.Runs[0].Rounds[0]
		if rd.Receipt.ReleaseAt == nil || rd.Receipt.ReleaseError == nil {
			t.Fatalf("result of %s lacks the release error: %+v", clients[i].name, rd.Receipt)
		}
		t.Logf("%s: release error %v, release spread %v", clients[i].name, *rd.Receipt.ReleaseError, rd.ReleaseSpread)
		for _, q := range rd.Requests {
			if q.Arrival == nil {
				t.Fatalf("%s request %d: no arrival stamp (status %d, %s)", clients[i].name, q.Index, q.Status, q.Error)
			}
			arrivals = append(arrivals, rd.Start.Add(*q.Arrival))
		}
	}
	if len(arrivals) != 2*n {
		t.Fatalf("%d arrivals, want %d", len(arrivals), 2*n)
	}
	spread := slices.MaxFunc(arrivals, time.Time.Compare).Sub(slices.MinFunc(arrivals, time.Time.Compare))
	t.Logf("the target saw 2 x %d requests from two namespaces within %v", n, spread)
	// A few milliseconds, with room for a loaded 2-core machine; without
	// --start-at, two processes started one after the other are hundreds
	// of milliseconds apart.
	if spread > 50*time.Millisecond {
		t.Errorf("the target saw the two bursts %v apart", spread)
	}

	// One verdict of both.
	code, out, errb := run(t, context.Background(), "merge", filepath.Join(dir, "0.json"), filepath.Join(dir, "1.json"))
	if code != 1 || strings.Count(out, "fire POST http://"+srvAddr) < 2 || !strings.Contains(out, "race found") {
		t.Errorf("merge: exit %d, want 1 with both runs\n%s%s", code, out, errb)
	}
}

// TestStartAtInterrupt: Ctrl-C while racetest waits for --start-at, before
// preparing or with the burst armed, exits 130 at once and releases
// nothing.
func TestStartAtInterrupt(t *testing.T) {
	bin := buildRacetest(t)
	for _, c := range []struct{ name, at string }{{"before preparing", "+1h"}, {"armed", "+4s"}} {
		t.Run(c.name, func(t *testing.T) {
			var accepted, started atomic.Int64
			srv := httptest.NewUnstartedServer(http.HandlerFunc(func(http.ResponseWriter, *http.Request) { started.Add(1) }))
			srv.Config.ConnState = func(_ net.Conn, s http.ConnState) {
				if s == http.StateNew {
					accepted.Add(1)
				}
			}
			srv.Start()
			t.Cleanup(srv.Close)
			p := start(t, bin, "fire", "-n", "3", "--mode", "last-byte", "--start-at", c.at, srv.URL)
			if c.at == "+4s" {
				waitFor(t, "the connections", func() bool { return accepted.Load() == 3 })
			} else {
				time.Sleep(300 * time.Millisecond)
			}
			took := p.interrupt(t)
			if p.code != int(ExitInterrupted) || took > 2*time.Second {
				t.Errorf("exit %d %v after SIGINT, want 130 within 2s; stderr %s", p.code, took, p.err.String())
			}
			if started.Load() != 0 {
				t.Errorf("%d requests reached the handler", started.Load())
			}
		})
	}
}
