package runner

import (
	"context"
	"io"
	"net/http"
	"sync"
	"testing"
	"time"
)

// meetingHop answers its hop only once n requests to it are in flight at
// the same time: a server that sees the chains followed one after the
// other never answers, and every hop times out.
type meetingHop struct {
	n       int
	mu      sync.Mutex
	waiting int
	peak    int
	met     chan struct{}
}

func (h *meetingHop) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.URL.Path != "/hop" {
		http.Redirect(w, r, "/hop", http.StatusFound)
		return
	}
	h.mu.Lock()
	h.waiting++
	h.peak = max(h.peak, h.waiting)
	if h.waiting == h.n {
		close(h.met)
	}
	h.mu.Unlock()
	select {
	case <-h.met:
		_, _ = io.WriteString(w, "met")
	case <-r.Context().Done():
	}
	h.mu.Lock()
	h.waiting--
	h.mu.Unlock()
}

// TestRedirectChainsFollowedConcurrently: the redirects of a burst are
// followed at the same time, so that N requests redirected to a slow hop
// cost one hop's time, not N (issue 12: 10 requests to a slow hop took
// 20 s with --timeout 2s). The server sees all the hops in flight at once.
func TestRedirectChainsFollowedConcurrently(t *testing.T) {
	const n = 10
	for _, mode := range []Mode{ModeSinglePacket, ModeLastByte, ModeBarrier} {
		t.Run(string(mode), func(t *testing.T) {
			h := &meetingHop{n: n, met: make(chan struct{})}
			srv := h2Server(t, h, true, 0)
			o := Options{Client: Client{FollowRedirects: true, Timeout: 5 * time.Second}, Sync: Sync{Mode: mode}}
			start := time.Now()
			b, err := Run(context.Background(), Plan{Requests: burstOf(n, http.MethodGet, srv.URL+"/start", nil), Options: o})
			if err != nil {
				t.Fatal(err)
			}
			for _, r := range b.Results {
				if r.Err != nil || r.Status != 200 || string(r.Body) != "met" {
					t.Errorf("request %d: status %d body %q err %v, want the hop's answer", r.Index, r.Status, r.Body, r.Err)
				}
			}
			h.mu.Lock()
			peak := h.peak
			h.mu.Unlock()
			if peak != n {
				t.Errorf("the server saw at most %d hops in flight at once, want %d", peak, n)
			}
			// Loose: one timeout is the most the hops may take together;
			// one after the other they would take ten.
			if d := time.Since(start); d > 3*o.Timeout {
				t.Errorf("the burst and its redirects took %v, want well under %v", d, 3*o.Timeout)
			}
		})
	}
}

// TestRedirectFollowingStopsOnCancel: Ctrl-C during the hops ends them
// at once, the redirects of every chain included.
func TestRedirectFollowingStopsOnCancel(t *testing.T) {
	const n = 10
	h := &meetingHop{n: n + 1, met: make(chan struct{})} // never met
	srv := h2Server(t, h, true, 0)
	ctx, cancel := context.WithCancel(context.Background())
	go func() {
		for {
			h.mu.Lock()
			w := h.waiting
			h.mu.Unlock()
			if w == n {
				cancel()
				return
			}
			time.Sleep(5 * time.Millisecond)
		}
	}()
	o := Options{Client: Client{FollowRedirects: true, Timeout: time.Minute}, Sync: Sync{Mode: ModeLastByte}}
	start := time.Now()
	b, err := Run(ctx, Plan{Requests: burstOf(n, http.MethodGet, srv.URL+"/start", nil), Options: o})
	if err != nil {
		t.Fatal(err)
	}
	if d := time.Since(start); d > 30*time.Second {
		t.Errorf("the run took %v after the cancel, want it to end at once", d)
	}
	for _, r := range b.Results {
		if r.Err == nil {
			t.Errorf("request %d: status %d, want the cancelled hop's error", r.Index, r.Status)
		}
	}
}
