package cmd

import (
	"bytes"
	"context"
	"io"
	"mime"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
)

// formPartSeen is one part of a multipart body as the server read it.
type formPartSeen struct {
	name, filename, ctype, xa, content string
}

// formTarget is a loopback server that reads each request's multipart
// body with the standard library, as an application would, and keeps
// the parts and the raw bodies.
func formTarget(t *testing.T) (string, func() ([][]formPartSeen, [][]byte)) {
	t.Helper()
	var (
		mu     sync.Mutex
		parsed [][]formPartSeen
		raws   [][]byte
	)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		raw, _ := io.ReadAll(r.Body)
		_, params, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		mr := multipart.NewReader(bytes.NewReader(raw), params["boundary"])
		var parts []formPartSeen
		for {
			p, err := mr.NextPart()
			if err == io.EOF {
				break
			}
			if err != nil {
				http.Error(w, err.Error(), http.StatusBadRequest)
				return
			}
			b, _ := io.ReadAll(p)
			parts = append(parts, formPartSeen{p.FormName(), p.FileName(), p.Header.Get("Content-Type"), p.Header.Get("X-A"), string(b)})
		}
		mu.Lock()
		parsed, raws = append(parsed, parts), append(raws, raw)
		mu.Unlock()
	}))
	t.Cleanup(srv.Close)
	return srv.URL, func() ([][]formPartSeen, [][]byte) {
		mu.Lock()
		defer mu.Unlock()
		return parsed, raws
	}
}

// TestFireForm: -F sends what curl -F sends (fields, uploads with their
// file name and curl's guessed type, fields from files, ;type=,
// ;filename=, ;headers=, quoted values), typed or copied with --curl,
// and every request of the burst is the same body.
func TestFireForm(t *testing.T) {
	dir := t.TempDir()
	for name, content := range map[string]string{"up.txt": "hello", "a.json": `{"a":1}`, "pic.PNG": "\x89PNG", "field.txt": "from a file"} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	t.Chdir(dir)
	want := []formPartSeen{
		{name: "a", content: "b"},
		{name: "t", ctype: "text/foo", content: "v"},
		{name: "f", filename: "up.txt", ctype: "text/plain", content: "hello"},
		{name: "j", filename: "a.json", ctype: "application/octet-stream", content: `{"a":1}`},
		{name: "p", filename: "z.png", ctype: "image/x", content: "\x89PNG"},
		{name: "g", filename: "pic.PNG", ctype: "image/png", content: "\x89PNG"},
		{name: "c", content: "from a file"},
		{name: "q", content: "x;y"},
		{name: "h", filename: "up.txt", ctype: "text/plain", xa: "1", content: "hello"},
		{name: "s", content: "@lit;x"},
	}
	flags := []string{"-F", "a=b", "-F", "t=v;type=text/foo", "-F", "f=@up.txt", "-F", "j=@a.json",
		"-F", "p=@pic.PNG;type=image/x;filename=z.png", "--form", "g=@pic.PNG", "-F", "c=<field.txt",
		"-F", `q="x;y"`, "-F", `h=@up.txt;headers="X-A: 1"`, "--form-string", "s=@lit;x"}
	url, seen := formTarget(t)
	copied := filepath.Join(dir, "copied.sh")
	cmdline := "curl '" + url + "/upload' " + strings.Join(quoteAll(flags), " ") + "\n"
	if err := os.WriteFile(copied, []byte(cmdline), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, args := range [][]string{
		append(append([]string{"fire", "-n", "3", "--expect-status", "200=3"}, flags...), url+"/upload"),
		{"fire", "-n", "3", "--expect-status", "200=3", "--curl", copied},
	} {
		before, _ := seen()
		code, out, errOut := run(t, context.Background(), args...)
		if code != 0 {
			t.Fatalf("%q: exit %d\n%s\n%s", args, code, out, errOut)
		}
		parsed, raws := seen()
		parsed, raws = parsed[len(before):], raws[len(before):]
		if len(parsed) != 3 {
			t.Fatalf("%q: the server read %d forms, want 3", args, len(parsed))
		}
		for i, got := range parsed {
			if !equalParts(got, want) {
				t.Errorf("%q: request %d:\n got %q\nwant %q", args, i, got, want)
			}
			if !bytes.Equal(raws[i], raws[0]) {
				t.Errorf("%q: request %d's body differs from request 0's: the boundary must be one per run", args, i)
			}
		}
	}
}

func equalParts(a, b []formPartSeen) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// quoteAll quotes each argument for a POSIX shell, as a copied command
// has them.
func quoteAll(args []string) []string {
	out := make([]string, len(args))
	for i, a := range args {
		out[i] = "'" + strings.ReplaceAll(a, "'", `'\''`) + "'"
	}
	return out
}

// TestFireFormErrors: a -F that cannot be sent is one line naming it,
// exit 2, before anything is sent; curl options racetest does not take
// are named as such, typed or copied.
func TestFireFormErrors(t *testing.T) {
	dir := t.TempDir()
	big := filepath.Join(dir, "big.bin")
	// Two files each under the body limit, together over it.
	if err := os.WriteFile(big, bytes.Repeat([]byte("x"), 9<<20), 0o600); err != nil {
		t.Fatal(err)
	}
	copied := filepath.Join(dir, "upload.sh")
	if err := os.WriteFile(copied, []byte("curl -T file.bin http://127.0.0.1:1/\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	const u = "http://127.0.0.1:1/"
	runCases(t, []cliCase{
		{name: "no name", args: []string{"fire", "-F", "value", u}, code: 2,
			stderrs: []string{`--form "value": write name=value, name=@file to upload a file, or name=<file for a field read from a file`}},
		{name: "missing file", args: []string{"fire", "-F", "f=@/nonexistent/x.bin", u}, code: 2,
			stderrs: []string{"--form @/nonexistent/x.bin: cannot read the file: no such file or directory"}},
		{name: "unknown part option", args: []string{"fire", "-F", "a=b;c", u}, code: 2,
			stderrs: []string{`--form "a=b;c": ";c" is not a part option racetest knows (;type=, ;filename=, ;headers=); quote the value to send a ';' in it, as name="a;b"`}},
		{name: "open quote", args: []string{"fire", "-F", `a="b`, u}, code: 2, stderrs: []string{"the quote is not closed"}},
		{name: "bad type", args: []string{"fire", "-F", "a=b;type=", u}, code: 2, stderrs: []string{";type= is not a media type"}},
		{name: "with -d", args: []string{"fire", "-F", "a=b", "-d", "x", u}, code: 2, stderrs: []string{"--form and --data or --json both give a body; use one"}},
		{name: "with -G", args: []string{"fire", "-G", "-F", "a=b", u}, code: 2, stderrs: []string{"--get (-G) puts -d data in the query"}},
		{name: "over the limit", args: []string{"fire", "-F", "a=@" + big, "-F", "b=@" + big, u}, code: 2,
			stderrs: []string{"--form: the body is ", "more than the 16 MiB a request body may have"}},
		{name: "curl -T typed", args: []string{"fire", "-T", "file.bin", u}, code: 2,
			stderrs: []string{"racetest: the curl option -T (--upload-file) is not one racetest supports", "racetest fire --help"}},
		{name: "curl long option typed", args: []string{"fire", "--upload-file", "file.bin", u}, code: 2,
			stderrs: []string{"the curl option --upload-file is not one racetest supports"}},
		{name: "curl option to probe", args: []string{"probe", "--limit-rate", "1k", u}, code: 2,
			stderrs: []string{"the curl option --limit-rate is not one racetest supports"}},
		{name: "curl -T copied", args: []string{"fire", "--curl", copied}, code: 2,
			stderrs: []string{"--curl " + copied + ":1:6: the curl option -T (--upload-file) is not one racetest supports"}},
		{name: "a typo is still a typo", args: []string{"fire", "--rouds", "3", u}, code: 2, stderrs: []string{"unknown flag: --rouds; did you mean --rounds?"}},
	})
}
