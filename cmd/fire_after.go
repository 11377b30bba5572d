package cmd

import (
	"context"
	"fmt"
	"github.com/racetest/racetest/expressions"
	"net/http"
	"net/url"
	"strings"

	"github.com/racetest/racetest/report"
	"github.com/racetest/racetest/runner"
)

// afterCheck is fire's --after: one GET after every round, and the
// --expect-after checks judged on its response, so that "stock never
// negative" needs no scenario file.
type afterCheck struct {
	req    runner.Request
	opts   runner.Client
	checks []*expressions.Check
}

// afterPlan builds the --after request from the flags; nil without --after.
// burst is the request fire sends, whose headers the GET reuses unless
// --after-header is given: the state is usually behind the same login.
func (o *FireOptions) afterPlan(burst runner.Request) (*afterCheck, error) {
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
	u, err := o.afterURL()
	if err != nil {
		return nil, err
	}
	h := burst.Header.Clone()
	// The GET has no body, so the burst's body headers do not apply.
	h.Del("Content-Type")
	h.Del("Content-Length")
	if len(o.AfterHeaders) > 0 {
		if h, err = parseHeaders("--after-header", o.AfterHeaders); err != nil {
			return nil, err
		}
	}
	a := &afterCheck{
		req:  runner.Request{Method: http.MethodGet, URL: u, Header: h},
		opts: runner.Client{Timeout: o.Timeout, Insecure: o.Insecure, ArrivalHeader: o.Arrival},
	}
	for _, src := range o.ExpectAfter {
		c, err := expressions.CompileStepCheck(src)
		if err != nil {
			return nil, exprFlagError("--expect-after", err)
		}
		a.checks = append(a.checks, c)
	}
	return a, nil
}

// afterURL is --after, where a path such as /products/1 is taken on the
// fire URL's host; either way it is checked like any URL racetest sends to.
func (o *FireOptions) afterURL() (string, error) {
	after := o.After
	if strings.HasPrefix(after, "/") {
		base, err := url.Parse(o.URL) // checked before, as the fire URL
		if err != nil {
			return "", usageErrorf("--after %s: %v", o.After, err)
		}
		after = base.Scheme + "://" + base.Host + after
	}
	if _, err := parseTargetURL("--after", after); err != nil {
		return "", err
	}
	return after, nil
}

// judge sends the GET and judges its response for the given round. A
// failed request stops the run: the state after the race is unknown.
func (a *afterCheck) judge(ctx context.Context, round int, showSecrets bool) ([]report.Check, error) {
	r := runner.Do(ctx, a.req, a.opts)
	if r.Err != nil {
		if ctx.Err() != nil {
			return nil, errInterrupted
		}
		return nil, runtimeError(fmt.Errorf("--after GET %s: %w", report.RedactURL(a.req.URL, showSecrets), r.Err))
	}
	return report.Checks(expressions.Judge(a.checks, expressions.NewStepEnv(&r, nil, nil, round)), report.ScopeAfter), nil
}
