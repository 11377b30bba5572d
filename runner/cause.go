package runner

import (
	"errors"
	"fmt"
	"slices"

	"golang.org/x/net/http2"
)

// CauseKind says why one request of a burst does not count as raced: it
// was not released, or it got no HTTP response that began after the
// release. A round is complete when no request has a cause.
type CauseKind string

// The causes, from the earliest phase to the latest. An HTTP response of
// any status (a 5xx too) that began after the release is complete: the
// server handled the request, and the checks judge what it said. A reset
// or a timeout is not: nobody knows what the server did.
const (
	// CauseConnect: no connection (refused, dial or TLS failure, or a
	// connect or TLS handshake that timed out); never released.
	CauseConnect CauseKind = "connect"
	// CauseNotReleased: connected, but the final fragment never went out
	// (a failed warm-up, HTTP/2 handshake, arming or release write).
	CauseNotReleased CauseKind = "not-released"
	// CauseEarly: the response began before the release (Result.Early).
	CauseEarly CauseKind = "early"
	// CauseTimeout: no response, or not all of it, within the timeout.
	CauseTimeout CauseKind = "timeout"
	// CauseReset: the connection was closed or reset, or the stream reset
	// (RST_STREAM other than REFUSED_STREAM), before the response ended.
	CauseReset CauseKind = "reset"
	// CauseRefusedStream: the server refused the HTTP/2 stream
	// (REFUSED_STREAM), a limit of the server's: it did not process it.
	CauseRefusedStream CauseKind = "refused-stream"
	// CauseGoAway: the stream was above the last stream id of the
	// server's GOAWAY, so the server did not process it.
	CauseGoAway CauseKind = "goaway"
	// CauseProtocol: the answer was not valid HTTP.
	CauseProtocol CauseKind = "protocol"
	// CauseCanceled: Run's context was cancelled.
	CauseCanceled CauseKind = "canceled"
	// CauseOther: any other failure, such as a redirect loop after the
	// burst.
	CauseOther CauseKind = "other"
)

// Cause is one reason a burst is incomplete, with the requests it hit.
type Cause struct {
	Kind  CauseKind
	Count int
	// Requests are the indexes of the requests, ascending.
	Requests []int
	// First is the error message of the first of them; empty for
	// CauseEarly, which is not an error.
	First string
	// AfterRelease is true when these requests had been released before
	// they failed: the server may have acted on them. Requests of one
	// kind that failed before and after the release are two Causes.
	AfterRelease bool
}

// Cause says why r does not count as raced, or "" when it does: it was
// released and got an HTTP response, of any status, that began after the
// release and ended without a transport error.
func (r *Result) Cause() CauseKind {
	switch {
	case r.Early:
		return CauseEarly
	case r.Err == nil && r.Status != 0 && !r.Released.IsZero():
		return ""
	case len(r.Redirects) > 0 && !r.Released.IsZero():
		// The raced request got its answer, a redirect; what went wrong
		// while following it (a loop, a dead Location) came after the
		// race and is the checks' to judge, as KindRedirect.
		return ""
	case r.Err == nil && r.Released.IsZero():
		return CauseNotReleased
	case r.Err == nil:
		return CauseOther // released, no response and no error: never expected
	}
	var (
		ce *connectError
		he *h2ResetError
	)
	switch {
	case r.ErrKind == KindCanceled:
		return CauseCanceled
	case errors.As(r.Err, &ce), r.ErrKind == KindRefused, r.ErrKind == KindDial, r.ErrKind == KindTLS:
		return CauseConnect
	case r.Released.IsZero():
		return CauseNotReleased
	case errors.As(r.Err, &he) && he.goaway:
		return CauseGoAway
	case errors.As(r.Err, &he) && he.code == http2.ErrCodeRefusedStream:
		return CauseRefusedStream
	}
	switch r.ErrKind {
	case KindTimeout:
		return CauseTimeout
	case KindReset:
		return CauseReset
	case KindProtocol:
		return CauseProtocol
	}
	return CauseOther
}

// afterRelease reports whether r failed after its release.
func (r *Result) afterRelease() bool {
	return !r.Released.IsZero() && !r.Done.Before(r.Released) && !r.Early
}

// Incomplete lists why requests of the burst do not count as raced, one
// Cause per kind and side of the release, in the order of the first
// request each hit. It is empty when the round is complete: every request
// was released and got an HTTP response that began after the release.
// The layer above shows an incomplete round's checks but does not count
// them as a pass or a failure.
func (b *Burst) Incomplete() []Cause {
	var out []Cause
	for i := range b.Results {
		r := &b.Results[i]
		k := r.Cause()
		if k == "" {
			continue
		}
		after := r.afterRelease()
		j := slices.IndexFunc(out, func(c Cause) bool { return c.Kind == k && c.AfterRelease == after })
		if j < 0 {
			c := Cause{Kind: k, AfterRelease: after}
			if r.Err != nil {
				c.First = r.Err.Error()
			}
			out = append(out, c)
			j = len(out) - 1
		}
		out[j].Count++
		out[j].Requests = append(out[j].Requests, r.Index)
	}
	return out
}

// Complete reports whether every request was released and got an HTTP
// response that began after the release.
func (b *Burst) Complete() bool {
	for i := range b.Results {
		if b.Results[i].Cause() != "" {
			return false
		}
	}
	return len(b.Results) > 0
}

// String says the cause in a few words, for reports and messages:
// "reset x14 after the release: connection reset by peer".
func (c Cause) String() string {
	when := "before the release"
	if c.AfterRelease {
		when = "after the release"
	}
	s := fmt.Sprintf("%s x%d %s", c.Kind, c.Count, when)
	if c.First != "" {
		s += ": " + c.First
	}
	return s
}
