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

// TestDecodeCorrupt: a body that does not decode is still the server's
// answer. A burst keeps it as it came, stays complete, and says in one
// note per reason which bodies were not decoded, and in each result
// (Undecoded) whether its body was; Do, whose step has no notes, makes it
// the request's protocol error as well.
func TestDecodeCorrupt(t *testing.T) {
	fine := compress(t, "gzip", []byte("fine"))
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Encoding", "gzip")
		if r.URL.Query().Has("ok") {
			_, _ = w.Write(fine)
			return
		}
		_, _ = io.WriteString(w, "this is not gzip at all")
	}))
	defer srv.Close()
	const why = "decode the gzip body: gzip: invalid header"
	for _, mode := range []Mode{ModeLastByte, ModeBarrier} {
		b, err := Run(context.Background(), Plan{
			Requests: []Request{{Method: "GET", URL: srv.URL}, {Method: "GET", URL: srv.URL + "?ok"}, {Method: "GET", URL: srv.URL}, {Method: "GET", URL: srv.URL}},
			Options:  Options{Client: Client{Decompress: true}, Sync: Sync{Mode: mode}},
		})
		if err != nil {
			t.Fatal(err)
		}
		if inc := b.Incomplete(); len(inc) != 0 {
			t.Errorf("%s: incomplete: %+v", mode, inc)
		}
		for _, r := range b.Results {
			// Each request says whether its body was decoded, and why not.
			body, undecoded := "this is not gzip at all", why
			if r.Index == 1 {
				body, undecoded = "fine", ""
			}
			if r.Err != nil || r.Status != 200 || string(r.Body) != body || r.Undecoded != undecoded {
				t.Errorf("%s: #%d: %v %d %q undecoded %q, want %q undecoded %q", mode, r.Index, r.Err, r.Status, r.Body, r.Undecoded, body, undecoded)
			}
		}
		want := "the bodies of 3 requests (#0, #2, #3) could not be decoded (" + why + "): kept as received"
		if n := strings.Count(strings.Join(b.Notes, "\n"), "could not be decoded"); n != 1 || !strings.Contains(strings.Join(b.Notes, "\n"), want) {
			t.Errorf("%s: notes %q, want one with %q", mode, b.Notes, want)
		}
	}
	r := Do(context.Background(), Request{Method: "GET", URL: srv.URL}, Client{Decompress: true})
	if r.ErrKind != KindProtocol || !strings.Contains(r.Err.Error(), why) || string(r.Body) != "this is not gzip at all" || r.Undecoded != why {
		t.Errorf("Do: %v %v %q undecoded %q", r.ErrKind, r.Err, r.Body, r.Undecoded)
	}
}

// compress applies one coding to b.
func compress(t *testing.T, coding string, b []byte) []byte {
	t.Helper()
	var buf bytes.Buffer
	var zw io.WriteCloser
	switch coding {
	case "gzip":
		zw = gzip.NewWriter(&buf)
	case "deflate":
		zw = zlib.NewWriter(&buf)
	case "br":
		zw = brotli.NewWriterLevel(&buf, brotli.BestSpeed)
	}
	if _, err := zw.Write(b); err != nil {
		t.Fatal(err)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// TestDecodeStack: a Content-Encoding stack is undone from its last
// coding, each layer bounded together by MaxBodyLimit (a gzip bomb inside
// gzip too); more than five codings are refused as curl refuses them;
// a stack with an unknown coding, and an empty body, are kept as they came.
func TestDecodeStack(t *testing.T) {
	plain := []byte(`{"ok":true}`)
	bomb := compress(t, "gzip", compress(t, "gzip", make([]byte, MaxBodyLimit+1<<20)))
	bodies := map[string]struct {
		coding string
		body   []byte
	}{
		"/gzip-br":  {"gzip, br", compress(t, "br", compress(t, "gzip", plain))},
		"/gzip2":    {"GZIP,gzip", compress(t, "gzip", compress(t, "gzip", plain))},
		"/deflate":  {"identity, deflate", compress(t, "deflate", plain)},
		"/split":    {"", compress(t, "gzip", compress(t, "br", plain))},
		"/bomb":     {"gzip, gzip", bomb},
		"/six":      {"gzip, gzip, gzip, gzip, gzip, gzip", plain},
		"/zstd":     {"gzip, zstd", plain},
		"/empty":    {"gzip", nil},
		"/truncate": {"gzip, gzip", compress(t, "gzip", compress(t, "gzip", plain))[:20]},
	}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b := bodies[r.URL.Path]
		if r.URL.Path == "/split" {
			// Two header lines make one list: br applied first.
			w.Header()["Content-Encoding"] = []string{"br", "gzip"}
		} else {
			w.Header().Set("Content-Encoding", b.coding)
		}
		_, _ = w.Write(b.body)
	}))
	defer srv.Close()
	c := Client{Decompress: true}
	for path, want := range map[string]string{
		"/gzip-br": string(plain), "/gzip2": string(plain), "/deflate": string(plain), "/split": string(plain),
		"/bomb":     "error: the decoded body is more than 16 MiB",
		"/six":      "error: the body has 6 content codings",
		"/zstd":     string(plain),
		"/empty":    "",
		"/truncate": "error: decode the gzip, gzip body",
	} {
		r := Do(context.Background(), Request{Method: "GET", URL: srv.URL + path}, c)
		got := string(r.Body)
		if r.Err != nil {
			got = "error: " + r.Err.Error()
		}
		if strings.HasPrefix(want, "error: ") && !strings.Contains(got, strings.TrimPrefix(want, "error: ")) || !strings.HasPrefix(want, "error: ") && got != want {
			t.Errorf("%s: %q, want %q", path, got, want)
		}
	}
}
