package realservers_test

import (
	"context"
	"encoding/json"
	"net/http"
	"testing"
	"time"

	"github.com/racetest/racetest/internal/demo"
	"github.com/racetest/racetest/runner"
)

// TestDemoMissionBehindServers races the demo target's check-then-act
// mission endpoint (POST /missions/naive/complete: check, 1 ms pause,
// credit) through each real server with single-packet over TLS h2, then
// reads the user's grants back through the same server: the grants the
// demo recorded are the 200s racetest saw, and the demo's arrival stamps
// pass through the proxy for the server spread.
func TestDemoMissionBehindServers(t *testing.T) {
	for _, s := range servers() {
		t.Run(s.name, func(t *testing.T) {
			plain, _, stop, err := demo.Start(demo.Config{Latency: time.Millisecond})
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(stop)
			srv := s.start(t, options(plain))
			client := runner.Client{RootCAs: srv.RootCAs()}
			auth := http.Header{"Authorization": {"Bearer racer"}}

			reqs := posts(burstN, srv.TLSURL+"/missions/naive/complete")
			for i := range reqs {
				reqs[i].Header.Set("Authorization", auth.Get("Authorization"))
			}
			b := fire(t, reqs, client, runner.Sync{Mode: runner.ModeSinglePacket})
			ok := 0
			for i := range b.Results {
				r := &b.Results[i]
				if r.Err != nil || (r.Status != http.StatusOK && r.Status != http.StatusConflict) || r.Proto != "HTTP/2.0" {
					t.Errorf("request %d: %s %d %q %v", i, r.Proto, r.Status, r.Body, r.Err)
				}
				if r.Status == http.StatusOK {
					ok++
				}
			}
			spread, stamped := b.ServerSpread()
			if !stamped {
				t.Errorf("no %s stamps came through %s", demo.ArrivalHeader, srv.Name)
			}

			me := runner.Do(context.Background(), runner.Request{
				Method: http.MethodGet, URL: srv.TLSURL + "/missions/naive/me", Header: auth,
			}, client)
			var score struct{ Grants int }
			if err := json.Unmarshal(me.Body, &score); me.Status != http.StatusOK || err != nil {
				t.Fatalf("GET /missions/naive/me: %d %q %v", me.Status, me.Body, err)
			}
			if score.Grants != ok || ok == 0 {
				t.Errorf("demo recorded %d grants, racetest saw %d x 200; want equal and at least 1", score.Grants, ok)
			}
			t.Logf("%s: %d of %d paid, server spread %v", srv.Name, ok, len(b.Results), spread)
		})
	}
}
