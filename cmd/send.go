package cmd

import (
	"context"
	"time"

	"github.com/spf13/pflag"

	"github.com/racetest/racetest/runner"
)

// SendOptions are the flags that say how requests are sent, shared by fire
// and run: synchronisation, timeouts, TLS, redirects. For run, a flag left
// at its zero value keeps what the file says.
type SendOptions struct {
	Mode      string
	Hold      string
	Warmup    int
	WarmupURL string
	// Connections is --connections: single-packet's streams spread over
	// at least this many connections (0: as few as the server allows).
	Connections int
	Timeout     time.Duration
	H2C         bool
	Insecure    bool
	Arrival     string
	NetOptions
}

// addFlags binds the flags; file says that a scenario file provides the
// defaults, so that the flags override it only where given.
func (o *SendOptions) addFlags(f *pflag.FlagSet, file bool) {
	mode, hold, timeout, what := string(runner.ModeAuto), string(runner.HoldAuto), runner.DefaultTimeout, ""
	if file {
		mode, hold, timeout, what = "", "", 0, " (overrides the file's race: settings)"
	}
	f.StringVar(&o.Mode, "mode", mode, "synchronisation: "+runner.ModeNames()+what)
	f.StringVar(&o.Hold, "hold", hold, "what is held back until the release: "+runner.HoldNames()+" (auto: the engine's measured default)"+what)
	f.IntVar(&o.Warmup, "warmup", 0, "throwaway HEAD requests per connection before arming"+what)
	f.StringVar(&o.WarmupURL, "warmup-url", "", "URL or path for the warm-up requests (default: the race's URL)")
	f.IntVar(&o.Connections, "connections", 0, "single-packet: spread the streams over K HTTP/2 connections, released back to back (default: as few as the server allows)")
	f.DurationVar(&o.Timeout, "timeout", timeout, "per-request timeout, counted from the release"+what)
	f.BoolVar(&o.H2C, "h2c", false, "speak HTTP/2 without TLS (prior knowledge); auto mode then uses single-packet")
	f.BoolVarP(&o.Insecure, "insecure", "k", false, "do not verify the server's TLS certificate")
	o.NetOptions.addFlags(f)
	f.StringVar(&o.Arrival, "arrival-header", runner.DefaultArrivalHeader, "response header in which the server reports when it received the request")
}

// validate checks the flags before anything is sent.
func (o *SendOptions) validate() error {
	if o.Mode != "" {
		if _, err := runner.ParseMode(o.Mode); err != nil {
			return usageErrorf("--mode %q: %w", o.Mode, err)
		}
	}
	if o.Hold != "" {
		if _, err := runner.ParseHold(o.Hold); err != nil {
			return usageErrorf("--hold %q: %w", o.Hold, err)
		}
	}
	switch {
	case o.Timeout < 0:
		return usageErrorf("--timeout %s: the timeout must be positive", o.Timeout)
	case o.Warmup < 0:
		return usageErrorf("--warmup %d: cannot be negative", o.Warmup)
	case o.Connections < 0:
		return usageErrorf("--connections %d: cannot be negative; give the number of HTTP/2 connections, or 0 for as few as the server allows", o.Connections)
	case o.Connections > 0 && (o.Mode == string(runner.ModeLastByte) || o.Mode == string(runner.ModeBarrier)):
		return usageErrorf("--connections %d: only single-packet shares connections; --mode %s already opens one connection per request", o.Connections, o.Mode)
	}
	return nil
}

// sync is the synchronisation the flags ask for; empty fields keep a
// file's.
func (o *SendOptions) sync() runner.Sync {
	return runner.Sync{Mode: runner.Mode(o.Mode), Hold: runner.Hold(o.Hold), Warmup: o.Warmup, WarmupURL: o.WarmupURL, Connections: o.Connections}
}

// client is how the flags say to speak HTTP, with --cacert read.
func (o *SendOptions) client(ctx context.Context) (runner.Client, error) {
	c := runner.Client{Timeout: o.Timeout, Insecure: o.Insecure, H2C: o.H2C, ArrivalHeader: o.Arrival}
	return c, o.NetOptions.apply(ctx, &c)
}
