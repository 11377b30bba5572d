package cmd

import (
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"sync"
	"testing"
)

// A --match pattern longer than a METHOD URL pattern needs is refused
// before the HAR file is read: the time to match grows with its size.
func TestMatchPatternBounded(t *testing.T) {
	code, _, errb := run(t, t.Context(), "import", "har", "testdata/capture/chromium.har", "--match", strings.Repeat("(a|b)*", 200))
	if code != int(ExitUsage) || !strings.Contains(errb, "--match: the pattern is 1200 bytes, more than the 1024") || strings.Count(errb, "\n") > 2 {
		t.Errorf("exit %d, stderr %q", code, errb)
	}
}

// A --curl or --raw file holds one request: it is read up to a body's
// limit and a head, not the 256 MiB a HAR file may have.
func TestRequestFileBounded(t *testing.T) {
	for _, args := range [][]string{
		{"fire", "--curl", "/dev/zero"},
		{"import", "raw", "/dev/zero", "--target", "http://127.0.0.1:1"},
	} {
		code, _, errb := run(t, t.Context(), args...)
		if code != int(ExitUsage) || !strings.Contains(errb, "/dev/zero: the file is more than 17 MiB") {
			t.Errorf("%v: exit %d, stderr %q", args, code, errb)
		}
	}
}

// A {{ values.NAME }} in the path of fire's URL is the template it is in
// -H and the body: each request gets its line (it was sent percent-encoded
// as it was written), and reports mask what it expanded to.
func TestFireValuesInURLPath(t *testing.T) {
	var mu sync.Mutex
	paths := map[string]bool{}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		paths[r.URL.Path+"?"+r.URL.RawQuery] = true
		mu.Unlock()
	}))
	defer srv.Close()
	dir := t.TempDir()
	writeFiles(t, dir, map[string][]byte{"v.txt": []byte("tok-a\ntok-b\n")})
	code, out, errb := run(t, t.Context(), "fire", "-n", "2", "-q", "-o", "json", "--values", "t="+filepath.Join(dir, "v.txt"),
		srv.URL+"/u/{{ values.t }}/x?k={{values.t}}")
	if code != 0 {
		t.Fatalf("exit %d\n%s", code, errb)
	}
	mu.Lock()
	defer mu.Unlock()
	if !paths["/u/tok-a/x?k=tok-a"] || !paths["/u/tok-b/x?k=tok-b"] || len(paths) != 2 {
		t.Errorf("the server saw %v", paths)
	}
	if strings.Contains(out, "tok-") {
		t.Errorf("a value in the report:\n%s", out)
	}
}

// A values file is bounded in size and in lines (request i gets line i:
// lines past the largest burst would never be sent); binary or empty
// lines are refused with the line.
func TestValuesFileBounded(t *testing.T) {
	dir := t.TempDir()
	writeFiles(t, dir, map[string][]byte{
		"many.txt":   []byte(strings.Repeat("v\n", 100_001)),
		"binary.txt": []byte("a\n\x00\xff\n\nb\n"),
	})
	for file, want := range map[string]string{
		"/dev/zero":  "the file is more than 16 MiB",
		"many.txt":   "100001 lines, more than the 100000 requests a burst may have",
		"binary.txt": "line 3 is empty",
	} {
		if !strings.HasPrefix(file, "/") {
			file = filepath.Join(dir, file)
		}
		code, _, errb := run(t, t.Context(), "fire", "--values", "t="+file, "-H", "X: {{ values.t }}", "http://127.0.0.1:1/")
		if code != int(ExitUsage) || !strings.Contains(errb, want) {
			t.Errorf("%s: exit %d, %q", file, code, errb)
		}
	}
}
