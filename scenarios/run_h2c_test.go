package scenarios

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/racetest/racetest/runner"
)

// h2cServer serves h on loopback in cleartext HTTP/2 only.
func h2cServer(t *testing.T, h http.Handler) *httptest.Server {
	t.Helper()
	srv := httptest.NewUnstartedServer(h)
	srv.Config.Protocols = new(http.Protocols)
	srv.Config.Protocols.SetUnencryptedHTTP2(true)
	srv.Start()
	t.Cleanup(srv.Close)
	return srv
}

// race: {h2c: true} races a target that speaks only cleartext HTTP/2, as
// --h2c does on the command line.
func TestRaceH2C(t *testing.T) {
	srv := h2cServer(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.ProtoMajor != 2 {
			http.Error(w, "h2c only", http.StatusHTTPVersionNotSupported)
		}
	}))

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

// With h2c, the steps speak h2c too: against a target that speaks only
// cleartext HTTP/2, setup, race, after and teardown all get answers, and
// what setup captured reaches the checks of after.
func TestStepsSpeakH2C(t *testing.T) {
	var count atomic.Int64
	srv := h2cServer(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.ProtoMajor != 2 {
			http.Error(w, "h2c only", http.StatusHTTPVersionNotSupported)
			return
		}
		switch r.URL.Path {
		case "/reset":
			count.Store(0)
		case "/hit":
			count.Add(1)
		}
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprintf(w, `{"count": %d, "proto": %q}`, count.Load(), r.Proto)
	}))

	s := mustParse(t, `version: 1
setup:
  - request: {method: POST, url: /reset}
    capture: {before: json.count}
    expect: [json.proto == "HTTP/2.0"]
race:
  n: 4
  rounds: 2
  h2c: true
  request: {method: POST, url: /hit}
  expect: [count(status == 200) == 4]
after:
  - request: {url: /count}
    expect: [json.count == vars.before + 4]
teardown:
  - request: {method: POST, url: /reset}
`)
	res, err := s.Run(context.Background(), RunOptions{Target: srv.URL})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Rounds) != 2 || res.FailedRounds() != 0 || res.CompleteRounds() != 2 {
		t.Fatalf("%d rounds, %d failed, %d complete: want 2 complete rounds, none failed (%+v)", len(res.Rounds), res.FailedRounds(), res.CompleteRounds(), res.Rounds)
	}
	steps := slices.Concat(res.Rounds[0].Setup, res.Rounds[0].After, res.Rounds[1].Setup, res.Rounds[1].After, res.Teardown)
	if len(steps) != 5 {
		t.Fatalf("%d steps, want 5", len(steps))
	}
	for _, st := range steps {
		if st.Response.Status != http.StatusOK || st.Response.Proto != "HTTP/2.0" {
			t.Errorf("step %s %s: status %d proto %q err %v, want 200 over HTTP/2.0", st.Request.Method, st.Request.URL, st.Response.Status, st.Response.Proto, st.Response.Err)
		}
	}
	for _, rd := range res.Rounds {
		if rd.Burst.Proto != "HTTP/2.0" {
			t.Errorf("round %d: burst over %s", rd.Number, rd.Burst.Proto)
		}
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
	srv := h2cServer(t, mux)

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
	if !slices.ContainsFunc(first.Burst.Notes, func(n string) bool {
		return strings.Contains(n, "answered 1 of the 5 requests before the release") && strings.Contains(n, "auto holds the whole headers from the next round on")
	}) {
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
	srv := h2cServer(t, http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { _, _ = io.WriteString(w, "ok") }))

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
