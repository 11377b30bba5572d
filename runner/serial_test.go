package runner

import (
	"io"
	"net/http"
	"testing"
	"time"
)

// semaphore is a handler that lets k requests at a time run a 10 ms
// "check-then-act", as Apache's mod_http2 and Caddy run only a few
// streams of a connection at a time. k = 0 lets them all run at once.
type semaphore struct{ slots chan struct{} }

func newSemaphore(k int) *semaphore {
	if k == 0 {
		return &semaphore{}
	}
	return &semaphore{slots: make(chan struct{}, k)}
}

func (s *semaphore) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	_, _ = io.Copy(io.Discard, r.Body)
	if r.Method == http.MethodHead {
		return
	}
	if s.slots != nil {
		s.slots <- struct{}{}
		defer func() { <-s.slots }()
	}
	time.Sleep(10 * time.Millisecond)
	_, _ = io.WriteString(w, "ok")
}

// TestSerialised: against a server that runs two streams of a connection
// at a time, the burst says so with K = 2; against the same server
// without the limit, it never does. The handler's 10 ms is the only
// timing, and the detection only needs steps to stand out from the gaps
// inside them, so a loaded machine makes it miss rather than misfire: at
// a load average of 13-17 on 2 cores, steps of 10-20 ms came back 20-100
// ms apart and most bursts were (rightly) not called serialised. So the
// positive case needs one burst out of up to maxTries, tried until one
// is found, while every burst against the free server, at least minTries
// of them, must stay quiet.
func TestSerialised(t *testing.T) {
	const n, k, minTries, maxTries = 12, 2, 5, 40
	for _, h2c := range []bool{false, true} {
		limited := h2Server(t, newSemaphore(k), h2c, 0)
		free := h2Server(t, newSemaphore(0), h2c, 0)
		found, tries := 0, 0
		for ; tries < minTries || found == 0 && tries < maxTries; tries++ {
			b := singlePacket(t, burstOf(n, http.MethodGet, limited.URL, nil), Options{Sync: Sync{Warmup: 1}})
			s, ok := b.Serialised()
			t.Logf("h2c %v limited: %+v %v", h2c, s, ok)
			if ok && s.K == k && s.Conn == 0 && s.Steps >= n/k-1 {
				found++
			}
			b = singlePacket(t, burstOf(n, http.MethodGet, free.URL, nil), Options{Sync: Sync{Warmup: 1}})
			if s, ok := b.Serialised(); ok {
				t.Errorf("h2c %v: a server running every stream at once was called serialised: %+v", h2c, s)
			}
		}
		if found == 0 {
			t.Errorf("h2c %v: %d bursts against a server running %d streams at a time, none called serialised with K = %d", h2c, tries, k, k)
		}
	}
}

func TestSerialisedNeedsAnswers(t *testing.T) {
	b := &Burst{Results: make([]Result, 10)}
	if s, ok := b.Serialised(); ok {
		t.Errorf("a burst without responses was called serialised: %+v", s)
	}
}
