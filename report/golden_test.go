package report

import (
	"bytes"
	"errors"
	"flag"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/racetest/racetest/runner"
)

// update rewrites the golden files: go test ./report -run Golden -update
var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

// goldenStart is the fixed moment of the golden document; nothing in it
// comes from the clock, so the files change only when a writer does.
var goldenStart = time.Date(2024, 5, 1, 12, 0, 0, 0, time.UTC)

// goldenDocument has what a report must show: a scenario that found a race
// in one round of two complete ones (with a 5xx, an after check and a
// note) and a third round cut short by a reset, a fire run without checks
// on HTTP/2 without server times, and a scenario that could not reach its
// target.
func goldenDocument() *Document {
	mission := "http://127.0.0.1:8080/missions/naive/complete?token=abc"
	round1 := NewRound(1, goldenBurst(goldenStart.Add(2*time.Millisecond),
		[]int{409, 200, 409, 409, 200, 500, 409, 409, 200, 409, 409, 409}, true, 0),
		goldenRequests("POST", mission, 12), []Check{
			{Expr: "count(status == 200) == 1", Scope: ScopeBurst, Seen: "count(status == 200) = 3, want == 1"},
			{Expr: `count(body contains "<b>&") == 0`, Scope: ScopeBurst, Pass: true},
			{Expr: "all(responses, .status in [200, 409])", Scope: ScopeBurst, Seen: "response #5 has status 500"},
			{Expr: "state.points == 2400", Scope: ScopeAfter, Seen: "state.points = 7200, want == 2400"},
		}, false)
	round1.Notes = []string{"the target speaks only HTTP/1.1, so the burst used the barrier engine"}
	round2 := NewRound(2, goldenBurst(goldenStart.Add(40*time.Millisecond),
		[]int{409, 409, 409, 409, 409, 409, 200, 409, 409, 409, 409, 409}, true, 2),
		goldenRequests("POST", mission, 12), []Check{
			{Expr: "count(status == 200) == 1", Scope: ScopeBurst, Pass: true},
			{Expr: `count(body contains "<b>&") == 0`, Scope: ScopeBurst, Pass: true},
			{Expr: "all(responses, .status in [200, 409])", Scope: ScopeBurst, Pass: true},
			{Expr: "state.points == 2400", Scope: ScopeAfter, Pass: true},
		}, false)
	round3 := NewRound(3, goldenBurst(goldenStart.Add(70*time.Millisecond),
		[]int{409, 409, 200, 409, 409, 409, 409, 409, 409, 409, 0, 409}, true, 3),
		goldenRequests("POST", mission, 12), []Check{
			{Expr: "count(status == 200) == 1", Scope: ScopeBurst, Pass: true},
			{Expr: `count(body contains "<b>&") == 0`, Scope: ScopeBurst, Pass: true},
			{Expr: "all(responses, .status in [200, 409])", Scope: ScopeBurst, Seen: "response #10 has status 0"},
			{Expr: "state.points == 2400", Scope: ScopeAfter, Pass: true},
		}, false)
	health := goldenBurst(goldenStart.Add(90*time.Millisecond), []int{200, 200, 200, 200}, false, 1)
	health.Mode, health.Proto, health.Connections = runner.ModeSinglePacket, "HTTP/2.0", 1
	health.Receipt = runner.Receipt{Connections: 1, Writes: 1, Bytes: 36, TLS: true, TLSRecords: 1, Segments: 1, MaxSegments: 1, SegmentsKnown: true}
	return &Document{Schema: Schema, Tool: "racetest 1.0.0", Started: goldenStart, Runs: []Run{
		{Name: "mission reward: check-then-act", File: "examples/mission.yaml", Line: 4,
			Target: RedactURL(mission, false), Mode: "auto", N: 12, Rounds: []Round{round1, round2, round3}},
		{Name: "fire GET https://127.0.0.1:8443/health", Target: "https://127.0.0.1:8443/health", Mode: "single-packet", N: 4,
			Rounds: []Round{NewRound(1, health, goldenRequests("GET", "https://127.0.0.1:8443/health", 4), nil, false)}},
		{Name: "stock purchase", File: "examples/stock.yaml", Line: 2, Target: "http://127.0.0.1:8081/stock/buy", Mode: "auto", N: 20,
			Error: "target unreachable: dial tcp 127.0.0.1:8081: connect: connection refused (is the target running?)"},
	}}
}

// goldenBurst makes one burst released at t0; status 0 is a reset
// connection. Release order is a permutation of the index order, as on a
// real wire, and every duration is a whole number of microseconds.
func goldenBurst(t0 time.Time, statuses []int, arrival bool, seed int) *runner.Burst {
	us := time.Microsecond
	b := &runner.Burst{Mode: runner.ModeBarrier, Proto: "HTTP/1.1", Connections: len(statuses), Start: t0.Add(-300 * us)}
	for i, st := range statuses {
		rel := t0.Add(time.Duration(i*7%len(statuses)) * 40 * us)
		r := runner.Result{Index: i, Conn: i, Status: st, Armed: rel.Add(-200 * us), Released: rel}
		if st == 0 {
			r.Err = errors.New("read tcp 127.0.0.1:50412->127.0.0.1:8080: read: connection reset by peer")
			r.ErrKind, r.Done = runner.KindReset, rel.Add(3*time.Millisecond)
			b.Results = append(b.Results, r)
			continue
		}
		r.Proto = b.Proto
		at := rel.Add(150*us + time.Duration(i*5%7)*30*us)
		if arrival {
			r.Arrival = at
		}
		r.FirstByte = at.Add(2*time.Millisecond + time.Duration((i+seed)%5)*200*us)
		r.Done = r.FirstByte.Add(40*us + time.Duration(i%3)*20*us)
		r.Header = http.Header{"Content-Type": {"application/json"}, "Set-Cookie": {"session=s3cret"}}
		r.Body = []byte(`{"granted":true}`)
		if st != 200 {
			r.Body = []byte(`{"error":"already completed"}`)
		}
		r.BodyBytes = int64(len(r.Body))
		b.Results = append(b.Results, r)
	}
	return b
}

func goldenRequests(method, url string, n int) []runner.Request {
	reqs := make([]runner.Request, n)
	for i := range reqs {
		reqs[i] = runner.Request{Method: method, URL: url}
	}
	return reqs
}

// golden compares got with testdata/name, or rewrites it under -update.
func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test ./report -run Golden -update to create it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs from the writer's output; if the change is intended, run go test ./report -run Golden -update\n%s",
			path, firstDiff(string(want), string(got)))
	}
}

// firstDiff shows the first line that differs, enough to see what moved.
func firstDiff(want, got string) string {
	wl, gl := strings.Split(want, "\n"), strings.Split(got, "\n")
	for i := 0; i < max(len(wl), len(gl)); i++ {
		var w, g string
		if i < len(wl) {
			w = wl[i]
		}
		if i < len(gl) {
			g = gl[i]
		}
		if w != g {
			return "line " + strconv.Itoa(i+1) + ":\n  want: " + w + "\n  got:  " + g
		}
	}
	return "(no line differs: a trailing newline?)"
}

func render(t *testing.T, write func(*bytes.Buffer, *Document) error) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := write(&buf, goldenDocument()); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func TestGoldenText(t *testing.T) {
	golden(t, "report.txt", render(t, func(b *bytes.Buffer, d *Document) error {
		return WriteText(b, d, TextOptions{Verbose: true})
	}))
}

func TestGoldenJSON(t *testing.T) {
	got := render(t, func(b *bytes.Buffer, d *Document) error { return WriteJSON(b, d) })
	golden(t, "report.json", got)
	// What a script reads back must render the same: the JSON is lossless.
	back, err := ReadJSON(bytes.NewReader(got))
	if err != nil {
		t.Fatal(err)
	}
	var again bytes.Buffer
	if err := WriteJSON(&again, back); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(again.Bytes(), got) {
		t.Errorf("JSON does not survive a round trip:\n%s", firstDiff(string(got), again.String()))
	}
}

func TestGoldenJUnit(t *testing.T) {
	golden(t, "report.junit.xml", render(t, func(b *bytes.Buffer, d *Document) error { return WriteJUnit(b, d) }))
}

func TestGoldenHTML(t *testing.T) {
	golden(t, "report.html", render(t, func(b *bytes.Buffer, d *Document) error { return WriteHTML(b, d) }))
}

func TestGoldenGitHubAnnotations(t *testing.T) {
	golden(t, "report.github.txt", render(t, func(b *bytes.Buffer, d *Document) error {
		return WriteGitHubAnnotations(b, d)
	}))
}
