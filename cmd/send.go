package cmd

import (
	"context"
	"errors"
	"math"
	"net/url"
	"strconv"
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
	// HTTP11 and HTTP2 are curl's --http1.1 and --http2: the protocol
	// the burst must speak, which picks the engine in auto mode.
	HTTP11, HTTP2  bool
	ConnectTimeout time.Duration
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
	o.addCurlFlags(f)
	f.StringVar(&o.Arrival, "arrival-header", runner.DefaultArrivalHeader, "response header in which the server reports when it received the request")
}

// addCurlFlags binds the send flags curl also has; --curl parses copied
// commands with them (see FireOptions.addCurlFlags).
func (o *SendOptions) addCurlFlags(f *pflag.FlagSet) {
	f.BoolVarP(&o.Insecure, "insecure", "k", false, "do not verify the server's TLS certificate")
	f.BoolVar(&o.H2C, "http2-prior-knowledge", false, "the same as --h2c, as curl")
	f.BoolVar(&o.HTTP11, "http1.1", false, "speak HTTP/1.1 (auto mode then uses last-byte)")
	f.BoolVar(&o.HTTP2, "http2", false, "speak HTTP/2 over TLS (auto mode then uses single-packet, exit 4 if the server cannot); for http:// use --h2c")
	f.VarP((*seconds)(&o.Timeout), "max-time", "m", "the same as --timeout, in `SECONDS` as curl -m (10, 2.5)")
	f.Var((*seconds)(&o.ConnectTimeout), "connect-timeout", "time to connect (TCP and TLS) in `SECONDS`, as curl (default: the --timeout)")
	o.NetOptions.addFlags(f)
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
	if err := o.validateProtocol(); err != nil {
		return err
	}
	switch {
	case o.ConnectTimeout < 0:
		return usageErrorf("--connect-timeout %s: the timeout must be positive", o.ConnectTimeout)
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
	mode := runner.Mode(o.Mode)
	// --http1.1 and --http2 pick the engine that speaks that protocol
	// where auto would choose; validateProtocol refused the rest.
	if mode == "" || mode == runner.ModeAuto {
		switch {
		case o.HTTP11:
			mode = runner.ModeLastByte
		case o.HTTP2:
			mode = runner.ModeSinglePacket
		}
	}
	return runner.Sync{Mode: mode, Hold: runner.Hold(o.Hold), Warmup: o.Warmup, WarmupURL: o.WarmupURL, Connections: o.Connections}
}

// validateProtocol refuses protocol flags that contradict each other or
// the mode.
func (o *SendOptions) validateProtocol() error {
	switch {
	case o.HTTP11 && o.HTTP2:
		return usageErrorf("--http1.1 and --http2 ask for different protocols; give one")
	case o.HTTP11 && o.H2C:
		return usageErrorf("--http1.1 and --h2c (--http2-prior-knowledge) ask for different protocols; give one")
	case o.HTTP11 && o.Mode == string(runner.ModeSinglePacket):
		return usageErrorf("--http1.1 with --mode single-packet: single-packet needs HTTP/2; use --mode last-byte or leave out --http1.1")
	case o.HTTP2 && (o.Mode == string(runner.ModeLastByte) || o.Mode == string(runner.ModeBarrier)):
		return usageErrorf("--http2 with --mode %s: that engine speaks HTTP/1.1; use --mode single-packet or leave out --http2", o.Mode)
	}
	return nil
}

// checkHTTP2Scheme refuses --http2 for an http:// URL. Here --http2 is
// HTTP/2 over TLS: curl would offer an Upgrade to h2c and fall back to
// HTTP/1.1, which racetest does not do, and the burst would go as h2c
// with prior knowledge while the steps spoke HTTP/1.1.
func (o *SendOptions) checkHTTP2Scheme(rawURL string) error {
	if !o.HTTP2 || o.H2C {
		return nil
	}
	u, err := url.Parse(rawURL)
	if err != nil || u.Scheme != "http" {
		return nil
	}
	return usageErrorf("--http2 with http://%s: --http2 is HTTP/2 over TLS; for HTTP/2 without TLS use --h2c (--http2-prior-knowledge), for HTTP/1.1 leave out --http2", u.Host)
}

// client is how the flags say to speak HTTP, with --cacert and --cert
// read and the proxy taken from -x or the environment (getenv).
func (o *SendOptions) client(ctx context.Context, getenv func(string) string) (runner.Client, error) {
	c := runner.Client{Timeout: o.Timeout, ConnectTimeout: o.ConnectTimeout, Insecure: o.Insecure, H2C: o.H2C, ArrivalHeader: o.Arrival}
	return c, o.NetOptions.apply(ctx, &c, getenv)
}

// seconds is a duration written in seconds as curl takes them (-m 10,
// --connect-timeout 2.5); a Go duration such as 500ms is taken too.
type seconds time.Duration

func (s *seconds) Set(v string) error {
	// Negative is refused here, naming the flag as typed (-m -1 is not
	// --timeout -1s), as curl refuses it.
	if d, err := time.ParseDuration(v); err == nil && d >= 0 {
		*s = seconds(d)
		return nil
	}
	f, err := strconv.ParseFloat(v, 64)
	if err != nil || math.IsNaN(f) || math.IsInf(f, 0) || f < 0 || f > math.MaxInt64/float64(time.Second) {
		return errNotSeconds
	}
	*s = seconds(time.Duration(f * float64(time.Second)))
	return nil
}

func (s *seconds) Type() string { return "seconds" }

// String is in seconds, as the flag is written: the help says
// "(default 10)", not "(default 10s)".
func (s *seconds) String() string {
	if *s == 0 {
		return ""
	}
	return strconv.FormatFloat(time.Duration(*s).Seconds(), 'f', -1, 64)
}

var errNotSeconds = errors.New("not a number of seconds")
