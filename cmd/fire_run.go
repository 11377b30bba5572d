package cmd

import (
	"context"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"fmt"
	"net/http"
	"os"
	"slices"
	"strings"
	"time"

	"github.com/spf13/pflag"

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
	if after != nil {
		// The state is read the way the burst was sent: same trust, same
		// redirects.
		after.opts.RootCAs = plan.RootCAs
		after.opts.FollowRedirects, after.opts.MaxRedirects = plan.FollowRedirects, plan.MaxRedirects
	}
	doc := newDocument()
	run := report.Run{
		Name:   "fire " + plan.Requests[0].Method + " " + report.RedactURL(o.URL, o.ShowSecrets),
		Target: report.RedactURL(o.URL, o.ShowSecrets), Mode: o.Mode, N: o.N,
	}
	var runErr error
	bar := o.progress(o.App, o.Rounds, "rounds")
	defer finish(bar)
	for round := 1; round <= o.Rounds && runErr == nil; round++ {
		if round > 1 {
			step(bar)
		}
		var rd *report.Round
		rd, runErr = o.fireRound(ctx, plan, checks, after, round)
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
func (o *FireOptions) fireRound(ctx context.Context, plan runner.Plan, checks []*scenarios.Check, after *afterCheck, round int) (*report.Round, error) {
	b, err := runner.Run(ctx, plan)
	if err != nil {
		return nil, burstError(ctx, err)
	}
	if err := unreachable(b); err != nil {
		return nil, runtimeError(err)
	}
	env := scenarios.NewBurstEnv(b, nil, nil, round)
	judged := report.Judge(checks, env, report.ScopeBurst)
	var afterErr error
	if after != nil {
		var ac []report.Check
		ac, afterErr = after.judge(ctx, round, o.ShowSecrets)
		judged = append(judged, ac...)
	}
	rd := report.NewRound(round, b, plan.Requests, judged, o.ShowSecrets)
	if ctx.Err() != nil {
		// The signal may have come after the release: the round is shown,
		// and judged only if it was complete.
		unjudgeInterrupted(&rd)
		return &rd, errInterrupted
	}
	return &rd, afterErr
}

// interruptedNote marks a round that an interrupt cut short.
const interruptedNote = "interrupted during this round: the responses that came back are shown, the checks were not judged"

// unjudgeInterrupted takes the checks off a round whose requests an
// interrupt cancelled, and says so in its notes: what came back is shown,
// but cancelled requests say nothing about the race, and a check such as
// count(status == 200) <= 1 would pass on them. It reports whether the
// round was cut short.
func unjudgeInterrupted(rd *report.Round) bool {
	for _, q := range rd.Requests {
		if q.ErrorKind == string(runner.KindCanceled) {
			rd.Checks = nil
			rd.Notes = append(slices.Clip(rd.Notes), interruptedNote)
			return true
		}
	}
	return false
}

// interruptedError is the report's error of a run of total rounds that a
// signal stopped after rounds were collected.
func interruptedError(rounds []report.Round, total int) string {
	k := len(rounds) + 1
	if n := len(rounds); n > 0 && slices.Contains(rounds[n-1].Notes, interruptedNote) {
		k = n
	}
	return fmt.Sprintf("interrupted in round %d of %d", min(k, total), total)
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
	var fe *runner.FileLimitError
	if errors.As(err, &fe) {
		return runtimeError(fileLimitError(fe, "--n"))
	}
	return runtimeError(err)
}

// fileLimitError says in one line that the open-file limit is too low for
// the burst and how to raise it; lower names what sets the burst size.
// Go raises the soft limit to the hard one at start-up, so by now the
// hard limit is what has to go up.
func fileLimitError(fe *runner.FileLimitError, lower string) error {
	if fe.System {
		return fmt.Errorf("the system's open-file table is full: %d of %d requests could not open a connection; close other programs, raise fs.file-max, or lower %s: %w",
			fe.Failed, fe.Requests, lower, fe.Err)
	}
	limit := "the open-file limit"
	if fe.Soft > 0 {
		limit = fmt.Sprintf("the open-file limit (%d)", fe.Soft)
	}
	// A connection per request, and some room for everything else.
	need := (fe.Requests + 100 + 999) / 1000 * 1000
	return fmt.Errorf("%s is too low for a burst of %d: %d requests could not open a connection; raise it with 'ulimit -n %d' in the shell that runs racetest (past the hard limit only root can), or lower %s",
		limit, fe.Requests, fe.Failed, need, lower)
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
		hint = tlsHint
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
	p.Options = runner.Options{
		Mode: runner.Mode(o.Mode), Timeout: o.Timeout, Insecure: o.Insecure,
		Warmup: o.Warmup, WarmupURL: o.WarmupURL, ArrivalHeader: o.Arrival,
		Hold: holdOf(o.Hold), H2C: o.H2C,
	}
	if err := o.NetOptions.apply(&p.Options); err != nil {
		return p, nil, err
	}
	return p, checks, nil
}

func (o *FireOptions) validateNumbers() error {
	if err := o.OutputOptions.validate(); err != nil {
		return err
	}
	switch {
	case scenarios.CheckN(o.N, o.AllowLarge) != nil:
		return usageErrorf("--n %d: %w", o.N, scenarios.CheckN(o.N, o.AllowLarge))
	case o.Rounds <= 0:
		return usageErrorf("--rounds %d: run at least one round", o.Rounds)
	case o.Timeout <= 0:
		return usageErrorf("--timeout %s: the timeout must be positive", o.Timeout)
	case o.Warmup < 0:
		return usageErrorf("--warmup %d: cannot be negative", o.Warmup)
	case o.Hold != "" && o.Hold != "auto" && o.Hold != string(runner.HoldHeaders) && o.Hold != string(runner.HoldLastByte):
		return usageErrorf("--hold %q: choose auto, headers or last-byte", o.Hold)
	}
	for _, m := range runner.Modes() {
		if string(m) == o.Mode {
			return nil
		}
	}
	return usageErrorf("--mode %q: choose one of %s", o.Mode, modeList())
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

// tlsHint is what to do about a certificate racetest does not trust.
const tlsHint = "use -k to skip certificate verification, or --cacert FILE to trust the CA that signed it"

// NetOptions are the TLS and redirect flags that fire and run share.
type NetOptions struct {
	CACert    string // PEM file of the CAs to trust instead of the system's
	Location  bool   // follow redirects, as curl -L
	MaxRedirs int
}

func (o *NetOptions) addFlags(f *pflag.FlagSet) {
	f.StringVar(&o.CACert, "cacert", "", "trust the CA certificates in this PEM `FILE` instead of the system's, as curl --cacert")
	f.BoolVarP(&o.Location, "location", "L", false, "follow redirects as curl -L (a burst's once it is collected); checks see the final responses")
	// The default is left to the runner, so that the zero value of the
	// options means the same as no flag.
	f.IntVar(&o.MaxRedirs, "max-redirs", 0, fmt.Sprintf("with --location, follow at most `N` redirects per request (default %d); more is a 'redirect' error", runner.DefaultMaxRedirects))
}

// apply checks the flags and sets what they say on ro.
func (o *NetOptions) apply(ro *runner.Options) error {
	switch {
	case o.MaxRedirs < 0:
		return usageErrorf("--max-redirs %d: cannot be negative; to follow no redirect, leave out --location", o.MaxRedirs)
	case o.MaxRedirs > 0 && !o.Location:
		return usageErrorf("--max-redirs %d needs --location: without it no redirect is followed", o.MaxRedirs)
	}
	ro.FollowRedirects, ro.MaxRedirects = o.Location, o.MaxRedirs
	if o.CACert == "" {
		return nil
	}
	pool, err := loadCACert(o.CACert)
	if err != nil {
		return usageErrorf("--cacert %s: %w", o.CACert, err)
	}
	ro.RootCAs = pool
	return nil
}

// loadCACert reads every certificate of a PEM file into a pool. Unlike
// x509.CertPool.AppendCertsFromPEM it says which certificate is broken
// instead of skipping it.
func loadCACert(path string) (*x509.CertPool, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("cannot read the file: %w", unwrapPathError(err))
	}
	pool := x509.NewCertPool()
	n := 0
	for rest := data; ; {
		var block *pem.Block
		if block, rest = pem.Decode(rest); block == nil {
			break
		}
		if block.Type != "CERTIFICATE" {
			continue
		}
		n++
		c, err := x509.ParseCertificate(block.Bytes)
		if err != nil {
			return nil, fmt.Errorf("certificate %d: %w", n, err)
		}
		pool.AddCert(c)
	}
	if n == 0 {
		return nil, errors.New("no PEM certificate in the file; give the CA certificate as PEM (-----BEGIN CERTIFICATE-----)")
	}
	return pool, nil
}
