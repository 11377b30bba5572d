package cmd

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

// TestFireFitAdvice: when single-packet foresees that its release will
// not fit one TCP segment (100 streams of 1.5 KB with whole heads held:
// over the 32-64 KB of loopback's), the runner's advice is worded here as
// the flags that would make it fit, after its note, in text and JSON
// alike; the measured segment count is then not said again in a note.
func TestFireFitAdvice(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("the MSS comes from TCP_INFO, on Linux only")
	}
	_, url := headerTarget(t)
	body := filepath.Join(t.TempDir(), "body")
	if err := os.WriteFile(body, make([]byte, 1500), 0o600); err != nil {
		t.Fatal(err)
	}
	const advice = "the server may read it in pieces; hold only the last byte (--hold last-byte, 10 bytes a stream) or spread the streams over "
	for _, format := range []string{"text", "json"} {
		code, out, errOut := run(t, context.Background(), "fire", "-n", "100", "--mode", "single-packet", "--h2c", "--hold", "headers",
			"--data-binary", "@"+body, "-o", format, url)
		if code != 0 {
			t.Fatalf("%s: exit %d\n%s\n%s", format, code, out, errOut)
		}
		i := strings.Index(out, advice)
		if i < 0 || !strings.Contains(out, "one TCP segment carries on this path") {
			t.Fatalf("%s: no worded advice %q:\n%s", format, advice, out)
		}
		// "... over K connections (--connections K)", K the same twice.
		var k, k2 int
		rest := out[i+len(advice):]
		if _, err := fmt.Sscanf(rest, "%d connections (--connections %d)", &k, &k2); err != nil || k < 2 || k != k2 {
			t.Errorf("%s: advice goes on %q (%v)", format, rest[:min(len(rest), 60)], err)
		}
		if strings.Contains(out, "the release of one connection took") {
			t.Errorf("%s: the measured count said again in a note:\n%s", format, out)
		}
	}
}
