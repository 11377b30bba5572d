package cmd

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/spf13/cobra"

	"github.com/racetest/racetest/report"
	"github.com/racetest/racetest/runner"
	"github.com/racetest/racetest/scenarios"
)

// ImportOptions holds the flags of `racetest import`.
type ImportOptions struct {
	App         *App
	Kind, File  string
	Target      string
	Entry       int
	Match       string
	N           int
	ShowSecrets bool
}

func newCmdImport(app *App, runF func(context.Context, *ImportOptions) error) *cobra.Command {
	o := &ImportOptions{App: app}
	cmd := &cobra.Command{
		Use:   "import curl|raw|har FILE",
		Short: "Turn a copied curl command, a raw request or a HAR entry into a scenario",
		Long: `Import prints the scenario that races the request in FILE (- for standard
input): a curl command as Chrome's or Firefox's "Copy as cURL" writes it, an
HTTP/1.1 request saved as text (Burp's "Copy to file"; give --target), or one
entry of a HAR file (--entry N or --match REGEX; neither for a file of one).

Secrets are not written into the file: the Authorization, Cookie and other
credential headers, Basic credentials and tokens in the URL's query become
${RACETEST_...} references, and stderr lists the variables to export. The
check it writes, at most one success, is a starting point: edit it to say what
must hold when the requests arrive together.`,
		Example: `  racetest import curl request.sh > race.yaml
  export RACETEST_AUTHORIZATION='Bearer ...'
  racetest validate race.yaml && racetest run race.yaml

  racetest import raw request.txt --target https://127.0.0.1:8443 > race.yaml
  racetest import har session.har --match 'POST .*/redeem' > race.yaml`,
		Args: func(c *cobra.Command, args []string) error {
			switch {
			case len(args) == 1:
				return usageErrorf("%s %s needs FILE, the file that holds the request (- for standard input)", c.CommandPath(), args[0])
			case len(args) != 2:
				return usageErrorf("%s takes the kind (curl, raw or har) and FILE, such as import curl request.sh; got %d arguments", c.CommandPath(), len(args))
			}
			return nil
		},
		// The kind first, then the file (any extension: copies are often
		// .txt or have none).
		ValidArgsFunction: func(_ *cobra.Command, args []string, _ string) ([]string, cobra.ShellCompDirective) {
			if len(args) == 0 {
				return []string{"curl", "raw", "har"}, cobra.ShellCompDirectiveNoFileComp
			}
			if len(args) == 1 {
				return nil, cobra.ShellCompDirectiveDefault
			}
			return nil, cobra.ShellCompDirectiveNoFileComp
		},
		RunE: func(c *cobra.Command, args []string) error {
			o.Kind, o.File = args[0], args[1]
			if runF != nil {
				return runF(c.Context(), o)
			}
			return importRun(c.Context(), o)
		},
	}
	f := cmd.Flags()
	f.SortFlags = false
	f.StringVar(&o.Target, "target", "", "with raw: the `URL` to send the request to (scheme, host, port)")
	f.IntVar(&o.Entry, "entry", 0, "with har: the `N`th request of the file, counting from 1")
	f.StringVar(&o.Match, "match", "", "with har: the one request whose 'METHOD URL' matches this `REGEX`")
	f.IntVarP(&o.N, "n", "n", defaultN, "race.n of the scenario: requests in the burst")
	f.BoolVar(&o.ShowSecrets, "show-secrets", false, "print the secrets' values in the export lines on stderr")
	return cmd
}

// importRun reads the request the way fire does and writes its scenario.
func importRun(ctx context.Context, o *ImportOptions) error {
	fo := &FireOptions{App: o.App, Import: ImportFlags{command: true}}
	switch o.Kind {
	case "curl":
		fo.Import.Curl = o.File
	case "raw":
		fo.Import.Raw, fo.Import.Target = o.File, o.Target
	case "har":
		fo.Import.HAR, fo.Import.Entry, fo.Import.Match = o.File, o.Entry, o.Match
	default:
		return usageErrorf("import %q: the kind is curl, raw or har", o.Kind)
	}
	if o.Kind != "raw" && o.Target != "" {
		return usageErrorf("--target goes with import raw, whose request it says where to send")
	}
	if o.Kind != "har" && (o.Entry != 0 || o.Match != "") {
		return usageErrorf("--entry and --match go with import har, whose entries they choose from")
	}
	if err := scenarios.CheckN(o.N, false); err != nil {
		return usageErrorf("--n %d: %w", o.N, err)
	}
	if err := fo.complete(ctx); err != nil {
		return err
	}
	req, err := fo.request(ctx)
	if err == nil {
		// The scenario would race in single-packet mode as fire does.
		err = fo.checkHTTP2Scheme(req.URL)
	}
	if err != nil {
		return fo.curl.locate(err)
	}
	yaml, secrets, err := importScenario(req, fo, o.N)
	if err != nil {
		return fo.curl.locate(err)
	}
	if _, err := fmt.Fprint(o.App.Stdout, yaml); err != nil {
		return err
	}
	writeExports(o.App, secrets, o.ShowSecrets)
	for _, n := range importNotes(fo) {
		fmt.Fprintf(o.App.Stderr, "note: %s\n", n)
	}
	return nil
}

// importScenario writes req as a scenario whose secrets are ${ENV}
// references, and returns those.
func importScenario(req runner.Request, fo *FireOptions, n int) (string, []secret, error) {
	if !utf8.Valid(req.Body) {
		return "", nil, binaryBodyError(fo)
	}
	refs := newSecretRefs(false)
	lit, err := refs.literal(req)
	if err != nil {
		return "", nil, err
	}
	target := scenarios.Origin(req.URL)
	var b strings.Builder
	b.WriteString("# Written by racetest import. Edit the check: what must hold when the\n")
	b.WriteString("# requests arrive together?\n")
	b.WriteString("version: 1\n")
	fmt.Fprintf(&b, "name: %s\n", strconv.Quote(req.Method+" "+report.RedactURL(scenarios.RelativeURL(req.URL, target), false)))
	fmt.Fprintf(&b, "target: %s\n", strconv.Quote(target))
	b.WriteString("race:\n")
	fmt.Fprintf(&b, "  n: %d\n", n)
	if m := fo.sync().Mode; m != "" && m != runner.ModeAuto {
		fmt.Fprintf(&b, "  mode: %s\n", m)
	}
	if fo.H2C {
		b.WriteString("  h2c: true\n")
	}
	if fo.Timeout > 0 {
		fmt.Fprintf(&b, "  timeout: %s\n", fo.Timeout)
	}
	b.WriteString("  request:\n")
	scenarios.WriteRequest(&b, "    ", lit, target, headerNames(fo.Headers))
	b.WriteString("  expect:\n")
	b.WriteString("    - count(status >= 200 && status < 300) <= 1\n")
	return b.String(), refs.list, nil
}

// binaryBodyError says which option made the body binary and what to do:
// a scenario's body is a YAML string, which holds text only, so the
// request is raced with fire, which sends the file's bytes as they are.
func binaryBodyError(fo *FireOptions) error {
	kind, file, extra := "curl", fo.Import.Curl, ""
	switch {
	case fo.Import.Raw != "":
		kind, file, extra = "raw", fo.Import.Raw, " --target "+fo.Import.Target
	case fo.Import.HAR != "":
		kind, file = "har", fo.Import.HAR
	}
	where := fo.binary
	if where == "" {
		// A raw or HAR request's body, or a curl option's literal.
		where = fo.Import.flag(kind) + " " + inputName(file) + ": the request body"
	}
	return usageErrorf("%s is binary (not UTF-8), and a scenario's body is text; race the request with racetest fire --%s %s%s, which sends the bytes as they are, or give a text body (for a form, upload a text file)",
		where, kind, file, extra)
}

// shellQuote quotes s for a POSIX shell.
func shellQuote(s string) string {
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

// importNotes says which flags of the captured request a scenario file
// cannot hold, and how to give them to racetest run.
func importNotes(fo *FireOptions) []string {
	var out []string
	if fo.Insecure {
		out = append(out, "the command skips certificate checks: run it with racetest run -k")
	}
	if fo.CACert != "" {
		out = append(out, "the command trusts "+fo.CACert+": run it with racetest run --cacert "+fo.CACert)
	}
	if fo.Proxy != "" {
		// Named without its credentials, which stay on the command line.
		px := report.RedactURL(fo.Proxy, false)
		if u, err := runner.ParseProxy(fo.Proxy); err == nil {
			px = runner.ProxyName(u)
		}
		out = append(out, "the command goes through the proxy "+px+": run it with racetest run -x (its credentials are not printed)")
	}
	if fo.Cert != "" {
		file, _, _ := splitCertArg(fo.Cert)
		out = append(out, "the command sends the client certificate "+file+": run it with racetest run -E "+file+" (and --key, --pass as needed; passwords are not printed)")
	}
	if fo.Location {
		out = append(out, "the command follows redirects: run it with racetest run -L")
	}
	if fo.Compressed {
		out = append(out, "--compressed is left out: the scenario asks for uncompressed responses, which checks read as they are")
	}
	return out
}
