package cmd

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/racetest/racetest/report"
)

// TestShareOf: the shares of a list are a partition of it, as even as can
// be, and do not change when the list is given in another order or with
// another spelling of the same paths.
func TestShareOf(t *testing.T) {
	var files []string
	for i := range 23 {
		files = append(files, fmt.Sprintf("scenarios/s%02d.yaml", i))
	}
	for _, n := range []int{1, 2, 3, 4, 7, 23, 30} {
		seen := map[string]int{}
		shuffled := slices.Clone(files)
		rand.Shuffle(len(shuffled), func(i, j int) { shuffled[i], shuffled[j] = shuffled[j], shuffled[i] })
		dotted := make([]string, len(files))
		for i, f := range files {
			dotted[i] = "./" + f
		}
		for i := 1; i <= n; i++ {
			sh := &report.Shard{Index: i, Count: n}
			mine := pick(files, shareOf(files, sh))
			if size := len(mine); size < len(files)/n || size > (len(files)+n-1)/n {
				t.Errorf("%d/%d has %d of %d files", i, n, size, len(files))
			}
			for _, f := range mine {
				seen[f]++
			}
			other := pick(shuffled, shareOf(shuffled, sh))
			slices.Sort(other)
			if !slices.Equal(mine, other) {
				t.Errorf("%d/%d depends on the order: %v vs %v", i, n, mine, other)
			}
			if d := shareOf(dotted, sh); !slices.Equal(d, shareOf(files, sh)) {
				t.Errorf("%d/%d depends on ./: %v vs %v", i, n, pick(dotted, d), mine)
			}
		}
		for _, f := range files {
			if seen[f] != 1 {
				t.Errorf("N=%d: %s is in %d shares", n, f, seen[f])
			}
		}
	}
}

// pick is files at the positions ps.
func pick(files []string, ps []int) []string {
	out := make([]string, len(ps))
	for i, p := range ps {
		out[i] = files[p]
	}
	return out
}

// TestWorse: the order of outcomes for one exit code of several.
func TestWorse(t *testing.T) {
	order := []ExitCode{ExitOK, ExitCheckFailed, ExitRuntime, ExitInconclusive, ExitUsage, ExitInterrupted}
	for i, a := range order {
		for j, b := range order {
			want := order[max(i, j)]
			if got := worse(a, b); got != want {
				t.Errorf("worse(%d, %d) = %d, want %d", a, b, got, want)
			}
		}
	}
	if worse(ExitOK, 7) == ExitOK || worse(ExitCheckFailed, 7) == ExitCheckFailed {
		t.Error("an unknown code must fail the gate over 0 and 1")
	}
}
