package runner_test

import (
	"context"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/racetest/racetest/internal/demo"
	"github.com/racetest/racetest/runner"
)

// TestSinglePacketThousandStreams sends 1000 deposits over h2c to the demo
// target: the server's 250-stream limit splits them over four connections,
// and every request is accounted for, each deposit paid exactly once by
// the atomic variant.
func TestSinglePacketThousandStreams(t *testing.T) {
	plain, _, stop, err := demo.Start(demo.Config{})
	if err != nil {
		t.Fatal(err)
	}
	defer stop()
	const n = 1000
	reqs := make([]runner.Request, n)
	for i := range reqs {
		reqs[i] = runner.Request{Method: http.MethodPost, URL: plain + "/accounts/a/deposit/atomic",
			Header: http.Header{"Content-Type": {"application/json"}}, Body: []byte(`{"amount":1}`)}
	}
	b, err := runner.Run(context.Background(), runner.Plan{Requests: reqs, Options: runner.Options{Client: runner.Client{H2C: true}}})
	if err != nil {
		t.Fatal(err)
	}
	if b.Mode != runner.ModeSinglePacket || b.Connections != 4 || len(b.Notes) < 2 {
		t.Errorf("mode %s connections %d notes %q", b.Mode, b.Connections, b.Notes)
	}
	for _, r := range b.Results {
		if r.Status != http.StatusOK || r.Err != nil || r.Arrival.IsZero() {
			t.Fatalf("request %d: status %d err %v arrival %v", r.Index, r.Status, r.Err, r.Arrival)
		}
	}
	resp, err := http.Get(plain + "/accounts/a")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	got, _ := io.ReadAll(resp.Body)
	if !strings.Contains(string(got), `"balance":2000`) {
		t.Errorf("balance after %d deposits of 1 onto 1000: %s", n, got)
	}
}
