package scenarios

import (
	"context"
	"errors"
	"fmt"

	"github.com/racetest/racetest/expressions"
	"github.com/racetest/racetest/runner"
)

// round runs one round. The Round it returns has a Burst only when the race
// was sent; the error stops the run.
func (r *run) round(ctx context.Context, n int) (*Round, error) {
	rd := &Round{Number: n}
	vars, setup, err := r.setup(ctx, n)
	rd.Setup = setup
	if err != nil {
		return rd, err
	}
	reqs, err := r.burstRequests(vars, n)
	if err != nil {
		return rd, err
	}
	b, err := runner.Run(ctx, r.plan(reqs))
	if err != nil {
		return rd, fmt.Errorf("round %d: race: %w", n, err)
	}
	if err := unreachable(b); err != nil {
		return rd, fmt.Errorf("round %d: race: %w", n, err)
	}
	rd.Burst, rd.Requests = b, reqs
	if b.Canceled() {
		rd.Interrupted = true
		return rd, fmt.Errorf("round %d: race: %w", n, ctx.Err())
	}
	// An incomplete burst is judged all the same, so that the report can
	// show what the checks saw, but it does not count (Round.Failed).
	rd.Incomplete = b.Incomplete()
	r.serialised(rd)
	r.earlyWithLastByte(rd)
	rd.Checks = expressions.Judge(r.s.Race.Expect, expressions.NewBurstEnv(b, vars, r.env, n))
	rd.After, err = r.steps(ctx, r.s.After, vars, n, false)
	rd.Vars = vars
	return rd, err
}

// setup runs the setup steps of round n (once: steps in round 1 only)
// and returns the vars the round goes on with.
func (r *run) setup(ctx context.Context, n int) (map[string]any, []StepResult, error) {
	vars := r.roundVars()
	var out []StepResult
	for _, st := range r.s.Setup {
		if st.Once && n > 1 {
			continue
		}
		sr, err := r.step(ctx, st, vars, n, true)
		out = append(out, sr)
		if err != nil {
			return vars, out, err
		}
		if st.Once {
			for _, c := range st.Captures {
				r.once[c.Name] = vars[c.Name]
			}
		}
	}
	return vars, out, nil
}

// serialised notes a burst that the server handled a few requests at a
// time, and in auto mode races the next rounds with last-byte, which
// such servers handle together (each request has its own connection).
func (r *run) serialised(rd *Round) {
	s, ok := rd.Burst.Serialised()
	if !ok {
		return
	}
	rd.Serialised = &s
	if r.sync().Mode == runner.ModeAuto && rd.Burst.Mode == runner.ModeSinglePacket {
		r.adapted = runner.ModeLastByte
	}
}

// earlyWithLastByte: when auto's hold kept back only the last byte of a
// single-packet burst and the server answered some requests before the
// release (a server that answers every one on its head has raced them on
// the arming write, and the round is complete), the next rounds hold the
// whole headers, which keeps every request back until the release.
func (r *run) earlyWithLastByte(rd *Round) {
	b := rd.Burst
	if r.sync().Hold != runner.HoldAuto || b.Mode != runner.ModeSinglePacket || b.Hold != runner.HoldLastByte {
		return
	}
	for _, c := range rd.Incomplete {
		if c.Kind != runner.CauseEarly {
			continue
		}
		r.adaptedHold = runner.HoldHeaders
		// The others may have been answered after the release, or reset
		// or timed out: the note counts only what is known.
		why := fmt.Sprintf("the server answered %d of the %d requests before the release while only the last byte was held: it acts on some heads before the body has come", c.Count, len(b.Results))
		if c.Count == len(b.Results) {
			// Every answer came before the release and still the round
			// is no burst on the heads: with --start-at only the release
			// is shared between processes (runner's onHeads). Saying
			// that some came after it would be false.
			why = "the server answered every request before the release while only the last byte was held: it acts on the heads"
			if !b.Receipt.ReleaseAt.IsZero() {
				why += ", and with --start-at only the release is shared between processes, not the arming write"
			}
		}
		b.Notes = append(b.Notes, why+"; auto holds the whole headers from the next round on (--hold headers)")
		return
	}
}

// plan is the runner plan of the race.
func (r *run) plan(reqs []runner.Request) runner.Plan {
	return runner.Plan{Requests: reqs, Options: runner.Options{Client: r.client(0), Sync: r.sync()}}
}

// burstRequests expands the race's requests, group after group, each with
// its index in the burst.
func (r *run) burstRequests(vars map[string]any, round int) ([]runner.Request, error) {
	reqs := make([]runner.Request, 0, r.s.Race.N)
	var bodies int64
	for _, g := range r.s.Race.Groups {
		for i := range g.Count {
			req, err := r.build(g.Request, vars, len(reqs), round)
			var he *UnsendableHeaderError
			if errors.As(err, &he) {
				return nil, fmt.Errorf("round %d: request #%d: %w; nothing of the race was sent", round, len(reqs), err)
			}
			if err != nil {
				return nil, fmt.Errorf("round %d: request #%d: %w", round, len(reqs), err)
			}
			// The first body of a group stands for the others, so that a
			// burst too large fails before it fills memory, not after.
			bodies += int64(len(req.Body))
			whole := bodies
			if i == 0 {
				whole += int64(len(req.Body)) * int64(g.Count-1)
			}
			if err := CheckBurstBodies(whole); err != nil {
				return nil, fmt.Errorf("round %d: race: %w", round, err)
			}
			reqs = append(reqs, req)
		}
	}
	return reqs, nil
}

// steps runs steps in order and stops at the first error.
func (r *run) steps(ctx context.Context, steps []*Step, vars map[string]any, round int, strict bool) ([]StepResult, error) {
	var out []StepResult
	for _, st := range steps {
		sr, err := r.step(ctx, st, vars, round, strict)
		out = append(out, sr)
		if err != nil {
			return out, err
		}
	}
	return out, nil
}
