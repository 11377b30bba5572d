package runner

import (
	"context"
	"errors"
	"fmt"

	"golang.org/x/sync/errgroup"
)

// prepareH2 opens the connections, spreads the streams over them and
// encodes every request. The first connection is opened alone because
// its SETTINGS say how many streams one connection may carry. A failure
// of the first connection is a transport error on every request; of a
// later one, on the requests it would have carried.
func prepareH2(ctx context.Context, t target, p *Plan, b *Burst, hold Hold) ([]*h2conn, error) {
	first, err := openH2(ctx, t, p, 0)
	if err != nil {
		var serr *SyncError
		if errors.As(err, &serr) || ctx.Err() != nil {
			return nil, err
		}
		for i := range b.Results {
			b.Results[i].fail(err)
		}
		return nil, nil
	}
	n := len(p.Requests)
	if first.peer.maxStreams == 0 {
		first.close()
		return nil, &SyncError{Mode: ModeSinglePacket, Reason: fmt.Sprintf(
			"%s allows no concurrent HTTP/2 streams (SETTINGS_MAX_CONCURRENT_STREAMS 0)", t.url.Host), Instead: ModeLastByte}
	}
	k, why := h2ConnCount(first, p)
	if k > 1 {
		b.Notes = append(b.Notes, fmt.Sprintf("%d streams over %d connections: %s", n, k, why))
	}
	opened := make([]*h2conn, k)
	errs := make([]error, k)
	opened[0] = first
	g := new(errgroup.Group)
	g.SetLimit(dialParallelism)
	for i := 1; i < k; i++ {
		g.Go(func() error {
			opened[i], errs[i] = openH2(ctx, t, p, i)
			return nil
		})
	}
	_ = g.Wait() // per-connection errors are in errs
	conns := make([]*h2conn, 0, k)
	for i, c := range opened {
		// An even split: connection sizes differ by one at most, and
		// none carries more than the server's limits allow, since k is
		// at least what those limits need.
		rs := b.Results[i*n/k : (i+1)*n/k]
		for j := range rs {
			rs[j].Conn = i
			if c == nil {
				rs[j].fail(errs[i])
				continue
			}
			c.streams = append(c.streams, h2stream{id: c.nextID, r: &rs[j]})
			c.nextID += 2
		}
		if c != nil {
			conns = append(conns, c)
		}
	}
	if err := ctx.Err(); err != nil {
		return conns, err
	}
	for _, c := range conns {
		if err := c.encode(p, hold); err != nil {
			return conns, err
		}
	}
	if f := h2Fit(conns, hold); f != nil {
		b.Notes = append(b.Notes, f.Note)
		b.Fit = f
	}
	return conns, nil
}

// h2ConnCount is how many connections carry the streams: one, unless
// Connections asks for more (at most one a stream), or the server's
// SETTINGS_MAX_CONCURRENT_STREAMS, or its connection flow-control window
// divided by the largest body, allow fewer streams on one. why says which
// applied, for the burst's notes.
func h2ConnCount(c *h2conn, p *Plan) (k int, why string) {
	n := len(p.Requests)
	per := n
	if m := int64(c.peer.maxStreams); m < int64(per) {
		// prepareH2 has turned a server that allows none away.
		per = int(max(m, 1))
		why = fmt.Sprintf("the server allows %d concurrent streams", m)
	}
	maxBody := 0
	for i := range p.Requests {
		maxBody = max(maxBody, len(p.Requests[i].Body))
	}
	if maxBody > 0 {
		// A body too large for even one connection is refused by encode.
		if fit := max(c.sendWin/int64(maxBody), 1); fit < int64(per) {
			per = int(fit)
			why = fmt.Sprintf("the server's connection window of %d bytes holds %d bodies", c.sendWin, fit)
		}
	}
	k = ceilDiv(n, per)
	if asked := min(p.Connections, n); asked > k {
		k = asked
		why = fmt.Sprintf("%d connections were asked for", p.Connections)
	}
	return k, why
}
