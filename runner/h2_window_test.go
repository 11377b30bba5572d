package runner

import (
	"context"
	"net/http"
	"testing"
)

// TestSinglePacketKnowsTheRaisedWindow: Go's server raises its
// connection window with a WINDOW_UPDATE right after its SETTINGS. Two
// bodies of 100 KiB fit the raised window (1 MiB) but not the protocol's
// default (65,535 bytes), so a handshake that measured the bodies before
// that WINDOW_UPDATE was read refused the burst as too large now and
// then. The handshake reads up to the answer of a PING sent with the
// preface, after everything the server sent at its start.
func TestSinglePacketKnowsTheRaisedWindow(t *testing.T) {
	srv := h2Server(t, &arrivals{}, true, 0)
	for i := range 30 {
		b, err := Run(context.Background(), Plan{
			Requests: burstOf(2, http.MethodPost, srv.URL, make([]byte, 100<<10)),
			Options:  Options{Client: Client{H2C: true}, Sync: Sync{Mode: ModeSinglePacket}},
		})
		if err != nil {
			t.Fatalf("burst %d: %v", i, err)
		}
		if !b.Complete() {
			t.Fatalf("burst %d: incomplete %+v", i, b.Incomplete())
		}
	}
}
