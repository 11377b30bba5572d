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

var rawSettings = []http2.Setting{{ID: http2.SettingMaxConcurrentStreams, Val: 100}}

func runRaw(t *testing.T, ctx context.Context, url string, n int, o Options) *Burst {
	t.Helper()
	o.Mode = ModeSinglePacket
	b, err := Run(ctx, Plan{Requests: burstOf(n, http.MethodGet, url, nil), Options: o})
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func wantKinds(t *testing.T, b *Burst, kinds ...ErrKind) {
	t.Helper()
	for i, k := range kinds {
		if r := b.Results[i]; r.ErrKind != k {
			t.Errorf("request %d: status %d kind %q err %v, want kind %q", i, r.Status, r.ErrKind, r.Err, k)
		}
	}
}

func TestSinglePacketTalliesResetsAndMalformedAnswers(t *testing.T) {
	url := rawH2Server(t, rawSettings, 4, func(rc *rawConn, ids []uint32) {
		rc.headers(ids[0], "200", true)
		rc.do(func(fr *http2.Framer) { fr.WriteRSTStream(ids[1], http2.ErrCodeRefusedStream) })
		rc.headers(ids[2], "two hundred", true)
		rc.do(func(fr *http2.Framer) { fr.WriteData(ids[3], true, []byte("no head")) })
	})
	b := runRaw(t, context.Background(), url, 4, Options{Client: Client{Timeout: 5 * time.Second}})
	wantKinds(t, b, KindNone, KindReset, KindProtocol, KindProtocol)
	if b.Results[0].Status != 200 || b.Results[0].Header.Get("X-Raw") != "1" {
		t.Errorf("request 0: %+v", b.Results[0])
	}
	if !strings.Contains(b.Results[1].Err.Error(), "REFUSED_STREAM") {
		t.Errorf("reset error %q does not name the code", b.Results[1].Err)
	}
}

func TestSinglePacketGoAwayFailsOnlyUnprocessedStreams(t *testing.T) {
	url := rawH2Server(t, rawSettings, 4, func(rc *rawConn, ids []uint32) {
		rc.do(func(fr *http2.Framer) { fr.WriteGoAway(ids[1], http2.ErrCodeEnhanceYourCalm, []byte("slow down")) })
		rc.headers(ids[0], "200", true)
		rc.headers(ids[1], "409", true)
		rc.nc.Close()
	})
	b := runRaw(t, context.Background(), url, 4, Options{Client: Client{Timeout: 5 * time.Second}})
	wantKinds(t, b, KindNone, KindNone, KindReset, KindReset)
	if b.Results[1].Status != 409 || !strings.Contains(b.Results[3].Err.Error(), "GOAWAY") {
		t.Errorf("request 1 status %d, request 3 err %v", b.Results[1].Status, b.Results[3].Err)
	}
}

func TestSinglePacketSilentServerTimesOut(t *testing.T) {
	url := rawH2Server(t, rawSettings, 3, func(*rawConn, []uint32) {})
	const timeout = 300 * time.Millisecond
	start := time.Now()
	b := runRaw(t, context.Background(), url, 3, Options{Client: Client{Timeout: timeout}})
	if took := time.Since(start); took > 10*timeout {
		t.Errorf("burst took %v with a %v timeout", took, timeout)
	}
	wantKinds(t, b, KindTimeout, KindTimeout, KindTimeout)
	for _, r := range b.Results {
		if r.Released.IsZero() {
			t.Errorf("request %d was not released", r.Index)
		}
	}
}

func TestSinglePacketCancelUnblocks(t *testing.T) {
	url := rawH2Server(t, rawSettings, 2, func(*rawConn, []uint32) {})
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	time.AfterFunc(100*time.Millisecond, cancel)
	start := time.Now()
	b := runRaw(t, ctx, url, 2, Options{Client: Client{Timeout: time.Minute}})
	if took := time.Since(start); took > 10*time.Second {
		t.Errorf("cancelled burst took %v", took)
	}
	wantKinds(t, b, KindCanceled, KindCanceled)
	if !b.Canceled() {
		t.Error("Canceled() is false for a cancelled burst")
	}
}

// TestSinglePacketRespectsFlowControl: bodies must fit the windows the
// server granted before the release, or they would trickle out after it.
func TestSinglePacketRespectsFlowControl(t *testing.T) {
	ok := func(rc *rawConn, ids []uint32) {
		for _, id := range ids {
			rc.headers(id, "200", true)
		}
	}
	// The default 65535-byte connection window holds six 10,922-byte
	// bodies, so twelve go over two connections.
	url := rawH2Server(t, rawSettings, 6, ok)
	body := make([]byte, 65535/6)
	b, err := Run(context.Background(), Plan{Requests: burstOf(12, http.MethodPost, url, body), Options: Options{Sync: Sync{Mode: ModeSinglePacket}}})
	if err != nil {
		t.Fatal(err)
	}
	if b.Connections != 2 || len(b.Notes) != 1 || !strings.Contains(b.Notes[0], "connection window") {
		t.Errorf("connections %d notes %q", b.Connections, b.Notes)
	}
	wantKinds(t, b, make([]ErrKind, 12)...)
	// A body larger than a stream's window cannot be held at all: the
	// server's limit, so synchronisation is unavailable, not the plan
	// invalid.
	small := append([]http2.Setting{{ID: http2.SettingInitialWindowSize, Val: 1000}}, rawSettings...)
	url = rawH2Server(t, small, 1, ok)
	_, err = Run(context.Background(), Plan{Requests: burstOf(2, http.MethodPost, url, make([]byte, 2000)), Options: Options{Sync: Sync{Mode: ModeSinglePacket}}})
	if !errors.Is(err, ErrSyncUnavailable) || errors.Is(err, ErrInvalidPlan) || !strings.Contains(err.Error(), "stream window") {
		t.Errorf("err %v, want ErrSyncUnavailable about the stream window", err)
	}
}

// TestSinglePacketReleaseDoesNotAllocate: the release loop must not
// allocate (nor log, nor lock), or the garbage collector could stretch it.
func TestSinglePacketReleaseDoesNotAllocate(t *testing.T) {
	addr := strings.TrimSuffix(strings.TrimPrefix(silentServer(t), "http://"), "/")
	conns := make([]*h2conn, 4)
	for i := range conns {
		nc, err := net.Dial("tcp", addr)
		if err != nil {
			t.Fatal(err)
		}
		defer nc.Close()
		conns[i] = &h2conn{nc: nc, final: make([]byte, 300)}
	}
	if allocs := testing.AllocsPerRun(100, func() { releaseH2(conns) }); allocs != 0 {
		t.Errorf("release allocated %v times per run", allocs)
	}
	for i, c := range conns {
		if c.releaseErr != nil || c.released.IsZero() {
			t.Errorf("connection %d: released %v err %v", i, c.released, c.releaseErr)
		}
	}
}

// TestSinglePacketInformationalEndIsNoAnswer: a 1xx head with END_STREAM
// (HTTP/2 forbids it: only the final response ends a stream) is no
// answer of any status, but a protocol error.
func TestSinglePacketInformationalEndIsNoAnswer(t *testing.T) {
	url := rawH2Server(t, rawSettings, 2, func(rc *rawConn, ids []uint32) {
		for _, id := range ids {
			rc.headers(id, "103", true)
		}
	})
	b := runRaw(t, context.Background(), url, 2, Options{Client: Client{Timeout: 5 * time.Second}})
	wantKinds(t, b, KindProtocol, KindProtocol)
	for _, r := range b.Results {
		if r.Status != 0 || r.Cause() != CauseProtocol || !strings.Contains(r.Err.Error(), "informational 103 head ended the stream") {
			t.Errorf("request %d: status %d cause %q err %v", r.Index, r.Status, r.Cause(), r.Err)
		}
	}
}

// TestSinglePacketUnansweredHandshakePing: a server that answers SETTINGS
// but not the PING sent with them fails the handshake, and the error says
// which answer was missing, not only that a read timed out.
func TestSinglePacketUnansweredHandshakePing(t *testing.T) {
	url := rawServer(t, func(c net.Conn) {
		defer c.Close()
		if _, err := io.ReadFull(c, make([]byte, len(http2.ClientPreface))); err != nil {
			return
		}
		fr := http2.NewFramer(c, c)
		_ = fr.WriteSettings()
		for {
			f, err := fr.ReadFrame()
			if err != nil {
				return
			}
			if sf, ok := f.(*http2.SettingsFrame); ok && !sf.IsAck() {
				_ = fr.WriteSettingsAck()
			}
		}
	})
	b := runRaw(t, context.Background(), strings.TrimSuffix(url, "/"), 2, Options{Client: Client{Timeout: 300 * time.Millisecond}})
	for _, r := range b.Results {
		if r.Err == nil || !strings.Contains(r.Err.Error(), "no answer to the PING sent with the preface") || !r.Released.IsZero() {
			t.Errorf("request %d: released %v, err %v, want unreleased, failed for the unanswered PING", r.Index, !r.Released.IsZero(), r.Err)
		}
	}
}
