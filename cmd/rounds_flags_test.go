package cmd

import (
	"strings"
	"testing"

	"github.com/spf13/pflag"

	"github.com/racetest/racetest/confidence"
)

// TestRoundsFlags: how the rounds flags resolve into the most rounds to
// fire and the rule that stops before them, and which combinations are
// refused, naming the flag.
func TestRoundsFlags(t *testing.T) {
	tests := []struct {
		args   []string
		rounds int // --rounds' default
		limit  int
		stop   confidence.Rule
		err    string
	}{
		{nil, 1, 1, confidence.Rule{}, ""},
		{nil, 0, 0, confidence.Rule{}, ""}, // run: the files' race.rounds
		{[]string{"--rounds", "0"}, 0, 0, confidence.Rule{}, "--rounds 0: must be between 1 and 10000"},
		{[]string{"--until-found"}, 1, 50, confidence.Rule{UntilFound: true}, ""},
		{[]string{"--until-found", "--rounds", "7"}, 1, 7, confidence.Rule{UntilFound: true}, ""},
		{[]string{"--until-found", "--max-rounds", "7"}, 1, 7, confidence.Rule{UntilFound: true}, ""},
		{[]string{"--confidence", "0.95"}, 1, 50, confidence.Rule{Level: 0.95, MinRate: 0.3}, ""},
		// 59 rounds needed: the default cap is twice that.
		{[]string{"--confidence", "0.95", "--min-rate", "0.05"}, 1, 118, confidence.Rule{Level: 0.95, MinRate: 0.05}, ""},
		{[]string{"--confidence", "0.95", "--min-rate", "0.0001"}, 1, 0, confidence.Rule{}, "needs 29956 complete rounds"},
		{[]string{"--confidence", "0"}, 1, 0, confidence.Rule{}, "--confidence 0: 0 is not a probability"},
		{[]string{"--confidence", "NaN"}, 1, 0, confidence.Rule{}, "--confidence NaN: NaN is not a probability"},
		{[]string{"--confidence", "0.9", "--min-rate", "1.5"}, 1, 0, confidence.Rule{}, "--min-rate 1.5: 1.5 is not a hit rate"},
		{[]string{"--confidence", "0.9", "--rounds", "3"}, 1, 0, confidence.Rule{}, "--rounds with --confidence"},
		{[]string{"--until-found", "--rounds", "3", "--max-rounds", "4"}, 1, 0, confidence.Rule{}, "--rounds with --max-rounds"},
		{[]string{"--max-rounds", "4"}, 1, 0, confidence.Rule{}, "--max-rounds 4: it caps"},
		{[]string{"--min-rate", "0.5"}, 1, 0, confidence.Rule{}, "--min-rate 0.5: it is the rarest race"},
		{[]string{"--confidence", "0.99", "--max-rounds", "10"}, 1, 0, confidence.Rule{}, "--max-rounds 10: --confidence 0.99 with --min-rate 0.3 needs 13"},
	}
	for _, tt := range tests {
		name := strings.Join(tt.args, " ")
		var o RoundsOptions
		f := pflag.NewFlagSet("test", pflag.ContinueOnError)
		o.addRoundsFlags(f, tt.rounds, "rounds")
		if err := f.Parse(tt.args); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		err := o.resolveRounds()
		if tt.err != "" {
			if err == nil || !strings.Contains(err.Error(), tt.err) || exitCode(err) != ExitUsage {
				t.Errorf("%s: error %v (exit %d), want exit 2 with %q", name, err, exitCode(err), tt.err)
			}
			continue
		}
		if err != nil || o.limit != tt.limit || o.stop != tt.stop {
			t.Errorf("%s: limit %d stop %+v err %v, want %d %+v", name, o.limit, o.stop, err, tt.limit, tt.stop)
		}
	}
}
