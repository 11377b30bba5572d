package capture

import (
	"net/http"
	"strings"
)

// Request is one captured HTTP request: what a raw file or a HAR entry
// says to send, with the headers a client adds on its own (hop-by-hop
// headers, Content-Length, HTTP/2 pseudo-headers) left out.
type Request struct {
	Method string
	URL    string
	Header http.Header
	// Names are the names of Header in the order the capture first gave
	// each: a browser's header order is part of the request people
	// already have, and files written from it keep that order.
	Names []string
	Body  []byte
}

// add adds a header to r, recording where its name first came.
func (r *Request) add(name, value string) {
	k := http.CanonicalHeaderKey(name)
	if _, ok := r.Header[k]; !ok {
		r.Names = append(r.Names, k)
	}
	r.Header.Add(k, value)
}

// transportHeader tells the headers that describe one connection or one
// message's framing rather than the request, which racetest's engines
// write themselves (RFC 9110 7.6.1, RFC 9113 8.2.2). Copying them would
// make a captured HTTP/2 request invalid over HTTP/1.1 and the reverse.
func transportHeader(name string) bool {
	switch strings.ToLower(name) {
	case "connection", "keep-alive", "proxy-connection", "transfer-encoding",
		"upgrade", "te", "trailer", "content-length", "http2-settings":
		return true
	}
	return strings.HasPrefix(name, ":")
}
