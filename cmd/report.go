package cmd

import (
	"bytes"
	"context"
	"errors"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/racetest/racetest/internal/readfile"
	"github.com/racetest/racetest/report"
)

// ReportOptions holds the flags of `racetest report`.
type ReportOptions struct {
	App  *App
	File string
	OutputOptions
}

func newCmdReport(app *App, runF func(context.Context, *ReportOptions) error) *cobra.Command {
	o := &ReportOptions{App: app}
	cmd := &cobra.Command{
		Use:   "report [flags] FILE.json",
		Short: "Re-render a saved JSON result as text, HTML or JUnit",
		Long: `Report reads a result saved with '-o json' and renders it again, without
touching the network: as text on stdout, or into --html and --junit files.
Use - to read standard input. Secrets were masked when the result was saved
(unless it was saved with --show-secrets).`,
		Example: `  racetest fire -n 30 -o json URL > result.json
  racetest report result.json
  racetest report result.json --html burst.html --junit racetest.xml`,
		Args:              exactArgs(1, "FILE"),
		ValidArgsFunction: completeFiles("json"),
		RunE: func(c *cobra.Command, args []string) error {
			o.File = args[0]
			if runF != nil {
				return runF(c.Context(), o)
			}
			return reportRun(c.Context(), o)
		},
	}
	o.OutputOptions.addFlags(cmd.Flags())
	return cmd
}

func reportRun(ctx context.Context, o *ReportOptions) error {
	if err := o.validate(); err != nil {
		return err
	}
	doc, err := readSaved(ctx, o.App, o.File)
	if err != nil {
		return err
	}
	if err := o.write(o.App, doc); err != nil {
		return err
	}
	return outcome(savedCode(doc))
}

// maxSavedSize bounds a saved result read back: the largest a run writes
// (10,000 requests with 64 KiB of body each) fits, and /dev/zero or an
// endless pipe stops there instead of filling memory.
const maxSavedSize = 1 << 30

// readSaved reads a result saved with -o json from path, or from standard
// input when path is -, bounded and cancellable.
func readSaved(ctx context.Context, app *App, path string) (*report.Document, error) {
	var data []byte
	var err error
	if path == "-" {
		data, err = readfile.All(ctx, app.Stdin, maxSavedSize)
	} else {
		data, err = readfile.File(ctx, path, maxSavedSize)
	}
	var tl *readfile.TooLargeError
	switch {
	case errors.As(err, &tl):
		return nil, usageErrorf("%s: over the limit of %d MiB for a saved result; is it one written by racetest -o json?", path, maxSavedSize>>20)
	case ctx.Err() != nil:
		return nil, ctx.Err()
	case err != nil:
		return nil, usageErrorf("%s: cannot read the file: %v", path, unwrapPathError(err))
	}
	doc, err := report.ReadJSON(bytes.NewReader(data))
	if err != nil {
		return nil, usageErrorf("%s: %v (save results with racetest fire or run -o json)", path, err)
	}
	return doc, nil
}

// savedCode is the exit code of a saved run, as it was when it ran, and
// the first error a run recorded. Documents from before exit_code was
// saved fall back to what the runs say: an error is 3, a failed check 1.
func savedCode(doc *report.Document) (ExitCode, error) {
	code := ExitOK
	var first error
	for i := range doc.Runs {
		r := &doc.Runs[i]
		if r.Error != "" && first == nil {
			first = errors.New(r.Name + ": " + r.Error)
			code = worse(code, ExitRuntime)
		}
		if r.FailedRounds() > 0 {
			code = worse(code, ExitCheckFailed)
		}
	}
	if doc.ExitCode != nil {
		code = ExitCode(*doc.ExitCode)
	}
	return code, first
}

// outcome is the error that makes Execute exit with code, saying first
// (or, lacking it, the code) on stderr; a found race says nothing more
// than the report.
func outcome(code ExitCode, first error) error {
	switch {
	case code == ExitOK:
		return nil
	case code == ExitCheckFailed:
		return errChecksFailed
	case first == nil:
		first = fmt.Errorf("the saved run ended with exit code %d", code)
	}
	return &codedError{code: code, err: first}
}
