package cmd

import (
	"errors"
	"fmt"
	"regexp"
	"strconv"

	"github.com/spf13/pflag"

	"github.com/racetest/racetest/scenarios"
)

// bareNumber is a duration written without its unit, such as 10.
var bareNumber = regexp.MustCompile(`^[0-9]+(\.[0-9]+)?$`)

// flagWant says what a flag of a pflag value type takes, or "".
func flagWant(typ string) string {
	switch typ {
	case "duration":
		return "not a duration; write it like 500ms, 10s or 1m"
	case "int":
		return "not a whole number; write it like 30"
	case "bool":
		return "not true or false"
	case "seconds":
		return "not a positive number of seconds; write it like 10 or 2.5, as curl"
	}
	return ""
}

// didYouMean adds the nearest flag of fs to pflag's "unknown flag: --rouds"
// when there is one near enough to be a typo; other errors are kept.
func didYouMean(fs *pflag.FlagSet, err error) error {
	var ne *pflag.NotExistError
	if !errors.As(err, &ne) || ne.GetSpecifiedShortnames() != "" {
		return err
	}
	var names []string
	fs.VisitAll(func(f *pflag.Flag) {
		if !f.Hidden {
			names = append(names, f.Name)
		}
	})
	if c := scenarios.Closest(ne.GetSpecifiedName(), names); c != "" {
		return fmt.Errorf("%w; did you mean --%s?", err, c)
	}
	return err
}

// flagError words an error from parsing the command line as one line that
// names the flag, what was given and what it takes, instead of pflag's
// `invalid argument "soon" for "--timeout" flag: time: invalid duration
// "soon"`. Anything else (an unknown flag, a missing value) is kept.
func flagError(err error) error {
	var ive *pflag.InvalidValueError
	if !errors.As(err, &ive) || ive.GetFlag() == nil {
		return usageErrorf("%w", err)
	}
	f := ive.GetFlag()
	v, typ := ive.GetValue(), f.Value.Type()
	switch {
	case errors.Is(err, strconv.ErrRange):
		return usageErrorf("--%s %q: the number is too large; give a smaller one", f.Name, v)
	case typ == "duration" && bareNumber.MatchString(v):
		return usageErrorf("--%s %q: a duration needs a unit; write it like %ss or %sms", f.Name, v, v, v)
	}
	if want := flagWant(typ); want != "" {
		return usageErrorf("--%s %q: %s", f.Name, v, want)
	}
	return usageErrorf("%w", err)
}
