package probe

import (
	"context"
	"errors"
	"fmt"

	"github.com/racetest/racetest/confidence"
	"github.com/racetest/racetest/runner"
	"github.com/racetest/racetest/scenarios"
)

// Config is what to probe and how. Request, N and Reset are required in
// practice: without a reset the phases do not start from the same state.
type Config struct {
	// Request is sent N times in each phase; URLs are absolute.
	Request runner.Request
	// HeaderOrder is the order the request's headers were given in (-H,
	// a captured request), which --emit keeps; the rest are sorted.
	HeaderOrder []string
	N           int
	// Reset are sent in order before each phase; any answer >= 400 stops
	// the probe. After are read after each phase (and, sequentially,
	// after each request) to see the state the requests left behind.
	Reset, After []runner.Request
	// Rounds is the most parallel rounds (DefaultRounds when zero); Stop
	// ends the probe before them: at the first race (--until-found), or
	// once enough complete rounds found none (--confidence).
	Rounds     int
	Stop       confidence.Rule
	Client     runner.Client
	Sync       runner.Sync
	AllowLarge bool
	// Scenario, when set, is probed instead of Request, Reset and After:
	// its race's request (one, sent N times: N is race.n), its setup steps
	// as the reset and its after steps as the reads, with vars and
	// captures as racetest run has them. Run fills Request, Reset and
	// After with what the first sequential phase sent, for the report.
	Scenario *scenarios.Scenario
	// Target, Vars and Getenv are the scenario's run options, as racetest
	// run's --target, --var and environment.
	Target string
	Vars   map[string]any
	Getenv func(string) string
	// Values are the per-request values (--values): request i of each
	// phase, sequential or parallel, gets entry i modulo the list's
	// length. They replace a scenario's values: of the same name.
	Values map[string][]string
}

// read names the j-th state read in messages: --after URL, or the
// scenario's after step.
func (c *Config) read(j int) string {
	if c.Scenario != nil && j < len(c.Scenario.After) {
		return c.Scenario.After[j].Label()
	}
	return "--after " + c.After[j].URL
}

// Defaults.
const (
	DefaultRounds = 3
	// SeqPhases is the number of sequential phases: two, so that fields
	// that change on their own show up as a difference between them.
	SeqPhases = 2
)

// Outcome is the verdict of a probe.
type Outcome string

// The outcomes.
const (
	RaceFound    Outcome = "race"
	NoRace       Outcome = "none"
	Inconclusive Outcome = "inconclusive" // the phases could not be compared
)

// Verdict is what a probe found.
type Verdict struct {
	Config  *Config
	Outcome Outcome
	// Reason says why the outcome is Inconclusive.
	Reason string
	// Incomplete is set when no parallel round was complete: the causes
	// of all of them, by kind.
	Incomplete *scenarios.IncompleteError
	Sequential []*SeqPhase
	Rounds     []*ParRound
	// Findings are the signals that fired, round by round.
	Findings []Finding
	// Hits is the number of complete rounds with a finding; Complete the
	// number of complete rounds; Interval the 95% Wilson interval of the
	// per-round hit rate.
	Hits, Complete int
	Interval       confidence.Interval
	// Masked lists the volatile paths of the responses and of each
	// --after read.
	Masked      []string
	MaskedAfter [][]string
	// Checks are the checks probe would write.
	Checks Checks
	// Secrets are the per-request values the probe sent, which every
	// output masks unless secrets are shown.
	Secrets []string
}

// prober is one Run in progress.
type prober struct {
	cfg *Config
	// session runs the scenario's setup, after steps, race requests and
	// rounds; phases are its rounds, numbered 1 and 2 for the sequential
	// phases and SeqPhases+n for parallel round n, so that {{ round }}
	// and once: steps see each phase once.
	session *scenarios.Session
}

// Run probes: SeqPhases sequential phases, then up to cfg.Rounds parallel
// rounds, each from the reset state, and compares them. The error is for
// a probe that could not run (a reset or read failed, the target is
// unreachable, the synchronisation could not be had, ctx ended), with
// the Verdict so far once the probe started; phases that ran but cannot
// be compared are a Verdict with Outcome Inconclusive.
func Run(ctx context.Context, cfg Config) (_ *Verdict, err error) {
	if cfg.Rounds <= 0 {
		cfg.Rounds = DefaultRounds
	}
	p, err := start(&cfg)
	if err != nil {
		return nil, err
	}
	// The verdict comes back with an error too, so that the caller can
	// mask the per-request values in its message.
	v := &Verdict{Config: &cfg, Secrets: p.session.SecretValues()}
	defer func() {
		// A teardown that fails leaves the target dirty: as racetest run
		// does, that is the error when there is no other.
		if terr := p.teardown(ctx); terr != nil && err == nil {
			err = fmt.Errorf("teardown: %w", terr)
		}
	}()
	for range SeqPhases {
		ph, err := p.sequential(ctx, len(v.Sequential)+1)
		if err != nil {
			return v, fmt.Errorf("sequential phase %d: %w", len(v.Sequential)+1, err)
		}
		v.Sequential = append(v.Sequential, ph)
	}
	m, err := learn(&cfg, v.Sequential[0], v.Sequential[1])
	var nc *NotComparable
	if errors.As(err, &nc) {
		v.Outcome, v.Reason = Inconclusive, nc.Reason
		switch {
		case cfg.Scenario != nil && len(cfg.Scenario.Setup) == 0:
			v.Reason += " (the scenario has no setup: add steps that restore the starting state)"
		case len(cfg.Reset) == 0:
			v.Reason += " (no reset was given: pass the request that restores the starting state, such as --reset /reset)"
		}
		return v, nil
	}
	v.Masked, v.MaskedAfter = m.masked()
	for n := 1; n <= cfg.Rounds; n++ {
		rd, err := p.parallel(ctx, n)
		if err != nil {
			return v, fmt.Errorf("parallel round %d: %w", n, err)
		}
		v.Rounds = append(v.Rounds, rd)
		if !rd.Complete {
			continue
		}
		v.Complete++
		fs := m.compare(rd)
		if len(fs) > 0 {
			v.Hits++
			v.Findings = append(v.Findings, fs...)
		}
		if cfg.Stop.Done(v.Hits, v.Complete) {
			break
		}
	}
	v.Interval = confidence.Wilson(v.Hits, v.Complete)
	v.Checks = m.checks(v)
	unsure := scenarios.Unsure(cfg.Stop, v.Hits, v.Complete, len(v.Rounds))
	switch {
	case v.Complete == 0:
		// Summed as racetest run sums them, so that a cause of a
		// later round is not lost behind the first round's.
		v.Incomplete = &scenarios.IncompleteError{}
		for _, rd := range v.Rounds {
			v.Incomplete.Add(rd.Causes)
		}
		v.Outcome, v.Reason = Inconclusive, v.Incomplete.Error()
	case v.Hits > 0:
		v.Outcome = RaceFound
	case unsure != nil:
		v.Outcome, v.Reason = Inconclusive, unsure.Error()
	default:
		v.Outcome = NoRace
	}
	return v, nil
}
