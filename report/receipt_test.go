package report

import (
	"strings"
	"testing"

	"github.com/racetest/racetest/runner"
)

// TestFitAdvice: the runner's advice for a release that will not fit one
// TCP segment is worded after its note as racetest's flags, in the words
// the engine used before it named none (runner TestFitAdvice and cmd
// TestFireFitAdvice make the advice on loopback); the note's place among
// the others is kept.
func TestFitAdvice(t *testing.T) {
	const why = "the final frames of connection 0 (20 streams) are 3916 bytes, more than the 1448 bytes one TCP segment carries on this path: the release leaves in 3 segments and the server may read it in pieces"
	for _, c := range []struct {
		fit  runner.FitAdvice
		want string
	}{
		{runner.FitAdvice{Note: why + "; one request's final fragment alone is 2000 bytes", HoldLastByte: true},
			why + "; one request's final fragment alone is 2000 bytes: hold only the last byte (--hold last-byte)"},
		{runner.FitAdvice{Note: why, HoldLastByte: true, Connections: 10},
			why + "; hold only the last byte (--hold last-byte, 10 bytes a stream) or spread the streams over 10 connections (--connections 10)"},
		{runner.FitAdvice{Note: why, Connections: 3},
			why + "; spread the streams over 3 connections (--connections 3)"},
	} {
		b := &runner.Burst{Notes: []string{"first", c.fit.Note, "last"}, Fit: &c.fit}
		got := engineNotes(b)
		if len(got) != 3 || got[0] != "first" || got[1] != c.want || got[2] != "last" {
			t.Errorf("notes %q, want the second %q", got, c.want)
		}
		if b.Notes[1] != c.fit.Note {
			t.Errorf("the burst's own notes changed: %q", b.Notes)
		}
	}
}

// TestSegmentsNote: a release that took several segments gets the advice
// that shortens it, unless the engine foresaw it (Fit); when the burst
// was the arming write (Heads), which carries every head whatever the
// hold, the advice is not to hold only the last byte, which auto held.
func TestSegmentsNote(t *testing.T) {
	for _, c := range []struct {
		rc   Receipt
		fit  *runner.FitAdvice
		want string
	}{
		{Receipt{SegmentsKnown: true, MaxSegments: 1}, nil, ""},
		{Receipt{SegmentsKnown: true, MaxSegments: 3}, nil, "the release of one connection took 3 TCP segments: the server may have read its requests in pieces (--hold last-byte"},
		{Receipt{SegmentsKnown: true, MaxSegments: 3}, &runner.FitAdvice{Connections: 2}, ""},
		{Receipt{Heads: true, SegmentsKnown: true, MaxSegments: 4}, nil, "the arming write of one connection, the burst here, took 4 TCP segments: the server may have read its heads in pieces (more connections with --connections K"},
		{Receipt{Heads: true, SegmentsKnown: true, MaxSegments: 4}, &runner.FitAdvice{Connections: 2}, "the arming write of one connection"},
	} {
		rd := &Round{Mode: string(runner.ModeSinglePacket), Receipt: c.rc}
		got := roundNotes(rd, &runner.Burst{Fit: c.fit}, string(runner.ModeAuto))
		switch {
		case c.want == "" && len(got) != 0:
			t.Errorf("%+v, fit %v: notes %q, want none", c.rc, c.fit, got)
		case c.want != "" && (len(got) != 1 || !strings.HasPrefix(got[0], c.want)):
			t.Errorf("%+v, fit %v: notes %q, want one starting %q", c.rc, c.fit, got, c.want)
		}
		if c.rc.Heads && len(got) == 1 && strings.Contains(got[0], "--hold") {
			t.Errorf("heads: %q advises a hold", got[0])
		}
	}
}
