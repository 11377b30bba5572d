package runner

import (
	"bytes"
	"fmt"
	"maps"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"golang.org/x/net/http2"
	"golang.org/x/net/http2/hpack"
)

// h2Skip lists the request headers that are not sent as regular fields:
// the connection-specific ones HTTP/2 forbids (RFC 9113, 8.2.2), Host,
// which becomes :authority, and Content-Length, which the engine writes
// from the body it actually sends.
func h2Skip(name string) bool {
	switch name {
	case "connection", "proxy-connection", "keep-alive", "transfer-encoding", "upgrade", "host", "content-length":
		return true
	}
	return false
}

// h2Origin checks that every request goes to one origin, since all the
// streams of a connection share it, and returns the origin. Headers that
// cannot be sent were refused before (Plan.validate), as in every engine.
func h2Origin(p *Plan) (target, error) {
	var first target
	for i := range p.Requests {
		r := &p.Requests[i]
		t, err := parseTarget(r.URL)
		if err != nil {
			return target{}, fmt.Errorf("%w: request %d: %w", ErrInvalidPlan, i, err)
		}
		if i == 0 {
			first = t
		} else if t.addr != first.addr || t.tls != first.tls {
			return target{}, &SyncError{Mode: ModeSinglePacket, Reason: fmt.Sprintf(
				"requests 0 and %d go to different origins (%s, %s) and cannot share a connection",
				i, first.url.Host, t.url.Host), Instead: ModeLastByte}
		}
	}
	return first, nil
}

// headerBlock hpack-encodes a request head with the connection's encoder.
// The encoder is stateful, so blocks must go on the wire in the order they
// were encoded: warm-ups first, then the streams in ascending order.
func (c *h2conn) headerBlock(method string, u *url.URL, h http.Header, body []byte) []byte {
	c.hbuf.Reset()
	auth := u.Host
	if v := h.Get("Host"); v != "" {
		auth = v
	}
	c.field(":method", method)
	c.field(":scheme", u.Scheme)
	c.field(":authority", auth)
	c.field(":path", u.RequestURI())
	// Sorted, so that equal requests encode to equal bytes and hpack's
	// dynamic table makes every stream after the first a few bytes long.
	for _, k := range slices.Sorted(maps.Keys(h)) {
		name := strings.ToLower(k)
		if h2Skip(name) {
			continue
		}
		for _, v := range h[k] {
			if name == "te" && !strings.EqualFold(v, "trailers") {
				continue
			}
			c.field(name, v)
		}
	}
	// As net/http does: a length for any body, and 0 for the methods
	// that are expected to carry one.
	switch {
	case len(body) > 0, method == http.MethodPost, method == http.MethodPut, method == http.MethodPatch:
		c.field("content-length", strconv.Itoa(len(body)))
	}
	return bytes.Clone(c.hbuf.Bytes())
}

func (c *h2conn) field(name, value string) {
	c.enc.WriteField(hpack.HeaderField{Name: name, Value: value})
}

// writeHeaders frames a header block as HEADERS plus as many CONTINUATION
// frames as the server's maximum frame size needs.
func writeHeaders(fr *http2.Framer, id uint32, block []byte, endStream bool, maxFrame int) error {
	first, rest := block, []byte(nil)
	if len(first) > maxFrame {
		first, rest = block[:maxFrame], block[maxFrame:]
	}
	err := fr.WriteHeaders(http2.HeadersFrameParam{
		StreamID: id, BlockFragment: first, EndStream: endStream, EndHeaders: len(rest) == 0,
	})
	for err == nil && len(rest) > 0 {
		n := min(len(rest), maxFrame)
		err = fr.WriteContinuation(id, n == len(rest), rest[:n])
		rest = rest[n:]
	}
	return err
}

// writeData frames data as DATA frames of at most maxFrame bytes; empty
// data with endStream is one empty DATA frame carrying END_STREAM.
func writeData(fr *http2.Framer, id uint32, data []byte, endStream bool, maxFrame int) error {
	for {
		n := min(len(data), maxFrame)
		last := n == len(data)
		if err := fr.WriteData(id, endStream && last, data[:n]); err != nil {
			return err
		}
		data = data[n:]
		if last {
			return nil
		}
	}
}

// encode builds the connection's buffers. warm is a lone PING, sent
// first so that the path and the server are awake when the HEADERS
// follow. arm carries what is sent early, ending with the PING whose
// answer says the server has read it: the HEADERS of every stream
// together at its start, so that a server that starts work on a head
// sees all of them at once (James Kettle's 2024 refinement of the
// single-packet attack), then every body but its last byte. final holds
// the last fragment of every stream, sent at the release in one write.
// Which part is held back depends on hold; see autoH2Hold.
func (c *h2conn) encode(p *Plan, hold Hold) error {
	var heads, bodies, final bytes.Buffer
	hfr, bfr, ffr := http2.NewFramer(&heads, nil), http2.NewFramer(&bodies, nil), http2.NewFramer(&final, nil)
	maxFrame := int(c.peer.maxFrame)
	var total int64
	c.maxFinal = 0
	for i := range c.streams {
		s := &c.streams[i]
		req := &p.Requests[s.r.Index]
		body := req.Body
		if err := c.fits(s.r.Index, len(body), &total); err != nil {
			return err
		}
		u, err := url.Parse(req.URL)
		if err != nil {
			return err
		}
		// Blocks are encoded in stream order and each buffer keeps that
		// order, so hpack's dynamic table reads the same on both sides.
		block := c.headerBlock(req.Method, u, req.Header, body)
		before := final.Len()
		if hold == HoldHeaders {
			err = writeHeaders(ffr, s.id, block, len(body) == 0, maxFrame)
			if err == nil && len(body) > 0 {
				err = writeData(ffr, s.id, body, true, maxFrame)
			}
		} else {
			// HoldLastByte: the head and all but the last body byte now;
			// a bodiless request keeps back an empty DATA frame with
			// END_STREAM, as in Kettle's recipe.
			err = writeHeaders(hfr, s.id, block, false, maxFrame)
			cut := max(len(body)-1, 0)
			if err == nil && cut > 0 {
				err = writeData(bfr, s.id, body[:cut], false, maxFrame)
			}
			if err == nil {
				err = writeData(ffr, s.id, body[cut:], true, maxFrame)
			}
		}
		if err != nil {
			return fmt.Errorf("encode request %d: %w", s.r.Index, err)
		}
		c.maxFinal = max(c.maxFinal, final.Len()-before)
	}
	var warm bytes.Buffer
	if err := http2.NewFramer(&warm, nil).WritePing(false, h2WarmPing()); err != nil {
		return err
	}
	c.headsLen = heads.Len()
	heads.Write(bodies.Bytes())
	if err := hfr.WritePing(false, c.ping); err != nil {
		return err
	}
	c.warmFrame, c.arm, c.final = warm.Bytes(), heads.Bytes(), final.Bytes()
	return nil
}

// fits checks a body against the server's flow-control windows: a body
// the server has not granted room for would wait for a WINDOW_UPDATE and
// leave after the release, so it is refused rather than sent late. The
// windows are the server's limits, not a mistake in the plan, so the
// error is a *SyncError (and auto mode uses last-byte instead).
func (c *h2conn) fits(idx, n int, total *int64) error {
	*total += int64(n)
	switch {
	case n > int(c.peer.initWindow):
		return h2Limit(fmt.Sprintf("request %d: body of %d bytes is larger than the server's HTTP/2 stream window (%d bytes)",
			idx, n, c.peer.initWindow))
	case *total > c.sendWin:
		return h2Limit(fmt.Sprintf("request %d: the bodies on connection %d add up to %d bytes, more than the server's HTTP/2 connection window (%d bytes)",
			idx, c.idx, *total, c.sendWin))
	}
	return nil
}

// h2Limit is a limit of the server's that single-packet cannot work with.
func h2Limit(why string) error {
	return &SyncError{Mode: ModeSinglePacket, Reason: why + ", too large for single-packet", Instead: ModeLastByte}
}
