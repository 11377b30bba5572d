package report

import (
	"fmt"
	"slices"
	"time"

	"github.com/racetest/racetest/runner"
)

func newReceipt(r *runner.Receipt) Receipt {
	rc := Receipt{
		Heads: r.Heads, Connections: r.Connections, Writes: r.Writes, Bytes: r.Bytes, TLS: r.TLS, TLSRecords: r.TLSRecords,
		Segments: r.Segments, MaxSegments: r.MaxSegments, SegmentsKnown: r.SegmentsKnown,
		ServerStamps: r.ServerStamps, ServerResolution: r.ServerResolution,
	}
	if !r.ReleaseAt.IsZero() {
		at := r.ReleaseAt
		rc.ReleaseAt = &at
	}
	if r.ReleaseErrorKnown {
		e := r.ReleaseError
		rc.ReleaseError = &e
	}
	return rc
}

// startAtText says when a burst was to be released (--start-at) and how
// close this machine came, by its own clock.
func startAtText(r *Receipt) string {
	s := "release at " + r.ReleaseAt.UTC().Format(time.RFC3339Nano)
	switch e := r.ReleaseError; {
	case e == nil:
		return s + ", nothing released"
	case *e < 0:
		return s + ", released " + dur(-*e) + " before it (local clock)"
	}
	return s + ", released " + dur(*r.ReleaseError) + " after it (local clock)"
}

// receiptLines are the receipt lines of a round that the text report and
// the page show: the receipt when one was recorded (the barrier engine
// records none), and when --start-at set the release.
func receiptLines(rd *Round) []labelled {
	var out []labelled
	if rd.Receipt.Connections > 0 {
		out = append(out, labelled{"receipt", receiptText(&rd.Receipt)})
	}
	if rd.Receipt.ReleaseAt != nil {
		out = append(out, labelled{"start-at", startAtText(&rd.Receipt)})
	}
	return out
}

// receiptText is the receipt in one line: "30 connections, 4.2 KiB in 30
// writes, 30 TCP segments (at most 1 per connection), 30 TLS records".
func receiptText(r *Receipt) string {
	if r.Connections == 0 && r.Writes == 0 {
		return "not recorded"
	}
	s := ""
	if r.Heads {
		s = "the arming write (the server acted on the heads): "
	}
	s += fmt.Sprintf("%d %s, %s in %d %s", r.Connections, plural(r.Connections, "connection"),
		bytesText(r.Bytes), r.Writes, plural(r.Writes, "write"))
	if r.SegmentsKnown {
		s += fmt.Sprintf(", %d TCP %s (at most %d per connection)", r.Segments, plural(r.Segments, "segment"), r.MaxSegments)
	}
	if r.TLS {
		s += fmt.Sprintf(", %d TLS %s", r.TLSRecords, plural(r.TLSRecords, "record"))
	}
	return s
}

func bytesText(n int64) string {
	switch {
	case n == 1:
		return "1 byte"
	case n < 1<<10:
		return fmt.Sprintf("%d bytes", n)
	case n < 1<<20:
		return fmt.Sprintf("%.1f KiB", float64(n)/(1<<10))
	}
	return fmt.Sprintf("%.1f MiB", float64(n)/(1<<20))
}

// releaseText is the release spread, or "one write" when the release was
// a single write, where a spread of 0 is by construction, not a measure.
func releaseText(rd *Round) string {
	if rd.Receipt.Writes == 1 {
		return "one write"
	}
	return dur(rd.ReleaseSpread)
}

// serverText is the server spread as fine as the target's stamps allow:
// with stamps of 1 ms, a spread under 1 ms is "< 1ms", not 0.
func serverText(rd *Round) string {
	if !rd.HasServer {
		return "not reported by the target"
	}
	res := rd.Receipt.ServerResolution
	if res > time.Microsecond && rd.ServerSpread < res {
		return fmt.Sprintf("< %s (header resolution %s)", dur(res), dur(res))
	}
	return dur(rd.ServerSpread)
}

// engineNotes are the burst's notes, with the advice of b.Fit worded as
// racetest's flags after the note it belongs to.
func engineNotes(b *runner.Burst) []string {
	if b.Fit == nil {
		return b.Notes
	}
	out := slices.Clone(b.Notes)
	if i := slices.Index(out, b.Fit.Note); i >= 0 {
		out[i] += fitAdvice(b.Fit)
	}
	return out
}

// fitAdvice words what would make a single-packet release fit one TCP
// segment, to follow the engine's note that it will not.
func fitAdvice(f *runner.FitAdvice) string {
	const hold = "hold only the last byte (--hold last-byte"
	spread := fmt.Sprintf("spread the streams over %d connections (--connections %d)", f.Connections, f.Connections)
	switch {
	case f.Connections == 0:
		// The note ends with the one request too large for a segment.
		return ": " + hold + ")"
	case f.HoldLastByte:
		return "; " + hold + ", 10 bytes a stream) or " + spread
	}
	return "; " + spread
}

// roundNotes are what the report adds to the engine's notes about a
// round: the release took several segments on one connection, or the
// server serialised the burst (requested is the mode the user asked for).
func roundNotes(rd *Round, b *runner.Burst, requested string) []string {
	var out []string
	switch rc := &rd.Receipt; {
	case !rc.SegmentsKnown || rc.MaxSegments <= 1:
	case rc.Heads:
		// The burst was the arming write, which carries every head
		// whatever the hold: only fewer streams a connection shorten it.
		out = append(out, fmt.Sprintf("the arming write of one connection, the burst here, took %d TCP segments: the server may have read its heads in pieces (more connections with --connections K make each write smaller)", rc.MaxSegments))
	case b.Fit == nil:
		// The single-packet engine says before the release when it will
		// not fit one segment, with what to change (b.Fit); the measured
		// count then only confirms it, in the receipt line.
		out = append(out, fmt.Sprintf("the release of one connection took %d TCP segments: the server may have read its requests in pieces (--hold last-byte, which releases 10 bytes a stream, or more connections with --connections K keep it to one)", rc.MaxSegments))
	}
	if s := rd.Serialised; s != nil {
		msg := fmt.Sprintf("the server handled this burst %d at a time (%d steps about %s apart, from %s times)", s.K, s.Steps, dur(s.Step), s.From)
		switch {
		case requested == string(runner.ModeAuto) && rd.Mode == string(runner.ModeSinglePacket):
			msg += ": auto mode races the next rounds with last-byte"
		case rd.Mode == string(runner.ModeSinglePacket):
			msg += fmt.Sprintf(": single-packet raced that many at a time; --connections %d (that many streams a connection) or --mode last-byte avoids it",
				(len(rd.Requests)+s.K-1)/max(s.K, 1))
		default:
			msg += ": the server runs that many requests at once, whatever the client does"
		}
		out = append(out, msg)
	}
	return out
}
