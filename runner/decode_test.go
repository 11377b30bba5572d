package runner

import (
	"bytes"
	"compress/flate"
	"compress/gzip"
	"compress/zlib"
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/andybalholm/brotli"
)

// encoded serves body in the coding the path names, whatever was asked,
// and says on X-Asked what the request's Accept-Encoding was. The bodies
// are compressed once, before the server starts, so that the race
// detector's slowness lands there and not under a request's timeout.
func encoded(t *testing.T, body []byte) *httptest.Server {
	t.Helper()
	bodies := map[string][]byte{"zstd": body}
	for _, coding := range []string{"gzip", "deflate", "rawdeflate", "br"} {
		var buf bytes.Buffer
		var zw io.WriteCloser
		switch coding {
		case "gzip":
			zw = gzip.NewWriter(&buf)
		case "deflate":
			zw = zlib.NewWriter(&buf)
		case "rawdeflate":
			zw, _ = flate.NewWriter(&buf, flate.BestSpeed)
		case "br":
			zw = brotli.NewWriterLevel(&buf, brotli.BestSpeed)
		}
		if _, err := zw.Write(body); err != nil {
			t.Fatal(err)
		}
		if err := zw.Close(); err != nil {
			t.Fatal(err)
		}
		bodies[coding] = buf.Bytes()
	}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		coding := strings.TrimPrefix(r.URL.Path, "/")
		w.Header().Set("Content-Encoding", strings.TrimPrefix(coding, "raw"))
		w.Header().Set("X-Asked", r.Header.Get("Accept-Encoding"))
		_, _ = w.Write(bodies[coding])
	}))
	t.Cleanup(srv.Close)
	return srv
}

func TestDecompressEveryEngine(t *testing.T) {
	srv := encoded(t, []byte(`{"ok":true}`))
	for _, coding := range []string{"gzip", "deflate", "rawdeflate", "br"} {
		r := Do(context.Background(), Request{Method: "GET", URL: srv.URL + "/" + coding}, Client{Decompress: true})
		if r.Err != nil || string(r.Body) != `{"ok":true}` || r.Header.Get("X-Asked") != AcceptEncoding {
			t.Errorf("Do %s: %v %q %v", coding, r.Err, r.Body, r.Header)
		}
		for _, mode := range []Mode{ModeLastByte, ModeBarrier} {
			b, err := Run(context.Background(), Plan{
				Requests: []Request{{Method: "GET", URL: srv.URL + "/" + coding}, {Method: "GET", URL: srv.URL + "/" + coding}},
				Options:  Options{Client: Client{Decompress: true}, Sync: Sync{Mode: mode}},
			})
			if err != nil {
				t.Fatal(err)
			}
			for _, r := range b.Results {
				if r.Err != nil || string(r.Body) != `{"ok":true}` {
					t.Errorf("%s %s: %v %q", mode, coding, r.Err, r.Body)
				}
			}
		}
	}
	// Without Decompress the body is what the server sent.
	r := Do(context.Background(), Request{Method: "GET", URL: srv.URL + "/gzip"}, Client{})
	if bytes.Equal(r.Body, []byte(`{"ok":true}`)) || r.Header.Get("X-Asked") != "" {
		t.Errorf("decoded without Decompress: %q", r.Body)
	}
	// A coding racetest cannot decode is left as it came.
	r = Do(context.Background(), Request{Method: "GET", URL: srv.URL + "/zstd"}, Client{Decompress: true})
	if r.Err != nil || string(r.Body) != `{"ok":true}` {
		t.Errorf("zstd: %v %q", r.Err, r.Body)
	}
}

// TestDecompressionBomb: 17 MiB of zeros compress to a few KiB; decoding
// stops at MaxBodyLimit with a protocol error that names the limit.
func TestDecompressionBomb(t *testing.T) {
	srv := encoded(t, make([]byte, MaxBodyLimit+1<<20))
	for _, coding := range []string{"gzip", "br"} {
		r := Do(context.Background(), Request{Method: "GET", URL: srv.URL + "/" + coding}, Client{Decompress: true})
		if r.ErrKind != KindProtocol || !strings.Contains(r.Err.Error(), "more than 16 MiB") {
			t.Errorf("%s: %v %v, %d bytes kept", coding, r.ErrKind, r.Err, len(r.Body))
		}
	}
	// Under the limit, the body is kept up to BodyLimit and counted.
	r := Do(context.Background(), Request{Method: "GET", URL: encoded(t, make([]byte, 1<<20)).URL + "/gzip"}, Client{Decompress: true})
	if r.Err != nil || len(r.Body) != DefaultBodyLimit || r.BodyBytes != 1<<20 || !r.Truncated {
		t.Errorf("1 MiB: %v %d %d %v", r.Err, len(r.Body), r.BodyBytes, r.Truncated)
	}
}

func TestDecodeCorrupt(t *testing.T) {
	r := Result{Header: http.Header{"Content-Encoding": {"gzip"}}, Body: []byte("not gzip")}
	o := Options{}.withDefaults()
	decodeBody(&r, &o)
	if r.ErrKind != KindProtocol || !strings.Contains(r.Err.Error(), "decode the gzip body") {
		t.Errorf("%v %v", r.ErrKind, r.Err)
	}
}
