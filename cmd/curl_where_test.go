package cmd

import (
	"io"
	"slices"
	"testing"

	"github.com/racetest/racetest/capture"
	"github.com/spf13/pflag"
)

// The options of a copied command are placed where they are, however
// curl's habits write them: a value that looks like an option, --name=value,
// clusters of short options with or without a value.
func TestCurlFilePlaces(t *testing.T) {
	for _, tc := range []struct {
		text, flag string
		want       []curlPlace
	}{
		{"curl -d -H -H 'A: 1' h", "header", []curlPlace{{1, 12, "A: 1"}}},
		{"curl --header=A:1 -sSH 'B: 2' h -HC:3", "header", []curlPlace{{1, 6, "A:1"}, {1, 19, "B: 2"}, {1, 33, "C:3"}}},
		{"curl -skL h -k", "insecure", []curlPlace{{1, 6, "true"}, {1, 13, "true"}}},
		{"curl h \\\n  --data-raw x \\\n  -d y", "data", []curlPlace{{3, 3, "y"}}},
	} {
		args, err := capture.CurlArgs(tc.text)
		if err != nil {
			t.Fatal(err)
		}
		fs := pflag.NewFlagSet("curl", pflag.ContinueOnError)
		fs.SetOutput(io.Discard)
		(&FireOptions{}).addCurlFlags(fs)
		c := newCurlFile("--curl f")
		if err := c.parse(fs, args[1:]); err != nil {
			t.Fatalf("%q: %v", tc.text, err)
		}
		if got := c.places[tc.flag]; !slices.Equal(got, tc.want) {
			t.Errorf("%q: %s at %v; want %v", tc.text, tc.flag, got, tc.want)
		}
	}
}
