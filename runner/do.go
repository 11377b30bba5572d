package runner

import (
	"bytes"
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptrace"
	"sync/atomic"
	"time"
)

// Do sends one request with net/http and reads its response: the sequential
// requests of a scenario (setup, after, teardown) and fire's --after check.
// It shares the burst engines' timeout, body cap, arrival header and error
// classification, so that a step and a race produce the same kind of Result.
// Like Run, it reports transport failures in the Result, never as a panic or
// a separate error. It speaks HTTP/1.1, or HTTP/2 with prior knowledge to
// http:// URLs when Client.H2C is set (a target that speaks only h2c
// answers nothing else). Redirects are followed only with
// Options.FollowRedirects, as curl follows them only with -L; each hop has
// its own timeout.
func Do(ctx context.Context, req Request, c Client) Result {
	o := Options{Client: c}.withDefaults()
	if o.Decompress {
		req = acceptEncoding([]Request{req})[0]
	}
	r := doOnce(ctx, req, o)
	if o.FollowRedirects {
		follow(ctx, req, &r, o)
	}
	if o.Decompress {
		// A step has no notes to carry the reason in, and its captures
		// would read the encoded bytes: its undecodable body stays an
		// error, with the body kept as it came.
		if err := decodeBody(&r, &o); err != nil {
			r.Undecoded = undecoded(err)
			r.fail(err)
		}
	}
	return r
}

// doOnce is Do without following redirects; o has its defaults.
func doOnce(ctx context.Context, req Request, o Options) Result {
	o.certAsked = new(atomic.Bool)
	p := &Plan{Requests: []Request{req}, Options: o}
	var r Result
	if err := p.validate(); err != nil {
		r.fail(err)
		return r
	}
	ctx, cancel := context.WithTimeout(ctx, o.Timeout)
	defer cancel()
	hr, err := newHTTPRequest(ctx, &req, &r)
	if err != nil {
		r.fail(err)
		return r
	}
	tr := singleTransport(&o, hr.URL.Scheme)
	// One connection per step: steps are few, and a fresh connection keeps
	// one step's server state (keep-alive, pipelining) from touching the next.
	defer tr.CloseIdleConnections()
	r.Armed = time.Now()
	r.Released = r.Armed
	resp, err := tr.RoundTrip(hr)
	if err != nil {
		if o.certAsked.Load() && !errors.Is(err, ErrClientCertRequired) {
			// As blameMissingCert says for a burst.
			err = fmt.Errorf("%w: %w", ErrClientCertRequired, err)
		}
		r.fail(roundTripError(hr, err))
		return r
	}
	defer resp.Body.Close()
	if resp.ProtoMajor == 2 {
		// The HTTP/2 transport bounds the head's size, a little above
		// MaxResponseHead (it pads the limit by 320 bytes), and not its
		// fields: the bounds of every engine, checked once the head is in.
		if err := errHeadBounds(headerSize(resp.Header)); err != nil {
			r.fail(err)
			return r
		}
	}
	fillResponse(&r, resp, p)
	return r
}

// newHTTPRequest builds the net/http request for req, with a trace that
// stamps the first response byte on r.
func newHTTPRequest(ctx context.Context, req *Request, r *Result) (*http.Request, error) {
	trace := &httptrace.ClientTrace{GotFirstResponseByte: func() { r.FirstByte = time.Now() }}
	ctx = httptrace.WithClientTrace(ctx, trace)
	// A typed nil *bytes.Reader would not be a nil io.Reader: pass none at
	// all so that a GET goes out without a Content-Length.
	var body io.Reader
	if req.Body != nil {
		body = bytes.NewReader(req.Body)
	}
	hr, err := http.NewRequestWithContext(ctx, req.Method, req.URL, body)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrInvalidPlan, err)
	}
	hr.Header = req.Header.Clone()
	if hr.Header == nil {
		hr.Header = http.Header{}
	}
	if h := hr.Header.Get("Host"); h != "" {
		hr.Host = h
	}
	return hr, nil
}

// singleTransport is a transport with the plan's dial timeout and TLS
// settings and no connection reuse, for a request to a URL of scheme:
// HTTP/1.1, or HTTP/2 with prior knowledge to http:// when o.H2C says so.
func singleTransport(o *Options, scheme string) *http.Transport {
	if o.H2C && scheme == "http" {
		return h2cTransport(o)
	}
	return &http.Transport{
		// No Proxy: dialTCP tunnels through o's proxy, as for a burst.
		DialContext: func(ctx context.Context, _, addr string) (net.Conn, error) {
			c, err := dialTCP(ctx, o, "http", addr)
			return guardConn(c), err
		},
		// TLS is done here rather than by the transport so that the head
		// guard sees the decrypted bytes.
		DialTLSContext: func(ctx context.Context, _, addr string) (net.Conn, error) {
			return dialTLSGuarded(ctx, addr, o)
		},
		DisableKeepAlives:  true,
		DisableCompression: true,
		// A backstop behind the guard, with net/http's own message.
		MaxResponseHeaderBytes: 2 * MaxResponseHead,
		// An empty map turns HTTP/2 off: a step is plain HTTP/1.1, whatever
		// the race used, so that its result does not depend on ALPN.
		TLSNextProto: map[string]func(string, *tls.Conn) http.RoundTripper{},
	}
}

// h2cTransport speaks HTTP/2 with prior knowledge (h2c), as the burst
// does with H2C: the target may speak nothing else, and a step that it
// refused would stop the run before the race.
func h2cTransport(o *Options) *http.Transport {
	p := new(http.Protocols)
	p.SetUnencryptedHTTP2(true)
	return &http.Transport{
		Protocols: p,
		// No head guard: it reads HTTP/1.1 heads. HTTP/2 bounds the head
		// itself (MaxResponseHeaderBytes becomes the header list size the
		// transport announces and enforces), and doOnce checks the head
		// against the bounds of every engine.
		DialContext: func(ctx context.Context, _, addr string) (net.Conn, error) {
			return dialTCP(ctx, o, "http", addr)
		},
		DisableKeepAlives:      true,
		DisableCompression:     true,
		MaxResponseHeaderBytes: MaxResponseHead,
	}
}

// dialTLSGuarded dials addr and does the TLS handshake as net/http's
// transport would, and puts a head guard on the decrypted connection.
// Handshake errors are returned as they are: roundTripError names the host.
func dialTLSGuarded(ctx context.Context, addr string, o *Options) (net.Conn, error) {
	// One ConnectTimeout for the dial and the handshake, as in dial.
	ctx, cancel := o.connecting(ctx)
	defer cancel()
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return nil, err
	}
	c, err := dialTCP(ctx, o, "https", addr)
	if err != nil {
		return nil, err
	}
	cfg, cr := tlsConfig(o, host, []string{"http/1.1"})
	tc := tls.Client(c, cfg)
	if err := tc.HandshakeContext(ctx); err != nil {
		c.Close()
		return nil, cr.explain(err)
	}
	return guardConn(tc), nil
}

// roundTripError gives a net/http failure the shape the burst engines give
// theirs: a TLS failure names the host, as dial's does, and an answer that
// is not HTTP is a ProtocolError rather than an unclassified error.
func roundTripError(hr *http.Request, err error) error {
	if Classify(err) == KindTLS {
		return fmt.Errorf("tls handshake with %s: %w", hr.URL.Host, err)
	}
	return lbProtocol(err)
}
