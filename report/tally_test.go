package report

import (
	"bytes"
	"math"
	"net/http"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/racetest/racetest/runner"
)

// fixedBurst is a burst with known timings: 3 x 200, 1 x 409, one refused.
func fixedBurst() *runner.Burst {
	t0 := time.Unix(1700000000, 0)
	ms := time.Millisecond
	res := func(i, status int, rel, done time.Duration) runner.Result {
		return runner.Result{Index: i, Status: status, Proto: "HTTP/1.1",
			Header:   http.Header{"Set-Cookie": {"s=secret"}, "Content-Type": {"application/json"}},
			Released: t0.Add(rel), FirstByte: t0.Add(done - ms), Done: t0.Add(done), Arrival: t0.Add(rel + ms)}
	}
	b := &runner.Burst{Mode: runner.ModeBarrier, Proto: "HTTP/1.1", Connections: 5, Start: t0, Results: []runner.Result{
		res(0, 200, 0, 10*ms), res(1, 200, 100*time.Microsecond, 12*ms), res(2, 409, 200*time.Microsecond, 14*ms),
		res(3, 200, 300*time.Microsecond, 20*ms), {Index: 4},
	}}
	b.Results[4].Err = &netErr{syscall.ECONNREFUSED}
	b.Results[4].ErrKind = runner.KindRefused
	return b
}

type netErr struct{ error }

func TestTally(t *testing.T) {
	tl := NewTally(fixedBurst())
	if tl.N != 5 || tl.Count(200) != 3 || tl.Count(409) != 1 || tl.Count(500) != 0 || tl.Failed() != 1 {
		t.Fatalf("tally %+v", tl)
	}
	if tl.Statuses[0].Status != 200 || tl.Errors[0].Kind != "refused" {
		t.Errorf("order: %+v %+v", tl.Statuses, tl.Errors)
	}
	// Latencies are 10, 11.9, 13.8 and 19.7 ms.
	want := Latency{Min: 10 * time.Millisecond, P50: 11900 * time.Microsecond, P90: 19700 * time.Microsecond, Max: 19700 * time.Microsecond}
	if tl.Latency != want {
		t.Errorf("latency %+v, want %+v", tl.Latency, want)
	}
}

func TestNewRoundRedactsAndOffsets(t *testing.T) {
	b := fixedBurst()
	reqs := make([]runner.Request, 5)
	for i := range reqs {
		reqs[i] = runner.Request{Method: "POST", URL: "http://u:p@127.0.0.1/x?token=abc&page=2"}
	}
	rd := NewRound(1, b, reqs, []Check{{Expr: "x", Pass: false, Seen: "y"}}, false)
	if rd.ReleaseSpread != 300*time.Microsecond || !rd.HasServer || rd.ServerSpread != 300*time.Microsecond {
		t.Errorf("spreads %v %v %v", rd.ReleaseSpread, rd.HasServer, rd.ServerSpread)
	}
	q := rd.Requests[1]
	if *q.Released != 100*time.Microsecond || *q.Done != 12*time.Millisecond || q.Armed != nil {
		t.Errorf("offsets %v %v %v", *q.Released, *q.Done, q.Armed)
	}
	if q.Headers["Set-Cookie"][0] != Mask || strings.Contains(q.URL, "abc") || strings.Contains(q.URL, ":p@") ||
		!strings.Contains(q.URL, "page=2") {
		t.Errorf("not redacted: %v %s", q.Headers, q.URL)
	}
	// Request 4 was refused: the round is incomplete, and its failed check
	// counts for nothing; without it the round is complete and fails.
	if rd.Complete() || rd.Failed() || len(rd.Incomplete) != 1 || rd.Incomplete[0].Kind != "connect" {
		t.Errorf("an incomplete round: complete %v, failed %v, causes %+v", rd.Complete(), rd.Failed(), rd.Incomplete)
	}
	whole := fixedBurst()
	whole.Results = whole.Results[:4]
	if rd := NewRound(1, whole, reqs[:4], []Check{{Expr: "x", Pass: false, Seen: "y"}}, false); !rd.Complete() || !rd.Failed() {
		t.Error("a failed check should fail a complete round")
	}
	shown := NewRound(1, b, reqs, nil, true)
	if shown.Requests[0].Headers["Set-Cookie"][0] != "s=secret" || !strings.Contains(shown.Requests[0].URL, "token=abc") {
		t.Error("--show-secrets should show secrets")
	}
}

func TestRedactText(t *testing.T) {
	got := Redact(`dial "http://127.0.0.1/?api_key=zzz": refused`, false)
	if strings.Contains(got, "zzz") {
		t.Errorf("Redact left the key: %s", got)
	}
}

func TestJSONRoundTrip(t *testing.T) {
	doc := &Document{Schema: Schema, Tool: "racetest test", Runs: []Run{{Name: "r", Target: "t", N: 5,
		Rounds: []Round{NewRound(1, fixedBurst(), nil, []Check{{Expr: "e", Pass: true}}, false)}}}}
	var buf bytes.Buffer
	if err := WriteJSON(&buf, doc); err != nil {
		t.Fatal(err)
	}
	back, err := ReadJSON(&buf)
	if err != nil {
		t.Fatal(err)
	}
	if back.Runs[0].Rounds[0].Tally.Count(200) != 3 || *back.Runs[0].Rounds[0].Requests[3].Done != 20*time.Millisecond {
		t.Errorf("round trip lost data: %+v", back.Runs[0].Rounds[0].Tally)
	}
	if _, err := ReadJSON(strings.NewReader(`{"schema":"other"}`)); err == nil {
		t.Error("a foreign schema should be refused")
	}
}

func TestRedactLeavesPlainTextAlone(t *testing.T) {
	for _, s := range []string{
		`URL: "x" must start with http:// or https://`,
		`GET http://127.0.0.1:8080/products/1?page=2: refused`,
	} {
		if got := Redact(s, false); got != s {
			t.Errorf("Redact(%q) = %q, want it unchanged", s, got)
		}
	}
}

// An answer before the release (with --start-at, a server that answers on
// the heads) has a negative latency, written as such at its scale; the
// least one time.Sub gives (saturated) too, without recursing for ever.
func TestNegativeDurations(t *testing.T) {
	for d, want := range map[time.Duration]string{-997657968: "-998ms", -1500: "-1.5µs", -999: "-999ns", -2 * time.Second: "-2s", math.MinInt64: "-9.22e+09s"} {
		if got := dur(d); got != want {
			t.Errorf("dur(%d) = %q, want %q", d, got, want)
		}
	}
}
