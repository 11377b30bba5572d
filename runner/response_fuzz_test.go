package runner

import (
	"bufio"
	"bytes"
	"context"
	"io"
	"net"
	"strings"
	"testing"
	"time"

	"golang.org/x/net/http2"
	"golang.org/x/net/http2/hpack"
)

// The fuzz targets here play a server that answers with arbitrary bytes,
// and feed them through the engines' own response readers: whatever a
// broken or hostile server sends must end up as a Result that says what
// happened (a status, or an error with its kind), with the body capped and
// counted, and never as a panic or a reader that does not return.

// fuzzBodyLimit is small so that capping is exercised by small inputs.
const fuzzBodyLimit = 64

// fuzzWait bounds one input. A reader fed from memory that reaches the
// end of its input returns at once; only a bug waits.
const fuzzWait = 30 * time.Second

// checkFuzzResult checks what every engine promises about a Result.
func checkFuzzResult(t *testing.T, r *Result) {
	t.Helper()
	switch {
	case r.Err == nil && (r.Status < 100 || r.Status > 999):
		t.Fatalf("no error but status %d", r.Status)
	case r.Err != nil && (r.ErrKind == KindNone || r.ErrKind == KindOther):
		t.Fatalf("error %q has kind %q; it must be classified", r.Err, r.ErrKind)
	case r.Done.IsZero():
		t.Fatal("the request never finished")
	case int64(len(r.Body)) > fuzzBodyLimit || r.BodyBytes < int64(len(r.Body)):
		t.Fatalf("body of %d bytes kept, %d counted, limit %d", len(r.Body), r.BodyBytes, fuzzBodyLimit)
	case r.Truncated != (r.BodyBytes > int64(len(r.Body))):
		t.Fatalf("truncated %v with %d of %d bytes kept", r.Truncated, len(r.Body), r.BodyBytes)
	}
}

// FuzzLastByteResponse sends the input as the server's answer to one
// request of the last-byte engine, through lbSlot.collect: the reader that
// sits on the connection from before the release.
func FuzzLastByteResponse(f *testing.F) {
	for _, s := range []string{
		"HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello",
		"HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 201 Created\r\nContent-Length: 0\r\n\r\n",
		"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n",
		"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n",
		"HTTP/1.1 200 OK\r\n\r\n" + strings.Repeat("\x00\xff", 100),
		"HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nshort",
		"HTTP/1.1 404 Not Found\r\nConnection: close\r\nX-Racetest-Arrival: 1700000000000000000\r\n\r\n",
		"HTTP/1.0 200\r\n\r\nbody until close",
		"HTTP/1.1 999 Odd\r\n\r\n", "HTTP/1.1 000 Zero\r\n\r\n", "HTTP/1.1 20 Short\r\n\r\n",
		"HTTP/1.1 101 Switching Protocols\r\nUpgrade: h2c\r\n\r\n", "SSH-2.0-OpenSSH\r\n", "", "\r\n\r\n",
		"HTTP/1.1 200 OK\r\nContent-Length: -1\r\n\r\n", "HTTP/1.1 200 OK\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\nab",
	} {
		f.Add([]byte(s), false)
	}
	f.Add([]byte("HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\n"), true)
	f.Fuzz(func(t *testing.T, answer []byte, head bool) {
		method, body := "POST", []byte("x")
		if head {
			method, body = "HEAD", nil
		}
		enc, err := lbEncode(method, "http://127.0.0.1:1/race", nil, body)
		if err != nil {
			t.Fatal(err)
		}
		client, server := net.Pipe()
		wrote := make(chan struct{})
		go func() {
			defer close(wrote)
			server.Write(answer)
			server.Close()
		}()
		s := &lbSlot{res: &Result{Released: time.Now()}, enc: enc, conn: client, armed: true}
		s.in = &lbStampReader{c: client}
		s.head = newHeadGuard(s.in)
		s.br = bufio.NewReader(s.head)
		p := &Plan{Options: Options{Client: Client{BodyLimit: fuzzBodyLimit}}.withDefaults()}
		start := make(chan struct{})
		close(start)
		var abort error
		done := make(chan struct{})
		go func() {
			defer close(done)
			s.collect(context.Background(), p, start, &abort, func() {})
		}()
		select {
		case <-done:
		case <-time.After(fuzzWait):
			t.Fatalf("collect did not return on %q", answer)
		}
		// The reader may stop before the answer does (a Content-Length
		// shorter than what follows); closing our end ends the write.
		client.Close()
		<-wrote
		checkFuzzResult(t, s.res)
	})
}

// sinkConn is the client's side of a connection whose server answer is
// read from memory: every write is accepted and dropped.
type sinkConn struct{}

func (sinkConn) Read([]byte) (int, error)         { return 0, net.ErrClosed }
func (sinkConn) Write(p []byte) (int, error)      { return len(p), nil }
func (sinkConn) Close() error                     { return nil }
func (sinkConn) LocalAddr() net.Addr              { return &net.TCPAddr{} }
func (sinkConn) RemoteAddr() net.Addr             { return &net.TCPAddr{} }
func (sinkConn) SetDeadline(time.Time) error      { return nil }
func (sinkConn) SetReadDeadline(time.Time) error  { return nil }
func (sinkConn) SetWriteDeadline(time.Time) error { return nil }

// h2FuzzStreams is the number of race streams on the fuzzed connection:
// ids 1, 3 and 5.
const h2FuzzStreams = 3

// h2FuzzConn is a connection of the single-packet engine after the
// handshake and the release, set up as openH2 and prepareH2 set it up,
// whose server frames are read from answer.
func h2FuzzConn(answer []byte, rs []Result) *h2conn {
	return h2FuzzConnFrom(bytes.NewReader(answer), rs)
}

// h2FuzzConnFrom is h2FuzzConn reading the server's frames from r.
func h2FuzzConnFrom(r io.Reader, rs []Result) *h2conn {
	c := &h2conn{
		t: target{addr: "127.0.0.1:1"}, nc: sinkConn{}, ping: h2Ping(),
		peer:    h2peer{maxStreams: h2FuzzStreams, initWindow: h2DefaultWindow, maxFrame: h2MaxReadFrame},
		sendWin: h2DefaultWindow, pinged: make(chan struct{}, 1), done: make(chan struct{}),
	}
	c.br = bufio.NewReader(r)
	c.fr = http2.NewFramer(&c.wbuf, c.br)
	c.fr.SetMaxReadFrameSize(h2MaxReadFrame)
	c.fr.MaxHeaderListSize = h2MaxHeaderList
	c.fr.ReadMetaHeaders = hpack.NewDecoder(4096, nil)
	c.enc = hpack.NewEncoder(&c.hbuf)
	for i := range rs {
		rs[i].Index, rs[i].Released = i, time.Now()
		c.streams = append(c.streams, h2stream{id: uint32(2*i + 1), r: &rs[i]})
	}
	c.open = len(c.streams)
	c.nextID = uint32(2*len(rs) + 1)
	return c
}

// h2Seed writes server frames for the seed corpus.
func h2Seed(write func(fr *http2.Framer, hdr func(fields ...string) []byte)) []byte {
	var out, hb bytes.Buffer
	fr := http2.NewFramer(&out, nil)
	enc := hpack.NewEncoder(&hb)
	hdr := func(fields ...string) []byte {
		hb.Reset()
		for i := 0; i+1 < len(fields); i += 2 {
			enc.WriteField(hpack.HeaderField{Name: fields[i], Value: fields[i+1]})
		}
		return bytes.Clone(hb.Bytes())
	}
	write(fr, hdr)
	return out.Bytes()
}

// FuzzH2Response reads the input as the frames a server sends after the
// release, through h2conn.collect: the reader goroutine of a connection
// carrying three race streams.
func FuzzH2Response(f *testing.F) {
	ack := func(fr *http2.Framer) { fr.WritePing(true, h2Ping()) }
	f.Add(h2Seed(func(fr *http2.Framer, hdr func(...string) []byte) {
		fr.WriteSettings(http2.Setting{ID: http2.SettingMaxConcurrentStreams, Val: 100})
		fr.WriteSettingsAck()
		ack(fr)
		fr.WriteHeaders(http2.HeadersFrameParam{StreamID: 1, BlockFragment: hdr(":status", "200", "x-racetest-arrival", "1700000000000000000"), EndHeaders: true})
		fr.WriteData(1, true, []byte("hello"))
		fr.WriteHeaders(http2.HeadersFrameParam{StreamID: 3, BlockFragment: hdr(":status", "409"), EndHeaders: true, EndStream: true})
		fr.WriteRSTStream(5, http2.ErrCodeRefusedStream)
	}))
	f.Add(h2Seed(func(fr *http2.Framer, hdr func(...string) []byte) {
		fr.WriteHeaders(http2.HeadersFrameParam{StreamID: 1, BlockFragment: hdr(":status", "100"), EndHeaders: true})
		fr.WriteHeaders(http2.HeadersFrameParam{StreamID: 1, BlockFragment: hdr(":status", "200"), EndHeaders: false})
		fr.WriteContinuation(1, true, hdr("content-type", "text/plain"))
		fr.WriteData(1, false, bytes.Repeat([]byte{0xff}, 100))
		fr.WriteHeaders(http2.HeadersFrameParam{StreamID: 1, BlockFragment: hdr("grpc-status", "0"), EndHeaders: true, EndStream: true})
		fr.WriteGoAway(1, http2.ErrCodeNo, []byte("bye"))
	}))
	f.Add(h2Seed(func(fr *http2.Framer, hdr func(...string) []byte) {
		fr.WriteData(3, true, []byte("data first"))
		fr.WriteHeaders(http2.HeadersFrameParam{StreamID: 5, BlockFragment: hdr(":status", "abc"), EndHeaders: true, EndStream: true})
		fr.WritePushPromise(http2.PushPromiseParam{StreamID: 1, PromiseID: 2, BlockFragment: hdr(":path", "/"), EndHeaders: true})
	}))
	f.Add(h2Seed(func(fr *http2.Framer, hdr func(...string) []byte) {
		fr.WriteSettings(http2.Setting{ID: http2.SettingInitialWindowSize, Val: 1 << 31})
		fr.WriteWindowUpdate(0, 1)
		fr.WritePing(false, [8]byte{1})
		ack(fr)
	}))
	f.Add([]byte{})
	f.Fuzz(func(t *testing.T, answer []byte) {
		rs := make([]Result, h2FuzzStreams)
		c := h2FuzzConn(answer, rs)
		p := &Plan{Options: Options{Client: Client{BodyLimit: fuzzBodyLimit}}.withDefaults()}
		go c.collect(context.Background(), p)
		select {
		case <-c.done:
		case <-time.After(fuzzWait):
			t.Fatalf("collect did not return")
		}
		if c.open != 0 {
			t.Fatalf("%d streams left open", c.open)
		}
		for i := range rs {
			checkFuzzResult(t, &rs[i])
		}
	})
}
