package cmd

import (
	"context"
	"fmt"

	"github.com/spf13/cobra"
)

// ValidateOptions holds the arguments of `racetest validate`.
type ValidateOptions struct {
	App   *App
	Files []string
}

func newCmdValidate(app *App, runF func(context.Context, *ValidateOptions) error) *cobra.Command {
	o := &ValidateOptions{App: app}
	return &cobra.Command{
		Use:   "validate FILE...",
		Short: "Check scenario files without sending anything",
		Long: `Validate loads and compiles scenario files exactly as run does, and sends
nothing: unknown or misspelt fields, wrong types, missing fields, an
unsupported version, expressions that do not compile and undefined variables
are reported with file:line:column and the line with a caret under the spot.

It prints "ok FILE" for every valid file and every problem of every invalid
one, and exits 2 when any file is invalid. FILE may be a glob.`,
		Example: `  racetest validate examples/*.yaml

  # In CI, before the run:
  racetest validate scenarios/*.yaml && racetest run scenarios/*.yaml`,
		Args:              minArgs(1, "FILE"),
		ValidArgsFunction: completeFiles("yaml", "yml"),
		RunE: func(c *cobra.Command, args []string) error {
			o.Files = args
			if runF != nil {
				return runF(c.Context(), o)
			}
			return validateRun(c.Context(), o)
		},
	}
}

func validateRun(ctx context.Context, o *ValidateOptions) error {
	files, err := expandFiles(o.Files)
	if err != nil {
		return err
	}
	_, err = loadScenarios(ctx, o.App.Stderr, files, func(f string) {
		fmt.Fprintf(o.App.Stdout, "ok %s\n", f)
	})
	return err
}
