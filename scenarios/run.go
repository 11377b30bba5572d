package scenarios

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"maps"
	"strings"
	"time"

	"github.com/racetest/racetest/confidence"
	"github.com/racetest/racetest/expressions"
	"github.com/racetest/racetest/runner"
)

// RunOptions override what the file says and connect the run to the
// process. The zero value runs the file as written and reads no
// environment.
type RunOptions struct {
	// Target replaces target: when set.
	Target string
	// Vars replace the values of vars of the same name.
	Vars map[string]any
	// Values are per-request values (--values), each list non-empty:
	// they replace the file's values: of the same name, or add to them.
	Values map[string][]string
	// Rounds replaces race.rounds when positive. Under Stop it is the
	// most rounds the run may fire.
	Rounds int
	// Stop ends the run before its last round: at the first race
	// (--until-found), or at the first race or once enough complete
	// rounds found none (--confidence). The zero Rule fires every round.
	Stop confidence.Rule
	// Client is how every request of the run is sent. Its Timeout, when
	// set, replaces the file's timeouts, and H2C set turns race.h2c on.
	Client runner.Client
	// Sync replaces race.mode, race.hold, race.warmup, race.warmup_url and
	// race.connections where its fields are set; its OnPrepared feeds
	// progress bars, and its ReleaseAt times the bursts.
	Sync runner.Sync
	// AllowLarge lets race.n go past DefaultMaxN, up to MaxN.
	AllowLarge bool
	// Getenv reads the environment for env.NAME and ${NAME}. Only the names
	// the scenario uses are read; nil reads nothing.
	Getenv func(string) string
	// OnRound, when set, is called after each round with its number and
	// the number of rounds, for progress bars.
	OnRound func(round, rounds int)
}

// run is one Run in progress.
type run struct {
	s      *Scenario
	o      RunOptions
	target string
	env    map[string]string
	tenv   map[string]any // env as templates see it
	vars   map[string]any // after overrides, before any capture
	once   map[string]any // captured by once: steps in round 1
	values map[string][]string
	rounds int
	// adapted is the mode auto switched to after a round showed that
	// the server serialises single-packet bursts; "" until then.
	adapted runner.Mode
	// adaptedHold is the hold auto switched to after a round showed that
	// the server answers before the last byte; "" until then.
	adaptedHold runner.Hold
}

// Run runs the scenario: per round the setup steps (once: steps in the
// first round only), the race, its checks and the after steps with
// theirs; then the teardown steps, even after an error. Failed checks are
// results, not errors: Run returns an error only when the run could not
// be judged (a *StepError, ErrUnreachable, ErrUntrusted,
// runner.ErrSyncUnavailable, ErrInconclusive when too few rounds were
// complete, a cancelled ctx) or the options do not fit the file (a
// *LoadError). The Result holds what was done until then.
func (s *Scenario) Run(ctx context.Context, o RunOptions) (*Result, error) {
	ss, err := s.Start(o)
	if err != nil {
		return nil, err
	}
	return ss.Run(ctx)
}

// Run runs the session's scenario from its first round to its teardown,
// as Scenario.Run does, without checking it again: a caller that checks
// every scenario before running any (racetest run) starts them all, then
// runs each. A session runs once, and not after Round.
func (ss *Session) Run(ctx context.Context) (*Result, error) {
	r, s, o := ss.r, ss.r.s, ss.r.o
	res := &Result{Scenario: s, Target: r.target, Mode: r.sync().Mode, Planned: r.rounds, Stop: o.Stop, Values: r.values, Decoded: o.Client.Decompress}
	defer func() { res.Interrupted = ctx.Err() != nil }()
	var runErr error
	done := false
	for round := 1; round <= r.rounds && runErr == nil && !done; round++ {
		rd, err := r.round(ctx, round)
		if rd.Burst != nil {
			res.Rounds = append(res.Rounds, *rd)
		} else {
			res.Stopped = rd
		}
		runErr = err
		done = o.Stop.Done(res.FailedRounds(), res.CompleteRounds())
		if o.OnRound != nil {
			o.OnRound(round, r.rounds)
		}
	}
	if runErr == nil {
		runErr = res.incomplete()
	}
	if runErr == nil {
		runErr = res.unsure()
	}
	td, tdErr := r.teardown(ctx)
	res.Teardown = td
	if runErr == nil {
		runErr = tdErr
	}
	return res, runErr
}

// teardown runs the teardown steps. They clean up even after an
// interrupt, so that a shared test environment is left as found.
func (r *run) teardown(ctx context.Context) ([]StepResult, error) {
	if len(r.s.Teardown) == 0 {
		return nil, nil
	}
	tctx, cancel := teardownContext(ctx)
	defer cancel()
	return r.steps(tctx, r.s.Teardown, r.roundVars(), 0, true)
}

// TeardownGrace is how long teardown steps may still take once the run's
// context is done: enough for a cleanup request to a healthy target, and
// short, since whoever pressed Ctrl-C is waiting.
const TeardownGrace = time.Second

// teardownContext is ctx without its cancellation, except that it ends
// TeardownGrace after ctx does.
func teardownContext(ctx context.Context) (context.Context, context.CancelFunc) {
	tctx, cancel := context.WithCancel(context.WithoutCancel(ctx))
	stop := context.AfterFunc(ctx, func() { time.AfterFunc(TeardownGrace, cancel) })
	return tctx, func() {
		stop()
		cancel()
	}
}

// start works out the target, the environment and the vars, and checks
// what they expand to before anything is sent.
func (s *Scenario) start(o RunOptions) (*run, error) {
	if err := s.preflight(o); err != nil {
		return nil, err
	}
	r := &run{s: s, o: o, env: map[string]string{}, vars: map[string]any{}, once: map[string]any{}, rounds: cmp.Or(o.Rounds, s.Race.Rounds, 1)}
	if o.Getenv != nil {
		for _, name := range s.env {
			if v := o.Getenv(name); v != "" {
				r.env[name] = v
			}
		}
	}
	r.tenv = make(map[string]any, len(r.env))
	for k, v := range r.env {
		r.tenv[k] = v
	}
	venv := &expressions.TemplateEnv{Vars: map[string]any{}, Env: r.tenv}
	for _, v := range s.vars {
		if x, ok := o.Vars[v.name]; ok {
			r.vars[v.name] = x
			continue
		}
		x, err := v.val.eval(venv)
		if err != nil {
			return nil, s.runError("vars."+v.name, err)
		}
		r.vars[v.name] = x
	}
	values, err := s.runValues(o)
	if err != nil {
		return nil, err
	}
	r.values = values
	r.target = o.Target
	if r.target == "" && s.target != nil {
		t, err := s.target.Render(&expressions.TemplateEnv{Vars: r.vars, Env: r.tenv})
		if err != nil {
			return nil, s.runError("target", err)
		}
		r.target = t
	}
	if err := r.checkHeaders(); err != nil {
		return nil, err
	}
	return r, nil
}

// runError is a problem found when the run starts, blamed on the file.
func (s *Scenario) runError(field string, err error) *LoadError {
	return &LoadError{File: s.File, Field: field, Msg: err.Error()}
}

// preflight is what start checks before it works out the vars.
func (s *Scenario) preflight(o RunOptions) error {
	if s.Race == nil || len(s.Race.Groups) == 0 {
		return s.runError("race", errors.New("the scenario has no race: give race.request"))
	}
	if s.Race.large != nil && !o.AllowLarge {
		return s.Race.large
	}
	if err := CheckN(s.Race.size(), o.AllowLarge); err != nil {
		return s.runError("race.n", err)
	}
	if err := CheckRounds(cmp.Or(o.Rounds, s.Race.Rounds, 1)); err != nil {
		return s.runError("race.rounds", fmt.Errorf("rounds %w", err))
	}
	if o.Target == "" && s.target == nil && s.relativeURLs() {
		return s.runError("target", fmt.Errorf("no target for the relative URLs: write target: in the file, or pass --target or RACETEST_TARGET"))
	}
	if err := s.missingValues(o); err != nil {
		return s.runError("", err)
	}
	for name, vs := range o.Values {
		if len(vs) == 0 {
			return s.runError("values", fmt.Errorf("--values %s: no values; give one per line", name))
		}
	}
	for name := range o.Vars {
		if !s.Declares(name) {
			return s.runError("vars", fmt.Errorf("--var %s: the scenario has no var %q; declare it under vars", name, name))
		}
	}
	return s.missingEnv(o)
}

// relativeURLs tells whether any request needs the target.
func (s *Scenario) relativeURLs() bool {
	for _, rt := range s.requests() {
		if !absolute(rt.URL.Source) {
			return true
		}
	}
	return false
}

func absolute(u string) bool {
	return strings.HasPrefix(u, "http://") || strings.HasPrefix(u, "https://")
}

// roundVars are the vars a round starts with.
func (r *run) roundVars() map[string]any {
	v := maps.Clone(r.vars)
	maps.Copy(v, r.once)
	return v
}

// client is how a request with its own timeout (0 for none) is sent: the
// run's Client, with the file's timeout where the Client sets none.
func (r *run) client(timeout time.Duration) runner.Client {
	c := r.o.Client
	if c.Timeout == 0 {
		c.Timeout = cmp.Or(timeout, r.s.Race.Timeout)
	}
	c.H2C = c.H2C || r.s.Race.H2C
	return c
}

// sync is the race's synchronisation with the run's overrides.
func (r *run) sync() runner.Sync {
	s, o := r.s.Race.Sync, r.o.Sync
	s.Mode = cmp.Or(o.Mode, s.Mode)
	s.Hold = cmp.Or(o.Hold, s.Hold)
	s.Warmup = cmp.Or(o.Warmup, s.Warmup)
	s.WarmupURL = cmp.Or(o.WarmupURL, s.WarmupURL)
	s.Connections = cmp.Or(o.Connections, s.Connections)
	s.OnPrepared = o.OnPrepared
	if !o.ReleaseAt.IsZero() {
		s.ReleaseAt = o.ReleaseAt
	}
	if s.Mode == runner.ModeAuto && r.adapted != "" {
		s.Mode = r.adapted
	}
	if s.Hold == runner.HoldAuto && r.adaptedHold != "" {
		s.Hold = r.adaptedHold
	}
	return s
}
