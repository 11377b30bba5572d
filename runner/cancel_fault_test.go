package runner

import (
	"context"
	"errors"
	"net/http"
	"testing"
	"time"
)

// TestCancelDuringWarmup: a cancelled context (Ctrl-C) stops every engine
// at once while it waits for a warm-up answer that never comes, long
// before the timeout; nothing is released.
func TestCancelDuringWarmup(t *testing.T) {
	silent := silentServer(t)
	h2 := rawH2Server(t, rawSettings, 0, func(*rawConn, []uint32) {})
	for _, c := range []struct {
		mode Mode
		url  string
	}{{ModeBarrier, silent}, {ModeLastByte, silent}, {ModeSinglePacket, h2}} {
		t.Run(string(c.mode), func(t *testing.T) {
			t.Parallel()
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			time.AfterFunc(100*time.Millisecond, cancel)
			start := time.Now()
			b, err := Run(ctx, Plan{
				Requests: burstOf(3, http.MethodGet, c.url, nil),
				Options:  Options{Client: Client{Timeout: time.Minute}, Sync: Sync{Mode: c.mode, Warmup: 1}},
			})
			if took := time.Since(start); took > 5*time.Second {
				t.Errorf("took %v after the cancel", took)
			}
			if !errors.Is(err, context.Canceled) {
				t.Errorf("err %v, want context.Canceled", err)
			}
			if b != nil {
				for _, r := range b.Results {
					if !r.Released.IsZero() {
						t.Errorf("request %d was released", r.Index)
					}
				}
			}
		})
	}
}
