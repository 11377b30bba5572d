package cmd

import (
	"context"
	"errors"
	"fmt"
	"github.com/racetest/racetest/expressions"
	"slices"

	"github.com/racetest/racetest/report"
	"github.com/racetest/racetest/runner"
	"github.com/schollz/progressbar/v3"
)

// fireRun sends the rounds, judges them and writes the report.
func fireRun(ctx context.Context, o *FireOptions) error {
	plan, checks, err := o.plan()
	if err != nil {
		return err
	}
	after, err := o.afterPlan(plan.Requests[0])
	if err != nil {
		return err
	}
	if after != nil {
		// The state is read the way the burst was sent: same trust, same
		// redirects.
		after.opts.RootCAs = plan.RootCAs
		after.opts.FollowRedirects, after.opts.MaxRedirects = plan.FollowRedirects, plan.MaxRedirects
	}
	doc := newDocument()
	run := report.Run{
		Name:   "fire " + plan.Requests[0].Method + " " + report.RedactURL(o.URL, o.ShowSecrets),
		Target: report.RedactURL(o.URL, o.ShowSecrets), Mode: o.Mode, N: o.N, Planned: o.Rounds,
	}
	var runErr error
	bar := o.roundsProgress()
	defer finish(bar)
	for round := 1; round <= o.Rounds && runErr == nil; round++ {
		if round > 1 {
			step(bar)
		}
		conns := o.connectProgress(&plan, round)
		var rd *report.Round
		rd, runErr = o.fireRound(ctx, plan, checks, after, round)
		finish(conns)
		if rd != nil {
			run.Rounds = append(run.Rounds, *rd)
		}
	}
	interrupted := errors.Is(runErr, errInterrupted)
	switch {
	case interrupted:
		run.Error = interruptedError(run.Rounds, o.Rounds)
	case runErr != nil:
		run.Error = report.Redact(runErr.Error(), o.ShowSecrets)
	}
	doc.Runs = append(doc.Runs, run)
	doc.Interrupted = interrupted || ctx.Err() != nil
	// A run stopped before its first round has nothing to show but the
	// error, which Execute prints; JSON readers still get the document,
	// and an interrupted run says where it stopped.
	if len(run.Rounds) > 0 || o.Output == "json" || doc.Interrupted {
		if err := o.write(o.App, doc); err != nil {
			return err
		}
	}
	if runErr != nil {
		return runErr
	}
	if run.FailedRounds() > 0 {
		return errChecksFailed
	}
	return nil
}

// fireRound sends one burst and judges it, with the --after check. The
// round is nil when there is nothing to show; an error stops the run.
func (o *FireOptions) fireRound(ctx context.Context, plan runner.Plan, checks []*expressions.Check, after *afterCheck, round int) (*report.Round, error) {
	b, err := runner.Run(ctx, plan)
	if err != nil {
		return nil, burstError(ctx, err)
	}
	if err := unreachable(b); err != nil {
		return nil, runtimeError(err)
	}
	if b.Canceled() {
		rd := report.NewRound(round, b, plan.Requests, nil, o.ShowSecrets)
		rd.Notes = append(slices.Clip(rd.Notes), interruptedNote)
		return &rd, errInterrupted
	}
	env := expressions.NewBurstEnv(b, nil, nil, round)
	judged := report.Checks(expressions.Judge(checks, env), report.ScopeBurst)
	var afterErr error
	if after != nil {
		var ac []report.Check
		ac, afterErr = after.judge(ctx, round, o.ShowSecrets)
		judged = append(judged, ac...)
	}
	rd := report.NewRound(round, b, plan.Requests, judged, o.ShowSecrets)
	if ctx.Err() != nil {
		// The signal came after a complete burst: the round stands as judged.
		return &rd, errInterrupted
	}
	return &rd, afterErr
}

// warmupProgressN is the burst size from which dialling and warming the
// connections takes long enough to deserve its own progress bar.
const warmupProgressN = 200

// roundsProgress is the bar over rounds, for bursts small enough that
// preparing them is quick; larger bursts get a bar per round instead.
func (o *FireOptions) roundsProgress() *progressbar.ProgressBar {
	if o.N >= warmupProgressN {
		return nil
	}
	return o.progress(o.App, o.Rounds, "rounds")
}

// connectProgress shows connections being dialled and warmed for a large
// burst, fed by the runner's OnPrepared from its prepare goroutines.
func (o *FireOptions) connectProgress(plan *runner.Plan, round int) *progressbar.ProgressBar {
	plan.OnPrepared = nil
	if o.N < warmupProgressN {
		return nil
	}
	bar := o.progress(o.App, o.N, fmt.Sprintf("round %d/%d: connecting", round, o.Rounds))
	if bar != nil {
		plan.OnPrepared = func(n int) { _ = bar.Add(n) }
	}
	return bar
}
