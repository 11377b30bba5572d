package runner

import (
	"bufio"
	"context"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"
)

// answersOnAccept is an HTTP/1.1 server that sends a whole 200 as soon as
// it accepts a connection, before any request, then reads what comes.
// Each answer sent is reported on sent.
func answersOnAccept(sent chan<- struct{}) func(net.Conn) {
	return func(c net.Conn) {
		if _, err := io.WriteString(c, "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok"); err != nil {
			return
		}
		sent <- struct{}{}
		_, _ = io.Copy(io.Discard, c)
	}
}

// TestEveryEngineMarksEarlyAnswers: a server that answers before the
// request is complete (on accept for HTTP/1.1) gets responses that look
// like 200s, and the HTTP/1.1 engines mark them Early in the same way:
// cause early, the round incomplete, a note saying so. (Single-packet's
// HEADERS all leave in one write, so answers on the heads are a burst
// there: TestSinglePacketAnswersOnTheHeads.) The release waits (testHookArmed) until
// the server has sent its answers, as a real server that answers on
// accept has long done by then; the test hook makes it certain. It is a
// package variable, so this test does not run in parallel.
func TestEveryEngineMarksEarlyAnswers(t *testing.T) {
	const n = 3
	sent := make(chan struct{}, 3*n)
	h1 := rawServer(t, answersOnAccept(sent))
	t.Cleanup(func() { testHookArmed = nil })
	testHookArmed = func() {
		for range n {
			select {
			case <-sent:
			case <-time.After(5 * time.Second):
				t.Error("the server did not answer on its own")
				return
			}
		}
		// Let the readers parked on the connections take the answers.
		time.Sleep(20 * time.Millisecond)
	}
	for _, c := range []struct {
		mode Mode
		url  string
		hold Hold
	}{{ModeBarrier, h1, ""}, {ModeLastByte, h1, ""}} {
		t.Run(string(c.mode), func(t *testing.T) {
			b, err := Run(context.Background(), Plan{
				Requests: burstOf(n, http.MethodGet, c.url, nil),
				Options:  Options{Client: Client{Timeout: 2 * time.Second}, Sync: Sync{Mode: c.mode, Hold: c.hold}},
			})
			if err != nil {
				t.Fatal(err)
			}
			for _, r := range b.Results {
				// net/http (barrier) may refuse an answer that came before
				// it wrote the request ("unsolicited response"): then there
				// is no status, but the answer was early all the same.
				lost := c.mode == ModeBarrier && r.Status == 0 && r.Err != nil
				if (r.Status != 200 && !lost) || !r.Early || r.Cause() != CauseEarly {
					t.Errorf("request %d: status %d early %v cause %q err %v, want an early 200", r.Index, r.Status, r.Early, r.Cause(), r.Err)
				}
			}
			in := b.Incomplete()
			if b.Complete() || len(in) != 1 || in[0].Kind != CauseEarly || in[0].Count != n || in[0].AfterRelease {
				t.Errorf("incomplete %+v, want %d early answers before the release", in, n)
			}
			if !strings.Contains(strings.Join(b.Notes, "\n"), "arrived before the release") {
				t.Errorf("notes %q do not say so", b.Notes)
			}
		})
	}
}

// TestNoEarlyAnswersFromAHeldServer: the HTTP/1.1 engines against a
// server that answers only once it has read the request mark nothing
// early, and its 503s are responses: the round is complete.
func TestNoEarlyAnswersFromAHeldServer(t *testing.T) {
	h1 := rawServer(t, func(c net.Conn) {
		br := bufio.NewReader(c)
		for {
			req, err := http.ReadRequest(br)
			if err != nil {
				return
			}
			_, _ = io.Copy(io.Discard, req.Body)
			body := "busy"
			if req.Method == http.MethodHead {
				body = ""
			}
			if _, err := io.WriteString(c, "HTTP/1.1 503 Service Unavailable\r\nContent-Length: 4\r\n\r\n"+body); err != nil {
				return
			}
		}
	})
	for _, mode := range []Mode{ModeBarrier, ModeLastByte} {
		b, err := Run(context.Background(), Plan{Requests: burstOf(3, http.MethodPost, h1, []byte("x")), Options: Options{Sync: Sync{Mode: mode, Warmup: 1}}})
		if err != nil {
			t.Fatal(err)
		}
		// A 503 is a response: the server handled the request.
		if in := b.Incomplete(); !b.Complete() || len(in) != 0 {
			t.Errorf("%s: incomplete %+v", mode, in)
		}
		for _, r := range b.Results {
			if r.Status != 503 || r.Early {
				t.Errorf("%s request %d: status %d early %v", mode, r.Index, r.Status, r.Early)
			}
		}
	}
}
