package cmd

import (
	"context"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
)

// FireOptions holds the flags of `racetest fire`. fire turns them into a
// scenario (fireScenario) and runs it like any other.
type FireOptions struct {
	App *App

	URL string
	RequestFlags
	// Import is --curl, --raw or --har: where the request comes from
	// instead of the URL argument and the request flags.
	Import ImportFlags
	// flags is the command's flag set, into which --curl adds the
	// options of the copied command.
	flags *pflag.FlagSet
	// binary names the body option that first put bytes that are not
	// UTF-8 into the body (-F "f=@file", --data-binary @file), for
	// racetest import, whose scenario body is text.
	binary string
	// curl is where the options of a --curl file are, for messages.
	curl       *curlFile
	N          int
	AllowLarge bool // lets N go past scenarios.DefaultMaxN
	RoundsOptions
	Expect       []string
	ExpectStatus []string
	// After is a URL fetched with GET after every round, and ExpectAfter
	// the checks judged on its response: the state the race left behind.
	After        string
	AfterHeaders []string
	ExpectAfter  []string
	// Values are --values NAME=FILE: per-request values.
	Values []string
	SendOptions
	StartAtOptions
	OutputOptions
}

// Defaults of fire.
const (
	defaultN      = 20
	defaultRounds = 1
)

func newCmdFire(app *App, runF func(context.Context, *FireOptions) error) *cobra.Command {
	o := &FireOptions{App: app}
	cmd := &cobra.Command{
		Use:   "fire [flags] URL | --curl FILE | --raw FILE --target URL | --har FILE --entry N",
		Short: "Send N requests at once and check what came back",
		Long: `Fire sends N copies of one request so that they reach the server together,
repeats that for --rounds, and judges each round with --expect checks.

Checks are expressions (github.com/expr-lang/expr) over the burst:
  count(status == 200) == 1            exactly one 200
  all(responses, .status in [200, 409])
  count(status == 200) <= 1 && count(error != "") == 0
They are compiled before anything is sent; a typo exits 2.

--after URL fetches the state the race left behind after every round, and
--expect-after judges that one response: json.stock >= 0.

A race is probabilistic. More than one round reports the hit rate with its
95% Wilson interval; --until-found stops at the first round that finds a
race, and --confidence C fires until a race is found or until one that a
round catches at least --min-rate of the time would have shown with
probability C (exit 4 when --max-rounds ran out first).`,
		Example: `  # The classic: 30 identical POSTs, exactly one may succeed.
  racetest fire --n 30 -X POST -H 'Authorization: Bearer u1' \
    --json '{"type":"investment_complete"}' --expect-status 200=1 \
    http://127.0.0.1:8080/missions/naive/complete

  # Stock never negative: read the product after every round.
  racetest fire -n 30 --rounds 3 -X POST http://127.0.0.1:8080/products/1/buy/naive \
    --after http://127.0.0.1:8080/products/1 --expect-after 'json.stock >= 0'

  # Until confident: stop at the first race, or once 9 rounds without one
  # rule out (95%) a race that a round catches 30% of the time or more.
  racetest fire -n 30 --confidence 0.95 -X POST http://127.0.0.1:8080/products/1/buy/atomic \
    --after /products/1 --expect-after 'json.stock >= 0'

  # Body from a file, five rounds, JSON report for a script.
  racetest fire -n 20 --rounds 5 -X POST -d @order.json -o json URL

  # Ten users at once: request i sends line i of tokens.txt.
  racetest fire -n 10 --values tok=tokens.txt -H 'Authorization: Bearer {{ values.tok }}' \
    -X POST --json '{"type":"investment_complete"}' http://127.0.0.1:8080/missions/unique/complete

  # The same upload twenty times at once, as curl -F; -v shows it as sent.
  racetest fire -v -F 'avatar=@me.png' -F 'user=u1' --expect-status 200=1 http://127.0.0.1:8080/upload

  # Through a proxy, with a client certificate, as curl -x and -E.
  racetest fire -x http://127.0.0.1:3128 -E client.pem --key client-key.pem https://api.example/redeem

  # A request copied from the browser ("Copy as cURL"), pasted on stdin.
  racetest fire -n 30 --expect-status 200=1 --curl - < request.sh

  # A request saved by Burp, sent to a local copy of the site.
  racetest fire --raw request.txt --target https://127.0.0.1:8443

  # The POST to /complete among the requests of a HAR export.
  racetest fire --har session.har --match 'POST .*/complete'

  # HTTP/2 server that runs 6 streams of a connection at a time (Apache):
  # 30 streams over 5 connections, released back to back.
  racetest fire -n 30 --mode single-packet --connections 5 -X POST -d @order.json https://HOST/path`,
		Args:              requestArg("URL", "the URL to send to"),
		ValidArgsFunction: completeNothing,
		RunE: func(c *cobra.Command, args []string) error {
			if len(args) == 1 {
				o.URL = args[0]
			}
			if runF != nil {
				return runF(c.Context(), o)
			}
			return fireRun(c.Context(), o)
		},
	}
	f := cmd.Flags()
	f.SortFlags = false
	o.flags = f
	f.IntVarP(&o.N, "n", "n", defaultN, "number of simultaneous requests in a burst")
	f.BoolVar(&o.AllowLarge, "allow-large", false, allowLargeHelp("--n"))
	o.addRoundsFlags(f, defaultRounds, "number of bursts; checks are judged per round")
	o.addRequestFlags(f)
	addValuesFlag(f, &o.Values)
	o.Import.addFlags(f, true)
	addCurlNoOps(f)
	f.StringArrayVar(&o.Expect, "expect", nil, "check expression judged on every round (repeatable)")
	f.StringArrayVar(&o.ExpectStatus, "expect-status", nil, "shorthand: STATUS=COUNT, e.g. 200=1 (repeatable)")
	f.StringVar(&o.After, "after", "", "URL to GET after every round, judged with --expect-after (may be a path on the target)")
	f.StringArrayVar(&o.AfterHeaders, "after-header", nil, "header of the --after request (repeatable; default: the --header values)")
	f.StringArrayVar(&o.ExpectAfter, "expect-after", nil, "check on the --after response, e.g. 'json.stock >= 0' (repeatable)")
	o.SendOptions.addFlags(f, false)
	o.StartAtOptions.addFlags(f)
	o.OutputOptions.addFlags(f)
	return cmd
}

// fireRun runs the scenario the flags describe and writes its report.
func fireRun(ctx context.Context, o *FireOptions) error {
	s, ro, err := o.scenario(ctx)
	if err != nil {
		return o.curl.locate(err)
	}
	return runScenarios(ctx, o.App, &o.OutputOptions, []scenarioRun{o.startRun(o.App, s, ro)})
}

// requestArg takes the one argument that names the request (what: URL,
// or URL or FILE), which --curl, --raw and --har replace (complete checks
// that not both are given); needs says what is missing without either.
func requestArg(what, needs string) cobra.PositionalArgs {
	return func(c *cobra.Command, args []string) error {
		switch {
		case len(args) > 1 && (args[0] == "curl" || args[0] == "curl.exe"):
			// A copied command with the racetest command typed before
			// curl rather than in its place.
			return usageErrorf("%s takes the %s, not a curl command: replace curl with %s, or save the command to a file and give --curl FILE", c.CommandPath(), what, c.CommandPath())
		case len(args) > 1:
			return usageErrorf("%s takes one %s argument, got %d; quote a URL with & or spaces in it", c.CommandPath(), what, len(args))
		}
		if len(args) == 0 && !c.Flags().Changed("curl") && !c.Flags().Changed("raw") && !c.Flags().Changed("har") {
			return usageErrorf("%s needs %s, or the request from --curl, --raw or --har", c.CommandPath(), needs)
		}
		return nil
	}
}

// exactArgs is cobra.ExactArgs with a message that names what is missing.
func exactArgs(n int, what string) cobra.PositionalArgs {
	return func(c *cobra.Command, args []string) error {
		if len(args) != n {
			return usageErrorf("%s takes exactly %d %s argument, got %d", c.CommandPath(), n, what, len(args))
		}
		return nil
	}
}
