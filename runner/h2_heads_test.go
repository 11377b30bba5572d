package runner

import (
	"io"
	"net/http"
	"strings"
	"testing"
	"time"
)

// TestSinglePacketAnswersOnTheHeads: a server that answers every request
// on its HEADERS (as nginx's return does) got them all in the arming
// write, so the arming write was the burst: the round is complete, each
// request counts as released with its connection's arming write, and the
// receipt and a note say so.
func TestSinglePacketAnswersOnTheHeads(t *testing.T) {
	url := rawH2Server(t, rawSettings, 0, func(rc *rawConn, ids []uint32) { rc.headers(ids[0], "200", true) })
	b := runRaw(t, t.Context(), url, 3, Options{Sync: Sync{Hold: HoldLastByte}})
	if in := b.Incomplete(); len(in) != 0 {
		t.Fatalf("incomplete %+v, want a burst on the heads", in)
	}
	for _, r := range b.Results {
		if r.Status != 200 || r.Early || r.Released.IsZero() || !r.Released.Equal(r.Armed) || !r.FirstByte.After(r.Released) {
			t.Errorf("request %d: status %d early %v released %v armed %v first byte %v", r.Index, r.Status, r.Early, r.Released, r.Armed, r.FirstByte)
		}
	}
	if rc := b.Receipt; !rc.Heads || rc.Connections != 1 || rc.Writes != 1 || rc.Bytes == 0 {
		t.Errorf("receipt %+v, want the one arming write", rc)
	}
	if len(b.Notes) != 1 || !strings.Contains(b.Notes[0], "answered all 3 requests on their HEADERS") {
		t.Errorf("notes %q", b.Notes)
	}
}

// TestSinglePacketDefaultOnGoServer races Go's own HTTP/2 server with the
// default hold, a bodiless GET, both ways a Go handler can be written: one
// that reads no body answers on the head (a burst on the heads), one that
// reads the body to its end waits for the release. Both rounds are
// complete, and only the first is on the heads.
func TestSinglePacketDefaultOnGoServer(t *testing.T) {
	// At N=100 the arming settle is 10 ms, time enough for every handler
	// that reads no body to have answered before the release.
	const n = 100
	mux := http.NewServeMux()
	mux.HandleFunc("/head", func(w http.ResponseWriter, _ *http.Request) { _, _ = io.WriteString(w, "ok") })
	mux.Handle("/end", &arrivals{})
	for _, h2c := range []bool{false, true} {
		srv := h2Server(t, mux, h2c, 0)
		for _, path := range []string{"/head", "/end"} {
			b := singlePacket(t, burstOf(n, http.MethodGet, srv.URL+path, nil), Options{Client: Client{H2C: h2c}})
			if in := b.Incomplete(); len(in) != 0 {
				t.Fatalf("h2c %v %s: incomplete %+v; notes %q", h2c, path, in, b.Notes)
			}
			if b.Hold != HoldLastByte {
				t.Errorf("h2c %v %s: hold %s, want the last byte by default", h2c, path, b.Hold)
			}
			if heads := path == "/head"; b.Receipt.Heads != heads {
				t.Errorf("h2c %v %s: receipt on the heads %v, want %v; notes %q", h2c, path, b.Receipt.Heads, heads, b.Notes)
			}
		}
	}
}

// TestSinglePacketWaitsForSlowHeads: a server that acts on the heads but
// answers some requests only after the arming settle would straddle the
// release, and the round would read as incomplete. Once any answer came
// before the release, the release waits for the others (awaitHeads), and
// the round is a burst on the heads.
func TestSinglePacketWaitsForSlowHeads(t *testing.T) {
	// At N=100 the arming settle is 10 ms: the quick answer is in by
	// then, the slow ones 300 ms later.
	const n = 100
	mux := http.NewServeMux()
	mux.HandleFunc("/quick", func(w http.ResponseWriter, _ *http.Request) { _, _ = io.WriteString(w, "ok") })
	mux.HandleFunc("/slow", func(w http.ResponseWriter, _ *http.Request) {
		time.Sleep(300 * time.Millisecond)
		_, _ = io.WriteString(w, "ok")
	})
	srv := h2Server(t, mux, true, 0)
	reqs := burstOf(n, http.MethodGet, srv.URL+"/slow", nil)
	reqs[0].URL = srv.URL + "/quick"
	b := singlePacket(t, reqs, Options{Client: Client{H2C: true}})
	if in := b.Incomplete(); len(in) != 0 || !b.Receipt.Heads {
		t.Errorf("incomplete %+v, on the heads %v, want a complete burst on the heads; notes %q", in, b.Receipt.Heads, b.Notes)
	}
}

// TestSinglePacketMixedAnswersAreIncomplete: a server that answers one
// request on its head and waits for the end of the others ran them as
// two bursts, the arming write and the release: the early one is not
// counted as raced, and the round is incomplete.
func TestSinglePacketMixedAnswersAreIncomplete(t *testing.T) {
	const n = 5
	mux := http.NewServeMux()
	mux.HandleFunc("/head", func(w http.ResponseWriter, _ *http.Request) { _, _ = io.WriteString(w, "ok") })
	mux.Handle("/end", &arrivals{})
	srv := h2Server(t, mux, true, 0)
	reqs := burstOf(n, http.MethodGet, srv.URL+"/end", nil)
	reqs[0].URL = srv.URL + "/head"
	// awaitHeads waits half the timeout for the ends that never come
	// before the release.
	b := singlePacket(t, reqs, Options{Client: Client{Timeout: time.Second, H2C: true}})
	in := b.Incomplete()
	if len(in) != 1 || in[0].Kind != CauseEarly || in[0].Count != 1 || in[0].Requests[0] != 0 || b.Receipt.Heads {
		t.Errorf("incomplete %+v, on the heads %v, want request 0 early and nothing on the heads", in, b.Receipt.Heads)
	}
	for _, r := range b.Results[1:] {
		if r.Status != 200 || r.Early {
			t.Errorf("request %d: status %d early %v, want answered after the release", r.Index, r.Status, r.Early)
		}
	}
}

// TestAnswersAheadOfTheHeadsAreEarly: a hostile server that sends
// answers on the race's stream ids before the client has sent any of
// them (on the warming PING) did not answer the burst: those answers are
// early, and the round is not a burst on the heads.
func TestAnswersAheadOfTheHeadsAreEarly(t *testing.T) {
	url := rawH2Server(t, rawSettings, answerAhead, func(rc *rawConn, _ []uint32) {
		for _, id := range []uint32{1, 3, 5} {
			rc.headers(id, "200", true)
		}
	})
	b := runRaw(t, t.Context(), url, 3, Options{Client: Client{Timeout: time.Second}, Sync: Sync{Hold: HoldLastByte}})
	if b.Complete() || b.Receipt.Heads {
		t.Errorf("complete %v, on the heads %v: answers sent before the requests counted as a burst; notes %q", b.Complete(), b.Receipt.Heads, b.Notes)
	}
	for _, r := range b.Results {
		if r.Cause() != CauseEarly {
			t.Errorf("request %d: cause %q, want early", r.Index, r.Cause())
		}
	}
}
