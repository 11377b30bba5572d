package capture

import (
	"os"
	"regexp"
	"strings"
	"testing"
)

func TestHARChromiumExport(t *testing.T) {
	data, err := os.ReadFile("../cmd/testdata/capture/chromium.har")
	if err != nil {
		t.Fatal(err)
	}
	byEntry, err := HAR(data, 2, nil)
	if err != nil {
		t.Fatal(err)
	}
	byMatch, err := HAR(data, 0, regexp.MustCompile(`^POST .*/complete$`))
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range []Request{byEntry, byMatch} {
		if r.Method != "POST" || r.URL != "http://127.0.0.1:8080/missions/naive/complete" || string(r.Body) != `{"type":"investment_complete"}` {
			t.Errorf("%s %s %q", r.Method, r.URL, r.Body)
		}
		// The Host that repeats the URL, Content-Length and Connection
		// are the engine's to write.
		if r.Header.Get("Host") != "" || r.Header.Get("Content-Length") != "" || r.Header.Get("Connection") != "" ||
			r.Header.Get("Cookie") != "sessionid=8f1c2e7a9b4d; theme=dark" || r.Header.Get("Authorization") != "Bearer u-har" {
			t.Errorf("headers %v", r.Header)
		}
	}
}

func TestHARHTTP2AndCookies(t *testing.T) {
	har := `{"log":{"entries":[{"request":{"method":"POST","url":"https://h/p?q=1","headers":[
		{"name":":authority","value":"h"},{"name":":method","value":"POST"},{"name":":path","value":"/p?q=1"},
		{"name":":scheme","value":"https"},{"name":"x-a","value":"1"},{"name":"te","value":"trailers"}],
		"cookies":[{"name":"s","value":"v"},{"name":"t","value":"w"}],
		"postData":{"mimeType":"application/x-www-form-urlencoded","params":[{"name":"a b","value":"c&d"}]}}}]}}`
	r, err := HAR([]byte(har), 1, nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(r.Header) != 3 || r.Header.Get("X-A") != "1" || r.Header.Get("Cookie") != "s=v; t=w" ||
		r.Header.Get("Content-Type") != "application/x-www-form-urlencoded" || string(r.Body) != "a+b=c%26d" {
		t.Errorf("%v %q", r.Header, r.Body)
	}
}

func TestHARErrors(t *testing.T) {
	for _, tc := range []struct {
		har   string
		entry int
		match string
		want  string
	}{
		{`{"log":{"entries":[]}}`, 1, "", "has no entries"},
		{`{"entries":[]}`, 1, "", `no "log" object`},
		{"{\n  \"log\": {\"entries\": 3}}", 1, "", "2:22: not a HAR file: log.entries should be a list, not number"},
		{"{\"log\":\n x}", 1, "", "2:2: not a HAR file: invalid character 'x'"},
		{`{"log":{"entries":[{"request":{"method":"GET","url":"ftp://x"}}]}}`, 1, "", `entry 1: "ftp://x" is not an http:// or https:// URL`},
		{`{"log":{"entries":[{}]}}`, 1, "", "entry 1 has no request method or URL"},
		{`{"log":{"entries":[{}]}}`, 2, "", "entry 2: the file has entries 1 to 1"},
		{`{"log":{"entries":[{"request":{"method":"GET","url":"http://x/"}}]}}`, 0, "POST", `no entry's "METHOD URL" matches "POST"`},
		{`{"log":{"entries":[{"request":{"method":"GET","url":"http://x/"}},{}]}}`, 0, "", "the file has 2 entries: choose the request with --entry N (counting from 1) or --match REGEX"},
	} {
		var re *regexp.Regexp
		if tc.match != "" {
			re = regexp.MustCompile(tc.match)
		}
		_, err := HAR([]byte(tc.har), tc.entry, re)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: %v, want %q", tc.har, err, tc.want)
		}
	}
}

// TestHAROneEntry: a HAR of one request ("Copy as HAR") needs no --entry.
func TestHAROneEntry(t *testing.T) {
	r, err := HAR([]byte(`{"log":{"entries":[{"request":{"method":"POST","url":"http://127.0.0.1:8080/x","headers":[]}}]}}`), 0, nil)
	if err != nil || r.Method != "POST" || r.URL != "http://127.0.0.1:8080/x" {
		t.Fatalf("got %+v, %v; want the one entry", r, err)
	}
}

func FuzzHAR(f *testing.F) {
	f.Add([]byte(`{"log":{"entries":[{"request":{"method":"GET","url":"http://h/","headers":[{"name":":path","value":"/"}]}}]}}`), 1)
	f.Add([]byte(`{"log":{"entries":[{"request":{"method":"POST","url":"https://h/","postData":{"text":"x"}}}]}}`), 1)
	f.Fuzz(func(t *testing.T, data []byte, entry int) {
		r, err := HAR(data, entry, nil)
		if err != nil {
			return
		}
		if r.Method == "" || !strings.HasPrefix(r.URL, "http") {
			t.Fatalf("accepted %q as %+v", data, r)
		}
		for name := range r.Header {
			if transportHeader(name) {
				t.Fatalf("kept %s", name)
			}
		}
	})
}
