package cmd

import (
	"cmp"
	"context"
	"fmt"
	"slices"

	"github.com/spf13/cobra"

	"github.com/racetest/racetest/report"
)

// MergeOptions holds the flags of `racetest merge`.
type MergeOptions struct {
	App   *App
	Files []string
	OutputOptions
}

func newCmdMerge(app *App, runF func(*MergeOptions) error) *cobra.Command {
	o := &MergeOptions{App: app}
	cmd := &cobra.Command{
		Use:   "merge [flags] FILE.json...",
		Short: "Combine saved JSON results into one report and one exit code",
		Long: `Merge reads results saved with '-o json' (the shares of 'racetest run --shard',
or any runs), and writes one report of all their scenarios, as text on
stdout or -o json, and into --junit and --html files, without touching the
network. Use - to read one of them from standard input.

The exit code is the gravest of the saved ones: 130, then 2, 4, 3, 1, 0. A
found race is never hidden by a pass, and a share that did not run or could
not be judged never reads as a pass. When the results are shares of one
--shard run, every share 1/N to N/N must be given exactly once, or merge
exits 2 naming the missing one: a machine that died leaves no result, and
its scenarios must not silently drop out of the verdict.`,
		Example: `  racetest run --shard 1/2 -o json examples/*.yaml > a.json   # machine 1
  racetest run --shard 2/2 -o json examples/*.yaml > b.json   # machine 2
  racetest merge a.json b.json --junit racetest.xml --html racetest.html`,
		Args:              minArgs(1, "FILE"),
		ValidArgsFunction: completeFiles("json"),
		RunE: func(c *cobra.Command, args []string) error {
			o.Files = args
			if runF != nil {
				return runF(o)
			}
			return mergeRun(c.Context(), o)
		},
	}
	o.OutputOptions.addFlags(cmd.Flags())
	return cmd
}

// saved is one result read back, with where it came from.
type saved struct {
	file string
	doc  *report.Document
}

func mergeRun(ctx context.Context, o *MergeOptions) error {
	if err := o.validate(); err != nil {
		return err
	}
	if n := count(o.Files, "-"); n > 1 {
		return usageErrorf("- is given %d times; standard input can be read once", n)
	}
	docs := make([]saved, len(o.Files))
	for i, f := range o.Files {
		doc, err := readSaved(ctx, o.App, f)
		if err != nil {
			return err
		}
		docs[i] = saved{f, doc}
	}
	if err := checkShards(docs); err != nil {
		return err
	}
	merged, code, first := mergeDocs(docs)
	if err := o.write(o.App, merged); err != nil {
		return err
	}
	return outcome(code, first)
}

// mergeDocs is one document of all the runs, shares in order, and the
// gravest exit code with the error line that goes with it.
func mergeDocs(docs []saved) (*report.Document, ExitCode, error) {
	slices.SortStableFunc(docs, func(a, b saved) int { return cmp.Compare(shardIndex(a.doc), shardIndex(b.doc)) })
	merged := report.NewDocument("racetest " + Version)
	merged.Started = docs[0].doc.Started
	worst, first := ExitOK, error(nil)
	for _, d := range docs {
		merged.Runs = append(merged.Runs, d.doc.Runs...)
		merged.Interrupted = merged.Interrupted || d.doc.Interrupted
		if d.doc.Started.Before(merged.Started) {
			merged.Started = d.doc.Started
		}
		code, err := savedCode(d.doc)
		if worse(worst, code) != worst {
			worst = code
			first = err
			if err == nil {
				first = fmt.Errorf("the run saved in %s ended with exit code %d", d.file, code)
			}
		}
	}
	c := int(worst)
	merged.ExitCode = &c
	return merged, worst, first
}

// checkShards makes sure that results of a --shard run are every share
// of one list, each once.
func checkShards(docs []saved) error {
	var want *report.Shard
	seen := map[int]string{}
	for _, d := range docs {
		sh := d.doc.Shard
		if sh == nil {
			continue
		}
		if want == nil {
			want = sh
		}
		if sh.Count != want.Count || sh.Files != want.Files {
			return usageErrorf("%s is share %d/%d of %d files, but %s is share %d/%d of %d files: merge the shares of one run",
				d.file, sh.Index, sh.Count, sh.Files, seen[want.Index], want.Index, want.Count, want.Files)
		}
		if prev, ok := seen[sh.Index]; ok {
			return usageErrorf("%s and %s are both share %d/%d: give each share once", prev, d.file, sh.Index, sh.Count)
		}
		seen[sh.Index] = d.file
	}
	if want == nil {
		return nil
	}
	for i := 1; i <= want.Count; i++ {
		if _, ok := seen[i]; !ok {
			return usageErrorf("share %d/%d is missing: give the JSON result of every share (a machine that failed left none, and its scenarios would drop out of the verdict)", i, want.Count)
		}
	}
	return nil
}

// shardIndex orders results: anything that is no share first, then the
// shares by index.
func shardIndex(d *report.Document) int {
	if d.Shard == nil {
		return 0
	}
	return d.Shard.Index
}

// count is how many of ss are s.
func count(ss []string, s string) int {
	n := 0
	for _, x := range ss {
		if x == s {
			n++
		}
	}
	return n
}
