package cmd

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"

	"github.com/spf13/cobra"

	"github.com/racetest/racetest/probe"
	"github.com/racetest/racetest/report"
	"github.com/racetest/racetest/runner"
)

// ProbeOptions holds the flags of `racetest probe`. The request flags,
// --n and the send and output flags are fire's, bound to the embedded
// FireOptions and turned into a request by the same code.
type ProbeOptions struct {
	FireOptions
	// Reset is 'METHOD URL' or 'URL' (POST), sent before every phase.
	Reset []string
	// AfterURLs are read with GET after every phase: the state.
	AfterURLs []string
	Emit      string // file for the scenario with the suggested checks
	// scenario holds the options of a scenario file given instead of
	// the URL.
	scenario scenarioFlags
}

func newCmdProbe(app *App, runF func(context.Context, *ProbeOptions) error) *cobra.Command {
	o := &ProbeOptions{FireOptions: FireOptions{App: app}}
	cmd := &cobra.Command{
		Use:   "probe [flags] URL | FILE | --curl FILE | --raw FILE --target URL | --har FILE --entry N",
		Short: "Find a race without writing a check: compare sequential and parallel",
		Long: `Probe sends the same N requests one after another (twice), then all at once
(--rounds times), each time from the state --reset restores, and compares:
  outcomes    the responses of the burst are not those of N in a row
  new-class   a status, body structure or message never seen in a row
  state       what --after reads differs from the state after N in a row
  duplicate   two successes share an id that was unique in a row
  lost-update a counter (version, balance) never reached its final value
Fields that differ between the two sequential phases (dates, ids, tokens)
are masked. It prints the checks it would write; --emit writes a scenario.

A scenario FILE instead of the URL (with --target, --var and --values as
for run): its race.request is the request and race.n the N, its setup
steps the reset and its after steps the reads.

--curl, --raw and --har take the request from a copied curl command, a
raw HTTP request or a HAR entry, as racetest fire does; --values gives
each request, sequential or parallel, its own value.

Exit 1 when a race was found, 0 when none was within --rounds, 4 when the
phases could not be compared (the reset did not restore the state).`,
		Example: `  racetest probe -n 20 -X POST -H 'Authorization: Bearer u1' \
    --json '{"type":"investment_complete"}' --reset /reset \
    http://127.0.0.1:8080/missions/naive/complete

  racetest probe -n 20 -X POST --json '{"amount":100}' --reset /reset \
    --after /accounts/a --emit deposit.yaml http://127.0.0.1:8080/accounts/a/deposit/naive

  # Until a race shows, or until 95% sure none that a round catches 30% of
  # the time is there.
  racetest probe -n 20 --confidence 0.95 -X POST -H 'Authorization: Bearer u1' \
    --json '{"type":"investment_complete"}' --reset /reset http://127.0.0.1:8080/missions/coin/complete

  # A request copied from the browser ("Copy as cURL").
  racetest probe -n 20 --reset /reset --curl request.sh

  # Ten users: request i of each phase sends line i of tokens.txt (masked
  # in the report; --emit writes no token).
  racetest probe -n 10 --reset /reset --values tok=tokens.txt \
    -H 'Authorization: Bearer {{ values.tok }}' -X POST --json '{"type":"x"}' \
    http://127.0.0.1:8080/missions/unique/complete

  # A request saved by Burp, sent to a local copy of the site.
  racetest probe --raw request.txt --target http://127.0.0.1:8080 --reset /reset

  # A scenario file: its setup resets, its after steps read the state.
  racetest probe --target http://127.0.0.1:8080 --emit checked.yaml examples/mission-reward-vulnerable.yaml`,
		Args: requestArg("URL or FILE", "the URL to send to, a scenario FILE"),
		RunE: func(c *cobra.Command, args []string) error {
			if len(args) == 1 {
				o.URL = args[0]
			}
			if runF != nil {
				return runF(c.Context(), o)
			}
			return probeRun(c.Context(), o)
		},
	}
	f := cmd.Flags()
	f.SortFlags = false
	o.flags = f
	f.IntVarP(&o.N, "n", "n", defaultN, "number of requests in each phase")
	f.BoolVar(&o.AllowLarge, "allow-large", false, allowLargeHelp("--n"))
	o.addRoundsFlags(f, probe.DefaultRounds, "parallel rounds")
	o.addRequestFlags(f)
	addValuesFlag(f, &o.Values)
	o.Import.addFlags(f, false)
	addCurlNoOps(f)
	f.StringArrayVar(&o.Reset, "reset", nil, "'METHOD URL' that restores the starting state before every phase (repeatable; POST when no method; may be a path on the target)")
	f.StringArrayVar(&o.AfterURLs, "after", nil, "URL to GET after every phase, whose JSON is compared (repeatable; may be a path on the target)")
	f.StringArrayVar(&o.AfterHeaders, "after-header", nil, "header of the --after requests (repeatable; default: the --header values)")
	o.addScenarioFlags(f)
	f.StringVar(&o.Emit, "emit", "", "write a scenario with the suggested checks to this file, for racetest run")
	o.SendOptions.addFlags(f, false)
	f.StringVarP(&o.Output, "output", "o", "text", "report format on stdout: text or json")
	f.BoolVarP(&o.Quiet, "quiet", "q", false, "accepted for symmetry with fire; probe shows no progress bars")
	f.BoolVar(&o.ShowSecrets, "show-secrets", false, "print Authorization, cookies and URL tokens unmasked")
	return cmd
}

// probeRun probes and writes the verdict; the error carries the exit code.
func probeRun(ctx context.Context, o *ProbeOptions) error {
	cfg, err := o.config(ctx)
	if err != nil {
		return o.curl.locate(err)
	}
	v, err := probe.Run(ctx, cfg)
	if err != nil {
		// The hints fire and run give: a certificate not trusted is not
		// a target that is down.
		err = withHint(err)
		if v != nil && !o.ShowSecrets {
			// The message may quote a request, and so a value, as sent.
			err = &codedError{code: exitCode(err), err: errors.New(probeScrubber(v).Scrub(err.Error()))}
		}
		return err
	}
	code := ExitOK
	switch v.Outcome {
	case probe.RaceFound:
		code = ExitCheckFailed
	case probe.Inconclusive:
		code = ExitInconclusive
	}
	if err := o.write(v, code); err != nil {
		return err
	}
	switch code {
	case ExitCheckFailed:
		return errChecksFailed
	case ExitInconclusive:
		if v.Incomplete != nil {
			// The message racetest run gives, with a hint per cause.
			err := incompleteError(v.Incomplete)
			if !o.ShowSecrets {
				err = &codedError{code: code, err: errors.New(probeScrubber(v).Scrub(err.Error()))}
			}
			return err
		}
		msg := "probe inconclusive: " + v.Reason
		if v.Complete > 0 {
			msg += "; " + unsureHint
		}
		return &codedError{code: code, err: errors.New(msg)}
	}
	return nil
}

// probeScrubber masks what the probe sent wherever a response echoes it,
// as fire's and run's reports do: the credentials of its requests (the
// burst, the resets and the reads) and the per-request values.
func probeScrubber(v *probe.Verdict) *report.Scrubber {
	sc := report.NewScrubber(nil)
	sc.AddSecrets(v.Secrets)
	if c := v.Config; c != nil {
		sc.AddRequests([]runner.Request{c.Request})
		sc.AddRequests(c.Reset)
		sc.AddRequests(c.After)
	}
	return sc
}

// write renders the verdict on stdout and writes --emit; secrets are
// masked as in every report unless --show-secrets.
func (o *ProbeOptions) write(v *probe.Verdict, code ExitCode) error {
	sc := probeScrubber(v)
	to := probe.TextOptions{Redact: func(s string) string {
		if o.ShowSecrets {
			return s
		}
		return sc.Scrub(report.Redact(s, false))
	}}
	var err error
	if o.Output == "json" {
		err = probe.WriteJSON(o.App.Stdout, v, "racetest "+Version, int(code), to)
	} else {
		err = probe.WriteText(o.App.Stdout, v, to)
	}
	errs := []error{outputWriteError(err)}
	if o.Emit != "" && v.Outcome != probe.Inconclusive {
		// Credentials become ${RACETEST_...} references, as racetest
		// import writes them: the file is one people commit.
		refs := newSecretRefs(true)
		em := probe.EmitOptions{Literal: refs.literal}
		if err := writeFileAtomic(o.Emit, func(w io.Writer) error { return probe.WriteScenario(w, v, em) }); err != nil {
			errs = append(errs, fmt.Errorf("--emit %s: %w", o.Emit, err))
		} else {
			writeExports(o.App, refs.list, o.ShowSecrets)
		}
	}
	return firstError(errs)
}

// parseReset reads one --reset: 'METHOD URL' or 'URL', POST by default.
func parseReset(v string) (method, u string, err error) {
	fields := strings.Fields(v)
	switch len(fields) {
	case 1:
		return http.MethodPost, fields[0], nil
	case 2:
		m := strings.ToUpper(fields[0])
		if strings.IndexFunc(m, func(r rune) bool { return r < 'A' || r > 'Z' }) >= 0 {
			return "", "", usageErrorf("--reset %q: %q is not a method; write 'METHOD URL', e.g. 'POST /reset'", v, fields[0])
		}
		return m, fields[1], nil
	}
	return "", "", usageErrorf("--reset %q: write 'METHOD URL' or 'URL', e.g. 'POST /reset'", v)
}
