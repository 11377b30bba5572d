package runner

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"

	"golang.org/x/net/http2"
	"golang.org/x/net/http2/hpack"
)

// h2cOnly starts a server that speaks only HTTP/2 with prior knowledge:
// an HTTP/1.1 request gets no answer from it at all.
func h2cOnly(t *testing.T, h http.Handler) *httptest.Server {
	t.Helper()
	srv := httptest.NewUnstartedServer(h)
	srv.Config.Protocols = new(http.Protocols)
	srv.Config.Protocols.SetUnencryptedHTTP2(true)
	srv.Start()
	t.Cleanup(srv.Close)
	return srv
}

// TestDoH2C: with H2C, Do speaks HTTP/2 with prior knowledge to an http://
// URL, as the burst does, and a target that speaks only h2c answers it;
// its head is bounded in fields as every engine bounds it.
func TestDoH2C(t *testing.T) {
	var host, body string
	srv := h2cOnly(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		host, body = r.Host, string(b)
		if n, err := strconv.Atoi(r.URL.Query().Get("fields")); err == nil {
			for i := range n {
				w.Header().Set(fmt.Sprintf("X-%d", i), "v")
			}
		}
		w.WriteHeader(http.StatusCreated)
	}))
	req := Request{Method: "POST", URL: srv.URL + "/p", Body: []byte("a=1"), Header: http.Header{"Host": {"shop.test"}}}
	r := Do(context.Background(), req, Client{H2C: true, Timeout: 5 * time.Second})
	if r.Err != nil || r.Status != http.StatusCreated || r.Proto != "HTTP/2.0" {
		t.Fatalf("status %d proto %q err %v, want 201 over HTTP/2.0", r.Status, r.Proto, r.Err)
	}
	if host != "shop.test" || body != "a=1" {
		t.Errorf("server saw host %q body %q", host, body)
	}

	// Without H2C the step speaks HTTP/1.1, which this target refuses.
	if r := Do(context.Background(), req, Client{Timeout: 5 * time.Second}); r.Err == nil {
		t.Errorf("HTTP/1.1 to an h2c-only target: status %d, want an error", r.Status)
	}

	// The server adds Content-Length and Date to the fields asked for.
	for fields, want := range map[int]string{MaxResponseHeaders - 2: "", MaxResponseHeaders + 1: "over the limit of 1000 header fields"} {
		r := Do(context.Background(), Request{Method: "GET", URL: fmt.Sprintf("%s/?fields=%d", srv.URL, fields)}, Client{H2C: true, Timeout: 5 * time.Second})
		if want == "" {
			if r.Err != nil || r.Status != http.StatusCreated {
				t.Errorf("%d fields: status %d err %v", fields, r.Status, r.Err)
			}
			continue
		}
		if r.ErrKind != KindProtocol || r.Err == nil || !strings.Contains(r.Err.Error(), want) || r.Header != nil {
			t.Errorf("%d fields: kind %q err %v, %d fields kept, want a protocol error with %q", fields, r.ErrKind, r.Err, len(r.Header), want)
		}
	}
}

// TestDoH2CHeadSize: an h2c step's head is bounded at MaxResponseHead as
// the burst's is, although net/http's HTTP/2 transport lets a header list
// a little larger through: a raw server sends one 160 bytes over.
func TestDoH2CHeadSize(t *testing.T) {
	for over, want := range map[int]string{-160: "", 160: "over the limit of 1048576 bytes (1 MiB)"} {
		url := rawH2Server(t, nil, 0, func(rc *rawConn, ids []uint32) {
			rc.do(func(fr *http2.Framer) {
				rc.buf.Reset()
				rc.enc.WriteField(hpack.HeaderField{Name: ":status", Value: "200"})
				// 16 fields of 4 + value + 32 bytes as HTTP/2 counts them.
				for i := range 16 {
					v := strings.Repeat("a", (MaxResponseHead+over)/16-4-32)
					rc.enc.WriteField(hpack.HeaderField{Name: fmt.Sprintf("x-%02d", i), Value: v})
				}
				b, first := rc.buf.Bytes(), true
				for len(b) > 0 {
					n := min(len(b), 16384)
					if first {
						fr.WriteHeaders(http2.HeadersFrameParam{StreamID: ids[0], BlockFragment: b[:n], EndStream: true, EndHeaders: n == len(b)})
					} else {
						fr.WriteContinuation(ids[0], n == len(b), b[:n])
					}
					b, first = b[n:], false
				}
			})
		})
		r := Do(context.Background(), Request{Method: "GET", URL: url + "/"}, Client{H2C: true, Timeout: 5 * time.Second})
		if want == "" {
			if r.Err != nil || r.Status != http.StatusOK {
				t.Errorf("%d bytes under the limit: status %d err %v", -over, r.Status, r.Err)
			}
			continue
		}
		if r.ErrKind != KindProtocol || r.Err == nil || !strings.Contains(r.Err.Error(), want) || r.Header != nil {
			t.Errorf("%d bytes over the limit: kind %q err %v, %d fields kept, want a protocol error with %q", over, r.ErrKind, r.Err, len(r.Header), want)
		}
	}
}
