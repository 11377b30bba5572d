package cmd

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"syscall"
	"time"

	"github.com/spf13/cobra"

	"github.com/racetest/racetest/internal/demo"
	"github.com/racetest/racetest/runner"
)

// DemoOptions holds the flags of `racetest demo`.
type DemoOptions struct {
	App     *App
	N       int
	Mode    string
	Latency time.Duration
}

// demoUser is the bearer token the demo bursts are sent with.
const demoUser = "demo-user"

// maxDemoN bounds the demo's bursts; fire has --allow-large for more.
const maxDemoN = 1000

func newCmdDemo(app *App) *cobra.Command {
	o := &DemoOptions{App: app}
	cmd := &cobra.Command{
		Use:   "demo",
		Short: "Show a race being found, against the built-in demo target",
		Long: `Demo starts the built-in demo target on a free loopback port, fires one burst
at a vulnerable mission-reward endpoint and one at a fixed one, prints both
reports and says what was found. Nothing leaves this machine.

'racetest demo serve' runs the demo target on its own, for trying fire and
scenarios by hand.`,
		Example: `  racetest demo
  racetest demo --n 50 --mode barrier
  racetest demo serve --addr 127.0.0.1:8080`,
		Args: cobra.NoArgs,
		RunE: func(c *cobra.Command, _ []string) error { return demoRun(c.Context(), o) },
	}
	cmd.Flags().IntVarP(&o.N, "n", "n", 30, "requests per burst")
	cmd.Flags().StringVar(&o.Mode, "mode", string(runner.ModeAuto), "synchronisation: "+runner.ModeNames())
	cmd.Flags().DurationVar(&o.Latency, "latency", demo.DefaultLatency, "simulated storage round trip inside the check-then-act window")
	cmd.AddCommand(newCmdDemoServe(app))
	return cmd
}

// demoRun fires at the vulnerable and the fixed endpoint and explains.
func demoRun(ctx context.Context, o *DemoOptions) error {
	// Every flag is checked before the target starts, so that a typo
	// prints one error and nothing else.
	switch {
	case o.N < 1 || o.N > maxDemoN:
		return usageErrorf("--n %d: the demo fires 1 to %d requests; use racetest fire for larger bursts", o.N, maxDemoN)
	case o.Latency < 0:
		return usageErrorf("--latency %s: cannot be negative; 0 turns the simulated storage latency off", o.Latency)
	}
	if _, err := runner.ParseMode(o.Mode); err != nil {
		return usageErrorf("--mode %q: %w", o.Mode, err)
	}
	plain, _, stop, err := demo.Start(demo.Config{Latency: o.Latency})
	if err != nil {
		return fmt.Errorf("start the demo target: %w", err)
	}
	defer stop()
	fmt.Fprintf(o.App.Stdout, "demo target on %s (latency %s)\n\n", plain, o.Latency)
	type story struct{ label, variant string }
	stories := []story{{"vulnerable (check-then-act)", "naive"}, {"fixed (per-user lock)", "locked"}}
	paid := make([]int, len(stories))
	for i, s := range stories {
		fo := &FireOptions{
			App: o.App, URL: plain + "/missions/" + s.variant + "/complete",
			RequestFlags: RequestFlags{
				Method: "POST", Headers: []string{"Authorization: Bearer " + demoUser}, JSON: `{"type":"investment_complete"}`,
			},
			N: o.N, RoundsOptions: RoundsOptions{Rounds: 1}, ExpectStatus: []string{"200=1"},
			SendOptions: SendOptions{
				Mode: o.Mode, Hold: string(runner.HoldAuto), Timeout: runner.DefaultTimeout, Arrival: runner.DefaultArrivalHeader,
			},
			OutputOptions: OutputOptions{Output: "text", Color: "auto", Quiet: true},
		}
		fmt.Fprintf(o.App.Stdout, "== %s: %s\n", s.label, fo.URL)
		if err := fireRun(ctx, fo); err != nil && !errors.Is(err, errChecksFailed) {
			return err
		}
		if paid[i], err = demoGrants(ctx, plain, s.variant); err != nil {
			return err
		}
	}
	return demoVerdict(o.App.Stdout, paid)
}

// demoVerdict says in two lines what the bursts found, and fails when the
// demo did not show what it exists to show.
func demoVerdict(w io.Writer, paid []int) error {
	fmt.Fprintf(w, "found: the vulnerable endpoint paid the reward %d times for one mission\n", paid[0])
	if paid[1] == 1 {
		fmt.Fprintln(w, "fixed: the locked endpoint paid it once; its check held")
	} else {
		fmt.Fprintf(w, "fixed: the locked endpoint paid it %d times\n", paid[1])
	}
	if paid[0] <= 1 || paid[1] != 1 {
		return fmt.Errorf("the demo did not reproduce the race this time (paid %d and %d); try --latency 50ms", paid[0], paid[1])
	}
	return nil
}

// demoGrants reads how many times the demo user was paid under variant.
func demoGrants(ctx context.Context, base, variant string) (int, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, base+"/missions/"+variant+"/me", nil)
	if err != nil {
		return 0, err
	}
	req.Header.Set("Authorization", "Bearer "+demoUser)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return 0, fmt.Errorf("read the demo state: %w", err)
	}
	defer resp.Body.Close()
	var me struct {
		Grants int `json:"grants"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&me); err != nil {
		return 0, fmt.Errorf("read the demo state: %w", err)
	}
	return me.Grants, nil
}

// DemoServeOptions holds the flags of `racetest demo serve`.
type DemoServeOptions struct {
	App        *App
	Addr       string
	TLSAddr    string
	Latency    time.Duration
	MaxStreams uint32
}

func newCmdDemoServe(app *App) *cobra.Command {
	o := &DemoServeOptions{App: app}
	cmd := &cobra.Command{
		Use:   "serve",
		Short: "Run the demo target until interrupted",
		Long: `Serve runs the demo target: HTTP/1.1 and h2c on --addr, TLS with HTTP/2 on
--tls-addr (self-signed certificate; use -k). It is deliberately vulnerable:
keep it on loopback. GET / lists the endpoints.`,
		Example: `  racetest demo serve --addr 127.0.0.1:8080 --tls-addr 127.0.0.1:8443
  racetest fire --n 30 -X POST -H 'Authorization: Bearer u1' \
    --json '{"type":"investment_complete"}' --expect-status 200=1 \
    http://127.0.0.1:8080/missions/naive/complete`,
		Args: cobra.NoArgs,
		RunE: func(c *cobra.Command, _ []string) error { return demoServe(c.Context(), o) },
	}
	f := cmd.Flags()
	f.StringVar(&o.Addr, "addr", "127.0.0.1:8080", "address for HTTP/1.1 and h2c")
	f.StringVar(&o.TLSAddr, "tls-addr", "", "address for TLS with HTTP/2 (off when empty)")
	f.DurationVar(&o.Latency, "latency", demo.DefaultLatency, "simulated storage round trip inside the check-then-act window")
	f.Uint32Var(&o.MaxStreams, "max-streams", 0, "HTTP/2 MAX_CONCURRENT_STREAMS (0: Go's default, 250)")
	return cmd
}

// listenFlag listens on the address of a demo serve flag. A port in use
// is the usual trouble (a demo target already running): the message says
// so, and how to get a free port, rather than only "bind: address already
// in use".
func listenFlag(flag, addr, example string) (net.Listener, error) {
	ln, err := net.Listen("tcp", addr)
	switch {
	case errors.Is(err, syscall.EADDRINUSE):
		return nil, usageErrorf("%s %s: the port is in use (a demo target already running?); stop what listens there, or give another port (%s picks a free one)", flag, addr, freePort(addr))
	case err != nil:
		return nil, usageErrorf("%s %s: %v; give HOST:PORT on loopback, e.g. %s", flag, addr, err, example)
	}
	return ln, nil
}

// freePort is addr with port 0, which asks the kernel for a free port.
func freePort(addr string) string {
	h, _, err := net.SplitHostPort(addr)
	if err != nil || h == "" {
		h = "127.0.0.1"
	}
	return net.JoinHostPort(h, "0")
}

func demoServe(ctx context.Context, o *DemoServeOptions) error {
	srv := demo.NewServer(demo.Config{Latency: o.Latency, MaxConcurrentStreams: o.MaxStreams})
	ln, err := listenFlag("--addr", o.Addr, "127.0.0.1:8080")
	if err != nil {
		return err
	}
	// Both addresses are taken before either is announced, so that a
	// refused --tls-addr leaves no line saying the target is up.
	var tln net.Listener
	if o.TLSAddr != "" {
		if tln, err = listenFlag("--tls-addr", o.TLSAddr, "127.0.0.1:8443"); err != nil {
			ln.Close()
			return err
		}
	}
	errc := make(chan error, 2)
	fmt.Fprintf(o.App.Stderr, "demo target: http://%s (HTTP/1.1 and h2c), latency %s\n", ln.Addr(), o.Latency)
	go func() { errc <- srv.Serve(ctx, ln) }()
	servers := 1
	if tln != nil {
		fmt.Fprintf(o.App.Stderr, "demo target: https://%s (TLS, HTTP/2 and HTTP/1.1; self-signed, use -k)\n", tln.Addr())
		go func() { errc <- srv.ServeTLS(ctx, tln) }()
		servers++
	}
	for range servers {
		if err := <-errc; err != nil {
			return err
		}
	}
	if ctx.Err() != nil {
		return errInterrupted
	}
	return nil
}
