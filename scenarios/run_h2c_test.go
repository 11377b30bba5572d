package scenarios

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/racetest/racetest/runner"
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

// A server that answers one request on its head and waits for the end of
// the others ran the first round as two bursts: that round is
// incomplete, and auto holds whole heads from the next round on, which
// keeps every request back until the release.
func TestAutoHoldsHeadsAfterAMixedRound(t *testing.T) {
	mux := http.NewServeMux()
	mux.HandleFunc("/head", func(w http.ResponseWriter, _ *http.Request) { _, _ = io.WriteString(w, "ok") })
	mux.HandleFunc("/end", func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
		_, _ = io.WriteString(w, "ok")
	})
	srv := httptest.NewUnstartedServer(mux)
	srv.Config.Protocols = new(http.Protocols)
	srv.Config.Protocols.SetUnencryptedHTTP2(true)
	srv.Start()
	t.Cleanup(srv.Close)

	// The timeout bounds how long the first release waits for heads
	// that will not be answered before it (half of it).
	s := mustParse(t, `version: 1
race:
  rounds: 2
  h2c: true
  timeout: 1s
  requests:
    - {count: 1, url: /head}
    - {count: 4, url: /end}
  expect: [count(status == 200) == 5]
`)
	res, err := s.Run(context.Background(), RunOptions{Target: srv.URL})
	if err != nil {
		t.Fatal(err)
	}
	first, second := res.Rounds[0], res.Rounds[1]
	if first.Complete() || len(first.Incomplete) != 1 || first.Incomplete[0].Kind != runner.CauseEarly || first.Burst.Hold != runner.HoldLastByte {
		t.Errorf("round 1: hold %s, incomplete %+v, want last-byte held and one early answer", first.Burst.Hold, first.Incomplete)
	}
	if !slices.ContainsFunc(first.Burst.Notes, func(n string) bool { return strings.Contains(n, "auto holds the whole headers from the next round on") }) {
		t.Errorf("round 1 notes %q do not say what auto does next", first.Burst.Notes)
	}
	if !second.Complete() || second.Burst.Hold != runner.HoldHeaders {
		t.Errorf("round 2: hold %s, incomplete %+v, want whole heads held and a complete round", second.Burst.Hold, second.Incomplete)
	}
}

// With --start-at a server that answers every request on its head
// answered all of them before the release, and the round cannot count as
// a burst on the heads (only the release is shared between processes):
// the note says that, not that some answers came after the release.
func TestStartAtOnTheHeadsNote(t *testing.T) {
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { _, _ = io.WriteString(w, "ok") }))
	srv.Config.Protocols = new(http.Protocols)
	srv.Config.Protocols.SetUnencryptedHTTP2(true)
	srv.Start()
	t.Cleanup(srv.Close)

	s := mustParse(t, "version: 1\nrace:\n  n: 3\n  h2c: true\n  request: {url: /x}\n")
	res, err := s.Run(context.Background(), RunOptions{Target: srv.URL, Sync: runner.Sync{ReleaseAt: time.Now().Add(time.Second)}})
	if err != nil && !errors.Is(err, ErrInconclusive) {
		t.Fatal(err)
	}
	rd := res.Rounds[0]
	if len(rd.Incomplete) != 1 || rd.Incomplete[0].Kind != runner.CauseEarly || rd.Incomplete[0].Count != 3 {
		t.Fatalf("incomplete %+v, want all three early", rd.Incomplete)
	}
	for _, n := range rd.Burst.Notes {
		if strings.Contains(n, "others after it") {
			t.Errorf("note %q: every answer came before the release", n)
		}
	}
	if !slices.ContainsFunc(rd.Burst.Notes, func(n string) bool { return strings.Contains(n, "--start-at") }) {
		t.Errorf("notes %q do not say why the heads were no burst", rd.Burst.Notes)
	}
}
