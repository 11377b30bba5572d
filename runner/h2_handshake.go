package runner

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"net"
	"net/url"

	"golang.org/x/net/http2"
)

// handshake sends the client preface with our SETTINGS, a connection
// WINDOW_UPDATE and a PING in one write, then reads until the server's
// SETTINGS have arrived, ours have been acknowledged and the PING has
// been answered, so that every limit the server announced is known
// before requests are encoded against it. The PING is for the windows:
// a server may raise its connection window with a WINDOW_UPDATE after its
// SETTINGS (Go's does, once it has read ours), and the answer to the PING
// comes after it.
func (c *h2conn) handshake() error {
	c.wbuf.WriteString(http2.ClientPreface)
	c.fr.WriteSettings(
		http2.Setting{ID: http2.SettingEnablePush, Val: 0},
		http2.Setting{ID: http2.SettingInitialWindowSize, Val: h2RecvWindow},
		http2.Setting{ID: http2.SettingMaxHeaderListSize, Val: h2MaxHeaderList},
	)
	c.fr.WriteWindowUpdate(0, h2RecvWindow-h2DefaultWindow)
	c.fr.WritePing(false, h2HandshakePing())
	if err := c.flush(); err != nil {
		return fmt.Errorf("http/2 preface to %s: %w", c.t.addr, err)
	}
	if err := c.checkPreface(); err != nil {
		return err
	}
	gotSettings := false
	for !gotSettings || !c.gotAck || !c.shook {
		f, err := c.fr.ReadFrame()
		if err != nil {
			err = h2ReadError(c.fr, err)
			var ne net.Error
			if gotSettings && c.gotAck && errors.As(err, &ne) && ne.Timeout() {
				// RFC 9113, 6.7: a PING must be answered. Said, for
				// the read's own error is a bare timeout.
				err = fmt.Errorf("no answer to the PING sent with the preface: %w", err)
			}
			return fmt.Errorf("http/2 handshake with %s: %w", c.t.addr, err)
		}
		if sf, ok := f.(*http2.SettingsFrame); ok && !sf.IsAck() {
			gotSettings = true
		}
		if err := c.control(f); err != nil {
			return fmt.Errorf("http/2 handshake with %s: %w", c.t.addr, err)
		}
	}
	return nil
}

// checkPreface looks at the first bytes of the server's answer to the
// preface. An HTTP/2 server starts with a SETTINGS frame; an HTTP/1.1
// server answers with a status line or closes the connection. Over TLS
// this catches a server (or a proxy in front of it) that accepted h2 in
// ALPN but speaks HTTP/1.1: single-packet is then unavailable, which
// auto mode answers with last-byte.
func (c *h2conn) checkPreface() error {
	head, err := c.br.Peek(9)
	switch {
	case bytes.HasPrefix(head, []byte("HTTP/")):
		line, _ := c.br.Peek(min(c.br.Buffered(), 64))
		if i := bytes.IndexAny(line, "\r\n"); i >= 0 {
			line = line[:i]
		}
		return c.notH2(fmt.Sprintf("it answered the HTTP/2 preface with %q", line))
	case err != nil:
		var ne net.Error
		if errors.As(err, &ne) && ne.Timeout() {
			return c.notH2("it did not answer the HTTP/2 preface in time")
		}
		return c.notH2(fmt.Sprintf("it did not answer the HTTP/2 preface (%v)", err))
	case http2.FrameType(head[3]) != http2.FrameSettings:
		return c.notH2("its first frame was not SETTINGS")
	}
	return nil
}

// notH2 says that the server does not speak HTTP/2 after all.
func (c *h2conn) notH2(why string) error {
	if c.t.tls {
		return &SyncError{Mode: ModeSinglePacket,
			Reason:  fmt.Sprintf("%s accepted h2 in TLS ALPN but does not speak HTTP/2: %s", c.t.url.Host, why),
			Instead: ModeLastByte}
	}
	return &SyncError{Mode: ModeSinglePacket,
		Reason:  fmt.Sprintf("%s does not speak h2c (HTTP/2 without TLS): %s", c.t.url.Host, why),
		Instead: ModeLastByte, Or: "an https URL"}
}

// control handles the connection-level frames that may come at any time.
// It runs on whichever goroutine owns the framer.
func (c *h2conn) control(f http2.Frame) error {
	switch f := f.(type) {
	case *http2.SettingsFrame:
		if f.IsAck() {
			c.gotAck = true
			return nil
		}
		if err := f.ForeachSetting(c.applySetting); err != nil {
			return &ProtocolError{Msg: fmt.Sprintf("bad SETTINGS from the server: %v", err)}
		}
		c.fr.WriteSettingsAck()
		return c.flush()
	case *http2.PingFrame:
		if !f.IsAck() {
			c.fr.WritePing(true, f.Data)
			return c.flush()
		}
		switch {
		case f.Data == c.ping && !c.acked:
			c.acked = true
			c.pinged <- struct{}{}
		case f.Data == h2HandshakePing():
			c.shook = true
		case f.Data == h2WarmPing() && !c.warmAcked:
			c.warmAcked = true
			c.warmed <- struct{}{}
		}
	case *http2.WindowUpdateFrame:
		if f.StreamID == 0 {
			c.sendWin += int64(f.Increment)
		}
	case *http2.GoAwayFrame:
		return &h2ResetError{goaway: true, code: f.ErrCode, last: f.LastStreamID, debug: string(f.DebugData())}
	case *http2.PushPromiseFrame:
		// Its header block would also desynchronise our hpack decoder.
		return &ProtocolError{Msg: "server sent PUSH_PROMISE although push is disabled"}
	}
	return nil
}

func (c *h2conn) applySetting(s http2.Setting) error {
	if err := s.Valid(); err != nil {
		return err
	}
	switch s.ID {
	case http2.SettingMaxConcurrentStreams:
		c.peer.maxStreams = s.Val
	case http2.SettingInitialWindowSize:
		c.peer.initWindow = s.Val
	case http2.SettingMaxFrameSize:
		c.peer.maxFrame = s.Val
	case http2.SettingHeaderTableSize:
		c.enc.SetMaxDynamicTableSizeLimit(s.Val)
	}
	return nil
}

// warm sends Options.Warmup HEAD requests, one after the other, each read
// to its end, so that the server's first-request paths are warm before the
// burst. The race requests' hpack state builds on these.
func (c *h2conn) warm(p *Plan) error {
	if p.Warmup <= 0 {
		return nil
	}
	req := &p.Requests[0]
	base, err := url.Parse(req.URL)
	if err != nil {
		return err
	}
	u, err := warmupURL(base, p.WarmupURL)
	if err != nil {
		return err
	}
	for range p.Warmup {
		id := c.nextID
		c.nextID += 2
		block := c.headerBlock("HEAD", u, req.Header, nil)
		if err := writeHeaders(c.fr, id, block, true, int(c.peer.maxFrame)); err != nil {
			return err
		}
		if err := c.flush(); err != nil {
			return err
		}
		if err := c.awaitStream(id); err != nil {
			return err
		}
	}
	return nil
}

// awaitStream reads frames until stream id has ended. A reset warm-up
// request still warmed the path, so it is not an error.
func (c *h2conn) awaitStream(id uint32) error {
	for {
		f, err := c.fr.ReadFrame()
		var se http2.StreamError
		if errors.As(err, &se) && se.StreamID == id {
			return nil
		}
		if err != nil {
			return h2ReadError(c.fr, err)
		}
		switch f := f.(type) {
		case *http2.MetaHeadersFrame:
			if f.StreamID == id && f.StreamEnded() {
				return nil
			}
		case *http2.DataFrame:
			c.recvUsed += int64(f.Length)
			if f.StreamID == id && f.StreamEnded() {
				return nil
			}
		case *http2.RSTStreamFrame:
			if f.StreamID == id {
				return nil
			}
		default:
			if err := c.control(f); err != nil {
				return err
			}
		}
	}
}

// h2ReadError turns a Framer read failure into an error of the right kind:
// transport failures (timeout, reset, EOF) keep their cause so that
// Classify sees it; everything else is the server breaking the protocol.
func h2ReadError(fr *http2.Framer, err error) error {
	var ne net.Error
	if errors.As(err, &ne) || errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, net.ErrClosed) {
		return err
	}
	if d := fr.ErrorDetail(); d != nil {
		return &ProtocolError{Msg: fmt.Sprintf("%v: %v", err, d)}
	}
	return &ProtocolError{Msg: err.Error()}
}
