package runner

import (
	"bytes"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"golang.org/x/net/http2"
	"golang.org/x/net/http2/hpack"
)

// endlessHeaderLine answers every request with a head whose one header
// line never ends, until the client goes away.
func endlessHeaderLine(c net.Conn) {
	if !lbReadRequest(c) {
		return
	}
	if _, err := io.WriteString(c, "HTTP/1.1 200 OK\r\nX-Endless: "); err != nil {
		return
	}
	chunk := bytes.Repeat([]byte("a"), 64<<10)
	for {
		if _, err := c.Write(chunk); err != nil {
			return
		}
	}
}

// manyHeaders answers every request with n header fields.
func manyHeaders(n int) func(c net.Conn) {
	return func(c net.Conn) {
		if !lbReadRequest(c) {
			return
		}
		var b strings.Builder
		b.WriteString("HTTP/1.1 200 OK\r\n")
		for i := range n {
			fmt.Fprintf(&b, "X-%d: v\r\n", i)
		}
		b.WriteString("Content-Length: 2\r\n\r\nok")
		_, _ = io.WriteString(c, b.String())
		_, _ = io.Copy(io.Discard, c)
	}
}

// TestResponseHeadBounds: every HTTP/1.1 engine and Do refuse a head over
// MaxResponseHead bytes or MaxResponseHeaders fields as a protocol error
// naming the limit, and accept one at the bound.
func TestResponseHeadBounds(t *testing.T) {
	cases := []struct {
		name   string
		handle func(net.Conn)
		want   string // in the error; "" for a 200
	}{
		{"endless header line", endlessHeaderLine, "over the limit of 1048576 bytes"},
		{"100,000 headers", manyHeaders(100_000), "over the limit of 1000 header fields"},
		// 999 + Content-Length: exactly at the bound.
		{"1000 headers", manyHeaders(MaxResponseHeaders - 1), ""},
		{"1001 headers", manyHeaders(MaxResponseHeaders), "over the limit of 1000 header fields"},
	}
	for _, tc := range cases {
		for _, e := range h1Engines {
			t.Run(tc.name+"/"+e.name, func(t *testing.T) {
				url := rawServer(t, tc.handle)
				for _, r := range e.run(t, url, 3, Options{Client: Client{Timeout: 5 * time.Second}}) {
					if tc.want == "" {
						if r.Status != 200 || r.Err != nil || len(r.Header) != MaxResponseHeaders {
							t.Errorf("request %d: status %d err %v, %d fields", r.Index, r.Status, r.Err, len(r.Header))
						}
						continue
					}
					if r.ErrKind != KindProtocol || r.Err == nil || !strings.Contains(r.Err.Error(), tc.want) {
						t.Errorf("request %d: kind %q err %v, want a protocol error with %q", r.Index, r.ErrKind, r.Err, tc.want)
					}
					if r.Header != nil {
						t.Errorf("request %d: kept %d header fields of a refused head", r.Index, len(r.Header))
					}
				}
			})
		}
	}
}

// TestInformationalHeadsAreBoundedEach: a 100 Continue does not use up
// the bounds of the final head, and a final head after it is bounded too.
func TestInformationalHeadsAreBoundedEach(t *testing.T) {
	fields := strings.Repeat("X-A: b\r\n", MaxResponseHeaders-1)
	ok := func(c net.Conn) {
		if lbReadRequest(c) {
			_, _ = io.WriteString(c, "HTTP/1.1 100 Continue\r\n"+fields+"\r\nHTTP/1.1 200 OK\r\n"+fields+"Content-Length: 0\r\n\r\n")
			_, _ = io.Copy(io.Discard, c)
		}
	}
	for _, e := range h1Engines {
		url := rawServer(t, ok)
		for _, r := range e.run(t, url, 2, Options{}) {
			if r.Status != 200 || r.Err != nil {
				t.Errorf("%s request %d: status %d err %v", e.name, r.Index, r.Status, r.Err)
			}
		}
	}
}

// TestSinglePacketHeadBounds: the HTTP/2 engine refuses a head with too
// many fields, and a header block growing past MaxResponseHead in endless
// CONTINUATION frames, naming the limit.
func TestSinglePacketHeadBounds(t *testing.T) {
	many := rawH2Server(t, nil, 0, func(rc *rawConn, ids []uint32) {
		rc.do(func(fr *http2.Framer) {
			var hb bytes.Buffer
			enc := hpack.NewEncoder(&hb)
			enc.WriteField(hpack.HeaderField{Name: ":status", Value: "200"})
			for i := range MaxResponseHeaders + 1 {
				enc.WriteField(hpack.HeaderField{Name: fmt.Sprintf("x-%d", i), Value: "v"})
			}
			block := hb.Bytes()
			fr.WriteHeaders(http2.HeadersFrameParam{StreamID: ids[0], BlockFragment: block[:min(len(block), 16<<10)], EndHeaders: len(block) <= 16<<10, EndStream: true})
			for rest := block[min(len(block), 16<<10):]; len(rest) > 0; {
				n := min(len(rest), 16<<10)
				fr.WriteContinuation(ids[0], n == len(rest), rest[:n])
				rest = rest[n:]
			}
		})
	})
	endless := rawH2Server(t, nil, 0, func(rc *rawConn, ids []uint32) {
		go rc.do(func(fr *http2.Framer) {
			var hb bytes.Buffer
			enc := hpack.NewEncoder(&hb)
			enc.WriteField(hpack.HeaderField{Name: ":status", Value: "200"})
			if fr.WriteHeaders(http2.HeadersFrameParam{StreamID: ids[0], BlockFragment: bytes.Clone(hb.Bytes())}) != nil {
				return
			}
			for i := 0; ; i++ {
				hb.Reset()
				enc.WriteField(hpack.HeaderField{Name: fmt.Sprintf("x-%d", i), Value: strings.Repeat("v", 8000)})
				if fr.WriteContinuation(ids[0], false, hb.Bytes()) != nil {
					return
				}
			}
		})
	})
	for url, want := range map[string]string{many: "over the limit of 1000 header fields", endless: "over the limit of 1048576 bytes"} {
		b := singlePacket(t, burstOf(2, http.MethodGet, url+"/", nil), Options{Client: Client{H2C: true, Timeout: 5 * time.Second}})
		for _, r := range b.Results {
			if r.ErrKind != KindProtocol || !strings.Contains(fmt.Sprint(r.Err), want) {
				t.Errorf("request %d: kind %q err %v, want %q", r.Index, r.ErrKind, r.Err, want)
			}
		}
	}
}
