package probe

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

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
	// incomplete round is shown, not judged, and Causes say why, by
	// kind; the verdict sums them over the rounds.
	Complete bool
	Causes   []runner.Cause
	Mode     runner.Mode
	Spread   string // release spread, to the microsecond as fire prints it
}

// Cause says in words why the round is incomplete: its causes, by kind.
func (pr *ParRound) Cause() string {
	causes := make([]string, len(pr.Causes))
	for i, c := range pr.Causes {
		causes[i] = c.String()
	}
	return strings.Join(causes, "; ")
}

// start opens the session: on the scenario of cfg, or on the one the
// flags make.
func start(cfg *Config) (*prober, error) {
	s := cfg.Scenario
	if s == nil {
		if cfg.N < 1 {
			return nil, errors.New("n must be at least 1")
		}
		s = buildScenario(cfg)
	} else {
		if err := probeable(s); err != nil {
			return nil, err
		}
		cfg.N = s.Race.N
	}
	ss, err := s.Start(scenarios.RunOptions{
		Target: cfg.Target, Vars: cfg.Vars, Getenv: cfg.Getenv,
		Client: cfg.Client, Sync: cfg.Sync, AllowLarge: cfg.AllowLarge, Values: cfg.Values,
	})
	if err != nil {
		return nil, err
	}
	return &prober{cfg: cfg, session: ss}, nil
}

// probeable says why probe cannot take the scenario: a race of several
// kinds of request. Its sequential orders are many, not one, and probe
// compares the burst with one.
func probeable(s *scenarios.Scenario) error {
	if len(s.Race.Groups) > 1 {
		return s.Problem("race.requests[1]", "probe races one request sent race.n times; this race mixes %d kinds: "+
			"probe each on its own (one request: per file), or judge the mix with racetest run and checks", len(s.Race.Groups))
	}
	return nil
}

// teardown runs the scenario's teardown steps, once, after the last
// phase.
func (p *prober) teardown(ctx context.Context) error {
	_, err := p.session.Teardown(ctx)
	return err
}

// read runs the after steps and returns what they saw. Their checks, if
// the scenario has any, are the user's: probe judges the state itself.
func (p *prober) read(ctx context.Context, vars map[string]any, phase int) ([]Obs, []runner.Request, error) {
	srs, err := p.session.After(ctx, vars, phase)
	if err != nil {
		return nil, nil, err
	}
	out := make([]Obs, len(srs))
	reqs := make([]runner.Request, len(srs))
	for i := range srs {
		out[i], reqs[i] = observe(&srs[i].Response), srs[i].Request
	}
	return out, reqs, nil
}

// sequential runs one sequential phase from the reset state: the setup
// steps, the after steps, then the N requests one after another, each on
// its own connection, each followed by the after steps.
func (p *prober) sequential(ctx context.Context, phase int) (*SeqPhase, error) {
	vars, setup, err := p.session.Setup(ctx, phase)
	if err != nil {
		return nil, err
	}
	ph := &SeqPhase{}
	st, reads, err := p.read(ctx, vars, phase)
	if err != nil {
		return nil, err
	}
	ph.States = append(ph.States, st)
	for i := range p.cfg.N {
		req, r, err := p.session.Send(ctx, vars, i, phase)
		if err != nil {
			return nil, err
		}
		if r.Err != nil {
			return nil, p.failed(ctx, fmt.Sprintf("sequential request #%d", i+1), req, &r)
		}
		if phase == 1 && i == 0 && p.cfg.Scenario != nil {
			p.describe(req, setup, reads)
		}
		ph.Responses = append(ph.Responses, observe(&r))
		if st, _, err = p.read(ctx, vars, phase); err != nil {
			return nil, err
		}
		ph.States = append(ph.States, st)
	}
	return ph, nil
}

// failed is the error of a sequential request that got no response.
func (p *prober) failed(ctx context.Context, what string, req runner.Request, r *runner.Result) error {
	if ctx.Err() != nil {
		return ctx.Err()
	}
	if r.Cause() == runner.CauseConnect {
		return fmt.Errorf("%s: %s %s: %w: %w", what, req.Method, req.URL, scenarios.ErrUnreachable, r.Err)
	}
	return fmt.Errorf("%s: %s %s: %w", what, req.Method, req.URL, r.Err)
}

// describe fills the Config of a scenario's probe with the requests as
// the first phase sent them, for the report: the burst's, the setup's as
// the resets and the after steps' as the reads.
func (p *prober) describe(req runner.Request, setup []scenarios.StepResult, reads []runner.Request) {
	p.cfg.Request, p.cfg.After = req, reads
	for i := range setup {
		p.cfg.Reset = append(p.cfg.Reset, setup[i].Request)
	}
}

// parallel runs parallel round n: the setup steps, the burst and the
// after steps, as racetest run runs a round.
func (p *prober) parallel(ctx context.Context, n int) (*ParRound, error) {
	rd, err := p.session.Round(ctx, SeqPhases+n)
	if err != nil {
		return nil, err
	}
	// The round counts as racetest run counts it (Round.Complete), so
	// that probe and run never disagree on which bursts happened.
	pr := &ParRound{Number: n, Complete: rd.Complete(), Mode: rd.Burst.Mode, Spread: rd.Burst.ReleaseSpread().Round(time.Microsecond).String()}
	for i := range rd.Burst.Results {
		pr.Responses = append(pr.Responses, observe(&rd.Burst.Results[i]))
	}
	pr.Causes = rd.Incomplete
	for _, s := range rd.After {
		pr.State = append(pr.State, observe(&s.Response))
	}
	return pr, nil
}

// buildScenario is the parallel phase as a scenario: the reset requests
// as setup steps, the burst, the --after reads as after steps. It is also
// what --emit writes, with the checks added.
func buildScenario(cfg *Config) *scenarios.Scenario {
	race := scenarios.NewRace(cfg.N, cfg.Request)
	race.H2C = cfg.Client.H2C
	s := &scenarios.Scenario{Name: "probe " + cfg.Request.Method + " " + cfg.Request.URL, Race: race}
	for i, r := range cfg.Reset {
		st := scenarios.NewStep(fmt.Sprintf("--reset[%d]", i), r)
		st.StatusHint = "check the method and URL of --reset ('METHOD URL'; a path is taken on the target, POST when no method is given)"
		s.Setup = append(s.Setup, st)
	}
	for i, r := range cfg.After {
		st := scenarios.NewStep(fmt.Sprintf("--after[%d]", i), r)
		st.StatusHint = "check the URL of --after (read with GET; a path is taken on the target)"
		s.After = append(s.After, st)
	}
	return s
}
