//go:build unix

package runner

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"strings"
	"syscall"
	"testing"
	"time"

	"golang.org/x/net/http2"
)

// lowFileLimit lowers this process's soft RLIMIT_NOFILE to n until the
// test ends. Only the soft limit: the hard one could not be raised again.
func lowFileLimit(t *testing.T, n uint64) {
	t.Helper()
	var old syscall.Rlimit
	if err := syscall.Getrlimit(syscall.RLIMIT_NOFILE, &old); err != nil {
		t.Skip(err)
	}
	low := old
	low.Cur = n
	if err := syscall.Setrlimit(syscall.RLIMIT_NOFILE, &low); err != nil {
		t.Skip(err)
	}
	t.Cleanup(func() {
		if err := syscall.Setrlimit(syscall.RLIMIT_NOFILE, &old); err != nil {
			t.Errorf("restore the file limit: %v", err)
		}
	})
}

// TestFileLimit: when the process runs out of file descriptors while
// dialling, every engine stops before sending anything and says so with
// one *FileLimitError, rather than N dial errors in the tally.
func TestFileLimit(t *testing.T) {
	silent := silentServer(t)
	oneStream := []http2.Setting{{ID: http2.SettingMaxConcurrentStreams, Val: 1}}
	h2 := rawH2Server(t, oneStream, 1, func(*rawConn, []uint32) {})
	const n, limit = 200, 64
	for _, c := range []struct {
		mode Mode
		url  string
	}{{ModeBarrier, silent}, {ModeLastByte, silent}, {ModeSinglePacket, h2}} {
		t.Run(string(c.mode), func(t *testing.T) {
			lowFileLimit(t, limit)
			b, err := Run(context.Background(), Plan{
				Requests: burstOf(n, http.MethodGet, c.url, nil),
				// Short: the server shares the limit, and the connections
				// it cannot accept any more wait for their handshakes.
				Options: Options{Client: Client{Timeout: 500 * time.Millisecond}, Sync: Sync{Mode: c.mode}},
			})
			var fe *FileLimitError
			if !errors.As(err, &fe) {
				t.Fatalf("err %v, want a *FileLimitError", err)
			}
			if fe.Failed == 0 || fe.Requests != n || fe.Soft != limit || !errors.Is(err, syscall.EMFILE) {
				t.Errorf("%+v", fe)
			}
			if !strings.Contains(err.Error(), fmt.Sprintf("of %d requests could not open a connection: the process's open-file limit was reached (limit %d", n, limit)) {
				t.Errorf("message %q", err)
			}
			for _, r := range b.Results {
				if !r.Released.IsZero() {
					t.Fatalf("request %d was released", r.Index)
				}
			}
		})
	}
}

func TestCheckFileLimit(t *testing.T) {
	refused := &net.OpError{Op: "dial", Net: "tcp", Err: syscall.ECONNREFUSED}
	b := &Burst{Results: []Result{{Err: refused}, {}}}
	if err := checkFileLimit(b); err != nil {
		t.Errorf("refused: %v", err)
	}
	b.Results[0].Err = fmt.Errorf("dial: %w", &net.OpError{Op: "dial", Net: "tcp", Err: syscall.ENFILE})
	b.Results[1].Err = fmt.Errorf("dial: %w", syscall.EMFILE)
	var fe *FileLimitError
	if err := checkFileLimit(b); !errors.As(err, &fe) || fe.Failed != 2 || !fe.System ||
		!strings.Contains(err.Error(), "2 of 2 requests could not open a connection: the system's open-file table was reached") {
		t.Errorf("err %v", err)
	}
}
