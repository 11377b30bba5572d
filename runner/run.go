package runner

import (
	"context"
	"fmt"
	"net/url"
	"slices"
	"strings"
	"sync/atomic"
	"time"
)

// Run prepares, arms, releases and collects one burst. Transport failures
// of single requests are recorded in their Result and do not make Run fail;
// Run returns an error only for a plan that cannot be sent (ErrInvalidPlan,
// the user's own mistake), a mode the target cannot give, including limits
// the server imposes such as a flow-control window too small for a body
// (ErrSyncUnavailable, as a *SyncError), a process out of file descriptors
// (*FileLimitError; nothing is sent then) or a cancelled ctx before the
// release. In ModeAuto a single-packet burst the server cannot take falls
// back to last-byte, and Burst.Notes says why. With
// Options.FollowRedirects, redirects are followed after the collect.
//
// A returned Burst may still be incomplete: Burst.Incomplete says which
// requests were not released or not answered after the release, and why.
func Run(ctx context.Context, p Plan) (*Burst, error) {
	p.Options = p.Options.withDefaults()
	if err := p.validate(); err != nil {
		return nil, err
	}
	p.certAsked = new(atomic.Bool)
	if p.Decompress {
		p.Requests = acceptEncoding(p.Requests)
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	// A burst released at a set time prepares shortly before it.
	if err := p.waitPrepare(ctx); err != nil {
		return nil, err
	}
	mode := p.Mode
	if mode == ModeAuto {
		var err error
		if mode, err = resolveAuto(ctx, &p); err != nil {
			return nil, err
		}
	}
	b, err := runMode(ctx, mode, &p)
	switch {
	case p.Mode == ModeAuto && mode == ModeSinglePacket:
		b, err = autoFallback(ctx, &p, b, err)
	case p.Mode == ModeAuto && mode == ModeLastByte && b != nil:
		b.Notes = append(unusedConnections(&p), b.Notes...)
	}
	b, err = blameMissingCert(&p, b, mode, err)
	if err == nil {
		followRedirects(ctx, &p, b)
		if p.Decompress {
			decodeBodies(b, &p.Options)
		}
	}
	if b != nil {
		var proxied bool
		b.Proxy, proxied = p.proxyRoutes(b)
		if proxied && b.Mode != ModeSinglePacket {
			// Measured in docs/PERFORMANCE.md: tens of ms through
			// tinyproxy and microsocks, against under 1 ms direct.
			b.Notes = append(b.Notes, "through a proxy, each connection's final bytes are relayed on their own: expect a wider spread than direct; single-packet (one connection, HTTP/2) keeps it")
		}
		finish(b)
		p.releaseError(b)
	}
	return b, err
}

// proxyRoutes names the proxy that carried every request of the burst,
// "" when none went through one, and says whether any did. Requests to
// different hosts or schemes can go different ways (--noproxy, NO_PROXY,
// a loopback target the *_PROXY variables leave alone, https's own
// proxy): then no proxy carried the burst, and a note on b says which
// requests went which way, since a spread over both compares a relayed
// release with a direct one.
func (p *Plan) proxyRoutes(b *Burst) (string, bool) {
	type route struct {
		name string // ProxyName, "" for directly
		n    int
	}
	var routes []route
	var last, name string
	for i, r := range p.Requests {
		// Bursts mostly repeat one URL: it is looked up once.
		if i == 0 || r.URL != last {
			last, name = r.URL, ""
			if u, err := url.Parse(r.URL); err == nil {
				name = ProxyName(p.Proxy.For(u.Scheme, u.Hostname()))
			}
		}
		k := slices.IndexFunc(routes, func(rt route) bool { return rt.name == name })
		if k < 0 {
			k = len(routes)
			routes = append(routes, route{name: name})
		}
		routes[k].n++
	}
	proxied := slices.ContainsFunc(routes, func(rt route) bool { return rt.name != "" })
	if len(routes) == 1 {
		return routes[0].name, proxied
	}
	ways := make([]string, len(routes))
	for i, rt := range routes {
		ways[i] = fmt.Sprintf("%d of %d through %s", rt.n, len(p.Requests), rt.name)
		if rt.name == "" {
			ways[i] = fmt.Sprintf("%d of %d directly", rt.n, len(p.Requests))
		}
	}
	b.Notes = append(b.Notes, "the requests went different ways: "+strings.Join(ways, ", ")+" (the proxy settings treat their hosts or schemes apart); the spread mixes a relayed release with a direct one: send them all one way for a spread that means one thing")
	return "", proxied
}

// finish derives what every engine reports the same way, once the
// responses are in: early answers and the receipt's spreads.
func finish(b *Burst) {
	markEarly(b)
	dropImpossibleStamps(b)
	b.Receipt.ReleaseSpread = b.ReleaseSpread()
	b.Receipt.ServerSpread, _ = b.ServerSpread()
	b.Receipt.ServerStamps = b.stamps()
	b.Receipt.ServerResolution = b.ArrivalResolution()
}

// runMode runs the engine of mode.
func runMode(ctx context.Context, mode Mode, p *Plan) (*Burst, error) {
	switch mode {
	case ModeSinglePacket:
		return runSinglePacket(ctx, p)
	case ModeLastByte:
		return runLastByte(ctx, p)
	case ModeBarrier:
		return runBarrier(ctx, p)
	}
	return nil, fmt.Errorf("%w: mode %s is not available", ErrInvalidPlan, mode)
}

// newBurst allocates the result slots before anything is sent, so that the
// release path only writes into memory that already exists.
func newBurst(p *Plan, mode Mode) *Burst {
	b := &Burst{Mode: mode, Start: time.Now(), Results: make([]Result, len(p.Requests))}
	for i := range b.Results {
		// One connection per request unless the engine says otherwise
		// (single-packet puts many streams on one).
		b.Results[i].Index, b.Results[i].Conn = i, i
	}
	return b
}

// fail records a transport failure on r.
func (r *Result) fail(err error) {
	err = certRequired(err)
	r.Err = err
	r.ErrKind = Classify(err)
	if r.Done.IsZero() {
		r.Done = time.Now()
	}
}
