package runner

import (
	"bytes"
	"io"
	"net"
	"strings"
	"sync"
	"testing"

	"golang.org/x/net/http2"
	"golang.org/x/net/http2/hpack"
)

// rawConn is the server side of one connection to rawH2Server, for a test
// to answer (or not) with hand-made frames.
type rawConn struct {
	nc  net.Conn
	fr  *http2.Framer
	enc *hpack.Encoder
	buf bytes.Buffer
	mu  sync.Mutex // writes from the read loop (acks) and from answer
	// onEnd, when an answer sets it, is called with every request stream
	// that ends from then on, for a server that answers some streams on
	// their heads and others at their ends.
	onEnd func(id uint32)
}

// headers sends a response head; status may be anything, even garbage.
func (rc *rawConn) headers(id uint32, status string, endStream bool) {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	rc.buf.Reset()
	rc.enc.WriteField(hpack.HeaderField{Name: ":status", Value: status})
	rc.enc.WriteField(hpack.HeaderField{Name: "x-raw", Value: "1"})
	rc.fr.WriteHeaders(http2.HeadersFrameParam{StreamID: id, BlockFragment: rc.buf.Bytes(), EndStream: endStream, EndHeaders: true})
}

func (rc *rawConn) do(f func(fr *http2.Framer)) {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	f(rc.fr)
}

// rawH2Server is a minimal, deliberately misbehaving-capable HTTP/2 server
// over cleartext TCP. It does the connection preface, answers SETTINGS and
// PING, and once want request streams of a connection have ended hands
// their ids, in order, to answer; with want 0, it hands over each stream
// as soon as its HEADERS arrive. Its SETTINGS are settings. It returns the
// http:// base URL.
func rawH2Server(t *testing.T, settings []http2.Setting, want int, answer func(rc *rawConn, ids []uint32)) string {
	t.Helper()
	url := rawServer(t, func(c net.Conn) { serveRaw(c, settings, want, answer) })
	return strings.TrimSuffix(url, "/")
}

// answerAhead, as rawH2Server's want, calls answer once, with no ids,
// when the warming PING before the arming write arrives: before the
// client has sent any request.
const answerAhead = -1

func serveRaw(c net.Conn, settings []http2.Setting, want int, answer func(rc *rawConn, ids []uint32)) {
	defer c.Close()
	preface := make([]byte, len(http2.ClientPreface))
	if _, err := io.ReadFull(c, preface); err != nil || string(preface) != http2.ClientPreface {
		return
	}
	rc := &rawConn{nc: c, fr: http2.NewFramer(c, c)}
	rc.enc = hpack.NewEncoder(&rc.buf)
	rc.fr.ReadMetaHeaders = hpack.NewDecoder(4096, nil)
	rc.do(func(fr *http2.Framer) { fr.WriteSettings(settings...) })
	var ended []uint32
	pings := 0
	for {
		f, err := rc.fr.ReadFrame()
		if err != nil {
			return
		}
		switch f := f.(type) {
		case *http2.SettingsFrame:
			if !f.IsAck() {
				rc.do(func(fr *http2.Framer) { fr.WriteSettingsAck() })
			}
		case *http2.PingFrame:
			if want == answerAhead && !f.IsAck() {
				if pings++; pings == 2 { // the warming PING; the first is the handshake's
					answer(rc, nil) // before any request was sent
					want = -2       // once
				}
			}
			rc.do(func(fr *http2.Framer) { fr.WritePing(true, f.Data) })
		case *http2.MetaHeadersFrame:
			if want == 0 { // answer every request on its head, as nginx's return does
				answer(rc, []uint32{f.StreamID})
			}
			if f.StreamEnded() {
				ended = append(ended, f.StreamID)
			}
		case *http2.DataFrame:
			if f.StreamEnded() {
				ended = append(ended, f.StreamID)
			}
		}
		if n := len(ended); n > 0 && ended[n-1] == f.Header().StreamID && rc.onEnd != nil {
			rc.onEnd(ended[n-1]) // this frame ended a request stream
		}
		if want > 0 && len(ended) == want {
			answer(rc, ended)
			ended = append(ended, 0) // answer once
		}
	}
}
