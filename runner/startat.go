package runner

import (
	"context"
	"time"
)

// A burst released at a wall-clock instant (Sync.ReleaseAt), so that
// processes on several machines, with synchronised clocks, release theirs
// together. The engines arm as usual, sleep in waitRelease, and spin in
// spinRelease just before their release loop, which stays as it is: the
// wait is outside it.

// Spin is how long before Sync.ReleaseAt the wait stops sleeping and
// spins on the clock. A timer wakes a goroutine up to a millisecond or two
// late on a loaded machine; reading the clock in a loop does not, at the
// cost of one busy core for this long. Real-time priority would do better
// still and is deliberately not used.
const Spin = 2 * time.Millisecond

// ArmLead is how long before Sync.ReleaseAt a burst begins to prepare
// (dial, warm up, arm) at most; half the timeout when that is shorter.
// Servers drop a connection that holds half a request for long (Go's
// ReadHeaderTimeout, nginx's client_header_timeout of 60 s), so racetest
// does not arm hours ahead. A burst whose preparing takes longer is
// released late, and Receipt.ReleaseError says by how much.
const ArmLead = 5 * time.Second

// maxSleepStep bounds one sleep of the wait, so that a wall clock that
// is stepped meanwhile (NTP, chrony's makestep) is followed within it:
// timers run on the monotonic clock, ReleaseAt is a wall-clock time.
const maxSleepStep = time.Second

// armLead is how long before the release this plan starts to prepare.
func (o *Options) armLead() time.Duration { return min(ArmLead, o.Timeout/2) }

// waitPrepare waits until it is time to prepare a burst released at
// ReleaseAt, or until ctx is done.
func (o *Options) waitPrepare(ctx context.Context) error {
	if o.ReleaseAt.IsZero() {
		return nil
	}
	return sleepUntil(ctx, o.ReleaseAt.Add(-o.armLead()))
}

// waitRelease sleeps until Spin before ReleaseAt, or until ctx is done
// (the caller looks at ctx next). Engines call it with everything armed;
// spinRelease then ends the wait.
func (o *Options) waitRelease(ctx context.Context) {
	if !o.ReleaseAt.IsZero() {
		_ = sleepUntil(ctx, o.ReleaseAt.Add(-Spin))
	}
}

// spinRelease returns at ReleaseAt, at once when it is zero or past.
// Engines call it right before their release loop, after the receipt's
// counters are read (TCP_INFO of every connection, which for a thousand
// connections takes milliseconds), so that the release follows the spin
// at once. It allocates nothing and takes no lock.
func (o *Options) spinRelease() {
	if o.ReleaseAt.IsZero() {
		return
	}
	// The spin is the point: no sleep, no yield.
	for time.Now().Before(o.ReleaseAt) {
	}
}

// sleepUntil sleeps until the wall clock reads at, in steps, or until ctx
// is done.
func sleepUntil(ctx context.Context, at time.Time) error {
	for {
		d := time.Until(at)
		if d <= 0 {
			return nil
		}
		t := time.NewTimer(min(d, maxSleepStep))
		select {
		case <-ctx.Done():
			t.Stop()
			return ctx.Err()
		case <-t.C:
		}
	}
}

// releaseError records, on a burst released at ReleaseAt, how far its
// first release was from that instant by this machine's clock.
func (o *Options) releaseError(b *Burst) {
	if o.ReleaseAt.IsZero() {
		return
	}
	b.Receipt.ReleaseAt = o.ReleaseAt
	var first time.Time
	for i := range b.Results {
		if r := b.Results[i].Released; !r.IsZero() && (first.IsZero() || r.Before(first)) {
			first = r
		}
	}
	if !first.IsZero() {
		b.Receipt.ReleaseError = first.Sub(o.ReleaseAt)
		b.Receipt.ReleaseErrorKnown = true
	}
}
