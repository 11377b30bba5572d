package runner

import (
	"io"
	"net/http"
	"testing"
)

// TestEarlyHintsAreNotAnswersOnTheHeads: a Go handler that sends 103
// Early Hints at once, then reads the body and answers, hints on the
// head but handles the request only after the release. An informational
// head is not an answer: the release, not the arming write, was the
// burst, and nothing was early.
func TestEarlyHintsAreNotAnswersOnTheHeads(t *testing.T) {
	const n = 20
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Link", "</style.css>; rel=preload")
		w.WriteHeader(http.StatusEarlyHints)
		_, _ = io.Copy(io.Discard, r.Body)
		_, _ = io.WriteString(w, "ok")
	})
	srv := h2Server(t, h, true, 0)
	b := singlePacket(t, burstOf(n, http.MethodGet, srv.URL, nil), Options{Client: Client{H2C: true}})
	if in := b.Incomplete(); len(in) != 0 || b.Receipt.Heads {
		t.Fatalf("incomplete %+v, on the heads %v, want a complete burst at the release; notes %q", in, b.Receipt.Heads, b.Notes)
	}
	for _, r := range b.Results {
		if r.Status != 200 || r.Early || !r.FirstByte.After(r.Released) || r.Released.Equal(r.Armed) {
			t.Errorf("request %d: status %d early %v released %v armed %v first byte %v", r.Index, r.Status, r.Early, r.Released, r.Armed, r.FirstByte)
		}
	}
}
