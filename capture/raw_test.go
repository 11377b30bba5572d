package capture

import (
	"os"
	"strings"
	"testing"
)

func TestRawBurpFile(t *testing.T) {
	data, err := os.ReadFile("../cmd/testdata/capture/burp.txt")
	if err != nil {
		t.Fatal(err)
	}
	r, err := Raw(data, "https://127.0.0.1:8443")
	if err != nil {
		t.Fatal(err)
	}
	if r.Method != "POST" || r.URL != "https://127.0.0.1:8443/missions/naive/complete" || string(r.Body) != `{"type":"investment_complete"}` {
		t.Errorf("%s %s %q", r.Method, r.URL, r.Body)
	}
	// Host is sent as written; the framing headers are the engine's.
	if r.Header.Get("Host") != "127.0.0.1:8080" || r.Header.Get("Authorization") != "Bearer u-burp" ||
		r.Header.Get("Content-Length") != "" || r.Header.Get("Connection") != "" {
		t.Errorf("headers %v", r.Header)
	}
}

func TestRawForms(t *testing.T) {
	for _, tc := range []struct{ name, text, target, url, body string }{
		{"LF, no body", "GET /a?b=1 HTTP/1.1\nHost: example.com\n\n", "http://127.0.0.1:1", "http://127.0.0.1:1/a?b=1", ""},
		{"no blank line at the end", "GET / HTTP/1.1\r\nHost: x\r\n", "http://127.0.0.1:1", "http://127.0.0.1:1/", ""},
		{"absolute-form", "PUT http://example.com/p HTTP/1.1\nHost: example.com\n\nbody\r\nkept\n", "https://127.0.0.1:2", "https://127.0.0.1:2/p", "body\r\nkept\n"},
		{"host from the file", "GET /x HTTP/2\r\nHost: example.com:8080\r\n\r\n", "https://:8443", "https://example.com:8443/x", ""},
	} {
		r, err := Raw([]byte(tc.text), tc.target)
		if err != nil || r.URL != tc.url || string(r.Body) != tc.body {
			t.Errorf("%s: %+v %v", tc.name, r, err)
		}
	}
}

func TestRawErrors(t *testing.T) {
	for _, tc := range []struct{ text, target, want string }{
		{"GET / HTTP/1.1\nHost: x\n\n", "ftp://x", "is not an http:// or https:// URL"},
		{"GET /\nHost: x\n\n", "http://x", `1:1: "GET /" is not a request line`},
		{"GET / HTTP/3\n\n", "http://x", `1:7: "HTTP/3" is not an HTTP version`},
		{"GET x HTTP/1.1\n\n", "http://x", "1:5: the request target \"x\" does not start with /"},
		{"GET / HTTP/1.1\nHost: x\n folded\n\n", "http://x", "3:1: a folded header line"},
		{"GET / HTTP/1.1\nHost x\n\n", "http://x", `2:1: "Host ..." is not a header line`},
		{"GET / HTTP/1.1\nA: b\x01\n\n", "http://x", "2:3: the value of A has a control character"},
		{"GET / HTTP/1.1\nAuthorization Bearer s3cr3t\n\n", "http://x", `2:1: "Authorization ..." is not a header line`},
		{"GET / HTTP/1.1", "http://x", "no blank line ends the headers"},
		{"GET / HTTP/1.1\n\n", "https://:8443", "names no host and the file has no Host header"},
	} {
		_, err := Raw([]byte(tc.text), tc.target)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%q: %v, want %q", tc.text, err, tc.want)
		}
	}
}

func FuzzRaw(f *testing.F) {
	f.Add([]byte("POST /a HTTP/1.1\r\nHost: h\r\nContent-Length: 1\r\n\r\nx"), "http://127.0.0.1:1")
	f.Add([]byte("GET http://h/x HTTP/2\nHost: h\n\n"), "https://:8443")
	f.Fuzz(func(t *testing.T, data []byte, target string) {
		r, err := Raw(data, target)
		if err != nil {
			return
		}
		if !strings.HasPrefix(r.URL, "http://") && !strings.HasPrefix(r.URL, "https://") || r.Method == "" {
			t.Fatalf("accepted %q as %+v", data, r)
		}
		for name := range r.Header {
			if transportHeader(name) {
				t.Fatalf("kept %s", name)
			}
		}
	})
}

// TestRawFraming: what is sent must be well-formed whatever the file's
// framing headers say. The body is what follows the blank line, sent with
// its own length; a chunked body is decoded first (Transfer-Encoding wins
// over Content-Length, RFC 9112 6.3); other codings and bad chunks are
// refused.
func TestRawFraming(t *testing.T) {
	head := "POST /a HTTP/1.1\r\nHost: x\r\n"
	for _, tc := range []struct{ name, text, body, err string }{
		{"CL shorter than the body", head + "Content-Length: 3\r\n\r\nhello", "hello", ""},
		{"CL longer than the body", head + "Content-Length: 30\r\n\r\nhello", "hello", ""},
		{"chunked", head + "Transfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n1\r\n!\r\n0\r\n\r\n", "hello!", ""},
		{"CL and chunked", head + "Content-Length: 3\r\nTransfer-Encoding: Chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n", "hello", ""},
		{"bad chunk size", head + "Transfer-Encoding: chunked\r\n\r\nzz\r\nhello", "", "5:1: the body is not in chunks"},
		{"chunks cut short", head + "Transfer-Encoding: chunked\r\n\r\n50\r\nhello", "", "the body is not in chunks"},
		{"a request after the chunks", head + "Transfer-Encoding: chunked\r\n\r\n0\r\n\r\nGET / HTTP/1.1\r\n\r\n", "", "18 bytes follow the last chunk"},
		{"gzip", head + "Transfer-Encoding: gzip, chunked\r\n\r\n0\r\n\r\n", "", "Transfer-Encoding: gzip, chunked: racetest sends the body"},
	} {
		r, err := Raw([]byte(tc.text), "http://127.0.0.1:1")
		switch {
		case tc.err != "" && (err == nil || !strings.Contains(err.Error(), tc.err)):
			t.Errorf("%s: %v, want %q", tc.name, err, tc.err)
		case tc.err == "" && (err != nil || string(r.Body) != tc.body || r.Header.Get("Transfer-Encoding") != "" || r.Header.Get("Content-Length") != ""):
			t.Errorf("%s: %q %v %v", tc.name, r.Body, r.Header, err)
		}
	}
}
