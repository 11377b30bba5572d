package runner

import (
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"sync/atomic"
	"time"
)

// Mode selects how the final fragment of every request is held back.
type Mode string

// The engines. ModeAuto picks single-packet when the target speaks HTTP/2
// (TLS ALPN h2, or H2C set) and last-byte otherwise.
const (
	ModeAuto         Mode = "auto"
	ModeSinglePacket Mode = "single-packet"
	ModeLastByte     Mode = "last-byte"
	ModeBarrier      Mode = "barrier"
)

// Modes lists every mode in the order help text shows them.
func Modes() []Mode { return []Mode{ModeAuto, ModeSinglePacket, ModeLastByte, ModeBarrier} }

// ParseMode reads a mode by name; the error lists the names.
func ParseMode(s string) (Mode, error) {
	m := Mode(s)
	if slices.Contains(Modes(), m) {
		return m, nil
	}
	return "", fmt.Errorf("choose one of %s", join(Modes()))
}

// Holds lists every hold in the order help text shows them.
func Holds() []Hold { return []Hold{HoldAuto, HoldHeaders, HoldLastByte} }

// ParseHold reads a hold by name; the error lists the names.
func ParseHold(s string) (Hold, error) {
	h := Hold(s)
	if slices.Contains(Holds(), h) {
		return h, nil
	}
	return "", fmt.Errorf("choose one of %s", join(Holds()))
}

// join lists names for messages and help: "a, b, c".
func join[S ~string](names []S) string {
	s := make([]string, len(names))
	for i, n := range names {
		s[i] = string(n)
	}
	return strings.Join(s, ", ")
}

// ModeNames is the list of modes for help text: "auto, single-packet, ...".
func ModeNames() string { return join(Modes()) }

// HoldNames is the list of holds for help text.
func HoldNames() string { return join(Holds()) }

// Hold says which part of each request the synchronised engines keep back
// until the release.
type Hold string

// HoldLastByte keeps back only the last byte of the body (or, for HTTP/2,
// END_STREAM). HoldHeaders keeps back the end of the request head as well,
// because servers start handlers as soon as the head is complete.
const (
	HoldAuto     Hold = "auto"
	HoldLastByte Hold = "last-byte"
	HoldHeaders  Hold = "headers"
)

// Defaults used when an Options field is zero.
const (
	DefaultTimeout       = 10 * time.Second
	DefaultBodyLimit     = 64 << 10
	DefaultArrivalHeader = "X-Racetest-Arrival"
	// DefaultMaxRedirects is how many redirects one request follows at
	// most when Options.FollowRedirects is set: curl's default.
	DefaultMaxRedirects = 10
	// MaxBodyLimit is the most of one response body a Result keeps,
	// whatever BodyLimit asks for: with N results in memory and in every
	// report, the rest is counted, not kept.
	MaxBodyLimit = 16 << 20
)

// Request is one HTTP request of a burst, fully expanded.
type Request struct {
	Method string
	URL    string
	Header http.Header
	Body   []byte
}

// Client configures how racetest speaks HTTP to the target: the same for
// the requests of a burst and for single requests (Do). The zero value is
// usable: 10 s timeout, 64 KiB body cap, the system's CAs.
type Client struct {
	Timeout  time.Duration // per request, counted from the release
	Insecure bool          // skip TLS certificate verification
	RootCAs  *x509.CertPool
	// Certificate is the client certificate offered to servers that ask
	// for one; nil offers none.
	Certificate *tls.Certificate
	// Proxy says which proxy carries the connections; the zero value
	// connects directly.
	Proxy Proxies
	// H2C speaks HTTP/2 with prior knowledge to http:// targets.
	H2C       bool
	BodyLimit int64 // bytes of each response body kept (at most MaxBodyLimit); the rest is counted
	// ArrivalHeader names the response header in which the target reports
	// when it received the request (the demo target sets it).
	ArrivalHeader string
	// FollowRedirects follows 3xx responses with a Location, like curl -L,
	// after the burst has been collected: the race is the first request,
	// and what checks see is where the redirects led. MaxRedirects bounds
	// the hops per request (DefaultMaxRedirects when zero).
	FollowRedirects bool
	MaxRedirects    int
	// ConnectTimeout bounds the dial and the TLS handshake of each
	// connection, as curl --connect-timeout (Timeout when zero).
	ConnectTimeout time.Duration
	// Decompress is curl --compressed: requests that name no
	// Accept-Encoding ask for gzip, deflate and br, and bodies in those
	// codings are decoded after the collect, so that checks see JSON.
	Decompress bool
}

// Sync configures how a burst is synchronised. The zero value is auto mode
// with the engine's measured default hold and no warm-up.
type Sync struct {
	Mode Mode
	Hold Hold
	// Warmup is the number of throwaway requests sent on every connection
	// before arming, so that the server's accept and first-request paths are
	// warm. WarmupURL defaults to the request URL, sent with HEAD.
	Warmup    int
	WarmupURL string
	// Connections spreads a single-packet burst's streams evenly over at
	// least this many HTTP/2 connections (0: as few as the server allows),
	// for servers that run only a few streams of one connection at a
	// time. Every connection's final frames are written back to back.
	Connections int
	// ReleaseAt, when set, is the wall-clock instant of the release: the
	// burst prepares from ArmLead before it, arms, and releases at it
	// (see Spin), so that bursts from several machines with synchronised
	// clocks arrive together. Receipt.ReleaseError says how close this
	// machine came. A past ReleaseAt releases as soon as armed.
	ReleaseAt time.Time
	// OnPrepared, when set, is told how many more requests have their
	// connection dialled and warmed (or have failed trying), for progress
	// bars. It may be called from several goroutines at once, and never
	// during the release.
	OnPrepared func(n int)
}

// Options are the client and synchronisation settings of a burst.
type Options struct {
	Client
	Sync
	// certAsked is set by every handshake of one Run or Do in which the
	// server asked for a client certificate that Client did not have.
	certAsked *atomic.Bool
}

// Plan is one burst: the requests to release together and how.
type Plan struct {
	Requests []Request
	Options
}

// ErrInvalidPlan is wrapped by every error Run returns for a plan that could
// never be sent.
var ErrInvalidPlan = errors.New("invalid plan")

// withDefaults returns a copy of o with zero fields set to their defaults.
func (o Options) withDefaults() Options {
	if o.Mode == "" {
		o.Mode = ModeAuto
	}
	if o.Hold == "" {
		o.Hold = HoldAuto
	}
	if o.Timeout <= 0 {
		o.Timeout = DefaultTimeout
	}
	if o.ConnectTimeout <= 0 {
		o.ConnectTimeout = o.Timeout
	}
	if o.BodyLimit <= 0 {
		o.BodyLimit = DefaultBodyLimit
	}
	o.BodyLimit = min(o.BodyLimit, MaxBodyLimit)
	if o.ArrivalHeader == "" {
		o.ArrivalHeader = DefaultArrivalHeader
	}
	if o.MaxRedirects <= 0 {
		o.MaxRedirects = DefaultMaxRedirects
	}
	return o
}

// validate checks what Run needs before it touches the network.
func (p *Plan) validate() error {
	if len(p.Requests) == 0 {
		return fmt.Errorf("%w: no requests", ErrInvalidPlan)
	}
	if !slices.Contains(Modes(), p.Mode) {
		return fmt.Errorf("%w: unknown mode %q", ErrInvalidPlan, p.Mode)
	}
	if !slices.Contains(Holds(), p.Hold) {
		return fmt.Errorf("%w: unknown hold %q", ErrInvalidPlan, p.Hold)
	}
	if p.Connections < 0 {
		return fmt.Errorf("%w: connections %d is negative", ErrInvalidPlan, p.Connections)
	}
	for i, r := range p.Requests {
		u, err := url.Parse(r.URL)
		if err != nil {
			return fmt.Errorf("%w: request %d: %w", ErrInvalidPlan, i, err)
		}
		if u.Scheme != "http" && u.Scheme != "https" {
			return fmt.Errorf("%w: request %d: scheme %q is not http or https", ErrInvalidPlan, i, u.Scheme)
		}
		if u.Host == "" {
			return fmt.Errorf("%w: request %d: URL %q has no host", ErrInvalidPlan, i, r.URL)
		}
		// Checked here, before any engine prepares anything, so that no
		// engine sends a request that another would refuse.
		if err := r.checkHeaders(); err != nil {
			return fmt.Errorf("%w: request %d: %w", ErrInvalidPlan, i, err)
		}
	}
	return nil
}

// prepared reports n prepared requests to OnPrepared, if set.
func (o *Options) prepared(n int) {
	if o.OnPrepared != nil {
		o.OnPrepared(n)
	}
}
