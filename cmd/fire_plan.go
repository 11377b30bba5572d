package cmd

import (
	"errors"
	"fmt"
	"github.com/racetest/racetest/expressions"
	"net/http"
	"slices"
	"strings"

	"github.com/racetest/racetest/runner"
	"github.com/racetest/racetest/scenarios"
)

// plan turns the flags into a runner plan and compiled checks, or a usage
// error that names the flag.
func (o *FireOptions) plan() (runner.Plan, []*expressions.Check, error) {
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
	if err := checkBurstBodies(o.N, req.Body); err != nil {
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
	p.Client = runner.Client{Timeout: o.Timeout, Insecure: o.Insecure, ArrivalHeader: o.Arrival, H2C: o.H2C}
	p.Sync = runner.Sync{Mode: runner.Mode(o.Mode), Warmup: o.Warmup, WarmupURL: o.WarmupURL, Hold: holdOf(o.Hold)}
	if err := o.NetOptions.apply(&p.Client); err != nil {
		return p, nil, err
	}
	return p, checks, nil
}

func (o *FireOptions) validateNumbers() error {
	if err := o.OutputOptions.validate(); err != nil {
		return err
	}
	if err := scenarios.CheckN(o.N, o.AllowLarge); err != nil {
		return usageErrorf("--n %d: %w", o.N, err)
	}
	switch {
	case o.Rounds <= 0:
		return usageErrorf("--rounds %d: run at least one round", o.Rounds)
	case o.Timeout <= 0:
		return usageErrorf("--timeout %s: the timeout must be positive", o.Timeout)
	case o.Warmup < 0:
		return usageErrorf("--warmup %d: cannot be negative", o.Warmup)
	case o.Hold != "" && o.Hold != "auto" && o.Hold != string(runner.HoldHeaders) && o.Hold != string(runner.HoldLastByte):
		return usageErrorf("--hold %q: choose auto, headers or last-byte", o.Hold)
	}
	return checkMode(o.Mode)
}

// checkMode checks a --mode value.
func checkMode(m string) error {
	if slices.Contains(runner.Modes(), runner.Mode(m)) {
		return nil
	}
	return usageErrorf("--mode %q: choose one of %s", m, modeList())
}

func modeList() string {
	s := make([]string, len(runner.Modes()))
	for i, m := range runner.Modes() {
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

// holdOf maps the --hold flag to the runner's hold; auto lets the engine
// pick its measured default.
func holdOf(s string) runner.Hold {
	if s == "auto" || s == "" {
		return runner.HoldAuto
	}
	return runner.Hold(s)
}
