package cmd

import (
	"fmt"
	"os"
	"strconv"
	"strings"
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
	// --help shows the exit codes in the usage, which man pages lack.
	root.Long += "\n\n" + exitCodesHelp
	markdownLong(root)
	header := &doc.GenManHeader{Section: "1", Source: "racetest " + Version, Manual: "racetest manual", Date: &date}
	if err := doc.GenManTree(root, header, dir); err != nil {
		return fmt.Errorf("write the man pages to %s: %w", dir, err)
	}
	fmt.Fprintf(app.Stdout, "wrote the man pages to %s; read one with: man -l %s/racetest.1\n", dir, dir)
	return nil
}

// markdownLong turns the long help of c and the commands under it into
// the Markdown cobra/doc renders: runs of indented lines (expressions,
// lists of codes) become code blocks, which man shows line by line,
// instead of being run into the paragraph before them. It changes the
// tree it is given, which Execute builds anew for every invocation.
func markdownLong(c *cobra.Command) {
	var b strings.Builder
	block := false
	for _, line := range strings.Split(c.Long, "\n") {
		if indented := strings.HasPrefix(line, "  "); indented != block {
			if indented {
				b.WriteString("\n```\n")
			} else {
				b.WriteString("```\n\n")
			}
			block = indented
		}
		b.WriteString(line + "\n")
	}
	if block {
		b.WriteString("```\n")
	}
	c.Long = b.String()
	for _, sub := range c.Commands() {
		markdownLong(sub)
	}
}
