package cmd

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/base64"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/andybalholm/brotli"

	"github.com/racetest/racetest/report"
	"github.com/racetest/racetest/runner"
)

// curlRequest parses args as fire's command line and builds the request,
// as fire does before sending it.
func curlRequest(t *testing.T, stdin string, args ...string) (runner.Request, error) {
	t.Helper()
	app, _, _ := testApp(stdin)
	var got *FireOptions
	c := newCmdFire(app, func(_ context.Context, o *FireOptions) error { got = o; return nil })
	c.SetArgs(args)
	c.SetOut(io.Discard)
	c.SetErr(io.Discard)
	if err := c.Execute(); err != nil {
		t.Fatalf("%q: %v", args, err)
	}
	if err := got.complete(context.Background()); err != nil {
		return runner.Request{}, err
	}
	return got.request(context.Background())
}

func TestCurlBodies(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "body.txt")
	if err := os.WriteFile(file, []byte("a=1\r\nb=2\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	const u = "http://127.0.0.1:1/p?x=1"
	for _, tc := range []struct {
		name        string
		args        []string
		method, url string
		body, ctype string
	}{
		{"-d joined with &", []string{"-d", "a=1", "-d", "b=2"}, "POST", u, "a=1&b=2", "application/x-www-form-urlencoded"},
		{"-d @file drops newlines", []string{"-d", "@" + file}, "POST", u, "a=1b=2", "application/x-www-form-urlencoded"},
		{"--data-binary @file keeps them", []string{"--data-binary", "@" + file}, "POST", u, "a=1\r\nb=2\n", "application/x-www-form-urlencoded"},
		{"--data-raw keeps @", []string{"--data-raw", "@" + file}, "POST", u, "@" + file, "application/x-www-form-urlencoded"},
		{"order across kinds", []string{"--data-raw", "r", "-d", "d", "--data-urlencode", "n=a b&c"}, "POST", u, "r&d&n=a%20b%26c", "application/x-www-form-urlencoded"},
		{"--data-urlencode forms", []string{"--data-urlencode", "a b", "--data-urlencode", "=c=d", "--data-urlencode", "f@" + file, "--data-urlencode", "@" + file},
			"POST", u, "a%20b&c%3Dd&f=a%3D1%0D%0Ab%3D2%0A&a%3D1%0D%0Ab%3D2%0A", "application/x-www-form-urlencoded"},
		{"--json", []string{"--json", `{"a":1}`}, "POST", u, `{"a":1}`, "application/json"},
		{"-G puts the data in the query", []string{"-G", "-d", "a=1", "-d", "b=2"}, "GET", u + "&a=1&b=2", "", ""},
		{"-I", []string{"-I"}, "HEAD", u, "", ""},
		{"-X wins", []string{"-X", "put", "-d", "x"}, "PUT", u, "x", "application/x-www-form-urlencoded"},
		{"-H Content-Type wins", []string{"-d", "x", "-H", "Content-Type: text/plain"}, "POST", u, "x", "text/plain"},
		{"'Content-Type:' removes it", []string{"-d", "x", "-H", "Content-Type:"}, "POST", u, "x", ""},
	} {
		r, err := curlRequest(t, "", append(tc.args, u)...)
		if err != nil {
			t.Errorf("%s: %v", tc.name, err)
			continue
		}
		if r.Method != tc.method || r.URL != tc.url || string(r.Body) != tc.body || r.Header.Get("Content-Type") != tc.ctype {
			t.Errorf("%s: %s %s %q %q", tc.name, r.Method, r.URL, r.Body, r.Header.Get("Content-Type"))
		}
	}
	r, _ := curlRequest(t, "", "--json", "{}", u)
	if r.Header.Get("Accept") != "application/json" {
		t.Errorf("--json sets no Accept: %v", r.Header)
	}
	if _, err := curlRequest(t, "", "-I", "-d", "x", u); err == nil || !strings.Contains(err.Error(), "HEAD, which has no body") {
		t.Errorf("-I -d: %v", err)
	}
}

func TestCurlIdentity(t *testing.T) {
	jar := filepath.Join(t.TempDir(), "cookies.txt")
	if err := os.WriteFile(jar, []byte("# Netscape HTTP Cookie File\n127.0.0.1\tFALSE\t/\tFALSE\t0\tjar\tj1\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	basic := func(s string) string { return "Basic " + base64.StdEncoding.EncodeToString([]byte(s)) }
	r, err := curlRequest(t, "", "-u", "ann:p:w", "-A", "agent/1", "-e", "http://ref/;auto",
		"-b", "a=1; b=2", "-b", jar, "-H", "Cookie: h=0", "--compressed", "-H", "Accept-Encoding: zstd",
		"-H", "X-Empty;", "http://127.0.0.1:1/")
	if err != nil {
		t.Fatal(err)
	}
	for name, want := range map[string]string{
		"Authorization": basic("ann:p:w"), "User-Agent": "agent/1", "Referer": "http://ref/",
		"Cookie": "h=0; a=1; b=2; jar=j1", "Accept-Encoding": "",
	} {
		if got := r.Header.Get(name); got != want {
			t.Errorf("%s: %q, want %q", name, got, want)
		}
	}
	if v, ok := r.Header["X-Empty"]; !ok || v[0] != "" {
		t.Errorf("X-Empty; sends an empty header: %v", r.Header)
	}
	// The URL's user info becomes Basic credentials and leaves the URL.
	r, err = curlRequest(t, "", "http://ann:s%40cret@127.0.0.1:1/x")
	if err != nil || r.Header.Get("Authorization") != basic("ann:s@cret") || r.URL != "http://127.0.0.1:1/x" {
		t.Errorf("user info: %v %v %s", err, r.Header, r.URL)
	}
	if _, err := curlRequest(t, "", "-u", "ann", "http://127.0.0.1:1/"); err == nil || !strings.Contains(err.Error(), "give the password too") {
		t.Errorf("-u without a password: %v", err)
	}
}

// TestCurlCopiesMatchTypedFlags: the three browser copies kept for the
// scripts give the request the same options give typed on the command line.
func TestCurlCopiesMatchTypedFlags(t *testing.T) {
	want, err := curlRequest(t, "", "-X", "POST", "-H", "Content-Type: application/json",
		"-b", "csrftoken=Yv2kq8QdX1; sessionid=8f1c2e7a9b4d; theme=dark", "--compressed",
		"--data-raw", `{"type":"investment_complete","note":"100% mine! it's a \"race\""}`,
		"http://127.0.0.1:8080/missions/naive/complete")
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range []string{"chrome.sh", "chrome-cmd.txt", "firefox.sh"} {
		got, err := curlRequest(t, "", "--curl", "testdata/capture/"+f)
		if err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		if got.Method != want.Method || got.URL != want.URL || !bytes.Equal(got.Body, want.Body) {
			t.Errorf("%s: %s %s %q", f, got.Method, got.URL, got.Body)
		}
		for _, h := range []string{"Content-Type", "Cookie", "Accept-Encoding"} {
			if got.Header.Get(h) != want.Header.Get(h) {
				t.Errorf("%s: %s %q, want %q", f, h, got.Header.Get(h), want.Header.Get(h))
			}
		}
	}
}

// TestCurlFileMergesWithFlags: the command line adds to a copied
// command: -H adds, -n is fire's own, and --max-time in the copy sets the
// timeout as -m does.
func TestCurlFileMergesWithFlags(t *testing.T) {
	f := filepath.Join(t.TempDir(), "c.sh")
	if err := os.WriteFile(f, []byte(`curl 'http://127.0.0.1:1/x' -H 'A: 1' -d a=1 --max-time 2.5 -k --http1.1 -sS --globoff`), 0o644); err != nil {
		t.Fatal(err)
	}
	app, _, _ := testApp("")
	var o *FireOptions
	c := newCmdFire(app, func(_ context.Context, fo *FireOptions) error { o = fo; return nil })
	c.SetArgs([]string{"--curl", f, "-H", "B: 2", "-d", "b=2", "-n", "3"})
	if err := c.Execute(); err != nil {
		t.Fatal(err)
	}
	if err := o.complete(context.Background()); err != nil {
		t.Fatal(err)
	}
	r, err := o.request(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if r.Header.Get("A") != "1" || r.Header.Get("B") != "2" || string(r.Body) != "b=2&a=1" || o.N != 3 ||
		o.Timeout.Seconds() != 2.5 || !o.Insecure || o.sync().Mode != runner.ModeLastByte {
		t.Errorf("%v %q n=%d timeout=%s k=%v mode=%s", r.Header, r.Body, o.N, o.Timeout, o.Insecure, o.sync().Mode)
	}
}

// TestFireSendsBasicAuthMasked: a URL with user:password@ reaches the
// server as Basic credentials, and no output shows the password.
func TestFireSendsBasicAuthMasked(t *testing.T) {
	var mu sync.Mutex
	var seen []string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		seen = append(seen, r.Header.Get("Authorization"))
		mu.Unlock()
	}))
	defer srv.Close()
	u := strings.Replace(srv.URL, "http://", "http://ann:hunter2@", 1)
	code, out, errOut := run(t, context.Background(), "fire", "-n", "3", "-v", "-o", "json", "--expect-status", "200=3", u+"/x")
	if code != 0 || strings.Contains(out+errOut, "hunter2") {
		t.Fatalf("exit %d, output shows the password or failed:\n%s%s", code, out, errOut)
	}
	want := "Basic " + base64.StdEncoding.EncodeToString([]byte("ann:hunter2"))
	if len(seen) != 3 || seen[0] != want {
		t.Errorf("server saw %q", seen)
	}
}

// TestFireCompressed: with --compressed the checks see the decoded JSON
// of gzip and br responses.
func TestFireCompressed(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ae := r.Header.Get("Accept-Encoding")
		var zw io.WriteCloser
		switch {
		case r.URL.Path == "/br" && strings.Contains(ae, "br"):
			w.Header().Set("Content-Encoding", "br")
			zw = brotli.NewWriter(w)
		case strings.Contains(ae, "gzip"):
			w.Header().Set("Content-Encoding", "gzip")
			zw = gzip.NewWriter(w)
		default:
			w.WriteHeader(http.StatusNotAcceptable)
			return
		}
		_, _ = io.WriteString(zw, `{"ok":true}`)
		_ = zw.Close()
	}))
	defer srv.Close()
	const note = "responses came with Content-Encoding: gzip, which racetest, as curl, does not decode unless asked: the checks read the encoded bytes of body and json; add --compressed"
	for _, path := range []string{"/gz", "/br"} {
		code, out, errOut := run(t, context.Background(), "fire", "-n", "2", "--compressed", "--expect", "all(responses, .json.ok == true)", srv.URL+path)
		if code != 0 {
			t.Errorf("%s: exit %d\n%s%s", path, code, out, errOut)
		}
		if strings.Contains(out, "Content-Encoding") {
			t.Errorf("%s: decoded bodies got the note:\n%s", path, out)
		}
	}
	// Asked for by -H but not decoded, as curl: a check that reads json
	// fails, and the report says why, once, even over rounds.
	code, out, _ := run(t, context.Background(), "fire", "-n", "2", "--rounds", "2", "-H", "Accept-Encoding: gzip", "--expect", "all(responses, .json.ok == true)", srv.URL+"/gz")
	if code != 1 || strings.Count(out, note) != 1 {
		t.Errorf("exit %d, want 1 and the note once:\n%s", code, out)
	}
	code, out, _ = run(t, context.Background(), "fire", "-n", "2", "-o", "json", "-H", "Accept-Encoding: gzip", "--expect", "all(responses, .json.ok == true)", srv.URL+"/gz")
	if code != 1 || !strings.Contains(out, note) {
		t.Errorf("the JSON report lacks the note: exit %d\n%s", code, out)
	}
	// A scenario file has no --compressed: the note says what to change in
	// the file instead.
	file := filepath.Join(t.TempDir(), "gz.yaml")
	yaml := "version: 1\nname: gz\nrace:\n  n: 2\n  request: {url: /gz, headers: {Accept-Encoding: gzip}}\n  expect: [\"all(responses, .json.ok == true)\"]\n"
	if err := os.WriteFile(file, []byte(yaml), 0o600); err != nil {
		t.Fatal(err)
	}
	code, out, _ = run(t, context.Background(), "run", "--target", srv.URL, file)
	if code != 1 || !strings.Contains(out, "racetest run does not decode bodies: remove Accept-Encoding from the request's headers in the file") {
		t.Errorf("run: exit %d\n%s", code, out)
	}
	// A check that reads no body is not misled: no note.
	code, out, _ = run(t, context.Background(), "fire", "-n", "2", "-H", "Accept-Encoding: gzip", "--expect-status", "200=2", srv.URL+"/gz")
	if code != 0 || strings.Contains(out, "Content-Encoding") {
		t.Errorf("a status check got the note: exit %d\n%s", code, out)
	}
}

// TestFireUndecodableBody: with --compressed, a body that does not decode
// is still the server's answer: the round is complete, the text and JSON
// reports say which bodies were kept as received, and why, and the JSON
// says it of each request (undecoded), next to one that was decoded.
func TestFireUndecodableBody(t *testing.T) {
	var n atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Encoding", "gzip")
		if n.Add(1)%3 == 0 {
			zw := gzip.NewWriter(w)
			_, _ = io.WriteString(zw, "fine")
			_ = zw.Close()
			return
		}
		_, _ = io.WriteString(w, "this is not gzip at all")
	}))
	defer srv.Close()
	const why = "decode the gzip body: gzip: invalid header"
	for _, format := range []string{"text", "json"} {
		n.Store(0)
		code, out, errOut := run(t, context.Background(), "fire", "-n", "3", "--compressed", "-o", format, "--expect", `any(responses, .body contains "not gzip")`, srv.URL)
		if code != 0 || !strings.Contains(out, "the bodies of 2 requests (#") || !strings.Contains(out, "could not be decoded ("+why+"): kept as received") {
			t.Errorf("%s: exit %d, want 0 and the note:\n%s%s", format, code, out, errOut)
		}
		if format != "json" {
			continue
		}
		var doc report.Document
		if err := json.Unmarshal([]byte(out), &doc); err != nil || len(doc.Runs) != 1 || len(doc.Runs[0].Rounds) != 1 {
			t.Fatalf("json: %v\n%s", err, out)
		}
		undecoded := 0
		for _, q := range doc.Runs[0].Rounds[0].Requests {
			switch {
			case q.Body == "fine" && q.Undecoded == "":
			case q.Body == "this is not gzip at all" && q.Undecoded == why:
				undecoded++
			default:
				t.Errorf("request #%d: body %q, undecoded %q", q.Index, q.Body, q.Undecoded)
			}
		}
		if undecoded != 2 {
			t.Errorf("%d requests undecoded, want 2:\n%s", undecoded, out)
		}
	}
}

// TestCapturedHeadersNameTheFile: a captured header HTTP cannot carry
// is refused with the file's name, not -H's.
func TestCapturedHeadersNameTheFile(t *testing.T) {
	dir := t.TempDir()
	raw := filepath.Join(dir, "latin.txt")
	har := filepath.Join(dir, "ctl.har")
	if err := os.WriteFile(raw, []byte("GET / HTTP/1.1\r\nX-Name: caf\xe9\r\n\r\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(har, []byte(`{"log":{"entries":[{"request":{"method":"GET","url":"http://h/","headers":[{"name":"X-A","value":"a\u0001b"}]}}]}}`), 0o644); err != nil {
		t.Fatal(err)
	}
	for args, want := range map[[4]string]string{
		{"--raw", raw, "--target", "http://127.0.0.1:1"}: `--raw ` + raw + `: header "X-Name": the value is not UTF-8 (byte 0xE9 at column 4); save the request as UTF-8`,
		{"--har", har, "--entry", "1"}:                   `--har ` + har + `: header "X-A": the value has`,
	} {
		_, err := curlRequest(t, "", args[:]...)
		if err == nil || !strings.HasPrefix(err.Error(), want) {
			t.Errorf("%v: %v, want %q", args, err, want)
		}
	}
}
