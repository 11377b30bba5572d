package runner

import (
	"net/http"
	"time"
)

// Result is what happened to one request of a burst.
type Result struct {
	Index     int
	Conn      int // which connection carried it
	Status    int // 0 when no response arrived
	Proto     string
	Header    http.Header
	Body      []byte // at most Options.BodyLimit bytes
	BodyBytes int64  // every body byte received, kept or not
	Truncated bool
	// Undecoded, with Client.Decompress, says why a body in a coding
	// racetest undoes could not be decoded (corrupt, too large, too many
	// codings): Body is then as it came. "" when it was decoded, or
	// needed no decoding.
	Undecoded string
	Err       error
	ErrKind   ErrKind
	// Armed is when all but the final fragment had been sent; Released when
	// the final fragment was written; FirstByte when the first response byte
	// arrived (over HTTP/2, of the final head: a 1xx is no answer); Done
	// when the body had been read.
	Armed, Released, FirstByte, Done time.Time
	// Arrival is when the server says it received the request, from
	// Options.ArrivalHeader; zero when the target does not say.
	Arrival time.Time
	// Early is set when the response began before the request was
	// released (or although it never was): the server answered what was
	// sent while arming, or sent an answer unasked, so the request was
	// not held. Every engine sets it the same way; see markEarly.
	Early bool
	// Redirects are the redirects followed after the burst, in order, when
	// Options.FollowRedirects is set. Status, Header and Body are then
	// those of the last response, while the timings and Arrival stay those
	// of the raced request: the race happened there.
	Redirects []Redirect
}

// Latency is the time from release to the end of the response, or zero.
func (r *Result) Latency() time.Duration {
	if r.Done.IsZero() || r.Released.IsZero() {
		return 0
	}
	return r.Done.Sub(r.Released)
}

// Burst is the outcome of one Run.
type Burst struct {
	Mode        Mode // the engine actually used
	Hold        Hold
	Proto       string // "HTTP/1.1" or "HTTP/2.0"
	Connections int
	// Notes are things the report should tell the user about how the burst
	// was sent, such as streams split over several connections.
	Notes   []string
	Start   time.Time
	Results []Result
	// Receipt says how the release went on the wire; see Receipt. Through
	// a proxy it counts what reached the proxy, which sends it on in its
	// own packets.
	Receipt Receipt
	// Proxy names the proxy that carried every request of the burst
	// (ProxyName: no credentials), or is "" when it went directly or its
	// requests went different ways (a note then says which way how many).
	Proxy string
	// Fit is set when single-packet foresaw, before sending, that its
	// release would not fit one TCP segment a connection; it says what
	// would.
	Fit *FitAdvice
}

// FitAdvice is what would make a single-packet release fit one TCP
// segment a connection, in terms of Sync: the caller words it as its own
// settings (a command's flags, a scenario's race:), the runner names
// none. At least one of HoldLastByte and Connections is set.
type FitAdvice struct {
	// Note is the note in Burst.Notes that says the release will not
	// fit, and why: the advice is worded after it.
	Note string
	// HoldLastByte: hold only the last byte of each request (HoldLastByte,
	// 10 bytes a stream) instead of whole heads.
	HoldLastByte bool
	// Connections, when above 0, is how many connections the streams
	// would need to be spread over (Plan.Connections).
	Connections int
}

// ReleaseSpread is the time between the first and the last final fragment
// written, over the requests that were released.
func (b *Burst) ReleaseSpread() time.Duration {
	return spread(b.Results, func(r *Result) time.Time { return r.Released })
}

// ServerSpread is the time between the first and the last arrival the server
// reported, and whether at least two arrivals were reported.
func (b *Burst) ServerSpread() (time.Duration, bool) {
	n := 0
	for i := range b.Results {
		if !b.Results[i].Arrival.IsZero() {
			n++
		}
	}
	if n < 2 {
		return 0, false
	}
	return spread(b.Results, func(r *Result) time.Time { return r.Arrival }), true
}

func spread(rs []Result, at func(*Result) time.Time) time.Duration {
	var lo, hi time.Time
	for i := range rs {
		t := at(&rs[i])
		if t.IsZero() {
			continue
		}
		if lo.IsZero() || t.Before(lo) {
			lo = t
		}
		if t.After(hi) {
			hi = t
		}
	}
	return hi.Sub(lo)
}

// ConnectError returns the first error of a burst in which no request even
// reached the server (every one was refused, failed to dial, or failed or
// timed out in the connect or the TLS handshake), because then nothing
// about the race can be judged. It is nil when at least one request got
// further.
func (b *Burst) ConnectError() error {
	var first error
	for i := range b.Results {
		r := &b.Results[i]
		if r.Cause() != CauseConnect {
			return nil
		}
		if first == nil {
			first = r.Err
		}
	}
	return first
}

// Canceled reports whether the cancellation of Run's context cut a request
// of the burst short. Such a burst says nothing about the race: a check
// such as count(status == 200) <= 1 would hold on requests that never got
// an answer.
func (b *Burst) Canceled() bool {
	for i := range b.Results {
		if b.Results[i].ErrKind == KindCanceled {
			return true
		}
	}
	return false
}
