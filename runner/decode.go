package runner

import (
	"bufio"
	"bytes"
	"compress/flate"
	"compress/gzip"
	"compress/zlib"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/andybalholm/brotli"
)

// AcceptEncoding is what Client.Decompress asks for, as curl --compressed
// does with a curl built with brotli: the codings decodeBody can undo.
const AcceptEncoding = "gzip, deflate, br"

// acceptEncoding returns reqs with Accept-Encoding set on those that name
// none. It runs before the prepare phase, so the headers are encoded with
// the rest of each request.
func acceptEncoding(reqs []Request) []Request {
	out := make([]Request, len(reqs))
	for i, r := range reqs {
		if r.Header.Get("Accept-Encoding") == "" {
			r.Header = r.Header.Clone()
			if r.Header == nil {
				r.Header = make(map[string][]string)
			}
			r.Header.Set("Accept-Encoding", AcceptEncoding)
		}
		out[i] = r
	}
	return out
}

// maxCodings bounds the codings of one body, as curl does since
// CVE-2022-32206: each layer costs a decoder's window.
const maxCodings = 5

// decodeBody replaces a gzip, deflate or br body with what it decodes to,
// after the collect (never on the release path), keeping at most
// BodyLimit bytes and counting the rest. A stack of codings
// ("gzip, br", applied in that order) is undone from the last one, as
// curl does, through readers chained so that no layer is held whole.
// The whole decoded size is bounded by MaxBodyLimit: past it the result
// is a protocol error, so that a few KiB that inflate to gigabytes cannot
// fill memory or hang the run. A body in another coding (zstd), or in a
// stack with one, is left as it came. A body cut at BodyLimit before
// decoding decodes as far as it goes, and stays marked truncated.
func decodeBody(r *Result, o *Options) {
	if r.Err != nil || len(r.Body) == 0 || r.Header == nil {
		return
	}
	var codings []string
	for _, v := range r.Header.Values("Content-Encoding") {
		for _, c := range strings.Split(v, ",") {
			if c = strings.ToLower(strings.TrimSpace(c)); c != "" && c != "identity" {
				codings = append(codings, c)
			}
		}
	}
	for _, c := range codings {
		if !slices.Contains([]string{"gzip", "x-gzip", "deflate", "br"}, c) {
			return
		}
	}
	name := strings.Join(codings, ", ")
	switch {
	case len(codings) == 0:
		return
	case len(codings) > maxCodings:
		r.fail(&ProtocolError{Msg: fmt.Sprintf("the body has %d content codings (%s), more than the %d racetest decodes", len(codings), clipCodings(name), maxCodings)})
		return
	}
	var zr io.Reader = bytes.NewReader(r.Body)
	for i := len(codings) - 1; i >= 0; i-- {
		var err error
		if zr, err = decoder(codings[i], zr); err != nil {
			if r.Truncated && (errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, io.EOF)) {
				// Cut before an inner layer's header: nothing decodes.
				r.Body, r.BodyBytes = nil, 0
				return
			}
			r.fail(&ProtocolError{Msg: fmt.Sprintf("decode the %s body: %v", name, err)})
			return
		}
	}
	body, total, truncated, err := readBody(io.LimitReader(zr, MaxBodyLimit+1), o.BodyLimit)
	switch {
	case total > MaxBodyLimit:
		// A decompression bomb, or a body too large to judge.
		r.fail(&ProtocolError{Msg: fmt.Sprintf("the decoded body is more than %d MiB, the most racetest decodes (a decompression bomb?)", MaxBodyLimit>>20)})
		return
	case err != nil && !(r.Truncated && errors.Is(err, io.ErrUnexpectedEOF)):
		r.fail(&ProtocolError{Msg: fmt.Sprintf("decode the %s body: %v", name, err)})
		return
	}
	r.Body, r.BodyBytes = body, total
	r.Truncated = r.Truncated || truncated
}

// decoder undoes one coding of what r reads.
func decoder(coding string, r io.Reader) (io.Reader, error) {
	switch coding {
	case "gzip", "x-gzip":
		return gzip.NewReader(r)
	case "deflate":
		// RFC 9110 deflate is zlib; some servers send raw deflate. A
		// zlib stream starts with a header whose 16 bits are a multiple
		// of 31, with method 8.
		br := bufio.NewReader(r)
		if h, err := br.Peek(2); err == nil && h[0]&0x0f == 8 && (uint(h[0])<<8|uint(h[1]))%31 == 0 {
			return zlib.NewReader(br)
		}
		return flate.NewReader(br), nil
	}
	return brotli.NewReader(r), nil
}

// clipCodings shortens a list of codings for a message.
func clipCodings(s string) string {
	if len(s) > 60 {
		return s[:60] + "..."
	}
	return s
}
