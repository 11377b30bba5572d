package runner

import (
	"context"
	"io"
	"net"
	"net/http"
	"testing"
	"time"

	"golang.org/x/net/http2"
)

// TestIncompleteCauses: one HTTP/2 burst whose streams end every way a
// server can end them after the release. A 200 and a 503 are responses
// (the round may judge them); REFUSED_STREAM, another reset, a malformed
// head and a stream above GOAWAY's last stream id are not, and each is
// its own cause, after the release.
func TestIncompleteCauses(t *testing.T) {
	url := rawH2Server(t, rawSettings, 6, func(rc *rawConn, ids []uint32) {
		rc.headers(ids[0], "200", true)
		rc.headers(ids[1], "503", true)
		rc.do(func(fr *http2.Framer) { fr.WriteRSTStream(ids[2], http2.ErrCodeRefusedStream) })
		rc.do(func(fr *http2.Framer) { fr.WriteRSTStream(ids[3], http2.ErrCodeInternal) })
		rc.headers(ids[4], "two hundred", true)
		rc.do(func(fr *http2.Framer) { fr.WriteGoAway(ids[4], http2.ErrCodeNo, nil) })
	})
	b := runRaw(t, context.Background(), url, 6, Options{Client: Client{Timeout: 5 * time.Second}})
	want := map[CauseKind]int{CauseRefusedStream: 2, CauseReset: 3, CauseProtocol: 4, CauseGoAway: 5}
	in := b.Incomplete()
	if len(in) != len(want) || b.Complete() {
		t.Fatalf("incomplete %+v, want %d causes", in, len(want))
	}
	for _, c := range in {
		if i, ok := want[c.Kind]; !ok || c.Count != 1 || c.Requests[0] != i || !c.AfterRelease || c.First == "" {
			t.Errorf("cause %+v, want request %d after the release with its message", c, i)
		}
	}
	for _, i := range []int{0, 1} {
		if r := b.Results[i]; r.Cause() != "" {
			t.Errorf("request %d: status %d has cause %q, want none", i, r.Status, r.Cause())
		}
	}
}

// TestIncompleteBeforeTheRelease: requests that never reach the server,
// or fail before the release, are incomplete with the right cause and
// AfterRelease false; a refused connect is also the burst's ConnectError.
func TestIncompleteBeforeTheRelease(t *testing.T) {
	refused := closedURL(t)
	b, err := Run(context.Background(), Plan{Requests: burstOf(2, http.MethodGet, refused, nil), Options: Options{Sync: Sync{Mode: ModeLastByte}}})
	if err != nil {
		t.Fatal(err)
	}
	if in := b.Incomplete(); len(in) != 1 || in[0].Kind != CauseConnect || in[0].Count != 2 || in[0].AfterRelease || b.ConnectError() == nil {
		t.Errorf("refused: incomplete %+v, connect error %v", in, b.ConnectError())
	}
	// A warm-up the server answers with garbage: connected, never released.
	url := rawServer(t, func(c net.Conn) {
		if lbReadRequest(c) {
			_, _ = io.WriteString(c, "SSH-2.0-OpenSSH_9.6\r\n\r\n")
		}
	})
	b, err = Run(context.Background(), Plan{Requests: burstOf(2, http.MethodGet, url, nil), Options: Options{Sync: Sync{Mode: ModeLastByte, Warmup: 1}}})
	if err != nil {
		t.Fatal(err)
	}
	if in := b.Incomplete(); len(in) != 1 || in[0].Kind != CauseNotReleased || in[0].AfterRelease || b.ConnectError() != nil {
		t.Errorf("bad warm-up: incomplete %+v, connect error %v", in, b.ConnectError())
	}
}
