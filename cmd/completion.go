package cmd

import (
	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/racetest/racetest/runner"
)

// Shell completion. cobra provides `racetest completion bash|zsh|fish|
// powershell` and the hidden __complete command the scripts call; this
// file tells it what the values of flags and arguments are. Completion is
// attached by flag name, once for the whole tree, so that every command
// that has a --mode or a --junit completes it the same way, whoever added
// the flag.

// flagChoices are the flags whose value is one of a fixed list. The lists
// are the ones validation uses, so completion cannot offer a value that
// is then refused.
func flagChoices() map[string][]string {
	return map[string][]string{
		"mode":   names(runner.Modes()),
		"hold":   names(runner.Holds()),
		"output": outputFormats(),
		"color":  colorChoices(),
	}
}

// fileNameFlags are the flags whose value is a file name, read or written,
// and the extensions their files usually have (none: any file).
func fileNameFlags() map[string][]string {
	return map[string][]string{
		"junit": {"xml"}, "html": {"html", "htm"}, "emit": {"yaml", "yml"},
		"cacert": {"pem", "crt"}, "cert": {"pem", "crt"}, "key": {"pem", "key"},
		"har": {"har", "json"}, "curl": nil, "raw": nil,
	}
}

// names turns a list of named values into strings.
func names[S ~string](vs []S) []string {
	out := make([]string, len(vs))
	for i, v := range vs {
		out[i] = string(v)
	}
	return out
}

// addCompletions registers value completion for the flags of c and of
// every command under it.
func addCompletions(c *cobra.Command) {
	choices, files := flagChoices(), fileNameFlags()
	c.LocalFlags().VisitAll(func(f *pflag.Flag) {
		// Errors only say that a flag has its completion already: one
		// registered where the flag is defined wins.
		if list, ok := choices[f.Name]; ok {
			_ = c.RegisterFlagCompletionFunc(f.Name, func(*cobra.Command, []string, string) ([]string, cobra.ShellCompDirective) {
				return list, cobra.ShellCompDirectiveNoFileComp
			})
		} else if exts, ok := files[f.Name]; ok {
			_ = c.MarkFlagFilename(f.Name, exts...)
		}
	})
	for _, sub := range c.Commands() {
		addCompletions(sub)
	}
}

// completeFiles completes arguments with files ending in one of exts.
func completeFiles(exts ...string) cobra.CompletionFunc {
	return func(*cobra.Command, []string, string) ([]string, cobra.ShellCompDirective) {
		return exts, cobra.ShellCompDirectiveFilterFileExt
	}
}

// completeNothing is for arguments such as URLs, where file names would
// only be noise.
func completeNothing(*cobra.Command, []string, string) ([]string, cobra.ShellCompDirective) {
	return nil, cobra.ShellCompDirectiveNoFileComp
}
