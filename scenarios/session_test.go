package scenarios

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// TestSessionSend: a session sends the request at an index of the burst
// alone, from the group it belongs to, with the round's vars and index;
// setup captures reach it.
func TestSessionSend(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(`{"token":"t-1"}`))
	}))
	t.Cleanup(srv.Close)
	s, err := Parse("s.yaml", []byte(`version: 1
setup:
  - request: {url: /login}
    capture: {token: json.token}
race:
  requests:
    - {count: 2, url: "/a/{{ index }}", headers: {Authorization: "Bearer {{ vars.token }}"}}
    - {count: 2, url: "/b/{{ index }}/{{ round }}"}
`))
	if err != nil {
		t.Fatal(err)
	}
	ss, err := s.Start(RunOptions{Target: srv.URL})
	if err != nil {
		t.Fatal(err)
	}
	vars, _, err := ss.Setup(context.Background(), 7)
	if err != nil {
		t.Fatal(err)
	}
	for i, want := range []string{"/a/0", "/a/1", "/b/2/7", "/b/3/7"} {
		req, res, err := ss.Send(context.Background(), vars, i, 7)
		if err != nil || res.Err != nil || res.Status != 200 {
			t.Fatalf("request #%d: %v, %v, status %d", i, err, res.Err, res.Status)
		}
		if !strings.HasSuffix(req.URL, want) {
			t.Errorf("request #%d went to %s, want %s", i, req.URL, want)
		}
		if i < 2 && req.Header.Get("Authorization") != "Bearer t-1" {
			t.Errorf("request #%d: Authorization %q, want the captured token", i, req.Header.Get("Authorization"))
		}
	}
	if _, _, err := ss.Send(context.Background(), vars, 4, 7); err == nil || !strings.Contains(err.Error(), "request #4: the race has 4 requests") {
		t.Errorf("index past the burst: error %v", err)
	}
}
