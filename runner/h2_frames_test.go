package runner

import (
	"bytes"
	"errors"
	"io"
	"net"
	"net/http"
	"strings"
	"sync"
	"testing"

	"golang.org/x/net/http2"
)

// connLog records every Write on a connection.
type connLog struct {
	net.Conn
	mu     sync.Mutex
	writes [][]byte
}

func (c *connLog) Write(p []byte) (int, error) {
	c.mu.Lock()
	c.writes = append(c.writes, bytes.Clone(p))
	c.mu.Unlock()
	return c.Conn.Write(p)
}

// logConns makes the engine's connections record their writes.
func logConns(t *testing.T) *[]*connLog {
	var mu sync.Mutex
	logs := new([]*connLog)
	testHookWrapConn = func(c net.Conn) net.Conn {
		l := &connLog{Conn: c}
		mu.Lock()
		*logs = append(*logs, l)
		mu.Unlock()
		return l
	}
	t.Cleanup(func() { testHookWrapConn = nil })
	return logs
}

// endings parses the frames of one write and returns the streams it ends
// and the streams it opens, from stream `from` on.
func endings(t *testing.T, w []byte, from uint32) (ends, heads []uint32) {
	t.Helper()
	fr := http2.NewFramer(nil, bytes.NewReader(bytes.TrimPrefix(w, []byte(http2.ClientPreface))))
	for {
		f, err := fr.ReadFrame()
		if errors.Is(err, io.EOF) {
			return ends, heads
		}
		if err != nil {
			t.Fatalf("write is not whole frames: %v", err)
		}
		h := f.Header()
		if h.StreamID < from {
			continue
		}
		if h.Type == http2.FrameHeaders {
			heads = append(heads, h.StreamID)
		}
		if (h.Type == http2.FrameHeaders || h.Type == http2.FrameData) && h.Flags.Has(http2.FlagDataEndStream) {
			ends = append(ends, h.StreamID)
		}
	}
}

func TestSinglePacketFinalFramesInOneWrite(t *testing.T) {
	const n = 25
	for _, h2c := range []bool{false, true} {
		for _, hold := range []Hold{HoldLastByte, HoldHeaders} {
			logs := logConns(t)
			srv := h2Server(t, &arrivals{}, h2c, 10)
			b := singlePacket(t, burstOf(n, http.MethodPost, srv.URL, []byte("body")), Options{Sync: Sync{Hold: hold, Warmup: 1}})
			if b.Connections != 3 || len(*logs) != 3 {
				t.Fatalf("connections %d, logged %d, want 3", b.Connections, len(*logs))
			}
			total := 0
			for ci, l := range *logs {
				finals := 0
				for _, w := range l.writes {
					// Stream 1 is the warm-up; the race starts at 3.
					ends, heads := endings(t, w, 3)
					if len(ends) == 0 {
						if hold == HoldHeaders && len(heads) > 0 {
							t.Errorf("h2c %v %s conn %d: HEADERS of %v sent before the release", h2c, hold, ci, heads)
						}
						continue
					}
					finals++
					total += len(ends)
					// The server allows 10 streams: 25 split evenly over
					// 3 connections, 8, 8 and 9.
					if len(ends) != 8 && len(ends) != 9 {
						t.Errorf("h2c %v %s conn %d: final write ends %d streams", h2c, hold, ci, len(ends))
					}
				}
				if finals != 1 {
					t.Errorf("h2c %v %s conn %d: final frames in %d writes, want 1", h2c, hold, ci, finals)
				}
			}
			if total != n {
				t.Errorf("h2c %v %s: final writes end %d streams, want %d", h2c, hold, total, n)
			}
			for _, r := range b.Results {
				if r.Status != 200 || r.Armed.IsZero() || r.Armed.After(r.Released) || r.Conn != min(r.Index/8, 2) {
					t.Errorf("request %d: status %d conn %d armed %v released %v err %v", r.Index, r.Status, r.Conn, r.Armed, r.Released, r.Err)
				}
			}
		}
	}
}

// TestSinglePacketLargeMessages covers what needs more than one frame: a
// request head over the 16 KiB frame size (CONTINUATION), a response body
// cut at BodyLimit and counted.
func TestSinglePacketLargeMessages(t *testing.T) {
	big := strings.Repeat("x", 100_000)
	srv := h2Server(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if len(r.Header.Get("X-Big")) != 40_000 {
			w.WriteHeader(http.StatusBadRequest)
		}
		io.WriteString(w, big)
	}), false, 0)
	for _, hold := range []Hold{HoldLastByte, HoldHeaders} {
		reqs := burstOf(3, http.MethodPost, srv.URL, []byte("b"))
		for i := range reqs {
			reqs[i].Header.Set("X-Big", big[:40_000])
		}
		b := singlePacket(t, reqs, Options{Client: Client{BodyLimit: 1000}, Sync: Sync{Hold: hold}})
		for _, r := range b.Results {
			if r.Status != 200 || len(r.Body) != 1000 || r.BodyBytes != 100_000 || !r.Truncated {
				t.Errorf("%s request %d: status %d body %d/%d truncated %v err %v", hold, r.Index, r.Status, len(r.Body), r.BodyBytes, r.Truncated, r.Err)
			}
		}
	}
}
