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

// A --curl or --raw file holds one request: it is read up to a body's
// limit and a head, not the 256 MiB a HAR file may have.
func TestRequestFileBounded(t *testing.T) {
	for _, args := range [][]string{
		{"fire", "--curl", "/dev/zero"},
		{"import", "raw", "/dev/zero", "--target", "http://127.0.0.1:1"},
	} {
		code, _, errb := run(t, t.Context(), args...)
		if code != int(ExitUsage) || !strings.Contains(errb, "/dev/zero: the file is more than 17 MiB") {
			t.Errorf("%v: exit %d, stderr %q", args, code, errb)
		}
	}
}
