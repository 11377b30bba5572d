package cmd

import (
	"context"
	"errors"
	"regexp"
	"strings"

	"github.com/spf13/pflag"

	"github.com/racetest/racetest/internal/readfile"
	"github.com/racetest/racetest/scenarios"
)

// maxValuesSize bounds one --values file: a token per request of the
// largest burst fits many times over.
const maxValuesSize = 16 << 20

// valuesHelp is the help of --values, the same for fire and run.
const valuesHelp = "per-request values `NAME=FILE`, one value per line: request i gets line i (modulo the count) as {{ values.NAME }} in the URL, headers and body; masked in reports unless --show-secrets (repeatable)"

// addValuesFlag binds --values.
func addValuesFlag(f *pflag.FlagSet, to *[]string) {
	f.StringArrayVar(to, "values", nil, valuesHelp)
}

// valueName is what NAME of --values NAME=FILE must look like, to be
// written values.NAME.
var valueName = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*$`)

// readValues reads every --values NAME=FILE: one value per line, CRLF
// taken as LF, a final newline ending the last line rather than adding an
// empty value. An empty line elsewhere is refused: it is more often a
// mistake than an empty token.
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
		case !valueName.MatchString(name):
			return nil, usageErrorf("--values %s: NAME %q must be a name such as token or coupon, to be used as {{ values.%s }}", f, name, name)
		case out[name] != nil:
			return nil, usageErrorf("--values %s: values %s are given twice; give each NAME once", f, name)
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
	text := strings.TrimSuffix(strings.ReplaceAll(string(data), "\r\n", "\n"), "\n")
	if text == "" {
		return nil, usageErrorf("--values %s=%s: the file is empty; put one value per line", name, file)
	}
	// Request i of a burst gets line i: lines past the largest burst
	// would never be sent, and each costs memory and a secret to mask.
	if n := strings.Count(text, "\n") + 1; n > scenarios.MaxN {
		return nil, usageErrorf("--values %s=%s: the file has %d lines, more than the %d requests a burst may have; request i gets line i, so keep the first %d", name, file, n, scenarios.MaxN, scenarios.MaxN)
	}
	lines := strings.Split(text, "\n")
	for i, l := range lines {
		if l == "" {
			return nil, usageErrorf("--values %s=%s: line %d is empty; put one value per line, with no blank lines", name, file, i+1)
		}
	}
	return lines, nil
}
