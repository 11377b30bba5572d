// Package cmd is racetest's command-line interface: the cobra command tree,
// option parsing, and the mapping of outcomes to exit codes. Everything from
// the process edge (args, environment, stdio, terminal detection) comes in
// through App, so commands can be tested with buffers.
package cmd

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/spf13/cobra"

	"github.com/racetest/racetest/report"
	"golang.org/x/term"
)

// Version is set at build time with -ldflags "-X github.com/racetest/racetest/cmd.Version=v1.2.3".
var Version = "dev"

// App is the process edge: everything a command may take from the outside.
type App struct {
	Stdin          io.Reader
	Stdout, Stderr io.Writer
	Getenv         func(string) string
	// StdoutTTY and StderrTTY say whether the streams are terminals, for
	// colour and progress bars.
	StdoutTTY, StderrTTY bool
}

// NewSystemApp is the App of a real process.
func NewSystemApp() *App {
	return &App{
		Stdin: os.Stdin, Stdout: os.Stdout, Stderr: os.Stderr, Getenv: os.Getenv,
		StdoutTTY: term.IsTerminal(int(os.Stdout.Fd())),
		StderrTTY: term.IsTerminal(int(os.Stderr.Fd())),
	}
}

// Execute runs racetest with args and returns the process exit code. It
// prints an error once, as one line (plus a caret excerpt or a usage hint
// where that helps).
func Execute(ctx context.Context, app *App, args []string) int {
	root := newCmdRoot(app)
	root.SetArgs(args)
	root.SetIn(app.Stdin)
	root.SetOut(app.Stdout)
	root.SetErr(app.Stderr)
	// Whatever fails before a command starts (an unknown command, a bad
	// argument count) is a mistake on the command line.
	started := false
	root.PersistentPreRun = func(*cobra.Command, []string) { started = true }
	cmd, err := root.ExecuteContextC(ctx)
	var ue *usageError
	switch {
	case ctx.Err() != nil:
		err = errInterrupted
	case err != nil && !started && !errors.As(err, &ue):
		err = &usageError{err: err}
	}
	if err != nil && !errors.Is(err, errChecksFailed) {
		printError(app.Stderr, cmd, err)
	}
	return int(exitCode(err))
}

func printError(w io.Writer, cmd *cobra.Command, err error) {
	// Errors can quote request URLs; their tokens are masked here as in
	// every report (secret header values never reach error messages).
	msg := report.Redact(err.Error(), false)
	fmt.Fprintf(w, "racetest: %s\n", strings.TrimRight(msg, "\n"))
	var ue *usageError
	if errors.As(err, &ue) && cmd != nil {
		fmt.Fprintf(w, "Run '%s --help' for usage.\n", cmd.CommandPath())
	}
}

func newCmdRoot(app *App) *cobra.Command {
	root := &cobra.Command{
		Use:   "racetest",
		Short: "Find race conditions in HTTP APIs",
		Long: `racetest sends N requests so that they reach the server at the same instant,
then judges what came back: "exactly one 200", "stock never below zero".

Start with the built-in demo target:
  racetest demo`,
		Example: `  racetest fire --n 30 -X POST -H 'Authorization: Bearer u1' \
    --json '{"type":"investment_complete"}' --expect-status 200=1 \
    http://127.0.0.1:8080/missions/naive/complete`,
		Version:       Version,
		SilenceErrors: true,
		SilenceUsage:  true,
	}
	root.SetVersionTemplate("racetest {{.Version}}\n")
	root.SetUsageTemplate(root.UsageTemplate() + "\n" + exitCodesHelp + "\n")
	root.SetFlagErrorFunc(func(c *cobra.Command, err error) error {
		if cerr := curlFlagError(c, err); cerr != nil {
			return cerr
		}
		return flagError(didYouMean(c.Flags(), err))
	})
	root.AddCommand(
		newCmdFire(app, nil),
		newCmdProbe(app, nil),
		newCmdRun(app, nil),
		newCmdValidate(app, nil),
		newCmdImport(app, nil),
		newCmdDemo(app),
		newCmdReport(app, nil),
		newCmdMerge(app, nil),
		newCmdVersion(app),
		newCmdMan(app),
	)
	addCompletions(root)
	return root
}

func newCmdVersion(app *App) *cobra.Command {
	return &cobra.Command{
		Use:   "version",
		Short: "Print the version",
		Args:  cobra.NoArgs,
		RunE: func(*cobra.Command, []string) error {
			_, err := fmt.Fprintf(app.Stdout, "racetest %s\n", Version)
			return err
		},
	}
}
