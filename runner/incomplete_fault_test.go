package runner

import (
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"golang.org/x/net/http2"
)

// allModes are the engines and auto mode, which picks one of them.
var allModes = []Mode{ModeAuto, ModeSinglePacket, ModeLastByte, ModeBarrier}

// runAny runs n GETs to url in mode with a short timeout.
func runAny(t *testing.T, mode Mode, url string, o Options) (*Burst, error) {
	t.Helper()
	o.Mode = mode
	if o.Timeout == 0 {
		o.Timeout = 300 * time.Millisecond
	}
	start := time.Now()
	b, err := Run(context.Background(), Plan{Requests: burstOf(3, http.MethodGet, url, nil), Options: o})
	if took := time.Since(start); took > 30*o.Timeout+5*time.Second {
		t.Errorf("took %v with a %v timeout", took, o.Timeout)
	}
	return b, err
}

// wantIncomplete checks that a burst that did not happen cannot be
// mistaken for one that did: either Run says synchronisation was not to
// be had, or every request has a cause (want, unless it is empty) and
// the burst is not complete.
func wantIncomplete(t *testing.T, b *Burst, err error, want CauseKind) {
	t.Helper()
	if err != nil {
		if !errors.Is(err, ErrSyncUnavailable) {
			t.Fatalf("err %v, want ErrSyncUnavailable or per-request causes", err)
		}
		return
	}
	if b.Complete() || len(b.Incomplete()) == 0 {
		t.Fatalf("burst looks complete: %+v", b.Results)
	}
	for _, r := range b.Results {
		if k := r.Cause(); k == "" || (want != "" && k != want) {
			t.Errorf("request %d: status %d cause %q err %v, want cause %q", r.Index, r.Status, k, r.Err, want)
		}
	}
}

// TestBurstsThatDidNotHappen: each way a burst can fail to happen, with
// every engine: it comes back incomplete, with the cause.
func TestBurstsThatDidNotHappen(t *testing.T) {
	silent := silentServer(t)
	stalledTLS := strings.Replace(silent, "http://", "https://", 1)
	h2 := h2Server(t, &arrivals{}, false, 0)
	goaway := rawServer(t, goawayAfterSettings)
	badWarmH1 := rawFault(func(c net.Conn) {
		if lbReadRequest(c) {
			_, _ = io.WriteString(c, "SSH-2.0-OpenSSH_9.6\r\n\r\n")
			time.Sleep(50 * time.Millisecond)
		}
	})(t)
	badWarmH2 := rawH2Server(t, rawSettings, 0, func(rc *rawConn, _ []uint32) {
		// A SETTINGS frame on a stream is a connection error.
		_, _ = rc.nc.Write([]byte{0, 0, 0, 4, 0, 0, 0, 0, 1})
	})
	for _, c := range []struct {
		name string
		url  func(Mode) string
		o    Options
		want CauseKind
	}{
		{"stalled TLS handshake", func(Mode) string { return stalledTLS }, Options{}, CauseConnect},
		{"timeout 1ns", func(Mode) string { return h2.URL }, Options{Client: Client{Insecure: true, Timeout: time.Nanosecond}}, ""},
		{"HTTP/2 handshake ends in GOAWAY", func(Mode) string { return goaway }, Options{Client: Client{H2C: true}}, ""},
		{"every warm-up fails", func(m Mode) string {
			if m == ModeSinglePacket {
				return badWarmH2
			}
			return badWarmH1
		}, Options{Sync: Sync{Warmup: 1}}, CauseNotReleased},
		{"accepts and never answers", func(Mode) string { return silent }, Options{}, ""},
	} {
		for _, mode := range allModes {
			t.Run(c.name+"/"+string(mode), func(t *testing.T) {
				t.Parallel()
				b, err := runAny(t, mode, c.url(mode), c.o)
				wantIncomplete(t, b, err, c.want)
				if c.want == CauseConnect && err == nil && b.ConnectError() == nil {
					t.Error("nothing connected, but ConnectError is nil")
				}
			})
		}
	}
}

// goawayAfterSettings speaks the start of HTTP/2 (SETTINGS) and then
// ends the connection with GOAWAY, as a server at its limit does.
func goawayAfterSettings(c net.Conn) {
	preface := make([]byte, len(http2.ClientPreface))
	if _, err := io.ReadFull(c, preface); err != nil {
		return
	}
	fr := http2.NewFramer(c, c)
	fr.WriteSettings()
	fr.WriteGoAway(0, http2.ErrCodeEnhanceYourCalm, []byte("too many connections"))
	time.Sleep(50 * time.Millisecond)
}
