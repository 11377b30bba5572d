package cmd

import (
	"context"
	"errors"
	"io"
	"regexp"
	"strings"
	"unicode/utf8"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/racetest/racetest/capture"
	"github.com/racetest/racetest/expressions"
	"github.com/racetest/racetest/internal/readfile"
	"github.com/racetest/racetest/runner"
	"github.com/racetest/racetest/scenarios"
)

// ImportFlags say where a request captured elsewhere comes from: a copied
// curl command (--curl), a raw HTTP request (--raw with --target) or one
// entry of a HAR file (--har with --entry or --match).
type ImportFlags struct {
	Curl   string
	Raw    string
	Target string
	HAR    string
	Entry  int
	Match  string
	// command is set for racetest import, whose messages name the kind
	// argument (import curl) where fire's name the flag (--curl).
	command bool
}

// flag is how messages name the import of kind: --curl, or import curl.
func (o *ImportFlags) flag(kind string) string {
	if o.command {
		return "import " + kind
	}
	return "--" + kind
}

// rawTargetHelp is the help of --target for --raw.
const rawTargetHelp = "with --raw: the `URL` to send it to (scheme, host, port); the file's Host header is sent as it is"

// maxCaptureSize bounds a --har file. A HAR holds the responses too, so
// a page's export is often tens of MiB.
const maxCaptureSize = 256 << 20

// maxRequestFileSize bounds a --curl or --raw file, which holds one
// request: its body (at most scenarios.MaxBodySize) and its head.
const maxRequestFileSize = scenarios.MaxBodySize + 1<<20

// maxMatchSize bounds --match. Go's regexp runs in time linear in the
// text, but also in the pattern's size: a 20 KB pattern over the entries
// of a large HAR file took minutes.
const maxMatchSize = 1024

// addFlags binds --curl, --raw, --har, --entry and --match, and --target
// when withTarget (probe binds its own, which also names a scenario
// file's target, and copies it for --raw).
func (o *ImportFlags) addFlags(f *pflag.FlagSet, withTarget bool) {
	f.StringVar(&o.Curl, "curl", "", "race the request of a copied curl command in `FILE` (- for standard input): Chrome's or Firefox's \"Copy as cURL\", bash or cmd")
	f.StringVar(&o.Raw, "raw", "", "race the HTTP/1.1 request saved as text in `FILE` (Burp's \"Copy to file\"; - for standard input); needs --target")
	if withTarget {
		f.StringVar(&o.Target, "target", "", rawTargetHelp)
	}
	f.StringVar(&o.HAR, "har", "", "race one request of the HAR `FILE` a browser exported (- for standard input); with --entry or --match, unless it holds one request")
	f.IntVar(&o.Entry, "entry", 0, "with --har: the `N`th request of the file, counting from 1")
	f.StringVar(&o.Match, "match", "", "with --har: the one request whose 'METHOD URL' matches this `REGEX`")
}

// source names the import flag given, or "" for none; more than one is
// an error.
func (o *ImportFlags) source() (string, error) {
	var given []string
	for _, f := range []struct{ name, v string }{{"--curl", o.Curl}, {"--raw", o.Raw}, {"--har", o.HAR}} {
		if f.v != "" {
			given = append(given, f.name)
		}
	}
	switch {
	case len(given) > 1:
		return "", usageErrorf("%s each give the request; use one", strings.Join(given, " and "))
	case o.Target != "" && o.Raw == "":
		return "", usageErrorf("--target goes with --raw FILE, whose request it says where to send")
	case (o.Entry != 0 || o.Match != "") && o.HAR == "":
		return "", usageErrorf("--entry and --match go with --har FILE, whose entries they choose from")
	case len(given) == 0:
		return "", nil
	}
	return given[0], nil
}

// complete reads --curl, --raw or --har into the request flags, checking
// that the URL argument is not given too. A copied curl command's options
// are parsed by the same flag definitions fire has (addCurlFlags) and
// added to the command line's: repeatable flags add up, and for the
// others the command line wins. A raw or HAR request becomes the same
// flags (URL, -X, -H, --data-raw), so that one path builds the request.
func (o *FireOptions) complete(ctx context.Context) error {
	src, err := o.Import.source()
	if err != nil || src == "" {
		return err
	}
	if o.URL != "" {
		return usageErrorf("the URL argument and %s both name the request; give one", src)
	}
	switch src {
	case "--curl":
		return o.completeCurl(ctx)
	case "--raw":
		name := inputName(o.Import.Raw)
		if o.Import.Target == "" {
			return usageErrorf("%s %s needs --target URL: a raw request names no scheme or port", o.Import.flag("raw"), name)
		}
		// Checked as every URL is, so that the message names --target
		// and says how to fix it; one with no host (https://:8443) takes
		// the file's Host header, which capture.Raw reads.
		if !strings.Contains(o.Import.Target, "://:") {
			if _, err := parseTargetURL("--target", o.Import.Target); err != nil {
				return err
			}
		}
		data, err := readCapture(ctx, o.Import.flag("raw"), o.Import.Raw, o.App)
		if err != nil {
			return err
		}
		req, err := capture.Raw(data, o.Import.Target)
		if err != nil {
			return captureError(o.Import.flag("raw"), name, err)
		}
		return o.useCaptured(o.Import.flag("raw")+" "+name, req)
	}
	return o.completeHAR(ctx)
}

func (o *FireOptions) completeHAR(ctx context.Context) error {
	var re *regexp.Regexp
	switch {
	case o.Import.Entry != 0 && o.Import.Match != "":
		return usageErrorf("--entry and --match both choose the HAR entry; give one")
	case o.Import.Match != "":
		var err error
		if len(o.Import.Match) > maxMatchSize {
			return usageErrorf("--match: the pattern is %d bytes, more than the %d a METHOD URL pattern needs; match a part of the URL", len(o.Import.Match), maxMatchSize)
		}
		if re, err = regexp.Compile(o.Import.Match); err != nil {
			return usageErrorf("--match %q: %v", o.Import.Match, err)
		}
	}
	data, err := readCapture(ctx, o.Import.flag("har"), o.Import.HAR, o.App)
	if err != nil {
		return err
	}
	req, err := readfile.Cancellable(ctx, func() (capture.Request, error) {
		return capture.HAR(data, o.Import.Entry, re)
	})
	switch {
	case err != nil && ctx.Err() != nil:
		return ctx.Err()
	case err != nil:
		return captureError(o.Import.flag("har"), inputName(o.Import.HAR), err)
	}
	return o.useCaptured(o.Import.flag("har")+" "+inputName(o.Import.HAR), req)
}

// useCaptured turns a captured request into the request flags. The
// command line's -X and -H still apply: -X wins, and -H adds.
func (o *FireOptions) useCaptured(src string, req capture.Request) error {
	o.URL = req.URL
	if o.Method == "" {
		o.Method = req.Method
	}
	if len(o.Body) > 0 || o.JSON != "" {
		return usageErrorf("%s gives the body; leave out -d and --json", src)
	}
	var hs []string
	for _, name := range scenarios.HeaderOrder(req.Header, req.Names) {
		if name == "Accept-Encoding" {
			// The browser asked for compressed responses and decoded
			// them: racetest does the same, with the codings it decodes.
			o.Compressed = true
			continue
		}
		for _, v := range req.Header[name] {
			// Checked here so that the message names the file, not -H.
			if err := runner.CheckHeader(name, v); err != nil {
				return usageErrorf("%s: %w", src, err)
			}
			if i := expressions.InvalidUTF8(v); i >= 0 {
				return usageErrorf("%s: header %q: the value is not UTF-8 (byte 0x%02X at column %d); save the request as UTF-8", src, name, v[i], utf8.RuneCountInString(v[:i])+1)
			}
			if v == "" {
				hs = append(hs, name+";")
			} else {
				hs = append(hs, name+": "+v)
			}
		}
	}
	o.Headers = append(hs, o.Headers...)
	if req.Body != nil {
		o.Body = []bodyPart{{"--data-raw", string(req.Body)}}
		if req.Header.Get("Content-Type") == "" {
			// The captured request had no Content-Type: send none.
			o.Headers = append(o.Headers, "Content-Type:")
		}
	}
	return nil
}

// completeCurl parses the copied command with fire's curl flags, noting
// where each option is in the file (o.curl) for the errors found when the
// request is built.
func (o *FireOptions) completeCurl(ctx context.Context) error {
	file := o.Import.Curl
	data, err := readCapture(ctx, o.Import.flag("curl"), file, o.App)
	if err != nil {
		return err
	}
	name := inputName(file)
	args, err := capture.CurlArgs(string(data))
	if err != nil {
		return captureError(o.Import.flag("curl"), name, err)
	}
	copied := &FireOptions{App: o.App}
	fs := pflag.NewFlagSet("curl", pflag.ContinueOnError)
	fs.SetOutput(io.Discard)
	copied.addCurlFlags(fs)
	o.curl = newCurlFile(o.Import.flag("curl") + " " + name)
	if err := o.curl.parse(fs, args[1:]); err != nil {
		return err
	}
	switch fs.NArg() {
	case 0:
		return usageErrorf("%s: the command has no URL", o.curl.where)
	case 1:
		o.URL = fs.Arg(0)
	default:
		return usageErrorf("%s: the command has %d URLs (%s); racetest races one request", o.curl.where, fs.NArg(), strings.Join(fs.Args(), ", "))
	}
	to := o.flagSet()
	fs.Visit(func(f *pflag.Flag) {
		if t := to.Lookup(f.Name); t != nil && t.Changed {
			o.curl.cmdline[f.Name] = true
		}
	})
	return mergeFlags(fs, to)
}

// curlOptionError words a copied option racetest cannot honour.
func curlOptionError(where string, err error) error {
	var ne *pflag.NotExistError
	if errors.As(err, &ne) {
		name := curlOption(err)
		switch {
		case name != "":
		case ne.GetSpecifiedShortnames() != "":
			name = "-" + ne.GetSpecifiedName()
		default:
			name = "--" + ne.GetSpecifiedName()
		}
		return usageErrorf("%s: %s", where, unsupportedCurl(name))
	}
	return usageErrorf("%s: %w", where, flagError(err))
}

// unsupportedCurl says that a curl option is not one racetest takes, for
// a copied command and the command line alike.
func unsupportedCurl(name string) string {
	return "the curl option " + name + " is not one racetest supports; remove it from the command (racetest fire --help lists the curl options it takes)"
}

// curlFlagError words an unknown flag of fire or probe that is one of
// curl's, which a user who types curl's habits meets: "-T (--upload-file)
// is a curl option racetest does not support", instead of pflag's bare
// "unknown shorthand flag". Other errors are left to flagError.
func curlFlagError(c *cobra.Command, err error) error {
	// fire and probe read a request as curl does: only they bind
	// --data-urlencode.
	if c.Flags().Lookup("data-urlencode") == nil {
		return nil
	}
	if name := curlOption(err); name != "" {
		return usageErrorf("%s", unsupportedCurl(name))
	}
	return nil
}

// mergeFlags adds the flags set in from to the same flags of to: the
// values of a repeatable flag are appended, any other keeps the value
// to has from the command line, else takes from's.
func mergeFlags(from, to *pflag.FlagSet) error {
	var err error
	from.Visit(func(f *pflag.Flag) {
		t := to.Lookup(f.Name)
		if t == nil || err != nil {
			return
		}
		if sv, ok := f.Value.(pflag.SliceValue); ok {
			for _, v := range sv.GetSlice() {
				if err = t.Value.Set(v); err != nil {
					return
				}
			}
			t.Changed = true
			return
		}
		if !t.Changed {
			err = t.Value.Set(f.Value.String())
			t.Changed = true
		}
	})
	return err
}

// flagSet is the command's flag set, or for options built without cobra
// (in tests) a set bound to them with the curl flags.
func (o *FireOptions) flagSet() *pflag.FlagSet {
	if o.flags == nil {
		o.flags = pflag.NewFlagSet("fire", pflag.ContinueOnError)
		o.addCurlFlags(o.flags)
	}
	return o.flags
}

// readCapture reads a --curl, --raw or --har file, or standard input for -.
func readCapture(ctx context.Context, flag, path string, app *App) ([]byte, error) {
	var data []byte
	var err error
	limit := int64(maxRequestFileSize)
	if strings.HasSuffix(flag, "har") {
		limit = maxCaptureSize
	}
	if path == "-" {
		data, err = readfile.All(ctx, app.Stdin, limit)
	} else {
		data, err = readfile.File(ctx, path, limit)
	}
	if err != nil {
		return nil, fileReadError(ctx, flag, path, limit, err)
	}
	return data, nil
}

// inputName is how messages name the file path: "<stdin>" for -, which
// would read as a stray dash in "--raw -:1:1: ...".
func inputName(path string) string {
	if path == "-" {
		return "<stdin>"
	}
	return path
}

// fileReadError words a failure to read a file a flag names.
func fileReadError(ctx context.Context, flag, path string, limit int64, err error) error {
	var tl *readfile.TooLargeError
	switch {
	case ctx.Err() != nil:
		return ctx.Err()
	case errors.As(err, &tl):
		return usageErrorf("%s %s: the file is more than %s, the most racetest reads for it: is it the right file?", flag, inputName(path), scenarios.FormatBytes(limit))
	case path == "-":
		return usageErrorf("%s <stdin>: cannot read standard input: %v", flag, err)
	}
	return usageErrorf("%s %s: cannot read the file: %v", flag, path, unwrapPathError(err))
}

// captureError places a parser's error in the file a flag names:
// "--raw req.txt:2:1: ..." when it has a line, "--raw req.txt: ..." else.
func captureError(flag, file string, err error) error {
	var ce *capture.Error
	if errors.As(err, &ce) && ce.Line > 0 {
		return usageErrorf("%s %s:%w", flag, file, err)
	}
	return usageErrorf("%s %s: %w", flag, file, err)
}
