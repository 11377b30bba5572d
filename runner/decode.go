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
// The whole decoded size is bounded by MaxBodyLimit, so that a few KiB
// that inflate to gigabytes cannot fill memory or hang the run. A body in
// another coding (zstd), or in a stack with one, is left as it came. A
// body cut at BodyLimit before decoding decodes as far as it goes, and
// stays marked truncated.
//
// A body that does not decode (corrupt, past MaxBodyLimit, more than
// maxCodings codings) is still the server's answer: it is kept as it came
// and the returned error says why it was not decoded, for the caller to
// tell the user (Run as a note of the burst, Do as the request's error).
func decodeBody(r *Result, o *Options) error {
	if r.Err != nil || len(r.Body) == 0 || r.Header == nil {
		return nil
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
			return nil
		}
	}
	name := strings.Join(codings, ", ")
	switch {
	case len(codings) == 0:
		return nil
	case len(codings) > maxCodings:
		return &ProtocolError{Msg: fmt.Sprintf("the body has %d content codings (%s), more than the %d racetest decodes", len(codings), clipCodings(name), maxCodings)}
	}
	var zr io.Reader = bytes.NewReader(r.Body)
	for i := len(codings) - 1; i >= 0; i-- {
		var err error
		if zr, err = decoder(codings[i], zr); err != nil {
			if r.Truncated && (errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, io.EOF)) {
				// Cut before an inner layer's header: nothing decodes.
				r.Body, r.BodyBytes = nil, 0
				return nil
			}
			return &ProtocolError{Msg: fmt.Sprintf("decode the %s body: %v", name, err)}
		}
	}
	body, total, truncated, err := readBody(io.LimitReader(zr, MaxBodyLimit+1), o.BodyLimit)
	switch {
	case total > MaxBodyLimit:
		// A decompression bomb, or a body too large to judge.
		return &ProtocolError{Msg: fmt.Sprintf("the decoded body is more than %d MiB, the most racetest decodes (a decompression bomb?)", MaxBodyLimit>>20)}
	case err != nil && !(r.Truncated && errors.Is(err, io.ErrUnexpectedEOF)):
		return &ProtocolError{Msg: fmt.Sprintf("decode the %s body: %v", name, err)}
	}
	r.Body, r.BodyBytes = body, total
	r.Truncated = r.Truncated || truncated
	return nil
}

// decodeBodies decodes the bodies of a burst. The responses whose bodies
// do not decode still count as answers (the server answered after the
// release); one note per reason names them, so that the user knows the
// checks read those bodies as they came.
func decodeBodies(b *Burst, o *Options) {
	var order []string
	failed := map[string][]string{}
	for i := range b.Results {
		err := decodeBody(&b.Results[i], o)
		if err == nil {
			continue
		}
		why := undecoded(err)
		b.Results[i].Undecoded = why
		if failed[why] == nil {
			order = append(order, why)
		}
		failed[why] = append(failed[why], fmt.Sprintf("#%d", b.Results[i].Index))
	}
	for _, why := range order {
		reqs := failed[why]
		what := "the body of request " + reqs[0]
		if len(reqs) > 1 {
			what = fmt.Sprintf("the bodies of %d requests (%s)", len(reqs), clipList(reqs))
		}
		b.Notes = append(b.Notes, fmt.Sprintf("%s could not be decoded (%s): kept as received, and the checks read those bytes", what, why))
	}
}

// undecoded is why decodeBody's err left a body as it came.
func undecoded(err error) string {
	var pe *ProtocolError
	if errors.As(err, &pe) {
		return pe.Msg
	}
	return err.Error()
}

// clipList joins the first few of names for a note.
func clipList(names []string) string {
	const most = 10
	if len(names) > most {
		return strings.Join(names[:most], ", ") + fmt.Sprintf(" and %d more", len(names)-most)
	}
	return strings.Join(names, ", ")
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
