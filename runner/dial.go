package runner

import (
	"context"
	"crypto/tls"
	"fmt"
	"io"
	"net"
	"net/url"
	"time"
)

// target is a parsed request URL with what dialling it needs.
type target struct {
	url  *url.URL
	addr string // host:port
	tls  bool
}

func parseTarget(raw string) (target, error) {
	u, err := url.Parse(raw)
	if err != nil {
		return target{}, err
	}
	t := target{url: u, tls: u.Scheme == "https"}
	port := u.Port()
	if port == "" {
		port = "80"
		if t.tls {
			port = "443"
		}
	}
	t.addr = net.JoinHostPort(u.Hostname(), port)
	return t, nil
}

// tlsConfig is the client TLS configuration for a target, offering the
// given ALPN protocols and the client certificate, if any. Without one, the
// certRequest notes whether the server asked for one, to explain a failed
// handshake.
func tlsConfig(o *Options, host string, alpn []string) (*tls.Config, *certRequest) {
	cfg := &tls.Config{
		ServerName:         host,
		InsecureSkipVerify: o.Insecure, //nolint:gosec // the user asked for -k
		RootCAs:            o.RootCAs,
		NextProtos:         alpn,
		MinVersion:         tls.VersionTLS12,
	}
	if o.Certificate != nil {
		cfg.Certificates = []tls.Certificate{*o.Certificate}
		return cfg, nil
	}
	cr := &certRequest{run: o.certAsked}
	cfg.GetClientCertificate = cr.get
	return cfg, cr
}

// dial opens a connection to t and, for https, completes the TLS handshake
// offering alpn, all within one ConnectTimeout: as curl's --connect-timeout,
// it bounds the whole connection phase (dial, proxy tunnel, TLS), not each
// step. Errors name the address: net's dial errors already do ("dial tcp
// 127.0.0.1:8080: ..."), so they are returned as they are.
func dial(ctx context.Context, t target, o *Options, alpn []string) (net.Conn, error) {
	ctx, cancel := o.connecting(ctx)
	defer cancel()
	nc, err := dialTCP(ctx, o, t.url.Scheme, t.addr)
	if err != nil {
		return nil, &connectError{err}
	}
	c := newWireConn(nc)
	if !t.tls {
		return c, nil
	}
	c.tls = true
	cfg, cr := tlsConfig(o, t.url.Hostname(), alpn)
	// As for single-packet (see dialH2): with dynamic record sizing on, a
	// last-byte final fragment of a few KB (the body, held with the end
	// of the head) left in two TLS records and two segments, which the
	// receipt showed.
	cfg.DynamicRecordSizingDisabled = true
	tc := tls.Client(c, cfg)
	if err := tc.HandshakeContext(ctx); err != nil {
		c.Close()
		return nil, &connectError{fmt.Errorf("tls handshake with %s: %w", t.addr, cr.explain(err))}
	}
	return tc, nil
}

// connecting bounds the connection phase by ConnectTimeout; zero, as in
// a net.Dialer, bounds it only by ctx.
func (o *Options) connecting(ctx context.Context) (context.Context, context.CancelFunc) {
	if o.ConnectTimeout <= 0 {
		return context.WithCancel(ctx)
	}
	return context.WithTimeout(ctx, o.ConnectTimeout)
}

// connectError marks a failure to open a connection (the dial or the TLS
// handshake), whatever its kind, so that a connect or handshake that timed
// out is told apart from a request that timed out waiting for its answer.
// Its message is that of the failure.
type connectError struct{ err error }

func (e *connectError) Error() string { return e.err.Error() }
func (e *connectError) Unwrap() error { return e.err }

// negotiated is the ALPN protocol agreed on c, or "" for plain TCP.
func negotiated(c net.Conn) string {
	if tc, ok := c.(*tls.Conn); ok {
		return tc.ConnectionState().NegotiatedProtocol
	}
	return ""
}

// readBody keeps up to limit bytes of r and counts the rest, so that a huge
// or endless body costs bounded memory and is still accounted for.
func readBody(r io.Reader, limit int64) (body []byte, total int64, truncated bool, err error) {
	body, err = io.ReadAll(io.LimitReader(r, limit))
	total = int64(len(body))
	if err != nil {
		return body, total, false, err
	}
	rest, err := io.Copy(io.Discard, r)
	total += rest
	return body, total, rest > 0, err
}

// deadlineAfter is the absolute deadline of a request released at t.
func deadlineAfter(t time.Time, o *Options) time.Time { return t.Add(o.Timeout) }
