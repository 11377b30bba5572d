package runner

import (
	"bufio"
	"context"
	"crypto/tls"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"strings"
	"time"

	"golang.org/x/net/proxy"
)

// Proxies says which proxy, if any, carries the connections to a target.
// The zero value connects directly.
//
// Every engine goes through the proxy the same way: a tunnel (HTTP CONNECT
// or SOCKS5) to the target's host and port, inside which racetest speaks
// to the target as it would directly, TLS and ALPN included. A plain http
// target is tunnelled too rather than sent in absolute form, so that the
// last-byte and single-packet engines keep owning the bytes on the wire.
type Proxies struct {
	// HTTP and HTTPS are the proxies of http:// and https:// targets; nil
	// connects directly.
	HTTP, HTTPS *url.URL
	// NoProxy lists the hosts reached directly, as curl's --noproxy and
	// NO_PROXY do: "*" for all, a name for itself and its subdomains
	// (a leading dot is ignored), an IP address, or a CIDR range.
	NoProxy []string
	// Loopback sends loopback targets (localhost, 127.0.0.0/8, ::1)
	// through the proxy too. curl's -x does; the *_PROXY variables, as in
	// Go's net/http, do not: a local server is not behind the office proxy.
	Loopback bool
}

// DefaultProxyPort is the port of a proxy URL that names none, curl's.
const DefaultProxyPort = "1080"

// ParseProxy reads a proxy URL as curl does: a URL without a scheme is an
// http:// proxy, one without a port listens on 1080 (443 for https://).
// http://, https://, socks5:// and socks5h:// are understood; user and
// password in the URL are the proxy's credentials.
func ParseProxy(raw string) (*url.URL, error) {
	s := raw
	if !strings.Contains(s, "://") {
		s = "http://" + s
	}
	u, err := url.Parse(s)
	if err != nil {
		return nil, fmt.Errorf("not a URL: %w", errors.Unwrap(err))
	}
	switch u.Scheme = strings.ToLower(u.Scheme); u.Scheme {
	case "http", "https", "socks5", "socks5h":
	default:
		return nil, fmt.Errorf("proxy scheme %q is not supported; use http://, https://, socks5:// or socks5h://", u.Scheme)
	}
	if u.Hostname() == "" {
		return nil, errors.New("the proxy URL has no host; write it like http://127.0.0.1:3128")
	}
	if u.Path != "" && u.Path != "/" || u.RawQuery != "" {
		return nil, errors.New("a proxy URL has no path or query; write it like http://127.0.0.1:3128")
	}
	if u.Port() == "" {
		port := DefaultProxyPort
		if u.Scheme == "https" {
			port = "443"
		}
		u.Host = net.JoinHostPort(u.Hostname(), port)
	}
	u.Path = ""
	return u, nil
}

// ProxyName is how reports name a proxy: its scheme, host and port,
// never its credentials.
func ProxyName(u *url.URL) string {
	if u == nil {
		return ""
	}
	return u.Scheme + "://" + u.Host
}

// For is the proxy of a target with the given scheme and host (no port),
// or nil to connect directly.
func (p *Proxies) For(scheme, host string) *url.URL {
	px := p.HTTP
	if scheme == "https" {
		px = p.HTTPS
	}
	if px == nil || noProxy(p.NoProxy, host) || !p.Loopback && isLoopback(host) {
		return nil
	}
	return px
}

// isLoopback tells whether host names this machine.
func isLoopback(host string) bool {
	if strings.EqualFold(strings.TrimSuffix(host, "."), "localhost") {
		return true
	}
	ip, err := netip.ParseAddr(strings.Trim(host, "[]"))
	return err == nil && ip.IsLoopback()
}

// noProxy matches host against a curl --noproxy list.
func noProxy(list []string, host string) bool {
	host = strings.ToLower(strings.TrimSuffix(strings.Trim(host, "[]"), "."))
	ip, ipErr := netip.ParseAddr(host)
	for _, e := range list {
		e = strings.ToLower(strings.TrimSuffix(strings.TrimPrefix(strings.Trim(strings.TrimSpace(e), "[]"), "."), "."))
		switch {
		case e == "":
		case e == "*":
			return true
		case strings.Contains(e, "/"):
			if pfx, err := netip.ParsePrefix(e); err == nil && ipErr == nil && pfx.Contains(ip) {
				return true
			}
		case host == e, strings.HasSuffix(host, "."+e) && ipErr != nil:
			return true
		}
	}
	return false
}

// dialTCP opens the byte stream to addr (host:port) of a target with the
// given scheme: a TCP connection, or a tunnel through the proxy that
// o.Proxy names for it. It is the one place every engine and Do connect,
// so a proxy works the same in all of them. A tunnel comes back as the
// TCP connection to the proxy, so that the receipt still reads TCP_INFO:
// what it counts is what reached the proxy.
func dialTCP(ctx context.Context, o *Options, scheme, addr string) (net.Conn, error) {
	// The dial and the tunnel share one connect timeout (callers that
	// go on to TLS set theirs, earlier, over all of it), and a cancelled
	// ctx interrupts the tunnel as it would a dial.
	ctx, cancel := o.connecting(ctx)
	defer cancel()
	d := &net.Dialer{KeepAlive: -1}
	host, _, _ := net.SplitHostPort(addr)
	px := o.Proxy.For(scheme, host)
	if px == nil {
		return d.DialContext(ctx, "tcp", addr)
	}
	c, err := d.DialContext(ctx, "tcp", px.Host)
	if err != nil {
		return nil, &ProxyError{Proxy: ProxyName(px), Err: err}
	}
	if dl, ok := ctx.Deadline(); ok {
		_ = c.SetDeadline(dl)
	}
	stop := context.AfterFunc(ctx, func() { _ = c.SetDeadline(aLongTimeAgo()) })
	tc, err := tunnel(ctx, c, px, addr, o)
	if !stop() || err != nil {
		c.Close()
		return nil, &ProxyError{Proxy: ProxyName(px), Err: cmpErr(err, ctx.Err())}
	}
	_ = c.SetDeadline(time.Time{})
	return tc, nil
}

// ProxyError is a failure to reach the target through a proxy: the proxy
// could not be reached, or it refused the tunnel.
type ProxyError struct {
	Proxy string // ProxyName: no credentials
	Err   error
}

func (e *ProxyError) Error() string { return "proxy " + e.Proxy + ": " + e.Err.Error() }
func (e *ProxyError) Unwrap() error { return e.Err }

// cmpErr is err, or the context's error when the tunnel did not fail.
func cmpErr(err, ctxErr error) error {
	if err != nil {
		return err
	}
	return ctxErr
}

// tunnel asks the proxy on c for a stream to addr and returns it.
func tunnel(ctx context.Context, c net.Conn, px *url.URL, addr string, o *Options) (net.Conn, error) {
	switch px.Scheme {
	case "https":
		// The proxy's certificate is checked like the target's.
		cfg, _ := tlsConfig(o, px.Hostname(), nil)
		tc := tls.Client(c, cfg)
		if err := tc.HandshakeContext(ctx); err != nil {
			return nil, fmt.Errorf("tls handshake with the proxy: %w", err)
		}
		return tc, connectHTTP(tc, px, addr)
	case "socks5", "socks5h":
		return c, connectSOCKS(ctx, c, px, addr)
	}
	return c, connectHTTP(c, px, addr)
}

// connectHTTP opens a CONNECT tunnel to addr through the HTTP proxy on c.
func connectHTTP(c net.Conn, px *url.URL, addr string) error {
	var b strings.Builder
	fmt.Fprintf(&b, "CONNECT %s HTTP/1.1\r\nHost: %s\r\n", addr, addr)
	if px.User != nil {
		pw, _ := px.User.Password()
		creds := base64.StdEncoding.EncodeToString([]byte(px.User.Username() + ":" + pw))
		fmt.Fprintf(&b, "Proxy-Authorization: Basic %s\r\n", creds)
	}
	b.WriteString("\r\n")
	if _, err := io.WriteString(c, b.String()); err != nil {
		return err
	}
	// The answer's head is bounded like any response head, by the guard
	// of the engines' connections. Nothing may follow it before racetest
	// speaks, since the target has not yet been sent a byte: what the
	// reader buffered past it would be lost.
	g := newHeadGuard(c)
	br := bufio.NewReader(g)
	resp, err := http.ReadResponse(br, &http.Request{Method: http.MethodConnect})
	if err != nil {
		switch {
		case g.err != nil:
			err = g.err
		case g.cutShort() != nil:
			// A head cut by the timeout reads as a malformed line.
			err = g.cutShort()
		}
		return fmt.Errorf("reading the answer to CONNECT %s: %w", addr, err)
	}
	// The body is not read: a 2xx answer to CONNECT has none whatever
	// its headers say (RFC 9110 9.3.6), and after any other the
	// connection is closed. Draining it would wait on a proxy that
	// announces a body and never sends it.
	switch {
	// tinyproxy answers a CONNECT with wrong credentials 401, not 407.
	case resp.StatusCode == http.StatusProxyAuthRequired, resp.StatusCode == http.StatusUnauthorized:
		return fmt.Errorf("CONNECT %s: %s: give the proxy's user and password in its URL, as USER:PASSWORD@ before its host", addr, resp.Status)
	case resp.StatusCode/100 != 2:
		return fmt.Errorf("CONNECT %s: the proxy answered %s", addr, resp.Status)
	case br.Buffered() > 0:
		return fmt.Errorf("CONNECT %s: the proxy sent %d bytes after its answer before the tunnel was used", addr, br.Buffered())
	}
	return nil
}

// connectSOCKS opens a SOCKS5 stream to addr through the proxy on c.
// socks5:// resolves the target's name here and sends the address;
// socks5h:// sends the name for the proxy to resolve, as curl does.
func connectSOCKS(ctx context.Context, c net.Conn, px *url.URL, addr string) error {
	if px.Scheme == "socks5" {
		host, port, _ := net.SplitHostPort(addr)
		ips, err := net.DefaultResolver.LookupNetIP(ctx, "ip", host)
		if err != nil {
			return err
		}
		addr = net.JoinHostPort(ips[0].Unmap().String(), port)
	}
	var auth *proxy.Auth
	if px.User != nil {
		pw, _ := px.User.Password()
		auth = &proxy.Auth{User: px.User.Username(), Password: pw}
	}
	d, err := proxy.SOCKS5("tcp", px.Host, auth, connDialer{c})
	if err != nil {
		return err
	}
	// The returned connection wraps c, which is what the engines use.
	_, err = d.(proxy.ContextDialer).DialContext(ctx, "tcp", addr)
	return err
}

// connDialer hands the SOCKS client the connection already open to the
// proxy, so that the dial's timeout and cancellation cover it.
type connDialer struct{ c net.Conn }

func (d connDialer) Dial(string, string) (net.Conn, error) { return d.c, nil }
func (d connDialer) DialContext(context.Context, string, string) (net.Conn, error) {
	return d.c, nil
}
