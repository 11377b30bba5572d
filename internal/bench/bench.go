package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"slices"
	"strings"
	"time"

	"github.com/racetest/racetest/internal/netlab"
)

// bench holds what every measurement needs.
type bench struct {
	racetest string
	self     string // this program, for the reference recipe (kettle.go)
	bursts   int
	tools    []tool
	pyScript string
	// lab is the emulated network path when the WAN tables are measured:
	// the target runs in its server namespace, every tool in its client
	// namespace. nil: everything on loopback.
	lab   *netlab.Lab
	where string // the path, for the tables' headings
	// headers and body go with every request of the spread table; empty:
	// a bare GET.
	headers []string
	body    string
}

// target is a demo target process; hc reaches it without crossing the
// emulated path, for the benchmark's own bookkeeping requests.
type target struct {
	url, tlsURL string
	cmd         *exec.Cmd
	hc          *http.Client
}

func (b *bench) run(ctx context.Context, sizes []int, detectLat time.Duration, detectN int) error {
	dir, err := os.MkdirTemp("", "racetest-bench")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	if b.pyScript, err = writePyScript(dir); err != nil {
		return err
	}
	fmt.Printf("racetest benchmark, %s, %d cores, %d bursts per cell, %s; load average at start %s\n\n",
		time.Now().Format("2006-01-02"), numCPU(), b.bursts, b.where, loadAvg())
	if err := b.spreadTable(ctx, sizes); err != nil {
		return err
	}
	return b.detectionTable(ctx, detectLat, detectN)
}

// startTarget runs `racetest demo serve` on free loopback ports and waits
// until it answers.
func (b *bench) startTarget(ctx context.Context, latency time.Duration) (*target, error) {
	addr, tlsAddr, hc := freeAddr(), freeAddr(), http.DefaultClient
	argv := []string{b.racetest, "demo", "serve", "--addr", addr, "--tls-addr", tlsAddr, "--latency", latency.String()}
	c := exec.CommandContext(ctx, argv[0], argv[1:]...)
	if b.lab != nil {
		// A namespace of its own: any port is free there.
		ip := b.lab.Server.IP.String()
		addr, tlsAddr = net.JoinHostPort(ip, "8080"), net.JoinHostPort(ip, "8443")
		argv[4], argv[6] = addr, tlsAddr
		c = b.lab.Server.Command(ctx, argv...)
		hc = &http.Client{Transport: &http.Transport{DialContext: b.lab.Server.DialContext}}
	}
	if err := c.Start(); err != nil {
		return nil, err
	}
	t := &target{url: "http://" + addr, tlsURL: "https://" + tlsAddr, cmd: c, hc: hc}
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		if resp, err := hc.Get(t.url + "/healthz"); err == nil {
			resp.Body.Close()
			return t, nil
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.stop()
	return nil, errors.New("demo target did not start within 10s")
}

func (t *target) stop() {
	_ = t.cmd.Process.Signal(os.Interrupt)
	done := make(chan struct{})
	go func() { _ = t.cmd.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		_ = t.cmd.Process.Kill()
		<-done
	}
}

func freeAddr() string {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		panic(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

// spreadTable measures the server-observed spread of every tool at every
// size; bursts alternate between tools so that drift hits all alike.
func (b *bench) spreadTable(ctx context.Context, sizes []int) error {
	t, err := b.startTarget(ctx, 0)
	if err != nil {
		return err
	}
	defer t.stop()
	what := "GET /bench/hit"
	if b.body != "" {
		what = fmt.Sprintf("POST /bench/hit with a %d-byte bearer token and a %d-byte JSON body", len(b.headers[0])-len("Authorization: Bearer "), len(b.body))
	}
	fmt.Printf("## Server-observed spread (demo target, %s, %s)\n", what, b.where)
	fmt.Println()
	fmt.Println("| N | tool | median | p90 | median vs barrier | bursts |")
	fmt.Println("|---|---|---|---|---|---|")
	for _, n := range sizes {
		spreads := make([][]time.Duration, len(b.tools))
		for range b.bursts {
			for i, tl := range b.tools {
				s, err := b.spreadOnce(ctx, t, tl, n)
				if err != nil {
					fmt.Fprintf(os.Stderr, "bench: N=%d %s: %v\n", n, tl.name, err)
					continue
				}
				spreads[i] = append(spreads[i], s)
			}
		}
		printSpreadRows(n, b.tools, spreads)
	}
	fmt.Printf("\nload average after the table: %s\n", loadAvg())
	fmt.Println()
	return nil
}

// spreadOnce sends one burst with tl and reads the spread the target saw.
func (b *bench) spreadOnce(ctx context.Context, t *target, tl tool, n int) (time.Duration, error) {
	if err := t.post("/bench/reset"); err != nil {
		return 0, err
	}
	if err := b.exec(ctx, tl.cmd(b, n, t.url+"/bench/hit", t.tlsURL+"/bench/hit", b.headers, b.body)); err != nil {
		return 0, err
	}
	var v struct {
		Count    int   `json:"count"`
		SpreadNS int64 `json:"spread_ns"`
	}
	if err := t.getJSON("/bench/arrivals", nil, &v); err != nil {
		return 0, err
	}
	if v.Count != n {
		return 0, fmt.Errorf("target saw %d of %d requests", v.Count, n)
	}
	return time.Duration(v.SpreadNS), nil
}

func printSpreadRows(n int, tools []tool, spreads [][]time.Duration) {
	barrier := time.Duration(0)
	for i, tl := range tools {
		if tl.name == "racetest barrier" && len(spreads[i]) > 0 {
			barrier = quantile(spreads[i], 50)
		}
	}
	for i, tl := range tools {
		s := spreads[i]
		if len(s) == 0 {
			fmt.Printf("| %d | %s | - | - | - | 0 |\n", n, tl.name)
			continue
		}
		ratio := "-"
		if barrier > 0 {
			ratio = fmt.Sprintf("%.2f", float64(quantile(s, 50))/float64(barrier))
		}
		fmt.Printf("| %d | %s | %s | %s | %s | %d |\n", n, tl.name, fmtDur(quantile(s, 50)), fmtDur(quantile(s, 90)), ratio, len(s))
	}
}

// quantile is the nearest-rank q-th percentile of ds.
func quantile(ds []time.Duration, q int) time.Duration {
	s := slices.Clone(ds)
	slices.Sort(s)
	k := (q*len(s) + 99) / 100
	if k < 1 {
		k = 1
	}
	return s[k-1]
}

func fmtDur(d time.Duration) string {
	switch {
	case d < time.Millisecond:
		return fmt.Sprintf("%.0f µs", float64(d)/1e3)
	default:
		return fmt.Sprintf("%.2f ms", float64(d)/1e6)
	}
}

func (t *target) post(path string) error {
	resp, err := t.hc.Post(t.url+path, "application/json", nil)
	if err != nil {
		return err
	}
	resp.Body.Close()
	return nil
}

func (t *target) getJSON(path string, header http.Header, v any) error {
	req, err := http.NewRequest(http.MethodGet, t.url+path, nil)
	if err != nil {
		return err
	}
	req.Header = header
	resp, err := t.hc.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	return json.NewDecoder(resp.Body).Decode(v)
}

// loadAvg is the machine's 1, 5 and 15 minute load averages, to print
// beside figures measured on a machine others share.
func loadAvg() string {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return "unknown"
	}
	f := strings.Fields(string(b))
	if len(f) < 3 {
		return "unknown"
	}
	return strings.Join(f[:3], " ")
}
