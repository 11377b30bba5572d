package runner

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"
)

// TestReleaseAt: with Sync.ReleaseAt every engine arms first and releases
// at that wall-clock instant, never before it: the server sees no request
// (not even a handler start, with the head held) before it. The receipt
// records the local release error.
func TestReleaseAt(t *testing.T) {
	h1 := &starts{}
	plain := httptest.NewServer(h1)
	t.Cleanup(plain.Close)
	h2 := &starts{}
	tls := h2Server(t, h2, false, 0)
	for _, c := range []struct {
		mode Mode
		url  string
		s    *starts
	}{{ModeBarrier, plain.URL, h1}, {ModeLastByte, plain.URL, h1}, {ModeSinglePacket, tls.URL, h2}} {
		t.Run(string(c.mode), func(t *testing.T) {
			c.s.mu.Lock()
			c.s.began, c.s.times = nil, nil
			c.s.mu.Unlock()
			const n = 10
			at := time.Now().Add(400 * time.Millisecond).Round(0) // a wall-clock time, as parsed from a flag
			b, err := Run(context.Background(), Plan{
				Requests: burstOf(n, http.MethodPost, c.url, []byte("x")),
				Options:  Options{Client: Client{Insecure: true}, Sync: Sync{Mode: c.mode, Hold: HoldHeaders, Warmup: 1, ReleaseAt: at}},
			})
			if err != nil {
				t.Fatal(err)
			}
			first := firstRelease(t, b)
			if first.Before(at) {
				t.Errorf("released %v before ReleaseAt", at.Sub(first))
			}
			rc := b.Receipt
			if !rc.ReleaseErrorKnown || !rc.ReleaseAt.Equal(at) || rc.ReleaseError != first.Sub(at) || rc.ReleaseError < 0 {
				t.Errorf("receipt: at %v error %v known %v; first release %v after", rc.ReleaseAt, rc.ReleaseError, rc.ReleaseErrorKnown, first.Sub(at))
			}
			// Generous: the spin ends within microseconds, but a loaded
			// machine may deschedule the goroutine.
			if rc.ReleaseError > 100*time.Millisecond {
				t.Errorf("released %v after ReleaseAt", rc.ReleaseError)
			}
			for _, r := range b.Results {
				if r.Armed.IsZero() || !r.Armed.Before(at) {
					t.Errorf("request %d armed at %v, not before ReleaseAt", r.Index, r.Armed.Sub(at))
				}
			}
			c.s.mu.Lock()
			defer c.s.mu.Unlock()
			if len(c.s.began) != n {
				t.Fatalf("server began %d handlers, want %d", len(c.s.began), n)
			}
			for i, began := range c.s.began {
				if began.Before(at) {
					t.Errorf("handler %d began %v before ReleaseAt", i, at.Sub(began))
				}
			}
		})
	}
}

// TestReleaseAtCancel: Ctrl-C while a burst waits for its instant stops
// it at once, and nothing is released.
func TestReleaseAtCancel(t *testing.T) {
	srv := httptest.NewServer(&arrivals{})
	t.Cleanup(srv.Close)
	tls := h2Server(t, &arrivals{}, false, 0)
	for _, mode := range []Mode{ModeBarrier, ModeLastByte, ModeSinglePacket} {
		url := srv.URL
		if mode == ModeSinglePacket {
			url = tls.URL
		}
		// Armed and waiting for the instant; or not yet preparing.
		for _, wait := range []time.Duration{200 * time.Millisecond, time.Hour} {
			ctx, cancel := context.WithCancel(context.Background())
			time.AfterFunc(100*time.Millisecond, cancel)
			start := time.Now()
			b, err := Run(ctx, Plan{
				Requests: burstOf(3, http.MethodGet, url, nil),
				Options:  Options{Client: Client{Insecure: true}, Sync: Sync{Mode: mode, ReleaseAt: time.Now().Add(wait).Round(0)}},
			})
			cancel()
			if took := time.Since(start); took > 5*time.Second {
				t.Errorf("%s: took %v", mode, took)
			}
			if !errors.Is(err, context.Canceled) {
				t.Errorf("%s: err %v, want context.Canceled", mode, err)
			}
			if b == nil {
				continue
			}
			for _, r := range b.Results {
				if !r.Released.IsZero() {
					t.Errorf("%s: request %d was released", mode, r.Index)
				}
			}
		}
	}
}
