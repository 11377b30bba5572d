package realservers_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/racetest/racetest/internal/realservers"
	"github.com/racetest/racetest/runner"
)

// TestBurstShape sends 30 streams on one HTTP/2 connection (single-packet
// over TLS) and 30 HTTP/1.1 connections (last-byte) through each server to
// a backend whose check-then-act window is 20 ms, long enough that the
// backend's arrival times show how the server passed the burst on: all 30
// in one wave, or a few at a time. It asserts only that every request got
// through; the shape is logged, for issue 11's serialisation detection.
func TestBurstShape(t *testing.T) {
	const n, pause, rounds = 30, 20 * time.Millisecond, 3
	for _, s := range servers() {
		t.Run(s.name, func(t *testing.T) {
			be := realservers.StartBackend(t, pause)
			srv := s.start(t, options(be.URL))
			for _, mode := range []runner.Mode{runner.ModeSinglePacket, runner.ModeLastByte} {
				for round := range rounds {
					be.Reset()
					b := fire(t, posts(n, srv.TLSURL+"/race"), runner.Client{RootCAs: srv.RootCAs()}, runner.Sync{Mode: mode})
					for i := range b.Results {
						if r := &b.Results[i]; r.Err != nil || r.Status == 0 {
							t.Errorf("%s round %d request %d: %d %v", mode, round, i, r.Status, r.Err)
						}
					}
					arr := be.Arrivals()
					if len(arr) != n {
						t.Errorf("%s round %d: backend saw %d requests, want %d", mode, round, len(arr), n)
					}
					t.Logf("%-13s round %d: %2d x 200, max in flight %2d, arrivals over %v, waves %s",
						mode, round, be.Granted(), be.MaxInFlight(), arrivalSpread(arr), waves(arr, pause/2))
				}
			}
		})
	}
}

// waves groups arrivals that came within gap of the first of their group
// and describes each group as size@offset from the first arrival.
func waves(arr []realservers.Arrival, gap time.Duration) string {
	if len(arr) == 0 {
		return "none"
	}
	var parts []string
	start, size := arr[0].At, 0
	flush := func() {
		parts = append(parts, fmt.Sprintf("%d@%v", size, start.Sub(arr[0].At).Round(100*time.Microsecond)))
	}
	for _, a := range arr {
		if a.At.Sub(start) > gap {
			flush()
			start, size = a.At, 0
		}
		size++
	}
	flush()
	return strings.Join(parts, " ")
}

// arrivalSpread is the time from the first arrival to the last.
func arrivalSpread(arr []realservers.Arrival) time.Duration {
	if len(arr) == 0 {
		return 0
	}
	return arr[len(arr)-1].At.Sub(arr[0].At).Round(10 * time.Microsecond)
}
