package cmd

import (
	"fmt"
	"io"
	"path/filepath"
	"slices"
	"strings"

	"github.com/schollz/progressbar/v3"
	"github.com/spf13/pflag"

	"github.com/racetest/racetest/report"
)

// OutputOptions are the report flags that fire and run share.
type OutputOptions struct {
	Output      string // text or json, on stdout
	JUnit       string // file for the JUnit XML report
	HTML        string // file for the HTML report
	Color       string // auto, always or never
	Quiet       bool   // no progress bars
	Verbose     bool
	ShowSecrets bool
	// shard is recorded in the document of a run --shard, for merge.
	shard *report.Shard
}

// outputFormats are the values of -o, for validation, help and completion.
func outputFormats() []string { return []string{"text", "json"} }

// checkOutputFormat refuses a -o value that is not a format. Since
// curl's -o names an output file, a value that looks like a path gets
// the way to save the report instead.
func checkOutputFormat(f string) error {
	switch {
	case slices.Contains(outputFormats(), f):
		return nil
	case strings.ContainsAny(f, "./\\"):
		return usageErrorf("--output %q: choose text or json; -o is the report format, not an output file as in curl: save the report with -o json > %s", f, f)
	}
	return usageErrorf("--output %q: choose text or json", f)
}

// colorChoices are the values of --color.
func colorChoices() []string { return []string{"auto", "always", "never"} }

func (o *OutputOptions) addFlags(f *pflag.FlagSet) {
	f.StringVarP(&o.Output, "output", "o", "text", "report format on stdout: text or json")
	f.StringVar(&o.JUnit, "junit", "", "also write a JUnit XML report to this file, for CI")
	f.StringVar(&o.HTML, "html", "", "also write a self-contained HTML report with a timeline to this file")
	f.StringVar(&o.Color, "color", "auto", "colour in the text report: auto, always or never (NO_COLOR is honoured)")
	f.BoolVarP(&o.Quiet, "quiet", "q", false, "no progress bars on stderr")
	f.BoolVarP(&o.Verbose, "verbose", "v", false, "list every request in the text report, and show on stderr the first request as sent (masked unless --show-secrets), as curl -v")
	f.BoolVar(&o.ShowSecrets, "show-secrets", false, "print Authorization, cookies, URL tokens and per-request values unmasked")
}

// validate checks the output flags before anything is sent, so that a typo
// in a file name does not cost a whole run.
func (o *OutputOptions) validate() error {
	if err := checkOutputFormat(o.Output); err != nil {
		return err
	}
	if !slices.Contains(colorChoices(), o.Color) {
		return usageErrorf("--color %q: choose auto, always or never", o.Color)
	}
	if o.JUnit != "" && o.HTML != "" && filepath.Clean(o.JUnit) == filepath.Clean(o.HTML) {
		return usageErrorf("--junit and --html both write %s; give each report its own file", o.JUnit)
	}
	for _, f := range []struct{ flag, path string }{{"--junit", o.JUnit}, {"--html", o.HTML}} {
		if f.path == "" {
			continue
		}
		if err := checkOutputPath(f.flag, f.path); err != nil {
			return err
		}
	}
	return nil
}

// write renders doc to stdout and to the requested files, and prints
// GitHub workflow annotations for failed checks when running in GitHub
// Actions.
func (o *OutputOptions) write(app *App, doc *report.Document) error {
	var err error
	if o.Output == "json" {
		err = report.WriteJSON(app.Stdout, doc)
	} else {
		err = report.WriteText(app.Stdout, doc, report.TextOptions{Color: o.useColor(app), Verbose: o.Verbose})
	}
	// A stdout that failed does not stop the files: they are what CI
	// keeps, and `racetest ... | head` is a reader that left early.
	errs := []error{outputWriteError(err)}
	if o.JUnit != "" {
		if err := writeFileAtomic(o.JUnit, func(w io.Writer) error { return report.WriteJUnit(w, doc) }); err != nil {
			errs = append(errs, fmt.Errorf("--junit %s: %w", o.JUnit, err))
		}
	}
	if o.HTML != "" {
		if err := writeFileAtomic(o.HTML, func(w io.Writer) error { return report.WriteHTML(w, doc) }); err != nil {
			errs = append(errs, fmt.Errorf("--html %s: %w", o.HTML, err))
		}
	}
	if app.Getenv("GITHUB_ACTIONS") == "true" {
		// The runner reads workflow commands from stderr as well as stdout;
		// stderr keeps them out of a JSON report that a script parses.
		errs = append(errs, outputWriteError(report.WriteGitHubAnnotations(app.Stderr, doc)))
	}
	return firstError(errs)
}

// firstError is the first error that is not nil: the one line printed.
func firstError(errs []error) error {
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	return nil
}

// useColor decides colour: --color always or never wins; auto means a
// terminal without NO_COLOR.
func (o *OutputOptions) useColor(app *App) bool {
	switch o.Color {
	case "always":
		return true
	case "never":
		return false
	}
	return app.StdoutTTY && app.Getenv("NO_COLOR") == ""
}

// progress returns a progress bar on stderr, or nil when there must be
// none: not a terminal, in CI, or --quiet. stdout stays clean for pipes.
func (o *OutputOptions) progress(app *App, total int, what string) *progressbar.ProgressBar {
	if o.Quiet || !app.StderrTTY || app.Getenv("CI") != "" || total <= 1 {
		return nil
	}
	return progressbar.NewOptions(total,
		progressbar.OptionSetWriter(app.Stderr),
		progressbar.OptionSetDescription(what),
		progressbar.OptionShowCount(),
		progressbar.OptionClearOnFinish(),
		progressbar.OptionSetWidth(30),
	)
}

// step advances a progress bar that may be nil.
func step(bar *progressbar.ProgressBar) {
	if bar != nil {
		_ = bar.Add(1)
	}
}

// finish clears a progress bar that may be nil, before the report is
// printed.
func finish(bar *progressbar.ProgressBar) {
	if bar != nil {
		_ = bar.Finish()
		_ = bar.Clear()
	}
}
