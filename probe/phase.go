package probe

import (
	"context"
	"fmt"

	"github.com/racetest/racetest/runner"
	"github.com/racetest/racetest/scenarios"
)

// SeqPhase is one sequential phase: the N responses in order, and the
// --after reads before the first request and after each one, so that
// States[k] is the state after k requests.
type SeqPhase struct {
	Responses []Obs
	States    [][]Obs
}

// ParRound is one parallel round: the burst and the --after reads.
type ParRound struct {
	Number    int
	Responses []Obs
	State     []Obs
	// Complete says that every request was released and answered; an
	// incomplete round is shown, not judged, and Cause says why.
	Complete bool
	Cause    string
	Mode     runner.Mode
	Spread   string // release spread
}

// do sends one sequential request, each on its own connection (runner.Do),
// and fails on a transport error or, when strict, on an answer >= 400.
func (p *prober) do(ctx context.Context, what string, req runner.Request, strict bool) (Obs, error) {
	r := runner.Do(ctx, req, p.cfg.Client)
	if r.Err != nil {
		if ctx.Err() != nil {
			return Obs{}, ctx.Err()
		}
		if r.Cause() == runner.CauseConnect {
			return Obs{}, fmt.Errorf("%s %s %s: %w: %w", what, req.Method, req.URL, scenarios.ErrUnreachable, r.Err)
		}
		return Obs{}, fmt.Errorf("%s %s %s: %w", what, req.Method, req.URL, r.Err)
	}
	if strict && r.Status >= 400 {
		return Obs{}, fmt.Errorf("%s %s %s answered %d; it must succeed for the phases to start from the same state",
			what, req.Method, req.URL, r.Status)
	}
	return observe(&r), nil
}

// reset sends the reset requests in order.
func (p *prober) reset(ctx context.Context) error {
	for _, r := range p.cfg.Reset {
		if _, err := p.do(ctx, "--reset", r, true); err != nil {
			return err
		}
	}
	return nil
}

// read sends the --after requests and returns what they saw.
func (p *prober) read(ctx context.Context) ([]Obs, error) {
	out := make([]Obs, 0, len(p.cfg.After))
	for _, r := range p.cfg.After {
		o, err := p.do(ctx, "--after", r, true)
		if err != nil {
			return nil, err
		}
		out = append(out, o)
	}
	return out, nil
}

// sequential runs one sequential phase from the reset state.
func (p *prober) sequential(ctx context.Context) (*SeqPhase, error) {
	if err := p.reset(ctx); err != nil {
		return nil, err
	}
	ph := &SeqPhase{}
	st, err := p.read(ctx)
	if err != nil {
		return nil, err
	}
	ph.States = append(ph.States, st)
	for i := range p.cfg.N {
		o, err := p.do(ctx, fmt.Sprintf("sequential request #%d:", i+1), p.cfg.Request, false)
		if err != nil {
			return nil, err
		}
		ph.Responses = append(ph.Responses, o)
		if st, err = p.read(ctx); err != nil {
			return nil, err
		}
		ph.States = append(ph.States, st)
	}
	return ph, nil
}

// parallel runs one parallel round: the scenario of reset steps, the
// burst and the --after reads, run by package scenarios as fire runs it.
func (p *prober) parallel(ctx context.Context, n int) (*ParRound, error) {
	res, err := p.scenario.Run(ctx, scenarios.RunOptions{Client: p.cfg.Client, Sync: p.cfg.Sync, AllowLarge: p.cfg.AllowLarge})
	if err != nil {
		return nil, err
	}
	rd := &res.Rounds[0]
	pr := &ParRound{Number: n, Complete: true, Mode: rd.Burst.Mode, Spread: rd.Burst.ReleaseSpread().String()}
	for i := range rd.Burst.Results {
		r := &rd.Burst.Results[i]
		pr.Responses = append(pr.Responses, observe(r))
		if pr.Complete && (r.Err != nil || r.Status == 0 || r.Early) {
			pr.Complete = false
			pr.Cause = fmt.Sprintf("request #%d: %s", i+1, cause(r))
		}
	}
	for _, s := range rd.After {
		pr.State = append(pr.State, observe(&s.Response))
	}
	return pr, nil
}

// cause says why a request of the burst does not count.
func cause(r *runner.Result) string {
	switch {
	case r.Early:
		return "answered before the release"
	case r.Err != nil:
		return r.Err.Error()
	}
	return "no response"
}

// buildScenario is the parallel phase as a scenario: the reset requests
// as setup steps, the burst, the --after reads as after steps. It is also
// what --emit writes, with the checks added.
func buildScenario(cfg *Config) *scenarios.Scenario {
	race := scenarios.NewRace(cfg.N, cfg.Request)
	race.H2C = cfg.Client.H2C
	s := &scenarios.Scenario{Name: "probe " + cfg.Request.Method + " " + cfg.Request.URL, Race: race}
	for i, r := range cfg.Reset {
		s.Setup = append(s.Setup, scenarios.NewStep(fmt.Sprintf("--reset[%d]", i), r))
	}
	for i, r := range cfg.After {
		s.After = append(s.After, scenarios.NewStep(fmt.Sprintf("--after[%d]", i), r))
	}
	return s
}
