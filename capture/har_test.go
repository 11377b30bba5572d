package capture

import (
	"fmt"
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

// TestHARManyEntries picks from a file of many entries, which is decoded
// one entry at a time, and places an error in a later entry as in the
// file; a long pattern is clipped in the message.
func TestHARManyEntries(t *testing.T) {
	var b strings.Builder
	b.WriteString(`{"log":{"pages":[{"id":"p"}],"entries":[`)
	for i := range 50000 {
		if i > 0 {
			b.WriteString(",\n ")
		}
		fmt.Fprintf(&b, `{"request":{"method":"GET","url":"http://h/e%d"},"response":{"content":{"text":"xx"}}}`, i+1)
	}
	b.WriteString(`]},"extra":[1,{"a":null}]}`)
	data := []byte(b.String())
	r, err := HAR(data, 50000, nil)
	if err != nil || r.URL != "http://h/e50000" {
		t.Errorf("entry 50000: %+v %v", r, err)
	}
	r, err = HAR(data, 0, regexp.MustCompile(`/e31337$`))
	if err != nil || r.URL != "http://h/e31337" {
		t.Errorf("match: %+v %v", r, err)
	}
	if _, err := HAR(data, 50001, nil); err == nil || !strings.Contains(err.Error(), "entries 1 to 50000") {
		t.Errorf("entry 50001: %v", err)
	}
	long := regexp.MustCompile(strings.Repeat("(a|b)*", 100))
	if _, err := HAR(data, 0, long); err == nil || len(err.Error()) > 300 || !strings.Contains(err.Error(), "50000 entries match") {
		t.Errorf("long pattern: %v", err)
	}
	bad := "{\"log\":{\"entries\":[{},\n {\"request\": {\"headers\": {}}}]}}"
	if _, err := HAR([]byte(bad), 1, nil); err == nil || !strings.Contains(err.Error(), "2:26: not a HAR file: log.entries.request.headers should be a list, not object") {
		t.Errorf("second entry: %v", err)
	}
}
