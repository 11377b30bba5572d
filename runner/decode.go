package runner

import (
	"bytes"
	"compress/flate"
	"compress/gzip"
	"compress/zlib"
	"errors"
	"fmt"
	"io"
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

// decodeBody replaces a gzip, deflate or br body with what it decodes to,
// after the collect (never on the release path), keeping at most
// BodyLimit bytes and counting the rest. The whole decoded size is
// bounded by MaxBodyLimit: past it the result is a protocol error, so
// that a few KiB that inflate to gigabytes cannot fill memory or hang
// the run. A body in another coding (zstd) is left as it came. A body
// cut at BodyLimit before decoding decodes as far as it goes, and stays
// marked truncated.
func decodeBody(r *Result, o *Options) {
	if r.Err != nil || len(r.Body) == 0 || r.Header == nil {
		return
	}
	coding := strings.ToLower(strings.TrimSpace(r.Header.Get("Content-Encoding")))
	var zr io.Reader
	var err error
	switch coding {
	case "gzip", "x-gzip":
		zr, err = gzip.NewReader(bytes.NewReader(r.Body))
	case "deflate":
		// RFC 9110 deflate is zlib; some servers send raw deflate.
		if zr, err = zlib.NewReader(bytes.NewReader(r.Body)); err != nil {
			zr, err = flate.NewReader(bytes.NewReader(r.Body)), nil
		}
	case "br":
		zr = brotli.NewReader(bytes.NewReader(r.Body))
	default:
		return
	}
	if err != nil {
		r.fail(&ProtocolError{Msg: fmt.Sprintf("decode the %s body: %v", coding, err)})
		return
	}
	body, total, truncated, err := readBody(io.LimitReader(zr, MaxBodyLimit+1), o.BodyLimit)
	switch {
	case total > MaxBodyLimit:
		// A decompression bomb, or a body too large to judge.
		r.fail(&ProtocolError{Msg: fmt.Sprintf("the decoded body is more than %d MiB, the most racetest decodes (a decompression bomb?)", MaxBodyLimit>>20)})
		return
	case err != nil && !(r.Truncated && errors.Is(err, io.ErrUnexpectedEOF)):
		r.fail(&ProtocolError{Msg: fmt.Sprintf("decode the %s body: %v", coding, err)})
		return
	}
	r.Body, r.BodyBytes = body, total
	r.Truncated = r.Truncated || truncated
}
