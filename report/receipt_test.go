package report

import (
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
