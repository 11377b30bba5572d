package cmd

import (
	"bytes"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
)

// racetest import refuses a body that is not UTF-8, which a scenario's
// text body cannot hold, naming the option, the form field and the file,
// and writes nothing; racetest fire, which the message points to, sends
// the file's bytes as they are.
func TestImportBinaryBody(t *testing.T) {
	var (
		mu  sync.Mutex
		got [][]byte
	)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		f, _, err := r.FormFile("file")
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		b, _ := io.ReadAll(f)
		mu.Lock()
		got = append(got, b)
		mu.Unlock()
	}))
	t.Cleanup(srv.Close)
	dir := t.TempDir()
	bin := filepath.Join(dir, "photo.bin")
	content := []byte("\x89PNG\r\n\x1a\n\x00\xff\xfe")
	if err := os.WriteFile(bin, content, 0o600); err != nil {
		t.Fatal(err)
	}
	cases := []struct{ name, command, want string }{
		{"form upload", "curl -F 'file=@" + bin + "' " + srv.URL + "/up",
			`import curl ` + filepath.Join(dir, "req.sh") + `:1:6: --form "file=@` + bin + `": the file ` + bin + `, of the form field file, is binary (not UTF-8)`},
		{"data-binary", "curl --data-binary @" + bin + " " + srv.URL + "/up",
			"--data-binary @" + bin + ": the file " + bin + " is binary (not UTF-8)"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			cmdFile := filepath.Join(dir, "req.sh")
			if err := os.WriteFile(cmdFile, []byte(c.command+"\n"), 0o600); err != nil {
				t.Fatal(err)
			}
			code, out, errb := run(t, t.Context(), "import", "curl", cmdFile)
			fix := "race the request with racetest fire --curl " + cmdFile
			if code != int(ExitUsage) || out != "" || !strings.Contains(errb, c.want) || !strings.Contains(errb, fix) {
				t.Errorf("exit %d, stdout %q, stderr %q: want %d, nothing written, %q and %q", code, out, errb, ExitUsage, c.want, fix)
			}
		})
	}
	// What the message says to do works: fire sends the file as it is.
	cmdFile := filepath.Join(dir, "req.sh")
	if err := os.WriteFile(cmdFile, []byte(cases[0].command+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	code, _, errb := run(t, t.Context(), "fire", "-n", "2", "--curl", cmdFile, "--expect-status", "200=2")
	if code != int(ExitOK) {
		t.Fatalf("fire --curl: exit %d\n%s", code, errb)
	}
	mu.Lock()
	defer mu.Unlock()
	if len(got) != 2 || !bytes.Equal(got[0], content) || !bytes.Equal(got[1], content) {
		t.Errorf("the server got uploads %q; want the file's bytes twice", got)
	}
}
