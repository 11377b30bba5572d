package runner

import (
	"bufio"
	"context"
	"io"
	"net"
	"net/http"
	"testing"
	"time"
)

// lbReadRequest reads one whole request from c, or fails quietly.
func lbReadRequest(c net.Conn) bool {
	req, err := http.ReadRequest(bufio.NewReader(c))
	if err != nil {
		return false
	}
	_, err = io.Copy(io.Discard, req.Body)
	return err == nil
}

func lbRunFault(t *testing.T, ctx context.Context, url string, o Options) *Burst {
	t.Helper()
	o.Mode = ModeLastByte
	b, err := Run(ctx, Plan{Requests: burstOf(3, "POST", url, []byte("x")), Options: o})
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func lbAssertKind(t *testing.T, b *Burst, want ErrKind) {
	t.Helper()
	for _, r := range b.Results {
		if r.ErrKind != want {
			t.Errorf("request %d: kind %q err %v, want %q", r.Index, r.ErrKind, r.Err, want)
		}
	}
}

func TestLastByteRefused(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	url := "http://" + ln.Addr().String() + "/"
	ln.Close()
	b := lbRunFault(t, context.Background(), url, Options{})
	lbAssertKind(t, b, KindRefused)
	if b.Connections != 0 {
		t.Errorf("armed %d connections, want 0", b.Connections)
	}
}

func TestLastByteSilentServerTimesOut(t *testing.T) {
	url := silentServer(t)
	start := time.Now()
	b := lbRunFault(t, context.Background(), url, Options{Client: Client{Timeout: 200 * time.Millisecond}})
	if el := time.Since(start); el > 3*time.Second {
		t.Errorf("burst took %v with a 200ms timeout", el)
	}
	lbAssertKind(t, b, KindTimeout)
	if b.Connections != 3 {
		t.Errorf("armed %d connections, want 3", b.Connections)
	}
}

func TestLastByteResetMidResponse(t *testing.T) {
	url := rawServer(t, func(c net.Conn) {
		if !lbReadRequest(c) {
			return
		}
		_, _ = io.WriteString(c, "HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\npartial")
		time.Sleep(20 * time.Millisecond) // let the head arrive alone
		c.(*net.TCPConn).SetLinger(0)     // close with RST
		c.Close()
	})
	b := lbRunFault(t, context.Background(), url, Options{Client: Client{Timeout: 5 * time.Second}})
	lbAssertKind(t, b, KindReset)
	for _, r := range b.Results {
		if r.Status != 200 || string(r.Body) != "partial" || r.FirstByte.IsZero() {
			t.Errorf("request %d: status %d body %q first byte %v: want what arrived before the reset", r.Index, r.Status, r.Body, r.FirstByte)
		}
	}
}

func TestLastByteGarbageIsAProtocolError(t *testing.T) {
	for name, answer := range map[string]string{
		"status line": "SSH-2.0-OpenSSH_9.6\r\n\r\n",
		"status code": "HTTP/1.1 2x0 OK\r\n\r\n",
		"chunking":    "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\nnope\r\n",
		"binary":      "\x00\x01\x02\xff\xfe\r\n\r\n",
	} {
		t.Run(name, func(t *testing.T) {
			url := rawServer(t, func(c net.Conn) {
				if lbReadRequest(c) {
					_, _ = io.WriteString(c, answer)
					time.Sleep(50 * time.Millisecond)
				}
			})
			b := lbRunFault(t, context.Background(), url, Options{Client: Client{Timeout: 5 * time.Second}})
			lbAssertKind(t, b, KindProtocol)
		})
	}
}

// Cancelling the context after the release ends the burst at once, with
// every pending request counted as cancelled, not timed out.
func TestLastByteCancelUnblocks(t *testing.T) {
	url := silentServer(t)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	time.AfterFunc(100*time.Millisecond, cancel)
	start := time.Now()
	b := lbRunFault(t, ctx, url, Options{Client: Client{Timeout: 30 * time.Second}})
	if el := time.Since(start); el > 5*time.Second {
		t.Errorf("cancelled burst took %v", el)
	}
	lbAssertKind(t, b, KindCanceled)
}

// A warm-up that meets a server which never answers is bounded by the
// timeout too, and cancellation during prepare stops the burst.
func TestLastByteCancelDuringWarmup(t *testing.T) {
	url := silentServer(t)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	time.AfterFunc(100*time.Millisecond, cancel)
	start := time.Now()
	_, err := Run(ctx, Plan{
		Requests: burstOf(3, "GET", url, nil),
		Options:  Options{Client: Client{Timeout: 30 * time.Second}, Sync: Sync{Mode: ModeLastByte, Warmup: 1}},
	})
	if err == nil {
		t.Error("a burst cancelled before the release returned no error")
	}
	if el := time.Since(start); el > 5*time.Second {
		t.Errorf("cancelled warm-up took %v", el)
	}
}

// The release loop is the spread: it must not allocate.
func TestLastByteReleaseDoesNotAllocate(t *testing.T) {
	url := rawServer(t, func(c net.Conn) {
		buf := make([]byte, 4096)
		for {
			if _, err := c.Read(buf); err != nil {
				return
			}
		}
	})
	tg, err := parseTarget(url)
	if err != nil {
		t.Fatal(err)
	}
	var (
		fire  = make([]lbFire, 8)
		times = make([]time.Time, len(fire))
		errs  = make([]error, len(fire))
		final = []byte{'\n'}
	)
	for i := range fire {
		c, err := dial(context.Background(), tg, &Options{Client: Client{Timeout: time.Second}}, lbALPN())
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		fire[i] = lbFire{conn: c, final: final, at: &times[i], werr: &errs[i]}
	}
	if allocs := testing.AllocsPerRun(100, func() { lbRelease(fire) }); allocs != 0 {
		t.Errorf("release allocated %v times per run", allocs)
	}
	for i, err := range errs {
		if err != nil {
			t.Errorf("connection %d: %v", i, err)
		}
	}
}
