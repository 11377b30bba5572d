package cmd

import (
	"strings"
	"time"

	"github.com/spf13/pflag"
)

// maxStartAhead bounds --start-at: a time further ahead is a typo (a
// wrong day or zone) rather than a plan.
const maxStartAhead = 24 * time.Hour

// StartAtOptions is --start-at, which fire and run share: the wall-clock
// instant of the release, so that racetest on several machines with
// synchronised clocks releases its bursts together (docs/distributed.md).
type StartAtOptions struct {
	StartAt string
	// at is StartAt read by parse; zero without the flag.
	at time.Time
}

func (o *StartAtOptions) addFlags(f *pflag.FlagSet) {
	f.StringVar(&o.StartAt, "start-at", "", "arm everything, then release at this wall-clock `TIME`: RFC 3339 such as 2026-11-30T14:00:00.000Z, or +5s from now; for bursts from several machines (one burst: --rounds 1)")
}

// parse reads --start-at against now. The time must lie ahead, by at
// most maxStartAhead.
func (o *StartAtOptions) parse(now time.Time) error {
	if o.StartAt == "" {
		return nil
	}
	var at time.Time
	if rel, ok := strings.CutPrefix(o.StartAt, "+"); ok {
		d, err := time.ParseDuration(rel)
		if err != nil || d <= 0 {
			return usageErrorf("--start-at %s: +DURATION needs a positive duration such as +5s or +1m30s", o.StartAt)
		}
		at = now.Add(d)
	} else {
		t, err := time.Parse(time.RFC3339Nano, o.StartAt)
		if err != nil {
			return usageErrorf("--start-at %q: want an RFC 3339 time with its zone, such as 2026-11-30T14:00:00.000Z or 2026-11-30T15:00:00+01:00, or +DURATION such as +5s", o.StartAt)
		}
		at = t
	}
	// Round(0) drops the monotonic reading of a relative time, so that
	// the wait and the receipt compare wall-clock times, as for an
	// absolute one.
	at = at.Round(0)
	switch ahead := at.Sub(now); {
	case ahead <= 0:
		return usageErrorf("--start-at %s: that was %s ago; give a time ahead, the same on every machine (e.g. from date -u -d +1min +%%FT%%T.%%3NZ)", o.StartAt, (-ahead).Round(time.Millisecond))
	case ahead > maxStartAhead:
		return usageErrorf("--start-at %s: that is %s ahead, more than %s; check the date and the zone", o.StartAt, ahead.Round(time.Second), maxStartAhead)
	}
	o.at = at
	return nil
}

// oneBurst refuses --start-at for more than one burst: the instant is the
// release of one burst, and a later round on one machine would not meet
// the other machines' rounds.
func (o *StartAtOptions) oneBurst(bursts int, what string) error {
	if o.at.IsZero() || bursts <= 1 {
		return nil
	}
	return usageErrorf("--start-at times one burst, but %s; use --rounds 1 (and one scenario per process)", what)
}
