package cmd

import (
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"
)

// withUmask runs f with the process's umask set to mask, and restores it.
// The umask is the whole process's: these tests do not run in parallel.
func withUmask(t *testing.T, mask int, f func()) {
	t.Helper()
	old := syscall.Umask(mask)
	defer syscall.Umask(old)
	f()
}

// A new report gets the mode the umask gives, as any file the shell
// creates would; an existing report keeps its own (curl -o does the same).
func TestReportFileModeFollowsUmask(t *testing.T) {
	write := func(w io.Writer) error { _, err := io.WriteString(w, "<report/>"); return err }
	for _, c := range []struct {
		umask int
		want  os.FileMode
	}{{0o027, 0o640}, {0o022, 0o644}, {0o077, 0o600}} {
		dir := t.TempDir()
		path := filepath.Join(dir, "r.xml")
		withUmask(t, c.umask, func() {
			if err := writeFileAtomic(path, write); err != nil {
				t.Fatal(err)
			}
		})
		if st, err := os.Stat(path); err != nil || st.Mode().Perm() != c.want {
			t.Errorf("umask %04o: mode %v (%v), want %v", c.umask, st.Mode().Perm(), err, c.want)
		}
		assertOnlyFiles(t, dir, "r.xml")
	}
	// An existing 0600 report stays 0600, and is replaced.
	dir := t.TempDir()
	path := filepath.Join(dir, "r.xml")
	if err := os.WriteFile(path, []byte("old"), 0o600); err != nil {
		t.Fatal(err)
	}
	withUmask(t, 0o022, func() {
		if err := writeFileAtomic(path, write); err != nil {
			t.Fatal(err)
		}
	})
	if st, _ := os.Stat(path); st.Mode().Perm() != 0o600 {
		t.Errorf("existing 0600 report: mode now %v", st.Mode().Perm())
	}
	if b, _ := os.ReadFile(path); string(b) != "<report/>" {
		t.Errorf("content %q", b)
	}
}

// A report whose writing fails leaves the old file as it was and no
// temporary file beside it.
func TestReportFileFailedWriteLeavesNothing(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "r.html")
	if err := os.WriteFile(path, []byte("old"), 0o644); err != nil {
		t.Fatal(err)
	}
	boom := errors.New("boom")
	err := writeFileAtomic(path, func(w io.Writer) error {
		_, _ = io.WriteString(w, "half")
		return boom
	})
	if !errors.Is(err, boom) {
		t.Errorf("err %v, want boom", err)
	}
	if b, _ := os.ReadFile(path); string(b) != "old" {
		t.Errorf("content %q, want the old report", b)
	}
	assertOnlyFiles(t, dir, "r.html")
}

func assertOnlyFiles(t *testing.T, dir string, want ...string) {
	t.Helper()
	es, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, e := range es {
		got = append(got, e.Name())
	}
	if strings.Join(got, " ") != strings.Join(want, " ") {
		t.Errorf("%s holds %q, want %q", dir, got, want)
	}
}

// Report paths that cannot be written are found before any request is
// sent: a folder, a folder that cannot be written in, the same file for
// two reports. Exit 2, and the target sees nothing.
func TestReportPathsCheckedBeforeTheRace(t *testing.T) {
	var seen atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(http.ResponseWriter, *http.Request) { seen.Add(1) }))
	t.Cleanup(srv.Close)
	dir := t.TempDir()
	same := filepath.Join(dir, "r")
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"--junit", dir}, "--junit " + dir + ": is a folder; give a file name, such as " + filepath.Join(dir, "report")},
		{[]string{"--html", filepath.Join(dir, "no", "r.html")}, "the folder " + filepath.Join(dir, "no") + " does not exist"},
		// /proc refuses new files even to root.
		{[]string{"--junit", "/proc/r.xml"}, "--junit /proc/r.xml: cannot write in the folder /proc: "},
		{[]string{"--junit", same, "--html", same}, "--junit and --html both write " + same + "; give each report its own file"},
	} {
		args := append(append([]string{"fire", "--n", "2"}, c.args...), srv.URL)
		code, _, errOut := runApp(t, false, false, nil, args...)
		if code != int(ExitUsage) || !strings.Contains(errOut, c.want) {
			t.Errorf("%v: exit %d, stderr %q, want %q", c.args, code, errOut, c.want)
		}
	}
	if n := seen.Load(); n != 0 {
		t.Errorf("the target saw %d requests, want none", n)
	}
	assertOnlyFiles(t, dir)
}
