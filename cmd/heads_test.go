package cmd

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
)

// TestFireOnTheHeads: racetest fire against Go's own h2c server with a
// handler that reads no body, as most GET handlers: it answers every
// request on its HEADERS, before the release, so the arming write was
// the burst. The round is complete and judged (a stock of one, sold
// under a lock: exit 0, passed), and the receipt says which write was
// the burst, in the text and the HTML report alike.
func TestFireOnTheHeads(t *testing.T) {
	var (
		mu    sync.Mutex
		stock = 1
	)
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		mu.Lock()
		defer mu.Unlock()
		if stock <= 0 {
			w.WriteHeader(http.StatusConflict)
			return
		}
		stock--
		_, _ = io.WriteString(w, "bought")
	}))
	srv.Config.Protocols = new(http.Protocols)
	srv.Config.Protocols.SetUnencryptedHTTP2(true)
	srv.Start()
	t.Cleanup(srv.Close)

	// At N=100 the arming settle is 10 ms, time enough for every handler
	// to have answered before the release.
	html := filepath.Join(t.TempDir(), "r.html")
	code, out, errb := run(t, context.Background(), "fire", "-n", "100", "--h2c", "--html", html, "--expect-status", "200=1", srv.URL+"/buy")
	if code != 0 || !strings.Contains(out, "receipt    the arming write (the server acted on the heads): 1 connection") ||
		!strings.Contains(out, "answered all 100 requests on their HEADERS") || !strings.Contains(out, "responses  200 x1, 409 x99") {
		t.Errorf("exit %d, want 0 (passed) on the heads; stdout:\n%s\nstderr:\n%s", code, out, errb)
	}
	// The note says "the receipt counts that write": the page shows it.
	page, err := os.ReadFile(html)
	if err != nil || !strings.Contains(string(page), "receipt: the arming write (the server acted on the heads): 1 connection") {
		t.Errorf("the HTML report shows no receipt of the arming write (%v)", err)
	}
}
