package cmd

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/racetest/racetest/report"
	"github.com/racetest/racetest/runner"
	"github.com/racetest/racetest/scenarios"
)

// scenarioRun is a scenario, the options to run it with and its session,
// started before anything is sent: Start checks the scenario once, and
// the run goes on from what it worked out.
type scenarioRun struct {
	s    *scenarios.Scenario
	opts scenarios.RunOptions
	ss   *scenarios.Session
	err  error // why the scenario cannot run with opts; ss is nil then
	p    *runProgress
}

// startRun hooks the progress of s into opts and starts its session.
// The bars appear only when the run begins: run checks every scenario
// before it runs the first.
func (o *OutputOptions) startRun(app *App, s *scenarios.Scenario, opts scenarios.RunOptions) scenarioRun {
	r := scenarioRun{s: s, opts: opts}
	r.p = o.newProgress(app, s, &r.opts)
	r.ss, r.err = s.Start(r.opts)
	return r
}

// run runs the started session, or says why it could not start.
func (r *scenarioRun) run(ctx context.Context) (*scenarios.Result, error) {
	if r.err != nil {
		return nil, r.err
	}
	return r.ss.Run(ctx)
}

// runScenarios is the one pipeline of fire, run and demo: it runs the
// scenarios in order, writes one report of them all and returns the worst
// outcome as an error for Execute. An interrupt stops it after the
// scenario it cut short.
func runScenarios(ctx context.Context, app *App, out *OutputOptions, runs []scenarioRun) error {
	doc := report.NewDocument("racetest " + Version)
	doc.Shard = out.shard
	worst, first := ExitOK, error(nil)
	for _, r := range runs {
		r.p.start()
		res, err := r.run(ctx)
		r.p.finish()
		if out.Verbose {
			writeSent(app, res, out.ShowSecrets)
		}
		code := exitCode(err)
		if err == nil && res.FailedRounds() > 0 {
			code = ExitCheckFailed
		}
		if res != nil {
			doc.Runs = append(doc.Runs, report.NewRun(res, withHint(err), out.ShowSecrets))
		}
		worst = worse(worst, code)
		if err != nil && first == nil {
			first = scenarioError(r.s, err)
			if res != nil && !out.ShowSecrets {
				// The line on stderr may quote what a step sent or got back.
				first = &codedError{code: code, err: errors.New(report.RunScrubber(res, false).Scrub(first.Error()))}
			}
		}
		if ctx.Err() != nil {
			break
		}
	}
	doc.Interrupted = ctx.Err() != nil
	if doc.Interrupted {
		worst = ExitInterrupted
	}
	code := int(worst)
	doc.ExitCode = &code
	if err := out.write(app, doc); err != nil {
		return err
	}
	switch worst {
	case ExitOK:
		return nil
	case ExitCheckFailed:
		return errChecksFailed
	case ExitInterrupted:
		return errInterrupted
	}
	return &codedError{code: worst, err: first}
}

// writeSent shows on stderr, before the report, the first request of the
// run's race as it was sent, as curl -v shows its request: so that a
// user who copied a curl command sees what racetest made of it.
func writeSent(app *App, res *scenarios.Result, show bool) {
	if res == nil || len(res.Rounds) == 0 || len(res.Rounds[0].Requests) == 0 {
		return
	}
	rd := &res.Rounds[0]
	report.WriteSent(app.Stderr, fmt.Sprintf("%s: round %d, request #0", res.Scenario.Name, rd.Number), rd.Requests[0], report.RunScrubber(res, show), show)
}

// scenarioError is the line stderr gets for a scenario that stopped: its
// file, if it has one, the error, and what to do where racetest knows it.
func scenarioError(s *scenarios.Scenario, err error) error {
	var fe *runner.FileLimitError
	if errors.As(err, &fe) {
		lower := "--n"
		if s.File != "" {
			lower = "race.n"
		}
		err = fileLimitError(fe, lower)
	}
	var (
		ie *scenarios.IncompleteError
		ue *scenarios.UnsureError
	)
	switch {
	case errors.As(err, &ie):
		err = incompleteError(ie)
	case errors.As(err, &ue):
		err = fmt.Errorf("inconclusive: %w; %s", err, unsureHint)
	default:
		err = withHint(err)
	}
	if s.File != "" {
		err = fmt.Errorf("%s: %w", s.File, err)
	}
	return err
}

// withHint adds to a connection error what to do about it, in the words
// of racetest's flags. The report's error field gets it as well as stderr:
// a reader of either should not have to look at the other to fix it.
func withHint(err error) error {
	var (
		pe *runner.ProxyError
		se *runner.SyncError
	)
	switch {
	case errors.Is(err, runner.ErrClientCertRequired):
		return fmt.Errorf("%w (pass the client certificate with --cert FILE and its key with --key FILE)", err)
	case errors.As(err, &pe):
		return fmt.Errorf("%w (is the proxy running, and does it allow CONNECT to that port? check -x/--proxy, --noproxy and the *_PROXY variables)", err)
	case runner.Classify(err) == runner.KindTLS:
		return fmt.Errorf("%w (%s)", err, tlsHint)
	case errors.Is(err, scenarios.ErrUnreachable):
		return fmt.Errorf("%w (is the target running?)", err)
	case errors.As(err, &se) && se.Instead != "":
		// The runner says which mode works; the flag is named here.
		hint := "use --mode " + string(se.Instead)
		if se.Or != "" {
			hint += " or " + se.Or
		}
		return fmt.Errorf("%w; %s", err, hint)
	}
	return err
}

// incompleteError says why no round could be judged, a line per cause
// with what to do about it.
func incompleteError(e *scenarios.IncompleteError) error {
	var b strings.Builder
	fmt.Fprintf(&b, "inconclusive: no round was complete (%d cut short); nothing was judged", e.Rounds)
	for _, c := range e.Causes {
		fmt.Fprintf(&b, "\n  %s\n    %s", c.String(), causeHint(c.Kind))
	}
	return &codedError{code: ExitInconclusive, err: errors.New(b.String())}
}

// unsureHint is what to do when --confidence ran out of rounds before
// enough of them were complete.
const unsureHint = "the report says why rounds were cut short: fix that, or raise --max-rounds"

// causeHint is what to do about requests that failed for a cause.
func causeHint(k runner.CauseKind) string {
	switch k {
	case runner.CauseTimeout:
		return "the server did not answer in time: is it hung? raise --timeout if it is only slow"
	case runner.CauseEarly:
		return "the server answered before the request was complete, so nothing was raced: it does not read the body (try --hold headers), or it is not the endpoint you meant"
	case runner.CauseGoAway:
		return "the server closed the connection before processing these streams (GOAWAY): lower --n below its per-connection request limit (nginx: keepalive_requests), or use --mode last-byte"
	case runner.CauseRefusedStream:
		return "the server refused these streams (its concurrent-stream limit): lower --n, or use --mode last-byte"
	case runner.CauseReset:
		return "the connection or stream was reset: the server or a proxy dropped the requests; check its limits and logs (last-byte and barrier open a connection per request: a listen backlog below --n, such as Python's http.server's 5 or Django's live server's 10, resets the rest; raise it, or use single-packet over HTTP/2)"
	case runner.CauseProtocol:
		return "the answer was not valid HTTP: is the URL's scheme right (http vs https), and is it an HTTP server?"
	case runner.CauseConnect:
		return "no connection could be made: is the target running, and can it take this many connections?"
	case runner.CauseNotReleased:
		return "the connection failed before the release (warm-up, HTTP/2 handshake or write): check the target's logs"
	}
	return "see the report for each request's error"
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
