package runner

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
)

// lbUserAgent is sent when a request does not set its own User-Agent.
const lbUserAgent = "racetest"

// lbEncoded is one HTTP/1.1 request encoded to the bytes that go on the
// wire, once, during prepare: arming and releasing then only write slices
// of it.
type lbEncoded struct {
	// req is what http.ReadResponse needs to frame the answer (a HEAD
	// response has no body whatever its Content-Length says).
	req  *http.Request
	wire []byte // head and body, exactly as sent
	head int    // length of the head, up to and including the blank line
}

// lbEncode encodes one request with Content-Length framing (never chunked),
// the Host from the URL unless the headers set one, and User-Agent racetest
// unless the headers set one.
func lbEncode(method, rawURL string, h http.Header, body []byte) (lbEncoded, error) {
	var rd io.Reader
	if len(body) > 0 {
		// A *bytes.Reader gives NewRequest the exact ContentLength, and
		// Request.Write then frames the body with Content-Length.
		rd = bytes.NewReader(body)
	}
	hr, err := http.NewRequest(method, rawURL, rd)
	if err != nil {
		return lbEncoded{}, err
	}
	hr.Header = lbCanonical(h)
	if host := hr.Header.Get("Host"); host != "" {
		hr.Host = host
	}
	if _, ok := hr.Header["User-Agent"]; !ok {
		hr.Header.Set("User-Agent", lbUserAgent)
	}
	var buf bytes.Buffer
	buf.Grow(256 + len(body))
	// Request.Write leaves out Host, User-Agent, Content-Length and
	// Transfer-Encoding from Header and writes its own, and replaces CR and
	// LF in header values, so the first blank line is the end of the head.
	if err := hr.Write(&buf); err != nil {
		return lbEncoded{}, err
	}
	wire := buf.Bytes()
	end := bytes.Index(wire, []byte("\r\n\r\n"))
	if end < 0 || len(wire)-(end+4) != len(body) {
		return lbEncoded{}, errors.New("request did not encode with Content-Length framing")
	}
	hr.Body = nil // consumed by Write; ReadResponse only needs the method
	return lbEncoded{req: hr, wire: wire, head: end + 4}, nil
}

// lbCanonical copies h with canonical keys, so that a "host" or
// "user-agent" written in lower case is recognised and not sent twice.
func lbCanonical(h http.Header) http.Header {
	out := make(http.Header, len(h)+1)
	for k, vs := range h {
		ck := http.CanonicalHeaderKey(k)
		out[ck] = append(out[ck], vs...)
	}
	return out
}

// lbHold is the hold the last-byte engine uses for the plan's Hold.
// HoldAuto means HoldHeaders: Go's HTTP/1.1 server (and most others) start
// the handler once the head is complete, so holding only the last body byte
// lets a handler that checks before it reads the body run at arm time.
func lbHold(h Hold) Hold {
	if h == HoldAuto {
		return HoldHeaders
	}
	return h
}

// cut is where the request is split: wire[:cut] is sent when arming and
// wire[cut:] at the release. HoldLastByte keeps back the very last byte
// (the last body byte, or the final LF of a bodiless head); HoldHeaders
// keeps back the final LF of the head and the whole body with it.
func (e *lbEncoded) cut(h Hold) int {
	if h == HoldLastByte {
		return len(e.wire) - 1
	}
	return e.head - 1
}

// warmupURL is the URL of the warm-up HEAD requests on a connection to
// base, the same in every engine: Options.WarmupURL resolved against base
// (so "/health" and "health" both work), or base. Its scheme and host stay
// base's whatever WarmupURL names, since the warm-up goes on the
// connection to base and its Host (or :authority) must say so.
func warmupURL(base *url.URL, raw string) (*url.URL, error) {
	if raw == "" {
		return base, nil
	}
	ref, err := url.Parse(raw)
	if err != nil {
		return nil, fmt.Errorf("warm-up URL: %w", err)
	}
	r := base.ResolveReference(ref)
	u := *base
	u.Path, u.RawPath, u.RawQuery, u.Fragment, u.RawFragment = r.Path, r.RawPath, r.RawQuery, "", ""
	return &u, nil
}
