package cmd

import (
	"strings"
	"testing"
)

// A --match pattern longer than a METHOD URL pattern needs is refused
// before the HAR file is read: the time to match grows with its size.
func TestMatchPatternBounded(t *testing.T) {
	code, _, errb := run(t, t.Context(), "import", "har", "testdata/capture/chromium.har", "--match", strings.Repeat("(a|b)*", 200))
	if code != int(ExitUsage) || !strings.Contains(errb, "--match: the pattern is 1200 bytes, more than the 1024") || strings.Count(errb, "\n") > 2 {
		t.Errorf("exit %d, stderr %q", code, errb)
	}
}
