package scenarios

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

// TestAliasBombIsCheap: the alias bomb is refused before it is expanded,
// fast and in little memory, however deep it goes.
func TestAliasBombIsCheap(t *testing.T) {
	in := []byte(billionLaughs(12)) // 9^13 values expanded
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	start := time.Now()
	_, err := Parse("bomb.yaml", in)
	took := time.Since(start)
	runtime.ReadMemStats(&after)
	if err == nil || !strings.Contains(err.Error(), "alias bomb") {
		t.Fatalf("got %v", err)
	}
	if alloc := after.TotalAlloc - before.TotalAlloc; alloc > 20<<20 {
		t.Errorf("loading allocated %d MiB", alloc>>20)
	}
	if took > 5*time.Second { // generous: it takes about a millisecond
		t.Errorf("loading took %v", took)
	}
}

// TestAliasesWithinBounds: anchors and aliases used as intended still load.
func TestAliasesWithinBounds(t *testing.T) {
	in := "version: 1\nvars:\n  auth: &auth {Authorization: Bearer x}\nsetup:\n" +
		strings.Repeat("  - request: {url: http://127.0.0.1:1/, headers: *auth}\n", 50) +
		"race:\n  request: {url: http://127.0.0.1:1/, headers: *auth}\n"
	s, err := Parse("x.yaml", []byte(in))
	if err != nil {
		t.Fatal(err)
	}
	if len(s.Setup) != 50 || len(s.Race.Groups[0].Request.Headers) != 1 {
		t.Errorf("setup %d, headers %v", len(s.Setup), s.Race.Groups[0].Request.Headers)
	}
}

func TestFileTooLarge(t *testing.T) {
	big := append([]byte("version: 1\nname: "), bytes.Repeat([]byte("x"), 2<<20)...)
	_, err := Parse("big.yaml", big)
	if want := "big.yaml: the file is 2.0 MiB, more than the 1 MiB a scenario file may have: is it the right file?"; err == nil || err.Error() != want {
		t.Errorf("got %v, want %s", err, want)
	}
	path := filepath.Join(t.TempDir(), "big.yaml")
	if err := os.WriteFile(path, big, 0o644); err != nil {
		t.Fatal(err)
	}
	_, err = Load(context.Background(), path)
	if want := path + ": the file is larger than 1 MiB, the most a scenario file may have: is it the right file?"; err == nil || err.Error() != want {
		t.Errorf("got %v, want %s", err, want)
	}
}

// TestLoadDevZero: a device that never ends is read no further than the
// limit.
func TestLoadDevZero(t *testing.T) {
	if _, err := os.Stat("/dev/zero"); err != nil {
		t.Skip("no /dev/zero")
	}
	_, err := Load(context.Background(), "/dev/zero")
	if err == nil || !strings.Contains(err.Error(), "larger than 1 MiB") {
		t.Errorf("got %v", err)
	}
}

// TestLargeBurstNeedsAllowLarge: race.n above DefaultMaxN loads (validate
// passes), and runs only with AllowLarge; the message says where and how.
func TestLargeBurstNeedsAllowLarge(t *testing.T) {
	s, err := Parse("x.yaml", []byte("version: 1\nrace:\n  n: 20000\n  request: {url: http://127.0.0.1:1/}\n"))
	if err != nil {
		t.Fatal(err)
	}
	_, err = s.Start(RunOptions{})
	want := "x.yaml:3:6: race.n: n is 20000: more than 10000 requests in one burst; add --allow-large to allow up to 100000"
	if err == nil || err.Error() != want {
		t.Errorf("got %v, want %s", err, want)
	}
	if _, err := s.Run(t.Context(), RunOptions{}); err == nil || err.Error() != want {
		t.Errorf("Run: got %v, want %s", err, want)
	}
	if _, err := s.Start(RunOptions{AllowLarge: true}); err != nil {
		t.Errorf("with AllowLarge: %v", err)
	}
}

// TestTemplatedBodyTooLarge: a body that a template makes too large fails
// the run before the race is sent.
func TestTemplatedBodyTooLarge(t *testing.T) {
	var hits atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(http.ResponseWriter, *http.Request) { hits.Add(1) }))
	defer srv.Close()
	tests := []struct {
		n    int
		size int
		want string
	}{
		{2, 17 << 20, "round 1: request #0: race.request.body: the body is 17 MiB, more than the 16 MiB a request body may have; send a smaller body"},
		{100, 11 << 20, "round 1: race: the burst would hold 1.1 GiB of request bodies, more than 1 GiB; send fewer requests or a smaller body"},
	}
	for _, tt := range tests {
		in := fmt.Sprintf("version: 1\nrace:\n  n: %d\n  request: {url: %s/, body: \"${BIG}\"}\n", tt.n, srv.URL)
		s, err := Parse("x.yaml", []byte(in))
		if err != nil {
			t.Fatal(err)
		}
		big := strings.Repeat("x", tt.size)
		_, err = s.Run(t.Context(), RunOptions{Getenv: func(string) string { return big }})
		if err == nil || err.Error() != tt.want {
			t.Errorf("got %v\nwant %s", err, tt.want)
		}
	}
	if hits.Load() != 0 {
		t.Errorf("the server got %d requests", hits.Load())
	}
}
