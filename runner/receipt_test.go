package runner

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"runtime"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

// TestReceipt: every engine's receipt counts the connections and the
// bytes of the release; single-packet writes once per connection, in as
// many TLS records as 16 KiB plaintext records need (the 5,000-byte
// bodies are held back with the headers, so 40 KB go in three); on
// Linux TCP_INFO gives the segments, at least one per connection.
func TestReceipt(t *testing.T) {
	const n = 8
	for _, c := range []struct {
		mode  Mode
		h2c   bool
		conns int
	}{{ModeSinglePacket, false, 1}, {ModeSinglePacket, true, 1}, {ModeLastByte, false, n}, {ModeBarrier, false, n}} {
		t.Run(fmt.Sprintf("%s/h2c=%v", c.mode, c.h2c), func(t *testing.T) {
			srv := h2Server(t, &arrivals{}, c.h2c, 0)
			b, err := Run(context.Background(), Plan{
				Requests: burstOf(n, http.MethodPost, srv.URL, make([]byte, 5000)),
				Options:  Options{Client: Client{Insecure: true, H2C: c.h2c}, Sync: Sync{Mode: c.mode}},
			})
			if err != nil {
				t.Fatal(err)
			}
			rc := b.Receipt
			t.Logf("%+v", rc)
			if !b.Complete() {
				t.Fatalf("incomplete: %+v", b.Incomplete())
			}
			if rc.Connections != c.conns || rc.Bytes <= 0 || rc.Writes < c.conns || rc.TLS == c.h2c {
				t.Errorf("receipt %+v, want %d connections, TLS %v", rc, c.conns, !c.h2c)
			}
			records := int(rc.Bytes+16<<10-1) / (16 << 10) // one write of 16 KiB records
			switch {
			case c.h2c && rc.TLSRecords != 0:
				t.Errorf("%d TLS records without TLS", rc.TLSRecords)
			case c.mode == ModeSinglePacket && !c.h2c && rc.TLSRecords != records:
				t.Errorf("%d TLS records for %d bytes in one write, want %d", rc.TLSRecords, rc.Bytes, records)
			case c.mode == ModeLastByte && rc.TLSRecords != rc.Connections:
				t.Errorf("%d TLS records for %d final fragments of 5 KB", rc.TLSRecords, rc.Connections)
			case !c.h2c && rc.TLSRecords < rc.Connections:
				t.Errorf("%d TLS records for %d connections", rc.TLSRecords, rc.Connections)
			}
			if c.mode != ModeBarrier && rc.Writes != c.conns {
				t.Errorf("%d release writes on %d connections", rc.Writes, c.conns)
			}
			for _, r := range b.Results {
				if c.conns == n && r.Conn != r.Index {
					t.Errorf("request %d on conn %d: one connection each, so %d", r.Index, r.Conn, r.Index)
				}
			}
			if rc.ServerStamps != n || rc.ServerResolution <= 0 || rc.ServerResolution >= time.Millisecond {
				t.Errorf("%d stamps of resolution %v, want %d of nanoseconds", rc.ServerStamps, rc.ServerResolution, n)
			}
			if runtime.GOOS != "linux" {
				return
			}
			if !rc.SegmentsKnown || rc.Segments < rc.Connections || rc.MaxSegments < 1 {
				t.Errorf("segments %d (max %d, known %v) for %d connections", rc.Segments, rc.MaxSegments, rc.SegmentsKnown, rc.Connections)
			}
		})
	}
}

// msecStamps stamps each response as nginx's $msec does: seconds with
// three decimals.
type msecStamps struct{}

func (msecStamps) ServeHTTP(w http.ResponseWriter, _ *http.Request) {
	now := time.Now()
	w.Header().Set(DefaultArrivalHeader, fmt.Sprintf("%d.%03d", now.Unix(), now.Nanosecond()/1e6))
}

// TestArrivalResolution: stamps of whole milliseconds give a resolution
// of 1 ms, so that a server spread of 0 reads as "under 1 ms".
func TestArrivalResolution(t *testing.T) {
	srv := httptest.NewServer(msecStamps{})
	defer srv.Close()
	b, err := Run(context.Background(), Plan{Requests: burstOf(5, http.MethodGet, srv.URL, nil), Options: Options{Sync: Sync{Mode: ModeLastByte}}})
	if err != nil {
		t.Fatal(err)
	}
	if b.ArrivalResolution() != time.Millisecond || b.Receipt.ServerResolution != time.Millisecond || b.Receipt.ServerStamps != 5 {
		t.Errorf("resolution %v, receipt %+v, want 1ms from 5 stamps", b.ArrivalResolution(), b.Receipt)
	}
	for v, want := range map[string]time.Duration{
		"1700000000.123": time.Millisecond, "1700000000123": time.Millisecond, "1700000000.120": time.Millisecond,
		"1700000000.123456": time.Microsecond, "1700000000123456789": time.Nanosecond, "1700000000": time.Second,
	} {
		got := (&Burst{Results: []Result{{Arrival: parseArrival(v)}}}).ArrivalResolution()
		if got != want {
			t.Errorf("%s: resolution %v, want %v", v, got, want)
		}
	}
}

// TestReleaseMeterDoesNotAllocate: reading the counters and TCP_INFO
// around the release loop allocates nothing.
func TestReleaseMeterDoesNotAllocate(t *testing.T) {
	tg, err := parseTarget(silentServer(t))
	if err != nil {
		t.Fatal(err)
	}
	wires := make([]*wireConn, 4)
	for i := range wires {
		c, err := dial(context.Background(), tg, &Options{Client: Client{Timeout: time.Second}}, nil)
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		wires[i] = wireOf(c)
	}
	m := newReleaseMeter(wires)
	if allocs := testing.AllocsPerRun(100, func() { m.start(); m.stop() }); allocs != 0 {
		t.Errorf("the meter allocated %v times per run", allocs)
	}
}

// garbageStamps answers with arrival stamps no clock gives: the first
// second of 1970 and the largest int64 of nanoseconds, in turn.
type garbageStamps struct{ n atomic.Int64 }

func (g *garbageStamps) ServeHTTP(w http.ResponseWriter, _ *http.Request) {
	stamp := "1"
	if g.n.Add(1)%2 == 0 {
		stamp = "9223372036854775807"
	}
	w.Header().Set(DefaultArrivalHeader, stamp)
}

// TestImpossibleStampsAreIgnored: stamps that spread wider than the burst
// itself took are not a server spread (it used to print 9.22e+09s); every
// engine drops them with a note saying why.
func TestImpossibleStampsAreIgnored(t *testing.T) {
	for _, mode := range []Mode{ModeSinglePacket, ModeLastByte, ModeBarrier} {
		t.Run(string(mode), func(t *testing.T) {
			srv := h2Server(t, &garbageStamps{}, false, 0)
			b, err := Run(context.Background(), Plan{
				Requests: burstOf(6, http.MethodGet, srv.URL, nil),
				Options:  Options{Client: Client{Insecure: true}, Sync: Sync{Mode: mode}},
			})
			if err != nil {
				t.Fatal(err)
			}
			if !b.Complete() {
				t.Fatalf("incomplete: %+v", b.Incomplete())
			}
			if b.Receipt.ServerSpread != 0 || b.Receipt.ServerStamps != 0 {
				t.Errorf("server spread %v from %d stamps, want none", b.Receipt.ServerSpread, b.Receipt.ServerStamps)
			}
			// The handler reads no body: on HTTP/2 the server answers
			// on the heads, which is a note of its own.
			if !slices.ContainsFunc(b.Notes, func(n string) bool { return strings.Contains(n, "arrival stamps ignored") }) {
				t.Errorf("notes %q, want one saying the stamps were ignored", b.Notes)
			}
		})
	}
}

// TestFitAdvice: when whole heads are held, single-packet says before the
// release that its final frames will not fit one TCP segment (on loopback,
// only releases over some 64 KB), and what would, as values of Sync, not
// as flags: hold the last byte, for a request too large alone, and also
// more connections for too many streams.
func TestFitAdvice(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("the MSS comes from TCP_INFO, on Linux only")
	}
	srv := h2Server(t, &arrivals{}, true, 0)
	for _, c := range []struct {
		name      string
		n, body   int
		conns     bool
		wantInfix string
	}{
		{"one request too large", 2, 100 << 10, false, "; one request's final fragment alone is "},
		{"too many streams", 100, 1500, true, ""},
	} {
		t.Run(c.name, func(t *testing.T) {
			b, err := Run(context.Background(), Plan{
				Requests: burstOf(c.n, http.MethodPost, srv.URL, make([]byte, c.body)),
				Options:  Options{Client: Client{H2C: true}, Sync: Sync{Mode: ModeSinglePacket, Hold: HoldHeaders}},
			})
			if err != nil {
				t.Fatal(err)
			}
			if !b.Complete() {
				t.Fatalf("incomplete: %+v", b.Incomplete())
			}
			f := b.Fit
			if f == nil {
				t.Fatalf("no advice; notes %q, receipt %+v", b.Notes, b.Receipt)
			}
			t.Logf("%+v", *f)
			if !f.HoldLastByte || (f.Connections > 1) != c.conns || (!c.conns && f.Connections != 0) {
				t.Errorf("advice %+v, want hold last byte, more connections %v", *f, c.conns)
			}
			if !slices.Contains(b.Notes, f.Note) || !strings.Contains(f.Note, "one TCP segment carries") || !strings.Contains(f.Note, c.wantInfix) {
				t.Errorf("note %q not among the notes %q, or not saying why", f.Note, b.Notes)
			}
			// The runner names no flag: the caller words the advice.
			if strings.Contains(f.Note, "--") {
				t.Errorf("note names a flag: %q", f.Note)
			}
			// The measured count agrees with what was foreseen.
			if b.Receipt.SegmentsKnown && b.Receipt.MaxSegments < 2 {
				t.Errorf("foreseen over one segment, measured %d", b.Receipt.MaxSegments)
			}
		})
	}
}
