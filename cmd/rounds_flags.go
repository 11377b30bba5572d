package cmd

import (
	"errors"

	"github.com/spf13/pflag"

	"github.com/racetest/racetest/confidence"
	"github.com/racetest/racetest/scenarios"
)

// RoundsOptions are the flags that say how many rounds to fire, which
// fire, run and probe share: a fixed --rounds, or --until-found, or
// --confidence with --min-rate, up to --max-rounds.
type RoundsOptions struct {
	Rounds     int
	UntilFound bool
	Confidence float64
	MinRate    float64
	MaxRounds  int
	// flags tells a flag given from its default; nil when the options
	// were built in code (demo), which then means what its fields say.
	flags *pflag.FlagSet
	// limit and stop are the flags resolved: the most rounds to fire (0
	// leaves a file's race.rounds) and the rule that stops before them.
	limit int
	stop  confidence.Rule
}

// defaultMaxRounds is --max-rounds when not given: room for --until-found
// to catch a race that a round catches one time in ten or more (with
// 99.5% probability), and for --confidence's 9 rounds at its default
// --min-rate when a few rounds are incomplete.
const defaultMaxRounds = 50

// addRoundsFlags binds the flags; rounds and help are --rounds' default
// and text, which differ between commands.
func (o *RoundsOptions) addRoundsFlags(f *pflag.FlagSet, rounds int, help string) {
	o.flags = f
	f.IntVar(&o.Rounds, "rounds", rounds, help)
	f.BoolVar(&o.UntilFound, "until-found", false, "stop at the first complete round that finds a race (up to --rounds if given, else --max-rounds)")
	f.Float64Var(&o.Confidence, "confidence", 0, "fire until a race is found, or until one that a round catches --min-rate of the time would have shown with this probability, e.g. 0.95")
	f.Float64Var(&o.MinRate, "min-rate", confidence.DefaultMinRate, "with --confidence: the per-round hit rate of the rarest race to rule out")
	f.IntVar(&o.MaxRounds, "max-rounds", defaultMaxRounds, "with --until-found or --confidence: the most rounds to fire (when not given, twice what --confidence needs if that is more)")
}

func (o *RoundsOptions) given(name string) bool { return o.flags != nil && o.flags.Changed(name) }

// resolveRounds checks the flags together and works out the most rounds
// to fire and the rule that stops before them.
func (o *RoundsOptions) resolveRounds() error {
	o.limit, o.stop = o.Rounds, confidence.Rule{UntilFound: o.UntilFound}
	if err := o.checkCombination(); err != nil {
		return err
	}
	if o.given("confidence") {
		o.stop.Level, o.stop.MinRate = o.Confidence, o.MinRate
		if err := o.stop.Check(); err != nil {
			var fe *confidence.FieldError
			if !errors.As(err, &fe) {
				return usageErrorf("--confidence: %w", err)
			}
			if fe.Field == "min-rate" {
				return usageErrorf("--min-rate %g: %s", o.MinRate, fe.Msg)
			}
			return usageErrorf("--confidence %g: %s", o.Confidence, fe.Msg)
		}
	}
	if o.stop == (confidence.Rule{}) {
		if o.Rounds == 0 && !o.given("rounds") {
			return nil // run: each file's race.rounds
		}
		return roundsError("--rounds", o.Rounds)
	}
	return o.resolveLimit()
}

// checkCombination refuses flags that mean nothing together.
func (o *RoundsOptions) checkCombination() error {
	early := o.UntilFound || o.given("confidence")
	switch {
	case o.given("confidence") && o.given("rounds"):
		return usageErrorf("--rounds with --confidence: --confidence fires as many rounds as it needs; cap them with --max-rounds instead of --rounds")
	case o.given("min-rate") && !o.given("confidence"):
		return usageErrorf("--min-rate %g: it is the rarest race --confidence rules out; add --confidence, e.g. --confidence 0.95", o.MinRate)
	case o.given("max-rounds") && !early:
		return usageErrorf("--max-rounds %d: it caps --until-found and --confidence; add one of them, or give a fixed number with --rounds", o.MaxRounds)
	case o.given("max-rounds") && o.given("rounds"):
		return usageErrorf("--rounds with --max-rounds: both cap --until-found; give one")
	}
	return nil
}

// resolveLimit works out the most rounds --until-found or --confidence
// may fire, and refuses a cap under which --confidence can never pass.
func (o *RoundsOptions) resolveLimit() error {
	needed := o.stop.Needed()
	flag := "--max-rounds"
	switch {
	case o.given("rounds"):
		flag, o.limit = "--rounds", o.Rounds
	case o.given("max-rounds"):
		o.limit = o.MaxRounds
	default:
		o.limit = min(max(defaultMaxRounds, 2*needed), scenarios.MaxRounds)
	}
	if needed > scenarios.MaxRounds {
		return usageErrorf("--min-rate %g: --confidence %g needs %d complete rounds without a race to rule out so rare a race, more than the %d a run may have; raise --min-rate or lower --confidence",
			o.MinRate, o.Confidence, needed, scenarios.MaxRounds)
	}
	if err := roundsError(flag, o.limit); err != nil {
		return err
	}
	if needed > o.limit {
		return usageErrorf("%s %d: --confidence %g with --min-rate %g needs %d complete rounds without a race; raise %s to at least %d, or raise --min-rate",
			flag, o.limit, o.Confidence, o.MinRate, needed, flag, needed)
	}
	return nil
}

// roundsError checks a number of rounds given with flag.
func roundsError(flag string, n int) error {
	if err := scenarios.CheckRounds(n); err != nil {
		return usageErrorf("%s %d: %w", flag, n, err)
	}
	return nil
}
