package cmd

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"testing"
	"unicode/utf8"
)

// TestFireCapsHugeBinaryBodies: a response body far over the cap, and
// binary, is kept up to the cap and counted whole, in every engine.
func TestFireCapsHugeBinaryBodies(t *testing.T) {
	const size = 1 << 20
	body := make([]byte, size)
	for i := range body {
		body[i] = byte(i * 7) // NULs, invalid UTF-8, everything
	}
	handler := http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { w.Write(body) })
	h1 := httptest.NewServer(handler)
	defer h1.Close()
	h2 := httptest.NewUnstartedServer(handler)
	h2.EnableHTTP2 = true
	h2.StartTLS()
	defer h2.Close()
	for _, c := range []struct{ mode, url string }{
		{"last-byte", h1.URL}, {"barrier", h1.URL}, {"single-packet", h2.URL},
	} {
		t.Run(c.mode, func(t *testing.T) {
			code, out, errOut := run(t, context.Background(), "fire", "-n", "3", "-k", "--mode", c.mode, "-o", "json", c.url)
			if code != 0 {
				t.Fatalf("exit %d: %s", code, errOut)
			}
			var doc struct {
				Runs []struct {
					Rounds []struct {
						Requests []struct {
							Status    int    `json:"status"`
							Body      string `json:"body"`
							BodyBytes int64  `json:"body_bytes"`
							Truncated bool   `json:"truncated"`
						} `json:"requests"`
					} `json:"rounds"`
				} `json:"runs"`
			}
			if err := json.Unmarshal([]byte(out), &doc); err != nil {
				t.Fatalf("JSON: %v", err)
			}
			reqs := doc.Runs[0].Rounds[0].Requests
			if len(reqs) != 3 {
				t.Fatalf("%d requests in the report", len(reqs))
			}
			for _, r := range reqs {
				if r.Status != 200 || r.BodyBytes != size || !r.Truncated || r.Body == "" ||
					utf8.RuneCountInString(r.Body) > 64<<10 || !utf8.ValidString(r.Body) {
					t.Errorf("status %d, body_bytes %d, truncated %v, body of %d runes", r.Status, r.BodyBytes, r.Truncated, utf8.RuneCountInString(r.Body))
				}
			}
		})
	}
}
