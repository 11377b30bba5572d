package capture

import (
	"os"
	"slices"
	"testing"
)

// The header order of a capture is kept: Burp's file and a HAR entry give
// their headers in the browser's order, which is not sorted by name.
func TestHeaderOrderKept(t *testing.T) {
	data, err := os.ReadFile("../cmd/testdata/capture/burp.txt")
	if err != nil {
		t.Fatal(err)
	}
	r, err := Raw(data, "http://127.0.0.1:1")
	if err != nil {
		t.Fatal(err)
	}
	// Content-Length and Connection are the engine's, so left out.
	want := []string{"Host", "Sec-Ch-Ua", "Accept", "Content-Type", "Authorization", "Sec-Ch-Ua-Mobile", "User-Agent",
		"Sec-Ch-Ua-Platform", "Origin", "Sec-Fetch-Site", "Sec-Fetch-Mode", "Sec-Fetch-Dest", "Referer",
		"Accept-Encoding", "Accept-Language", "Cookie"}
	if !slices.Equal(r.Names, want) {
		t.Errorf("raw order\n got %v\nwant %v", r.Names, want)
	}

	har := []byte(`{"log":{"entries":[{"request":{"method":"POST","url":"http://127.0.0.1:1/x",
		"headers":[{"name":"X-Z","value":"1"},{"name":"accept","value":"a"},{"name":"X-Z","value":"2"},{"name":"Content-Length","value":"2"}],
		"cookies":[{"name":"s","value":"1"}],"postData":{"mimeType":"application/json","text":"{}"}}}]}}`)
	r, err = HAR(har, 1, nil)
	if err != nil {
		t.Fatal(err)
	}
	// A repeated name keeps its first place; the Cookie and Content-Type
	// built from the entry come after the headers it lists.
	want = []string{"X-Z", "Accept", "Cookie", "Content-Type"}
	if !slices.Equal(r.Names, want) || !slices.Equal(r.Header["X-Z"], []string{"1", "2"}) {
		t.Errorf("HAR order\n got %v %v\nwant %v", r.Names, r.Header, want)
	}
}
