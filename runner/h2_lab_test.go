package runner

import (
	"bytes"
	"context"
	"encoding/binary"
	"encoding/json"
	"net"
	"net/http"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"golang.org/x/net/http2"

	"github.com/racetest/racetest/internal/netlab"
	"github.com/racetest/racetest/internal/realservers"
)

// labChild is set in the environment of the test binary that
// TestSinglePacketOnePacketInLab starts inside the lab's client namespace.
const labChild = "RACETEST_LAB_CHILD"

// labBurst is what the child reports of its burst.
type labBurst struct {
	Hold     Hold
	Receipt  Receipt
	Notes    []string
	Fit      *FitAdvice
	Statuses []int
	Final    int // bytes of the release on the one connection
}

// realisticBurst is the case: N requests with a 600-byte bearer
// token and a 150-byte JSON body.
func realisticBurst(n int, url string) []Request {
	token := "Bearer " + strings.Repeat("t", 600)
	body := []byte(`{"type":"investment_complete","amount":100,"note":"` + strings.Repeat("n", 150-len(`{"type":"investment_complete","amount":100,"note":""}`)) + `"}`)
	reqs := make([]Request, n)
	for i := range reqs {
		reqs[i] = Request{Method: http.MethodPost, URL: url, Body: body,
			Header: http.Header{"Authorization": {token}, "Content-Type": {"application/json"}}}
	}
	return reqs
}

// TestSinglePacketOnePacketInLab is the wire-level proof: over a path
// with a 1500-byte MTU (netlab: veth with offloads off, 5 ms one-way
// delay through the forwarder), the default release of 20 realistic
// requests leaves in one TCP segment, counted in the forwarder's capture
// (h2c: the segments that carry a byte of a frame ending a stream; TLS:
// the segments of the one record of the release's size) and in the
// receipt. Holding whole heads instead takes several segments, and the
// burst says so before anything is sent, with what to change.
func TestSinglePacketOnePacketInLab(t *testing.T) {
	if os.Getenv(labChild) != "" {
		t.Skip("the lab's client half runs in TestLabChild")
	}
	lab := netlab.New(t, os.Getenv(realservers.EnvRequire) == "1", netlab.Path{Delay: 5 * time.Millisecond, Jitter: 500 * time.Microsecond, Rate: 20_000_000})
	for _, h2c := range []bool{true, false} {
		ln, err := lab.Server.Listen("tcp", net.JoinHostPort(lab.Server.IP.String(), "0"))
		if err != nil {
			t.Fatal(err)
		}
		srv := h2ServerOn(t, ln, &arrivals{}, h2c, 0)
		for _, c := range []struct {
			get  bool
			hold Hold
		}{{false, HoldAuto}, {false, HoldHeaders}, {true, HoldAuto}} {
			hold := c.hold
			lab.Forwarder.StartCapture()
			got := runLabChild(t, lab, srv.URL, h2c, c.get, hold)
			pkts := lab.Forwarder.StopCapture()
			name := map[bool]string{true: "h2c", false: "TLS"}[h2c] + map[bool]string{true: " GET", false: " POST"}[c.get] + " hold " + string(hold)
			for i, st := range got.Statuses {
				if st != 200 {
					t.Errorf("%s: request %d: status %d", name, i, st)
				}
			}
			rc := got.Receipt
			segs := releaseSegments(t, pkts, h2c, got.Final, c.get)
			t.Logf("%s: release of %d bytes: %d segment(s) on the wire, receipt %d segment(s), %d record(s); notes %q",
				name, rc.Bytes, segs, rc.Segments, rc.TLSRecords, got.Notes)
			if rc.Connections != 1 || !rc.SegmentsKnown {
				t.Fatalf("%s: receipt %+v, want one measured connection", name, rc)
			}
			if !h2c && rc.TLSRecords != 1 {
				t.Errorf("%s: release took %d TLS records, want 1", name, rc.TLSRecords)
			}
			if segs != rc.Segments {
				t.Errorf("%s: %d segments on the wire, the receipt says %d", name, segs, rc.Segments)
			}
			// The default: the last byte of each body, and for a bodiless
			// request an empty DATA frame with END_STREAM.
			if hold == HoldAuto {
				if got.Hold != HoldLastByte || segs != 1 {
					t.Errorf("%s: default release (hold %s, want %s) took %d segments, want 1", name, got.Hold, HoldLastByte, segs)
				}
				continue
			}
			if segs < 2 {
				t.Errorf("%s: whole heads took %d segment, want more: the count would not tell", name, segs)
			}
			// Said before the release, with the advice as data: the
			// report words it as flags (cmd TestFireFitAdvice).
			if got.Fit == nil || !got.Fit.HoldLastByte || !slices.Contains(got.Notes, got.Fit.Note) {
				t.Errorf("%s: no advice to hold the last byte, in a note that the release will not fit one segment: %+v, notes %q", name, got.Fit, got.Notes)
			}
		}
	}
}

// runLabChild runs TestLabChild in the lab's client namespace and reads
// its report.
func runLabChild(t *testing.T, lab *netlab.Lab, url string, h2c, get bool, hold Hold) labBurst {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	cmd := lab.Client.Command(ctx, os.Args[0], "-test.run=^TestLabChild$", "-test.count=1")
	h2cEnv := ""
	if h2c {
		h2cEnv = "1"
	}
	getEnv := ""
	if get {
		getEnv = "1"
	}
	cmd.Env = append(os.Environ(), labChild+"="+url, "RACETEST_LAB_H2C="+h2cEnv, "RACETEST_LAB_GET="+getEnv, "RACETEST_LAB_HOLD="+string(hold))
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("lab client: %v\n%s", err, out)
	}
	_, js, ok := bytes.Cut(out, []byte("LAB "))
	if !ok {
		t.Fatalf("lab client printed no result:\n%s", out)
	}
	js, _, _ = bytes.Cut(js, []byte("\n"))
	var b labBurst
	if err := json.Unmarshal(js, &b); err != nil {
		t.Fatalf("lab client: %v\n%s", err, out)
	}
	return b
}

// TestLabChild is the client half of TestSinglePacketOnePacketInLab, run
// by it inside the lab's client namespace; on its own it skips.
func TestLabChild(t *testing.T) {
	url := os.Getenv(labChild)
	if url == "" {
		t.Skip("runs only inside the network lab, started by TestSinglePacketOnePacketInLab")
	}
	reqs := realisticBurst(20, url+"/race")
	if os.Getenv("RACETEST_LAB_GET") == "1" {
		for i := range reqs {
			reqs[i].Method, reqs[i].Body = http.MethodGet, nil
		}
	}
	p := Plan{Requests: reqs, Options: Options{
		Client: Client{Insecure: true, H2C: os.Getenv("RACETEST_LAB_H2C") == "1"},
		Sync:   Sync{Mode: ModeSinglePacket, Hold: Hold(os.Getenv("RACETEST_LAB_HOLD"))},
	}}
	b, err := Run(context.Background(), p)
	if err != nil {
		t.Fatal(err)
	}
	out := labBurst{Hold: b.Hold, Receipt: b.Receipt, Notes: b.Notes, Fit: b.Fit, Final: int(b.Receipt.Bytes)}
	for _, r := range b.Results {
		out.Statuses = append(out.Statuses, r.Status)
	}
	js, err := json.Marshal(out)
	if err != nil {
		t.Fatal(err)
	}
	os.Stdout.Write(append(append([]byte("LAB "), js...), '\n'))
}

// span is a byte range of one direction of a TCP connection, counted
// from its first data byte.
type span struct{ from, to int }

// releaseSegments counts the captured data segments, client to server,
// that carry part of the release. A connection's bytes are put back in
// order from the sequence numbers (retransmissions counted once); the
// release is found in them by its frames (h2c) or by the length of its
// one TLS record (final bytes plus TLS 1.3's 22).
func releaseSegments(t *testing.T, pkts []netlab.Packet, h2c bool, final int, heads bool) int {
	t.Helper()
	conns := map[uint16][]netlab.Segment{}
	isn := map[uint16]uint32{}
	for _, p := range pkts {
		s, ok := netlab.ParseTCP(p.Data)
		if !ok {
			continue
		}
		if s.Flags&0x02 != 0 { // SYN
			isn[s.SrcPort] = s.Seq + 1
		}
		if len(s.Payload) > 0 {
			conns[s.SrcPort] = append(conns[s.SrcPort], s)
		}
	}
	total := 0
	for port, ss := range conns {
		base, ok := isn[port]
		if !ok {
			t.Fatalf("capture lacks the SYN of port %d", port)
		}
		var stream []byte
		var segs []span
		seen := map[uint32]bool{}
		for _, s := range ss {
			if seen[s.Seq] {
				continue
			}
			seen[s.Seq] = true
			off := int(s.Seq - base)
			if off != len(stream) {
				t.Fatalf("port %d: segment at %d, stream has %d bytes: capture out of order", port, off, len(stream))
			}
			segs = append(segs, span{off, off + len(s.Payload)})
			stream = append(stream, s.Payload...)
		}
		var rel []span
		if h2c {
			rel = h2cEndings(t, stream, heads)
		} else {
			rel = tlsRecordsOf(stream, final+22)
		}
		for _, sg := range segs {
			if slices.ContainsFunc(rel, func(r span) bool { return r.from < sg.to && sg.from < r.to }) {
				total++
			}
		}
	}
	return total
}

// h2cEndings is where, in a client's h2c byte stream, the frames that
// end a stream lie: DATA frames, or HEADERS frames when heads is set.
func h2cEndings(t *testing.T, stream []byte, heads bool) []span {
	t.Helper()
	b := bytes.TrimPrefix(stream, []byte(http2.ClientPreface))
	off := len(stream) - len(b)
	var out []span
	for len(b) >= 9 {
		n := int(b[0])<<16 | int(b[1])<<8 | int(b[2])
		typ, flags := http2.FrameType(b[3]), http2.Flags(b[4])
		id := binary.BigEndian.Uint32(b[5:9]) & 0x7fffffff
		if len(b) < 9+n {
			t.Fatalf("h2c stream ends inside a frame")
		}
		ends := typ == http2.FrameData || (heads && typ == http2.FrameHeaders)
		if ends && flags.Has(http2.FlagDataEndStream) && id >= 1 {
			out = append(out, span{off, off + 9 + n})
		}
		b, off = b[9+n:], off+9+n
	}
	return out
}

// tlsRecordsOf is where, in a client's TLS byte stream, the application
// data records of the given length (header included) lie.
func tlsRecordsOf(stream []byte, length int) []span {
	var out []span
	for off := 0; off+5 <= len(stream); {
		n := int(binary.BigEndian.Uint16(stream[off+3 : off+5]))
		if stream[off] == 23 && 5+n == length {
			out = append(out, span{off, off + 5 + n})
		}
		off += 5 + n
	}
	return out
}
