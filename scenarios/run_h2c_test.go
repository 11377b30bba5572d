package scenarios

import (
	"context"
	"net/http"
	"net/http/httptest"
	"testing"
)

// race: {h2c: true} races a target that speaks only cleartext HTTP/2, as
// --h2c does on the command line.
func TestRaceH2C(t *testing.T) {
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.ProtoMajor != 2 {
			http.Error(w, "h2c only", http.StatusHTTPVersionNotSupported)
		}
	}))
	srv.Config.Protocols = new(http.Protocols)
	srv.Config.Protocols.SetUnencryptedHTTP2(true)
	srv.Start()
	t.Cleanup(srv.Close)

	s := mustParse(t, "version: 1\nrace:\n  n: 5\n  h2c: true\n  request: {url: /x}\n  expect: [count(status == 200) == 5]\n")
	res, err := s.Run(context.Background(), RunOptions{Target: srv.URL})
	if err != nil {
		t.Fatal(err)
	}
	b := res.Rounds[0].Burst
	if b.Proto != "HTTP/2.0" || b.Mode != "single-packet" || res.FailedRounds() != 0 {
		t.Errorf("proto %s, mode %s, failed rounds %d: want HTTP/2.0 single-packet, none failed (checks %+v)",
			b.Proto, b.Mode, res.FailedRounds(), res.Rounds[0].Checks)
	}

	// Without h2c the same target cannot be raced: every request fails.
	s = mustParse(t, "version: 1\nrace:\n  n: 2\n  mode: last-byte\n  request: {url: /x}\n")
	res, err = s.Run(context.Background(), RunOptions{Target: srv.URL})
	if err == nil && res.Rounds[0].Burst.Results[0].Status == http.StatusOK {
		t.Errorf("an h2c-only target answered HTTP/1.1 with 200")
	}
}
