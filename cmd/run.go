package cmd

import (
	"context"
	"time"

	"github.com/spf13/cobra"
)

// RunOptions holds the flags of `racetest run`.
type RunOptions struct {
	App *App

	Files  []string
	Target string
	Vars   []string
	Values []string // --values NAME=FILE
	RoundsOptions
	// AllowLarge lets race.n go past scenarios.DefaultMaxN.
	AllowLarge bool
	// Shard is --shard I/N: run only share I of N of the files.
	Shard string
	SendOptions
	StartAtOptions
	OutputOptions
}

func newCmdRun(app *App, runF func(context.Context, *RunOptions) error) *cobra.Command {
	o := &RunOptions{App: app}
	cmd := &cobra.Command{
		Use:   "run [flags] FILE...",
		Short: "Run YAML race scenarios and judge them",
		Long: `Run loads every scenario file, compiles its expressions, and only when all of
them are valid runs them one after the other: per round the setup steps, the
race, its checks and the after steps; then the teardown. It prints a report
per scenario and a summary with the hit rate ("check failed in 4 of 5 rounds").

FILE may be a glob such as 'examples/*.yaml', expanded here for shells that
do not. The exit code is the worst over all scenarios: 1 when a check
failed, 3 when a scenario could not be judged, 2 when a file is invalid (and
then nothing is run at all).

The target of relative URLs is, in order: --target, RACETEST_TARGET, and
target: in the file. The format is in docs/scenarios.md.`,
		Example: `  racetest demo serve --addr 127.0.0.1:8080 &
  racetest run examples/*.yaml --target http://127.0.0.1:8080

  # More rounds for a hit rate, another user, a JSON report for a script.
  racetest run --rounds 10 --var user=qa-2 -o json examples/mission-reward-fixed.yaml

  # A race caught only sometimes: until found, or until 95% confident.
  racetest run --confidence 0.95 --min-rate 0.3 examples/rounds/mission-coin.yaml

  # Half of the files on each of two machines, then one verdict.
  racetest run --shard 1/2 -o json examples/*.yaml > a.json   # machine 1
  racetest run --shard 2/2 -o json examples/*.yaml > b.json   # machine 2
  racetest merge a.json b.json`,
		Args:              minArgs(1, "FILE"),
		ValidArgsFunction: completeFiles("yaml", "yml"),
		RunE: func(c *cobra.Command, args []string) error {
			o.Files = args
			if runF != nil {
				return runF(c.Context(), o)
			}
			return runFiles(c.Context(), o)
		},
	}
	f := cmd.Flags()
	f.SortFlags = false
	f.StringVar(&o.Target, "target", "", "base URL of relative request URLs (default $RACETEST_TARGET, then target: in the file)")
	f.StringArrayVar(&o.Vars, "var", nil, "override a var: NAME=VALUE (repeatable)")
	addValuesFlag(f, &o.Values)
	o.addRoundsFlags(f, 0, "override race.rounds of every scenario")
	o.SendOptions.addFlags(f, true)
	o.StartAtOptions.addFlags(f)
	f.BoolVar(&o.AllowLarge, "allow-large", false, allowLargeHelp("race.n"))
	f.StringVar(&o.Shard, "shard", "", "run only share `I/N` of the files (1/4 to 4/4), the same share for the same list on every machine; combine with racetest merge")
	o.OutputOptions.addFlags(f)
	return cmd
}

// validateFlags checks the flags that do not depend on the files.
func (o *RunOptions) validateFlags() error {
	if err := o.resolveRounds(); err != nil {
		return err
	}
	if o.Shard != "" {
		if _, err := parseShard(o.Shard); err != nil {
			return err
		}
	}
	if err := o.SendOptions.validate(); err != nil {
		return err
	}
	if err := o.StartAtOptions.parse(time.Now()); err != nil {
		return err
	}
	return o.OutputOptions.validate()
}

// minArgs is cobra.MinimumNArgs with a message that names what is missing.
func minArgs(n int, what string) cobra.PositionalArgs {
	return func(c *cobra.Command, args []string) error {
		if len(args) < n {
			return usageErrorf("%s needs at least %d %s argument", c.CommandPath(), n, what)
		}
		return nil
	}
}
