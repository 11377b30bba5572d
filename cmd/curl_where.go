package cmd

import (
	"errors"
	"slices"
	"strconv"
	"strings"

	"github.com/racetest/racetest/capture"
	"github.com/spf13/pflag"
)

// curlFile is what racetest keeps of a --curl file to say where in it an
// option is, for the errors found while the file is parsed and for those
// found later, when the request is built from the merged flags (a header
// without a colon, a proxy of an unknown scheme), which name the flag and
// know nothing of the file.
type curlFile struct {
	where string // "--curl req.sh", "import curl <stdin>"
	// places holds, by flag name, where each option of the file is and
	// the value it gave, in the order of the file.
	places map[string][]curlPlace
	short  map[string]string // flag name -> shorthand
	// cmdline holds the flags the command line set too: a message about
	// one of them may be about the command line's value, not the file's.
	cmdline map[string]bool
}

// curlPlace is where one option of a --curl file starts.
type curlPlace struct {
	line, col int
	value     string
}

func newCurlFile(where string) *curlFile {
	return &curlFile{where: where, places: map[string][]curlPlace{}, short: map[string]string{}, cmdline: map[string]bool{}}
}

// at is where plus the place of args[i], as file:line:column.
func (c *curlFile) at(a capture.Arg) string {
	if a.Line == 0 {
		return c.where
	}
	return c.where + ":" + strconv.Itoa(a.Line) + ":" + strconv.Itoa(a.Col)
}

// parse parses a copied command's options (args without "curl") into fs
// and notes where each one is. pflag does not say which argument gave a
// flag, so the arguments are followed along as pflag reads them: a flag
// is in the first argument from next that names it, a value in the
// argument after is skipped, and a cluster of short flags (-sSk) is read
// letter by letter. An error is placed at the option it is about.
func (c *curlFile) parse(fs *pflag.FlagSet, args []capture.Arg) error {
	words := make([]string, len(args))
	for i, a := range args {
		words[i] = a.Value
	}
	next, off, failed := 0, 0, -1
	err := fs.ParseAll(words, func(f *pflag.Flag, value string) error {
		j, k := findFlagArg(words, next, off, f.Name, f.Shorthand)
		if j < 0 {
			return fs.Set(f.Name, value)
		}
		a := args[j]
		c.places[f.Name] = append(c.places[f.Name], curlPlace{a.Line, a.Col, value})
		c.short[f.Name] = f.Shorthand
		needsValue := f.NoOptDefVal == ""
		next, off = j+1, 0
		switch v := a.Value; {
		case k < 0: // --name or --name=value
			if needsValue && !strings.Contains(v, "=") {
				next++
			}
		case k+1 < len(v) && (needsValue || v[k+1] == '='): // -Hvalue, -k=true
		case k+1 == len(v): // the last of the cluster
			if needsValue {
				next++
			}
		default: // more letters of the cluster follow
			next, off = j, k+1
		}
		if err := fs.Set(f.Name, value); err != nil {
			failed = j
			return err
		}
		return nil
	})
	if err == nil {
		return nil
	}
	i := failed
	var ne *pflag.NotExistError
	if i < 0 && errors.As(err, &ne) {
		name, short := ne.GetSpecifiedName(), ""
		if ne.GetSpecifiedShortnames() != "" {
			name, short = "", name
		}
		i, _ = findFlagArg(words, next, off, name, short)
	}
	if i < 0 && next < len(args) {
		// A flag without its value (-H at the end): the option pflag
		// was reading.
		i = next
	}
	where := c.where
	if i >= 0 {
		where = c.at(args[i])
	}
	return curlOptionError(where, err)
}

// findFlagArg is the index of the first of words, from from (from its
// byte off when a cluster of short flags is being read), that gives the
// flag --name or -short, and the index of short in it (-1 for --name).
func findFlagArg(words []string, from, off int, name, short string) (int, int) {
	for j := from; j < len(words); j++ {
		w := words[j]
		if name != "" && (w == "--"+name || strings.HasPrefix(w, "--"+name+"=")) {
			return j, -1
		}
		if short == "" || len(w) < 2 || w[0] != '-' || w[1] == '-' {
			continue
		}
		start := 1
		if j == from && off > start {
			start = off
		}
		if k := strings.Index(w[start:], short); k >= 0 {
			return j, start + k
		}
	}
	return -1, -1
}

// locate puts the place in the file before an error about an option the
// file gave: the messages of the request's flags start with the flag
// ("--header \"x\": ...", "-x/--proxy ...: ..."). Other errors, and
// those about a value the command line gave, are returned as they are.
func (c *curlFile) locate(err error) error {
	var ue *usageError
	if c == nil || !errors.As(err, &ue) {
		return err
	}
	msg := err.Error()
	names := make([]string, 0, len(c.places))
	for name := range c.places {
		names = append(names, name)
	}
	slices.Sort(names)
	for _, name := range names {
		if !namesFlag(msg, name, c.short[name]) {
			continue
		}
		if p, ok := c.place(name, msg); ok {
			return usageErrorf("%s:%d:%d: %w", c.where, p.line, p.col, err)
		}
	}
	return err
}

// place is the option of the file that msg, about the flag name, is
// about: the one whose value it quotes, else the last (the value a
// flag given once keeps), unless the command line gave the flag too.
func (c *curlFile) place(name, msg string) (curlPlace, bool) {
	ps := c.places[name]
	for _, p := range ps {
		if p.value != "" && (strings.Contains(msg, strconv.Quote(p.value)) || strings.Contains(msg, " "+p.value)) {
			return p, true
		}
	}
	if c.cmdline[name] || len(ps) == 0 {
		return curlPlace{}, false
	}
	return ps[len(ps)-1], true
}

// namesFlag tells whether msg starts with the flag: --name, -s/--name or
// -s, followed by a space, a colon, an = or the end.
func namesFlag(msg, name, short string) bool {
	prefixes := []string{"--" + name}
	if short != "" {
		prefixes = append(prefixes, "-"+short+"/--"+name, "-"+short)
	}
	for _, p := range prefixes {
		if rest, ok := strings.CutPrefix(msg, p); ok && (rest == "" || strings.ContainsAny(rest[:1], " :=")) {
			return true
		}
	}
	return false
}
