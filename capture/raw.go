package capture

import (
	"bufio"
	"bytes"
	"io"
	"net"
	"net/http"
	"net/http/httputil"
	"net/url"
	"strings"

	"golang.org/x/net/http/httpguts"
)

// Raw reads an HTTP/1.1 request saved as text, as Burp's "Copy to file"
// and Turbo Intruder write it: a request line, header lines, a blank line
// and the body, with CRLF or LF line ends. The request line's target is
// a path (origin-form) or a whole URL (absolute-form). target says where
// to send it: its scheme and host:port; the file's Host header is sent as
// it is, so that a virtual host keeps its name when the request goes to
// another address. The body is kept byte for byte, or decoded when the
// file says Transfer-Encoding: chunked; Content-Length is left out,
// since the engines write the length of what they send.
func Raw(data []byte, target string) (Request, error) {
	t, err := url.Parse(target)
	if err != nil || (t.Scheme != "http" && t.Scheme != "https") || t.Host == "" {
		return Request{}, errorf(0, 0, "the target %q is not an http:// or https:// URL with a host or a port, such as https://127.0.0.1:8443 or https://:8443", target)
	}
	head, body, ok := splitHead(data)
	if !ok {
		return Request{}, errorf(0, 0, "no blank line ends the headers; a raw request is a request line, headers, a blank line, then the body")
	}
	lines := strings.Split(string(head), "\n")
	for i := range lines {
		lines[i] = strings.TrimSuffix(lines[i], "\r")
	}
	req, err := requestLine(lines[0])
	if err != nil {
		return Request{}, err
	}
	req.Header = http.Header{}
	var te []string
	for i, l := range lines[1:] {
		n := i + 2
		if l != "" && (l[0] == ' ' || l[0] == '\t') {
			return Request{}, errorf(n, 1, "a folded header line (starting with a space); join it to the header above")
		}
		name, value, ok := strings.Cut(l, ":")
		if !ok || !httpguts.ValidHeaderFieldName(name) {
			// Only the start of the line is shown: the rest may be a
			// credential (Authorization Bearer ... without its colon).
			return Request{}, errorf(n, 1, "%q is not a header line; write 'Name: value'", firstWord(l))
		}
		value = strings.Trim(value, " \t")
		if !httpguts.ValidHeaderFieldValue(value) {
			return Request{}, errorf(n, len(name)+2, "the value of %s has a control character", name)
		}
		if strings.EqualFold(name, "Transfer-Encoding") {
			te = append(te, value)
		}
		if transportHeader(name) {
			continue
		}
		req.add(name, value)
	}
	if te != nil {
		if body, err = dechunk(te, body, len(lines)+2); err != nil {
			return Request{}, err
		}
	}
	host, err := rawHost(t, req.Header.Get("Host"))
	if err != nil {
		return Request{}, err
	}
	req.URL = t.Scheme + "://" + host + req.URL
	if len(body) > 0 {
		req.Body = body
	}
	return req, nil
}

// dechunk is the body of a request saved with Transfer-Encoding te,
// whose first line is line of the file. Chunked is decoded, since the
// engines send a body with its Content-Length: the chunk sizes would
// otherwise reach the server as body bytes. As RFC 9112 (6.3) says,
// Transfer-Encoding overrides a Content-Length. Any other coding is
// refused rather than sent in a form the server would misread.
func dechunk(te []string, body []byte, line int) ([]byte, error) {
	if v := strings.Join(te, ", "); !strings.EqualFold(strings.TrimSpace(v), "chunked") {
		return nil, errorf(0, 0, "Transfer-Encoding: %s: racetest sends the body as the file has it, with its length; save the request with the body decoded and no Transfer-Encoding", clip(v))
	}
	r := bytes.NewReader(body)
	// The chunked reader reads through a bufio.Reader it is given, so
	// that what follows the last chunk can be told.
	br := bufio.NewReader(r)
	out, err := io.ReadAll(httputil.NewChunkedReader(br))
	if err != nil {
		return nil, errorf(line, 1, "the body is not in chunks as Transfer-Encoding: chunked says (%v); fix the chunk sizes, or save the body decoded without Transfer-Encoding", err)
	}
	if rest := bytes.TrimLeft(body[len(body)-r.Len()-br.Buffered():], "\r\n"); len(rest) > 0 {
		return nil, errorf(0, 0, "%d bytes follow the last chunk of the body (a second request?); a raw file holds one request", len(rest))
	}
	return out, nil
}

// splitHead cuts data at the first empty line: after it is the body.
func splitHead(data []byte) (head, body []byte, ok bool) {
	for _, sep := range [][]byte{[]byte("\r\n\r\n"), []byte("\n\n"), []byte("\n\r\n")} {
		if i := bytes.Index(data, sep); i >= 0 && (head == nil || i < len(head)) {
			head, body = data[:i], data[i+len(sep):]
		}
	}
	if head == nil {
		// A request without a body may end right after its headers.
		trimmed := bytes.TrimRight(data, "\r\n")
		if len(trimmed) < len(data) && bytes.Count(data[len(trimmed):], []byte("\n")) >= 1 {
			return trimmed, nil, len(trimmed) > 0
		}
		return nil, nil, false
	}
	return head, body, true
}

// requestLine reads "METHOD TARGET HTTP/1.x"; URL is the path.
func requestLine(line string) (Request, error) {
	f := strings.Split(line, " ")
	if len(f) != 3 || !strings.HasPrefix(f[2], "HTTP/") {
		return Request{}, errorf(1, 1, "%q is not a request line; write 'METHOD /path HTTP/1.1'", clip(line))
	}
	if !httpguts.ValidHeaderFieldName(f[0]) {
		return Request{}, errorf(1, 1, "%q is not a method", clip(f[0]))
	}
	if f[2] != "HTTP/1.1" && f[2] != "HTTP/1.0" {
		// Burp writes HTTP/2 requests as HTTP/2 lines too; the request is
		// the same, and the engine picks the protocol.
		if f[2] != "HTTP/2" {
			return Request{}, errorf(1, len(f[0])+len(f[1])+3, "%q is not an HTTP version racetest reads; write HTTP/1.1", f[2])
		}
	}
	path := f[1]
	switch {
	case strings.HasPrefix(path, "http://") || strings.HasPrefix(path, "https://"):
		u, err := url.Parse(path)
		if err != nil {
			return Request{}, errorf(1, len(f[0])+2, "the request target: %v", err)
		}
		path = u.RequestURI()
	case !strings.HasPrefix(path, "/") && path != "*":
		return Request{}, errorf(1, len(f[0])+2, "the request target %q does not start with /", clip(path))
	}
	if _, err := url.ParseRequestURI(path); err != nil {
		return Request{}, errorf(1, len(f[0])+2, "the request target: %v", err)
	}
	return Request{Method: f[0], URL: path}, nil
}

// clip shortens s for a message.
func clip(s string) string {
	if len(s) > 60 {
		return s[:60] + "..."
	}
	return s
}

// rawHost is where a raw request goes: the target's host and port, or,
// for a target such as https://:8443, the Host header's host on the
// target's port.
func rawHost(t *url.URL, header string) (string, error) {
	if t.Hostname() != "" {
		return t.Host, nil
	}
	h, _, err := net.SplitHostPort(header)
	if err != nil {
		h = header
	}
	if h == "" {
		return "", errorf(0, 0, "the target %s names no host and the file has no Host header; give the host in the target", t)
	}
	return net.JoinHostPort(strings.Trim(h, "[]"), t.Port()), nil
}

// firstWord is the start of a line up to its first space, and " ..."
// when there is more.
func firstWord(l string) string {
	if i := strings.IndexAny(l, " \t"); i >= 0 {
		return clip(l[:i]) + " ..."
	}
	return clip(l)
}
