package cmd

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/racetest/racetest/confidence"
	"github.com/racetest/racetest/expressions"
	"github.com/racetest/racetest/report"
	"github.com/racetest/racetest/runner"
	"github.com/racetest/racetest/scenarios"
)

// scenario turns the flags into the scenario fire runs: one race of N
// copies of the request with its checks, and --after as an after step.
// Every flag is checked here, before anything is sent.
func (o *FireOptions) scenario(ctx context.Context) (*scenarios.Scenario, scenarios.RunOptions, error) {
	var ro scenarios.RunOptions
	if err := o.complete(ctx); err != nil {
		return nil, ro, err
	}
	if err := o.validate(); err != nil {
		return nil, ro, err
	}
	req, err := o.request(ctx)
	if err != nil {
		return nil, ro, err
	}
	if err := o.checkHTTP2Scheme(req.URL); err != nil {
		return nil, ro, err
	}
	if err := checkBurstBodies(o.N, req.Body); err != nil {
		return nil, ro, err
	}
	checks, err := o.checks()
	if err != nil {
		return nil, ro, err
	}
	if o.stop != (confidence.Rule{}) && len(o.Expect)+len(o.ExpectStatus)+len(o.ExpectAfter) == 0 {
		return nil, ro, usageErrorf("--until-found and --confidence stop when a check fails: add --expect, --expect-status or --expect-after")
	}
	race := scenarios.NewRace(o.N, req, checks...)
	race.Rounds, race.Sync, race.Timeout, race.H2C = o.limit, o.sync(), o.Timeout, o.H2C
	race.Sync.ReleaseAt = o.at
	s := &scenarios.Scenario{
		Name: "fire " + req.Method + " " + report.RedactURL(req.URL, o.ShowSecrets),
		Race: race,
	}
	after, err := o.afterStep(req)
	if err != nil {
		return nil, ro, err
	}
	if after != nil {
		s.After = append(s.After, after)
	}
	ro = scenarios.RunOptions{Target: req.URL, AllowLarge: o.AllowLarge, Stop: o.stop}
	if ro.Values, err = readValues(ctx, o.Values); err != nil {
		return nil, ro, err
	}
	if err := unusedValues(ro.Values, req); err != nil {
		return nil, ro, err
	}
	if ro.Client, err = o.client(ctx, o.App.Getenv); err != nil {
		return nil, ro, err
	}
	ro.Client.Decompress = o.Compressed
	return s, ro, nil
}

// validate checks the numbers and choices among the flags.
func (o *FireOptions) validate() error {
	if err := o.OutputOptions.validate(); err != nil {
		return err
	}
	if err := o.validateBurst(); err != nil {
		return err
	}
	if err := o.StartAtOptions.parse(time.Now()); err != nil {
		return err
	}
	what := fmt.Sprintf("--rounds is %d", o.limit)
	if o.stop != (confidence.Rule{}) {
		what = fmt.Sprintf("--until-found or --confidence may fire up to %d rounds", o.limit)
	}
	return o.oneBurst(o.limit, what)
}

// validateBurst checks the flags that size and send the burst, which fire
// and probe share.
func (o *FireOptions) validateBurst() error {
	if err := o.SendOptions.validate(); err != nil {
		return err
	}
	if o.Timeout == 0 {
		return usageErrorf("--timeout %s: the timeout must be positive", o.Timeout)
	}
	if err := scenarios.CheckN(o.N, o.AllowLarge); err != nil {
		return usageErrorf("--n %d: %w", o.N, err)
	}
	return o.resolveRounds()
}

// checks compiles --expect and --expect-status before anything is sent.
func (o *FireOptions) checks() ([]*expressions.Check, error) {
	var out []*expressions.Check
	for _, v := range o.ExpectStatus {
		src, err := parseExpectStatus(v)
		if err != nil {
			return nil, err
		}
		c, err := expressions.CompileBurstCheck(src)
		if err != nil {
			return nil, fmt.Errorf("compile %q: %w", src, err)
		}
		out = append(out, c)
	}
	for _, src := range o.Expect {
		c, err := expressions.CompileBurstCheck(src)
		if err != nil {
			return nil, exprFlagError("--expect", err)
		}
		out = append(out, c)
	}
	return out, nil
}

// exprFlagError shows where in a flag's expression the error is.
func exprFlagError(flag string, err error) error {
	var ee *expressions.ExprError
	if !errors.As(err, &ee) {
		return usageErrorf("%s: %w", flag, err)
	}
	return usageErrorf("%s: %s at column %d\n  %s", flag, ee.Msg, ee.Column,
		strings.ReplaceAll(ee.Snippet(), "\n", "\n  "))
}

// afterStep is --after: a GET after every round whose response the
// --expect-after checks judge, so that "stock never negative" needs no
// scenario file; nil without --after. burst is the request fire sends,
// whose headers the GET reuses unless --after-header is given: the state
// is usually behind the same login.
func (o *FireOptions) afterStep(burst runner.Request) (*scenarios.Step, error) {
	if o.After == "" {
		switch {
		case len(o.ExpectAfter) > 0:
			return nil, usageErrorf("--expect-after needs --after URL, the response it judges")
		case len(o.AfterHeaders) > 0:
			return nil, usageErrorf("--after-header needs --after URL, the request it goes with")
		}
		return nil, nil
	}
	if len(o.ExpectAfter) == 0 {
		return nil, usageErrorf("--after %s: nothing to judge; add --expect-after 'EXPR', e.g. 'json.stock >= 0'", o.After)
	}
	u, err := onTarget("--after", o.After, o.URL)
	if err != nil {
		return nil, err
	}
	h, err := o.stateHeaders(burst)
	if err != nil {
		return nil, err
	}
	var checks []*expressions.Check
	for _, src := range o.ExpectAfter {
		c, err := expressions.CompileStepCheck(src)
		if err != nil {
			return nil, exprFlagError("--expect-after", err)
		}
		checks = append(checks, c)
	}
	return scenarios.NewStep("--after", runner.Request{Method: http.MethodGet, URL: u, Header: h}, checks...), nil
}

// stateHeaders are the headers of the requests that read or reset the
// state (fire's --after, probe's --reset and --after): the burst's,
// without its body headers since they have no body, unless
// --after-header is given; the state is usually behind the same login.
func (o *FireOptions) stateHeaders(burst runner.Request) (http.Header, error) {
	if len(o.AfterHeaders) > 0 {
		return parseHeaders("--after-header", o.AfterHeaders)
	}
	h := burst.Header.Clone()
	h.Del("Content-Type")
	h.Del("Content-Length")
	return h, nil
}
