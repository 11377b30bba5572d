package runner

import (
	"context"
	"fmt"
	"time"
)

// Run prepares, arms, releases and collects one burst. Transport failures
// of single requests are recorded in their Result and do not make Run fail;
// Run returns an error only for a plan that cannot be sent (ErrInvalidPlan),
// a mode the target cannot give (ErrSyncUnavailable), a process out of file
// descriptors (*FileLimitError; nothing is sent then) or a cancelled ctx
// before the release. With Options.FollowRedirects, redirects are followed
// after the collect.
func Run(ctx context.Context, p Plan) (*Burst, error) {
	p.Options = p.Options.withDefaults()
	if err := p.validate(); err != nil {
		return nil, err
	}
	if err := ctx.Err(); err != nil {
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
	if err == nil {
		followRedirects(ctx, &p, b)
	}
	return b, err
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
		b.Results[i].Index = i
	}
	return b
}

// fail records a transport failure on r.
func (r *Result) fail(err error) {
	r.Err = err
	r.ErrKind = Classify(err)
	if r.Done.IsZero() {
		r.Done = time.Now()
	}
}
