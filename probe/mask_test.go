package probe

import (
	"context"
	"crypto/rand"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/racetest/racetest/runner"
)

// TestVolatile pins which differences between two sequential phases are
// masked and which mean that the reset did not restore the state.
func TestVolatile(t *testing.T) {
	tests := []struct {
		path, a, b string
		want       bool
	}{
		{"json.created_at", `"2024-01-01T00:00:00Z"`, `"2024-01-01T00:00:01Z"`, true},
		{"json.note", `"a"`, `"b"`, true}, // a string that changes is generated text
		{"json.ts", "1700000000", "1700000001", true},
		{"json.elapsed", "0.25", "0.5", true},
		{"json.order_id", "17", "37", true}, // a sequence the reset does not rewind
		{"json.userId", "1", "2", true},
		{"json.balance", "1100", "3100", false},
		{"json.updates", "1", "2", false},
		{"json.ok", "true", "false", false},
		{"json.items[3].id", "4", "5", true},
	}
	for _, tt := range tests {
		if got := volatile(tt.path, tt.a, tt.b); got != tt.want {
			t.Errorf("volatile(%s, %s, %s) = %v, want %v", tt.path, tt.a, tt.b, got, tt.want)
		}
	}
}

// orders is a target whose responses carry a request id, a time and an
// order id from a sequence that /reset does not rewind, as a database
// sequence is not: the volatile fields probe must mask. racy allocates
// the id check-then-act, so that a burst hands out one id twice.
type orders struct {
	mu    sync.Mutex
	next  int
	count int
	racy  bool
}

func (o *orders) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	o.mu.Lock()
	defer o.mu.Unlock()
	switch r.URL.Path {
	case "/reset":
		o.count = 0
		fmt.Fprint(w, `{}`)
	case "/count":
		fmt.Fprintf(w, `{"count":%d}`, o.count)
	case "/orders":
		id := o.next
		if o.racy {
			o.mu.Unlock()
			time.Sleep(10 * time.Millisecond)
			o.mu.Lock()
		}
		o.next = id + 1
		o.count++
		rid := make([]byte, 8)
		_, _ = rand.Read(rid)
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(map[string]any{
			"order_id": id, "status": "created", "request_id": fmt.Sprintf("%x", rid),
			"created_at": time.Now().Format(time.RFC3339Nano),
		})
	}
}

func ordersConfig(t *testing.T, racy bool) Config {
	srv := httptest.NewServer(&orders{racy: racy, next: 100})
	t.Cleanup(srv.Close)
	return Config{
		Request: runner.Request{Method: "POST", URL: srv.URL + "/orders"}, N: 6, Rounds: 1,
		Reset: []runner.Request{{Method: "POST", URL: srv.URL + "/reset"}},
		After: []runner.Request{{Method: "GET", URL: srv.URL + "/count"}},
	}
}

// TestProbeMasksVolatile proves that ids, times and a sequence that the
// reset does not rewind raise no false alarm, and that an id handed out
// twice in a burst is found as a duplicate.
func TestProbeMasksVolatile(t *testing.T) {
	v, err := Run(context.Background(), ordersConfig(t, false))
	if err != nil {
		t.Fatal(err)
	}
	if v.Outcome != NoRace {
		t.Fatalf("outcome %s on the fixed target: %q %+v", v.Outcome, v.Reason, v.Findings)
	}
	if want := []string{"json.created_at", "json.order_id", "json.request_id"}; !slices.Equal(v.Masked, want) {
		t.Errorf("masked %v, want %v", v.Masked, want)
	}
	v, err = Run(context.Background(), ordersConfig(t, true))
	if err != nil {
		t.Fatal(err)
	}
	if !slices.ContainsFunc(v.Findings, func(f Finding) bool { return f.Signal == SignalDuplicate }) {
		t.Fatalf("no duplicate found on the racy target: %s %q %+v", v.Outcome, v.Reason, v.Findings)
	}
}

// TestProbeNotComparable proves exit 4's case: without a reset, the
// second sequential phase starts where the first ended.
func TestProbeNotComparable(t *testing.T) {
	target := demoTarget(t)
	c := demoCases()[0] // mission naive
	cfg := c.config(target, 3)
	cfg.Reset = nil
	v, err := Run(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	if v.Outcome != Inconclusive || len(v.Rounds) != 0 {
		t.Fatalf("outcome %s after %d rounds, want inconclusive before any burst", v.Outcome, len(v.Rounds))
	}
	if !strings.Contains(v.Reason, "no reset was given") {
		t.Errorf("reason %q does not say that no reset was given", v.Reason)
	}
}
