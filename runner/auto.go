package runner

import (
	"context"
	"errors"
	"fmt"
)

// autoFallback is ModeAuto's answer to a single-packet burst that the
// server cannot take: no HTTP/2 after all (ALPN said h2 but the server
// speaks HTTP/1.1), or limits it imposes (a body larger than its stream
// window, no concurrent streams at all). Auto mode is there to pick what
// works, so it races with last-byte instead and says why in the notes;
// an explicit ModeSinglePacket gets the *SyncError. Such errors come
// from prepare, before anything of the burst was sent, so the fallback
// races once, not twice.
func autoFallback(ctx context.Context, p *Plan, b *Burst, err error) (*Burst, error) {
	var serr *SyncError
	if err == nil || !errors.As(err, &serr) || ctx.Err() != nil {
		return b, err
	}
	lb, lerr := runLastByte(ctx, p)
	if lb != nil {
		// The reason carries no advice (that is Instead), so it reads
		// as the why of the fallback auto has just made.
		notes := []string{"auto: raced with last-byte because single-packet cannot be used here: " + serr.Reason}
		lb.Notes = append(append(notes, unusedConnections(p)...), lb.Notes...)
	}
	return lb, lerr
}

// unusedConnections is the note for Connections asked of a burst that
// auto raced with last-byte, whether it chose last-byte at once (no
// HTTP/2 on offer) or fell back to it: Connections spreads HTTP/2
// streams, last-byte has none to spread, and the user asked for a number
// that was not kept.
func unusedConnections(p *Plan) []string {
	if p.Connections == 0 {
		return nil
	}
	return []string{fmt.Sprintf("auto: the %d connections asked for were not used: last-byte opens one connection per request (%d here)", p.Connections, len(p.Requests))}
}
