package cmd

import (
	"fmt"
	"os"
	"strconv"
	"time"

	"github.com/spf13/cobra"
	"github.com/spf13/cobra/doc"
)

// newCmdMan writes a man page per command. The pages are generated from
// the command tree itself (cobra/doc), so they say what --help says and
// cannot drift from the flags.
func newCmdMan(app *App) *cobra.Command {
	return &cobra.Command{
		Use:   "man DIR",
		Short: "Write man pages for every command into DIR",
		Long: `Man writes racetest.1, racetest-fire.1, racetest-run.1 and so on into DIR,
creating it if needed: one page per command, generated from the same
command tree as --help. Packagers set SOURCE_DATE_EPOCH for a reproducible
date in the pages.`,
		Example: `  racetest man ./man
  man -l ./man/racetest-fire.1
  sudo racetest man /usr/local/share/man/man1 && mandb`,
		Args: exactArgs(1, "DIR"),
		ValidArgsFunction: func(*cobra.Command, []string, string) ([]string, cobra.ShellCompDirective) {
			return nil, cobra.ShellCompDirectiveFilterDirs
		},
		RunE: func(c *cobra.Command, args []string) error {
			return manRun(app, c.Root(), args[0])
		},
	}
}

func manRun(app *App, root *cobra.Command, dir string) error {
	date := time.Now()
	if e := app.Getenv("SOURCE_DATE_EPOCH"); e != "" {
		sec, err := strconv.ParseInt(e, 10, 64)
		if err != nil {
			return usageErrorf("SOURCE_DATE_EPOCH %q: not a number of seconds since 1970", e)
		}
		date = time.Unix(sec, 0).UTC()
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return usageErrorf("%s: cannot create the folder: %v", dir, unwrapPathError(err))
	}
	header := &doc.GenManHeader{Section: "1", Source: "racetest " + Version, Manual: "racetest manual", Date: &date}
	if err := doc.GenManTree(root, header, dir); err != nil {
		return fmt.Errorf("write the man pages to %s: %w", dir, err)
	}
	fmt.Fprintf(app.Stdout, "wrote the man pages to %s; read one with: man -l %s/racetest.1\n", dir, dir)
	return nil
}
