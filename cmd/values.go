package cmd

import (
	"context"
	"errors"
	"maps"
	"slices"
	"strings"

	"github.com/spf13/pflag"

	"github.com/racetest/racetest/expressions"
	"github.com/racetest/racetest/internal/readfile"
	"github.com/racetest/racetest/runner"
	"github.com/racetest/racetest/scenarios"
)

// maxValuesSize bounds one --values file: a token per request of the
// largest burst fits many times over.
const maxValuesSize = 16 << 20

// valuesHelp is the help of --values, the same for fire, run and probe.
const valuesHelp = "per-request values `NAME=FILE`, one value per line: request i gets line i (modulo the count) as {{ values.NAME }} in the URL, headers and body; masked in reports unless --show-secrets (repeatable)"

// addValuesFlag binds --values.
func addValuesFlag(f *pflag.FlagSet, to *[]string) {
	f.StringArrayVar(to, "values", nil, valuesHelp)
}

// readValues reads every --values NAME=FILE: one value per line, as
// scenarios.SplitValues reads them.
func readValues(ctx context.Context, flags []string) (map[string][]string, error) {
	if len(flags) == 0 {
		return nil, nil
	}
	out := make(map[string][]string, len(flags))
	for _, f := range flags {
		name, file, ok := strings.Cut(f, "=")
		switch {
		case !ok || file == "":
			return nil, usageErrorf("--values %s: give NAME=FILE, such as --values token=tokens.txt", f)
		case !expressions.IsName(name): // written values.NAME
			return nil, usageErrorf("--values %s: NAME %q must be a name such as token or coupon (letters, digits, _), to be used as {{ values.NAME }}", f, name)
		case file == "-":
			// stdin may already carry -d @- or --curl -; one reader each.
			return nil, usageErrorf("--values %s: values come from a file, not standard input; save them one per line and give the file", f)
		case out[name] != nil:
			return nil, usageErrorf("--values %s: the name %s is given twice; give each NAME once", f, name)
		}
		vs, err := readValuesFile(ctx, name, file)
		if err != nil {
			return nil, err
		}
		out[name] = vs
	}
	return out, nil
}

// readValuesFile reads the lines of one --values file.
func readValuesFile(ctx context.Context, name, file string) ([]string, error) {
	data, err := readfile.File(ctx, file, maxValuesSize)
	var tl *readfile.TooLargeError
	switch {
	case errors.As(err, &tl):
		return nil, usageErrorf("--values %s=%s: the file is more than %s, the most a values file may have", name, file, scenarios.FormatBytes(maxValuesSize))
	case err != nil && ctx.Err() != nil:
		return nil, ctx.Err()
	case err != nil:
		return nil, usageErrorf("--values %s=%s: cannot read the file: %w", name, file, unwrapPathError(err))
	}
	lines, err := scenarios.SplitValues(string(data))
	var ve *scenarios.ValuesError
	if errors.As(err, &ve) && ve.Line == 0 {
		return nil, usageErrorf("--values %s=%s: the file is empty; put one value per line", name, file)
	} else if err != nil {
		return nil, usageErrorf("--values %s=%s: %w", name, file, err)
	}
	return lines, nil
}

// unusedValues refuses a --values that no template of req uses: it would
// be read and masked but never sent, which is never what was meant.
func unusedValues(values map[string][]string, req runner.Request) error {
	s := &scenarios.Scenario{Race: scenarios.NewRace(1, req)}
	for _, name := range slices.Sorted(maps.Keys(values)) {
		if !s.UsesValues(name) {
			return usageErrorf("--values %s: there is no {{ values.%s }} in the URL, the headers or the body, so no request would send it; use it there, or leave out --values", name, name)
		}
	}
	return nil
}
