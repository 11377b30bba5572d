package runner

import (
	"bytes"
	"errors"
	"io"
	"net/http"
	"testing"

	"golang.org/x/net/http2"
)

// frameTypes lists the frames of one write from stream `from` on, with
// connection-level PINGs, in order.
func frameTypes(t *testing.T, w []byte, from uint32) []http2.FrameType {
	t.Helper()
	var out []http2.FrameType
	fr := http2.NewFramer(nil, bytes.NewReader(bytes.TrimPrefix(w, []byte(http2.ClientPreface))))
	for {
		f, err := fr.ReadFrame()
		if errors.Is(err, io.EOF) {
			return out
		}
		if err != nil {
			t.Fatalf("write is not whole frames: %v", err)
		}
		h := f.Header()
		if h.StreamID >= from || h.Type == http2.FramePing {
			out = append(out, h.Type)
		}
	}
}

// TestSinglePacketArmOrder pins what leaves in which write with the last
// byte held: a lone PING, then one write with the HEADERS of every stream
// together first, then the bodies but their last byte, then the arming
// PING; then the release, with only DATA frames.
func TestSinglePacketArmOrder(t *testing.T) {
	const n = 8
	logs := logConns(t)
	srv := h2Server(t, &arrivals{}, true, 0)
	singlePacket(t, burstOf(n, http.MethodPost, srv.URL, []byte("body")), Options{Sync: Sync{Hold: HoldLastByte}})
	if len(*logs) != 1 {
		t.Fatalf("%d connections, want 1", len(*logs))
	}
	var got [][]http2.FrameType
	for _, w := range (*logs)[0].writes {
		if ft := frameTypes(t, w, 1); len(ft) > 0 {
			got = append(got, ft)
		}
	}
	// Acknowledgements of the server's PINGs, if any, would be writes
	// of one PING too; the three writes of the race are the last ones.
	if len(got) < 3 {
		t.Fatalf("writes %v, want a PING, the arming write and the release", got)
	}
	got = got[len(got)-3:]
	if len(got[0]) != 1 || got[0][0] != http2.FramePing {
		t.Errorf("first write %v, want a lone PING", got[0])
	}
	arm := got[1]
	for i, ft := range arm {
		want := http2.FrameHeaders
		switch {
		case i == len(arm)-1:
			want = http2.FramePing
		case i >= n:
			want = http2.FrameData
		}
		if ft != want {
			t.Errorf("arming write frame %d is %v, want %v (all HEADERS first): %v", i, ft, want, arm)
			break
		}
	}
	if len(arm) != 2*n+1 {
		t.Errorf("arming write has %d frames, want %d HEADERS, %d DATA and a PING", len(arm), n, n)
	}
	for _, ft := range got[2] {
		if ft != http2.FrameData {
			t.Errorf("release carries %v, want only DATA frames", got[2])
			break
		}
	}
}

// TestSinglePacketConnections spreads 10 streams over the 3 connections
// asked for, 4, 4 and 2, each released in one write.
func TestSinglePacketConnections(t *testing.T) {
	srv := h2Server(t, &arrivals{}, false, 0)
	b := singlePacket(t, burstOf(10, http.MethodGet, srv.URL, nil), Options{Sync: Sync{Connections: 3}})
	if b.Connections != 3 || b.Receipt.Writes != 3 {
		t.Fatalf("connections %d, release writes %d, want 3 and 3", b.Connections, b.Receipt.Writes)
	}
	per := map[int]int{}
	for _, r := range b.Results {
		if r.Status != 200 {
			t.Errorf("request %d: status %d err %v", r.Index, r.Status, r.Err)
		}
		per[r.Conn]++
	}
	if per[0] != 4 || per[1] != 4 || per[2] != 2 {
		t.Errorf("streams per connection %v, want 4, 4, 2", per)
	}
}
