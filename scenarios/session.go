package scenarios

import (
	"context"
	"fmt"

	"github.com/racetest/racetest/runner"
)

// Session runs a scenario checked by Start: whole (Run), for racetest run,
// which checks every scenario before it runs the first, or piece by piece,
// for racetest probe, which sends the race's requests one after another as
// well as together, each time from the state the setup steps restore.
// Piece by piece, the caller numbers the rounds; vars, once: captures and
// auto's adaptations carry from round to round as in Run.
type Session struct {
	r *run
}

// Start checks, without sending anything, that the scenario can run with
// o (as Run does): a burst within the limit, a target for relative URLs,
// the environment variables ${NAME} asks for, that overridden vars exist,
// and that the headers the vars and the environment make can be sent. It
// opens a session that runs from what the check worked out.
func (s *Scenario) Start(o RunOptions) (*Session, error) {
	r, err := s.start(o)
	if err != nil {
		return nil, err
	}
	return &Session{r: r}, nil
}

// SecretValues lists the per-request values the session sends, for
// outputs to mask.
func (ss *Session) SecretValues() []string { return flatValues(ss.r.values) }

// Target is the URL the session resolves relative URLs against: the
// one RunOptions gave, else the file's target rendered; "" when neither.
func (ss *Session) Target() string { return ss.r.target }

// Setup runs the setup steps of round n and returns the vars the round
// goes on with, captures included.
func (ss *Session) Setup(ctx context.Context, n int) (map[string]any, []StepResult, error) {
	return ss.r.setup(ctx, n)
}

// After runs the after steps with the round's vars; their checks are
// results, as in Run.
func (ss *Session) After(ctx context.Context, vars map[string]any, n int) ([]StepResult, error) {
	return ss.r.steps(ctx, ss.r.s.After, vars, n, false)
}

// Send sends the request at index i of the race alone, on its own
// connection, as the burst of round n would have it, and returns what it
// sent and what came back. A transport error is in the Result.
func (ss *Session) Send(ctx context.Context, vars map[string]any, i, n int) (runner.Request, runner.Result, error) {
	g, err := ss.r.s.Race.group(i)
	if err != nil {
		return runner.Request{}, runner.Result{}, err
	}
	req, err := ss.r.build(g.Request, vars, i, n)
	if err != nil {
		return req, runner.Result{}, fmt.Errorf("round %d: request #%d: %w", n, i, err)
	}
	return req, runner.Do(ctx, req, ss.r.client(0)), nil
}

// Round runs round n: setup, the burst, its checks and the after steps,
// as Run does; the Round has a Burst only when the race was sent.
func (ss *Session) Round(ctx context.Context, n int) (*Round, error) {
	return ss.r.round(ctx, n)
}

// Teardown runs the teardown steps, even when ctx is done (for a short
// grace), as Run does at its end.
func (ss *Session) Teardown(ctx context.Context) ([]StepResult, error) {
	return ss.r.teardown(ctx)
}

// group is the group the request at index i of the burst belongs to.
func (r *Race) group(i int) (*Group, error) {
	j := i
	for k := range r.Groups {
		if j < r.Groups[k].Count {
			return &r.Groups[k], nil
		}
		j -= r.Groups[k].Count
	}
	return nil, fmt.Errorf("request #%d: the race has %d requests", i, r.size())
}
