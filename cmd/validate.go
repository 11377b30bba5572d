package cmd

import (
	"context"
	"fmt"
	"io"
	"strings"

	"github.com/spf13/cobra"

	"github.com/racetest/racetest/scenarios"
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
one, and exits 2 when any file is invalid. FILE may be a glob. A valid file
whose ${NAME} variables (as racetest import writes secrets) are not set now
is still ok, since the run's environment may set them; a note on stderr
names them.`,
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
	_, err = loadScenarios(ctx, o.App.Stderr, files, func(s *scenarios.Scenario) {
		fmt.Fprintf(o.App.Stdout, "ok %s\n", s.File)
		envNote(o.App.Stderr, s, o.App.Getenv)
	})
	return err
}

// envNote says, for a valid file, which environment variables a run of
// it needs and which are unset now. The file is still "ok": the
// environment of the run may well set them (a CI secret), but a file
// from racetest import needs its ${RACETEST_...} exported, and that is
// better learnt here than from the run.
func envNote(w io.Writer, s *scenarios.Scenario, getenv func(string) string) {
	unset := s.UnsetEnv(getenv)
	if len(unset) == 0 {
		return
	}
	fmt.Fprintf(w, "racetest: note: %s needs the environment variables %s; not set now: %s (export them before racetest run)\n",
		s.File, strings.Join(s.EnvNeeded(), ", "), strings.Join(unset, ", "))
}
