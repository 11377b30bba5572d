package runner

import (
	"bytes"
	"errors"
	"io"
	"net/http"
	"slices"
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

// TestSinglePacketConnections spreads 10 streams evenly over the
// connections asked for, each released in one write: 3, 3 and 4 over 3,
// and over 6 six connections, not the 5 that splitting in chunks of
// ceil(10/6) = 2 would give.
func TestSinglePacketConnections(t *testing.T) {
	srv := h2Server(t, &arrivals{}, false, 0)
	for _, tc := range []struct {
		k    int
		want []int
	}{
		{3, []int{3, 3, 4}},
		{6, []int{1, 2, 2, 1, 2, 2}},
	} {
		b := singlePacket(t, burstOf(10, http.MethodGet, srv.URL, nil), Options{Sync: Sync{Connections: tc.k}})
		if b.Connections != tc.k || b.Receipt.Writes != tc.k {
			t.Fatalf("K=%d: connections %d, release writes %d, want %d and %d", tc.k, b.Connections, b.Receipt.Writes, tc.k, tc.k)
		}
		per := make([]int, tc.k)
		for _, r := range b.Results {
			if r.Status != 200 {
				t.Errorf("K=%d: request %d: status %d err %v", tc.k, r.Index, r.Status, r.Err)
			}
			per[r.Conn]++
		}
		if !slices.Equal(per, tc.want) {
			t.Errorf("K=%d: streams per connection %v, want %v", tc.k, per, tc.want)
		}
	}
}
