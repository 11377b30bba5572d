//go:build linux

package runner

import (
	"fmt"
	"net"
	"syscall"
	"testing"
	"time"
)

// backlogFull is the http:// URL of a loopback listener that never
// accepts and whose accept queue is full: Linux drops further SYNs, so a
// connect there times out, as one to a host that has gone away does.
func backlogFull(t *testing.T) string {
	t.Helper()
	fd, err := syscall.Socket(syscall.AF_INET, syscall.SOCK_STREAM, 0)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { syscall.Close(fd) })
	if err := syscall.Bind(fd, &syscall.SockaddrInet4{Addr: [4]byte{127, 0, 0, 1}}); err != nil {
		t.Fatal(err)
	}
	if err := syscall.Listen(fd, 0); err != nil {
		t.Fatal(err)
	}
	sa, err := syscall.Getsockname(fd)
	if err != nil {
		t.Fatal(err)
	}
	addr := fmt.Sprintf("127.0.0.1:%d", sa.(*syscall.SockaddrInet4).Port)
	for range 8 {
		c, err := net.DialTimeout("tcp", addr, 200*time.Millisecond)
		if err != nil {
			return "http://" + addr + "/"
		}
		t.Cleanup(func() { c.Close() })
	}
	t.Skip("the listener's accept queue never filled")
	return ""
}

// TestConnectTimeout: with every engine, a connect that times out is a
// connect failure of every request, and the burst's ConnectError.
func TestConnectTimeout(t *testing.T) {
	url := backlogFull(t)
	for _, mode := range allModes {
		t.Run(string(mode), func(t *testing.T) {
			b, err := runAny(t, mode, url, Options{Client: Client{H2C: mode == ModeSinglePacket}})
			wantIncomplete(t, b, err, CauseConnect)
			if err == nil && b.ConnectError() == nil {
				t.Error("nothing connected, but ConnectError is nil")
			}
		})
	}
}
