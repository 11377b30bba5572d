package cmd

import (
	"context"
	"fmt"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/spf13/cobra"

	"github.com/racetest/racetest/expressions"
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
entry of a HAR file (--entry N or --match REGEX).

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
			if len(args) != 2 {
				return usageErrorf("%s takes the kind (curl, raw or har) and FILE, got %d arguments", c.CommandPath(), len(args))
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
	if err != nil {
		return err
	}
	yaml, secrets, err := importScenario(req, fo, o.N)
	if err != nil {
		return err
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

// secret is a value kept out of the scenario: the variable that holds it
// and what it is.
type secret struct{ env, what, value string }

// importScenario writes req as a scenario whose secrets are ${ENV}
// references, and returns those.
func importScenario(req runner.Request, fo *FireOptions, n int) (string, []secret, error) {
	if !utf8.Valid(req.Body) {
		return "", nil, usageErrorf("the request body is binary (not UTF-8), which a scenario file cannot hold; race it with racetest fire instead")
	}
	lit := scenarios.EscapeRequest(req)
	var secrets []secret
	used := map[string]bool{}
	take := func(name, what, value string) string {
		env := envName(name, used)
		secrets = append(secrets, secret{env, what, value})
		return "${" + env + "}"
	}
	names := make([]string, 0, len(req.Header))
	for name := range req.Header {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		if report.IsSecretHeader(name) || report.IsSecretParam(name) {
			lit.Header[name] = []string{take(name, "the "+name+" header", strings.Join(req.Header[name], ", "))}
		}
	}
	u, err := url.Parse(req.URL)
	if err != nil {
		return "", nil, err
	}
	if q := secretQuery(u, take); q != "" {
		target := scenarios.Origin(req.URL)
		lit.URL = expressions.EscapeTemplate(target+u.EscapedPath()) + "?" + q
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
	scenarios.WriteRequest(&b, "    ", lit, target)
	b.WriteString("  expect:\n")
	b.WriteString("    - count(status >= 200 && status < 300) <= 1\n")
	return b.String(), secrets, nil
}

// secretQuery replaces the secret-looking parameters of u's query with
// references, keeping the order and encoding of the rest; "" when there
// are none.
func secretQuery(u *url.URL, take func(name, what, value string) string) string {
	if u.RawQuery == "" {
		return ""
	}
	changed := false
	parts := strings.Split(u.RawQuery, "&")
	for i, p := range parts {
		k, v, _ := strings.Cut(p, "=")
		name, err := url.QueryUnescape(k)
		if err != nil || !report.IsSecretParam(name) {
			parts[i] = expressions.EscapeTemplate(p)
			continue
		}
		parts[i] = expressions.EscapeTemplate(k) + "=" + take("query_"+name, "the "+name+" query parameter (as in the URL, percent-encoded)", v)
		changed = true
	}
	if !changed {
		return ""
	}
	return strings.Join(parts, "&")
}

// envName is RACETEST_ and name in upper case with _ for the rest,
// numbered when it is taken.
func envName(name string, used map[string]bool) string {
	var b strings.Builder
	b.WriteString("RACETEST_")
	for _, r := range strings.ToUpper(name) {
		if r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' {
			b.WriteRune(r)
		} else {
			b.WriteByte('_')
		}
	}
	env := b.String()
	for i := 2; used[env]; i++ {
		env = fmt.Sprintf("%s_%d", b.String(), i)
	}
	used[env] = true
	return env
}

// writeExports names the variables on stderr, with their values only
// with --show-secrets.
func writeExports(app *App, secrets []secret, show bool) {
	if len(secrets) == 0 {
		return
	}
	fmt.Fprintln(app.Stderr, "# The scenario reads these secrets from the environment; set them before racetest run:")
	for _, s := range secrets {
		v := "..."
		if show {
			v = shellQuote(s.value)
		}
		fmt.Fprintf(app.Stderr, "export %s=%s   # %s\n", s.env, v, s.what)
	}
	if !show {
		fmt.Fprintln(app.Stderr, "# (racetest import --show-secrets prints the values)")
	}
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
	if fo.Location {
		out = append(out, "the command follows redirects: run it with racetest run -L")
	}
	if fo.Compressed {
		out = append(out, "--compressed is left out: the scenario asks for uncompressed responses, which checks read as they are")
	}
	return out
}
