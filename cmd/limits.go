package cmd

import (
	"fmt"

	"github.com/racetest/racetest/scenarios"
)

// allowLargeHelp is the help of --allow-large, which lifts the limit on
// the burst size set by what (--n, race.n). The limits are the
// scenarios package's, so that fire and run agree.
func allowLargeHelp(what string) string {
	return fmt.Sprintf("allow %s above %d, up to %d (mind the target and the open-file limit)",
		what, scenarios.DefaultMaxN, scenarios.MaxN)
}

// checkBurstBodies refuses a burst of n copies of a body that would not
// fit in memory, before any is sent.
func checkBurstBodies(n int, body []byte) error {
	if err := scenarios.CheckBurstBodies(int64(n) * int64(len(body))); err != nil {
		return usageErrorf("--n %d with a body of %s: %w", n, scenarios.FormatBytes(int64(len(body))), err)
	}
	return nil
}
