// Command bench measures how tightly racetest's engines and common
// alternatives (hey, a Python thread pool) make N requests arrive at the demo
// target, side by side in one run, and how often each catches the demo's
// double-paid reward. It prints Markdown tables for docs/PERFORMANCE.md.
//
// It only talks to demo targets it starts itself on 127.0.0.1, and every
// burst is bounded in count and time. Run it through scripts/bench.sh, which
// installs hey and python3-requests first.
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"strconv"
	"strings"
	"time"

	"github.com/racetest/racetest/internal/netlab"
)

func main() {
	if len(os.Args) > 1 && os.Args[1] == "kettle2023" {
		if err := kettle2023(os.Args[2:]); err != nil {
			fmt.Fprintln(os.Stderr, "bench:", err)
			os.Exit(1)
		}
		return
	}
	var (
		racetest  = flag.String("racetest", "", "path of a built racetest binary (required)")
		ns        = flag.String("n", "10,30,100,1000", "burst sizes, comma separated")
		bursts    = flag.Int("bursts", 20, "bursts per tool and size")
		detectLat = flag.Duration("detect-latency", 300*time.Microsecond, "demo latency for the detection table")
		detectN   = flag.Int("detect-n", 30, "burst size for the detection table")
		only      = flag.String("tools", "", "comma-separated subset of tools (default all)")
		wan       = flag.Bool("wan", false, "measure over the network lab's emulated path (needs root) instead of loopback")
		rtt       = flag.Duration("rtt", 100*time.Millisecond, "with -wan: round-trip time of the path")
		jitter    = flag.Duration("jitter", time.Millisecond, "with -wan: each packet's delay varies by up to ± this")
		rate      = flag.Int64("rate", 20_000_000, "with -wan: bottleneck rate in bits per second")
		realistic = flag.Bool("realistic", false, "spread table: POST with a 600-byte bearer token and a 150-byte JSON body instead of a bare GET")
	)
	flag.Parse()
	if *racetest == "" {
		fmt.Fprintln(os.Stderr, "bench: -racetest PATH is required (scripts/bench.sh builds it)")
		os.Exit(2)
	}
	sizes, err := parseSizes(*ns)
	if err != nil {
		fmt.Fprintln(os.Stderr, "bench: -n:", err)
		os.Exit(2)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	self, err := os.Executable()
	if err != nil {
		fmt.Fprintln(os.Stderr, "bench:", err)
		os.Exit(1)
	}
	b := &bench{racetest: *racetest, self: self, bursts: *bursts, tools: selectTools(*only), where: "loopback"}
	if *realistic {
		b.headers, b.body = realisticRequest()
	}
	if *wan {
		if err := netlab.Available(); err != nil {
			fmt.Fprintln(os.Stderr, "bench: -wan:", err)
			os.Exit(2)
		}
		b.lab, err = netlab.Start(netlab.Path{Delay: *rtt / 2, Jitter: *jitter, Rate: *rate})
		if err != nil {
			fmt.Fprintln(os.Stderr, "bench: -wan:", err)
			os.Exit(1)
		}
		b.where = fmt.Sprintf("emulated path: RTT %v, jitter ±%v, %d Mbit/s, MTU %d (internal/netlab)", *rtt, *jitter, *rate/1_000_000, netlab.MTU)
	}
	err = b.run(ctx, sizes, *detectLat, *detectN)
	if b.lab != nil {
		if cerr := b.lab.Close(); cerr != nil && err == nil {
			err = cerr
		}
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "bench:", err)
		os.Exit(1)
	}
}

func parseSizes(s string) ([]int, error) {
	var out []int
	for _, f := range strings.Split(s, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(f))
		if err != nil || n <= 0 {
			return nil, fmt.Errorf("%q is not a positive number", f)
		}
		out = append(out, n)
	}
	return out, nil
}

// realisticRequest is issue 15's realistic race request: a 600-byte
// bearer token and a 150-byte JSON body.
func realisticRequest() (headers []string, body string) {
	const shape = `{"type":"investment_complete","amount":100,"note":""}`
	body = `{"type":"investment_complete","amount":100,"note":"` + strings.Repeat("n", 150-len(shape)) + `"}`
	return []string{"Authorization: Bearer " + strings.Repeat("t", 600)}, body
}
