package cmd

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/racetest/racetest/report"
	"github.com/racetest/racetest/runner"
	"github.com/racetest/racetest/scenarios"
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
	doc := newDocument()
	run := report.Run{
		Name:   "fire " + plan.Requests[0].Method + " " + report.RedactURL(o.URL, o.ShowSecrets),
		Target: report.RedactURL(o.URL, o.ShowSecrets), Mode: o.Mode, N: o.N,
	}
	var runErr error
	bar := o.progress(o.App, o.Rounds, "rounds")
	defer finish(bar)
	for round := 1; round <= o.Rounds; round++ {
		if round > 1 {
			step(bar)
		}
		b, err := runner.Run(ctx, plan)
		if err != nil {
			runErr = burstError(ctx, err)
			run.Error = report.Redact(runErr.Error(), o.ShowSecrets)
			break
		}
		if err := unreachable(b); err != nil {
			runErr = runtimeError(err)
			run.Error = report.Redact(err.Error(), o.ShowSecrets)
			break
		}
		env := scenarios.NewBurstEnv(b, nil, nil, round)
		judged := report.Judge(checks, env, report.ScopeBurst)
		var afterErr error
		if after != nil {
			var ac []report.Check
			ac, afterErr = after.judge(ctx, round, o.ShowSecrets)
			judged = append(judged, ac...)
		}
		run.Rounds = append(run.Rounds, report.NewRound(round, b, plan.Requests, judged, o.ShowSecrets))
		if afterErr != nil {
			runErr = afterErr
			run.Error = report.Redact(afterErr.Error(), o.ShowSecrets)
			break
		}
	}
	doc.Runs = append(doc.Runs, run)
	doc.Interrupted = ctx.Err() != nil
	// A run stopped before its first round has nothing to show but the
	// error, which Execute prints; JSON readers still get the document.
	if len(run.Rounds) > 0 || o.Output == "json" {
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

func newDocument() *report.Document {
	return &report.Document{Schema: report.Schema, Tool: "racetest " + Version, Started: time.Now()}
}

// burstError maps an error from runner.Run to an exit code.
func burstError(ctx context.Context, err error) error {
	switch {
	case ctx.Err() != nil:
		return errInterrupted
	case errors.Is(err, runner.ErrSyncUnavailable):
		return &exitError{code: ExitInconclusive, err: err}
	case errors.Is(err, runner.ErrInvalidPlan):
		return usageErrorf("%w", err)
	}
	return runtimeError(err)
}

// unreachable returns an error when no request of the burst even reached
// the server, because then nothing about the race can be judged.
func unreachable(b *runner.Burst) error {
	var first error
	for i := range b.Results {
		r := &b.Results[i]
		switch r.ErrKind {
		case runner.KindRefused, runner.KindDial, runner.KindTLS:
			if first == nil {
				first = r.Err
			}
		default:
			return nil
		}
	}
	if first == nil {
		return nil
	}
	hint := "is the target running?"
	if runner.Classify(first) == runner.KindTLS {
		hint = "use -k to skip certificate verification"
	}
	return fmt.Errorf("target unreachable: %w (%s)", first, hint)
}

// plan turns the flags into a runner plan and compiled checks, or a usage
// error that names the flag.
func (o *FireOptions) plan() (runner.Plan, []*scenarios.Check, error) {
	var p runner.Plan
	if err := o.validateNumbers(); err != nil {
		return p, nil, err
	}
	if _, err := parseTargetURL("URL", o.URL); err != nil {
		return p, nil, err
	}
	req, err := o.request()
	if err != nil {
		return p, nil, err
	}
	checks, err := o.checks()
	if err != nil {
		return p, nil, err
	}
	p.Requests = make([]runner.Request, o.N)
	for i := range p.Requests {
		p.Requests[i] = req
	}
	p.Options = runner.Options{
		Mode: runner.Mode(o.Mode), Timeout: o.Timeout, Insecure: o.Insecure,
		Warmup: o.Warmup, WarmupURL: o.WarmupURL, ArrivalHeader: o.Arrival,
		Hold: holdOf(o.Hold), H2C: o.H2C,
	}
	return p, checks, nil
}

func (o *FireOptions) validateNumbers() error {
	if err := o.OutputOptions.validate(); err != nil {
		return err
	}
	switch {
	case o.N <= 0:
		return usageErrorf("--n %d: the burst needs at least one request", o.N)
	case o.N > maxN:
		return usageErrorf("--n %d: more than %d requests in one burst is not supported", o.N, maxN)
	case o.Rounds <= 0:
		return usageErrorf("--rounds %d: run at least one round", o.Rounds)
	case o.Timeout <= 0:
		return usageErrorf("--timeout %s: the timeout must be positive", o.Timeout)
	case o.Warmup < 0:
		return usageErrorf("--warmup %d: cannot be negative", o.Warmup)
	case o.Hold != "" && o.Hold != "auto" && o.Hold != string(runner.HoldHeaders) && o.Hold != string(runner.HoldLastByte):
		return usageErrorf("--hold %q: choose auto, headers or last-byte", o.Hold)
	}
	for _, m := range runner.Modes {
		if string(m) == o.Mode {
			return nil
		}
	}
	return usageErrorf("--mode %q: choose one of %s", o.Mode, modeList())
}

func modeList() string {
	s := make([]string, len(runner.Modes))
	for i, m := range runner.Modes {
		s[i] = string(m)
	}
	return strings.Join(s, ", ")
}

// request builds the one request fire sends N times.
func (o *FireOptions) request() (runner.Request, error) {
	h, err := parseHeaders("--header", o.Headers)
	if err != nil {
		return runner.Request{}, err
	}
	if o.Data != "" && o.JSON != "" {
		return runner.Request{}, usageErrorf("--data and --json both give a body; use one")
	}
	var body []byte
	switch {
	case o.JSON != "":
		if body, err = readData("--json", o.JSON, o.App.Stdin); err != nil {
			return runner.Request{}, err
		}
		if err := checkJSON("--json", body); err != nil {
			return runner.Request{}, err
		}
		if h.Get("Content-Type") == "" {
			h.Set("Content-Type", "application/json")
		}
	case o.Data != "":
		if body, err = readData("--data", o.Data, o.App.Stdin); err != nil {
			return runner.Request{}, err
		}
		if h.Get("Content-Type") == "" {
			h.Set("Content-Type", "application/x-www-form-urlencoded")
		}
	}
	method := strings.ToUpper(o.Method)
	if method == "" {
		method = http.MethodGet
		if body != nil {
			method = http.MethodPost
		}
	}
	return runner.Request{Method: method, URL: o.URL, Header: h, Body: body}, nil
}

// checks compiles --expect and --expect-status before anything is sent.
func (o *FireOptions) checks() ([]*scenarios.Check, error) {
	var out []*scenarios.Check
	for _, v := range o.ExpectStatus {
		src, err := parseExpectStatus(v)
		if err != nil {
			return nil, err
		}
		c, err := scenarios.CompileBurstCheck(src)
		if err != nil {
			return nil, fmt.Errorf("compile %q: %w", src, err)
		}
		out = append(out, c)
	}
	for _, src := range o.Expect {
		c, err := scenarios.CompileBurstCheck(src)
		if err != nil {
			return nil, exprFlagError("--expect", err)
		}
		out = append(out, c)
	}
	return out, nil
}

// exprFlagError shows where in a flag's expression the error is.
func exprFlagError(flag string, err error) error {
	var ee *scenarios.ExprError
	if !errors.As(err, &ee) {
		return usageErrorf("%s: %w", flag, err)
	}
	return usageErrorf("%s: %s at column %d\n  %s", flag, ee.Msg, ee.Column,
		strings.ReplaceAll(ee.Snippet(), "\n", "\n  "))
}

// holdOf maps the --hold flag to the runner's hold; auto lets the engine
// pick its measured default.
func holdOf(s string) runner.Hold {
	if s == "auto" || s == "" {
		return runner.HoldAuto
	}
	return runner.Hold(s)
}
