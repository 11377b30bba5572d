package capture

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"reflect"
	"regexp"
	"strings"
)

// harEntry is the part of one entry of a HAR 1.2 file (as Chromium,
// Firefox and Burp export it) that a request needs; the responses,
// timings and pages are not kept.
type harEntry struct {
	Request *struct {
		Method  string `json:"method"`
		URL     string `json:"url"`
		Headers []struct {
			Name  string `json:"name"`
			Value string `json:"value"`
		} `json:"headers"`
		Cookies []struct {
			Name  string `json:"name"`
			Value string `json:"value"`
		} `json:"cookies"`
		PostData *struct {
			MimeType string `json:"mimeType"`
			Text     string `json:"text"`
			Params   []struct {
				Name  string `json:"name"`
				Value string `json:"value"`
			} `json:"params"`
		} `json:"postData"`
	} `json:"request"`
}

// HAR reads one entry of a HAR file: the entry-th request, counting from
// 1 as the browser's network list does, or, when match is not nil, the
// only entry whose "METHOD URL" it matches; entry 0 without match is the
// only entry of a file that has one. HTTP/2 pseudo-headers
// (:authority, :path...) and hop-by-hop headers are left out, as is a
// Host header that only repeats the URL's host; a Cookie header is kept,
// and built from the entry's cookies when the export has none.
//
// The entries are decoded one at a time and only the one asked for is
// kept: decoding a whole file at once costs many times its size (a
// 250 MiB file of empty entries took 1.9 GB), while this costs the file
// and its largest entry.
func HAR(data []byte, entry int, match *regexp.Regexp) (Request, error) {
	// The syntax is checked first, over the whole file, so that a syntax
	// error is placed as encoding/json places it; what the decoder below
	// can then meet are values of the wrong kind.
	if err := json.Unmarshal(data, new(skipped)); err != nil {
		return Request{}, jsonError(data, err)
	}
	p := harPicker{data: data, entry: entry, match: match}
	d := json.NewDecoder(bytes.NewReader(data))
	sawLog := false
	err := jsonObject(d, "", func(key string) error {
		if key != "log" {
			return jsonSkip(d)
		}
		sawLog = true
		return jsonObject(d, "log", func(key string) error {
			if key != "entries" {
				return jsonSkip(d)
			}
			return jsonArray(d, "log.entries", p.add(d))
		})
	})
	switch {
	case err != nil:
		return Request{}, jsonError(data, err)
	case !sawLog:
		return Request{}, errorf(0, 0, "no \"log\" object: this is not a HAR file (export it with \"Save all as HAR\")")
	case p.count == 0:
		return Request{}, errorf(0, 0, "the HAR file has no entries; record the request in the browser, then export again")
	}
	return p.pick()
}

// harPicker keeps, among the entries as they are decoded, the one asked
// for and what a message about the choice needs.
type harPicker struct {
	data  []byte
	entry int
	match *regexp.Regexp
	count int
	found []int    // entries that matched, counting from 1
	list  []string // the first of them, for the message
	kept  harEntry // the entry-th, or the first match
}

// add returns the function that decodes the next entry.
func (p *harPicker) add(d *json.Decoder) func() error {
	return func() error {
		start := d.InputOffset()
		var e harEntry
		if err := d.Decode(&e); err != nil {
			// The offset of a wrong kind of value counts from after
			// the comma before the entry (the decoder's own reading).
			var te *json.UnmarshalTypeError
			if errors.As(err, &te) {
				for start < int64(len(p.data)) && strings.IndexByte(" \t\r\n", p.data[start]) >= 0 {
					start++
				}
				if start < int64(len(p.data)) && p.data[start] == ',' {
					start++
				}
				te.Offset += start
				te.Field = "log.entries." + te.Field
			}
			return err
		}
		p.count++
		switch {
		case p.match == nil:
			if p.count == p.entry || p.entry == 0 && p.count == 1 {
				p.kept = e
			}
		case e.Request != nil:
			line := e.Request.Method + " " + e.Request.URL
			if p.match.MatchString(line) {
				if len(p.found) == 0 {
					p.kept = e
				}
				p.found = append(p.found, p.count)
				if len(p.list) < 5 {
					p.list = append(p.list, fmt.Sprintf("%d: %s", p.count, clip(line)))
				}
			}
		}
		return nil
	}
}

// pick is the entry asked for, or why there is none.
func (p *harPicker) pick() (Request, error) {
	if p.match == nil {
		// Without entry or match, a file of one entry (a browser's
		// "Copy as HAR" of one request) gives it.
		switch {
		case p.entry == 0 && p.count == 1:
			return harRequest(p.kept, 1)
		case p.entry == 0:
			return Request{}, errorf(0, 0, "the file has %d entries: choose the request with --entry N (counting from 1) or --match REGEX", p.count)
		}
		if p.entry < 1 || p.entry > p.count {
			return Request{}, errorf(0, 0, "entry %d: the file has entries 1 to %d", p.entry, p.count)
		}
		return harRequest(p.kept, p.entry)
	}
	switch len(p.found) {
	case 0:
		return Request{}, errorf(0, 0, "no entry's \"METHOD URL\" matches %q; the file has %d entries", clip(p.match.String()), p.count)
	case 1:
		return harRequest(p.kept, p.found[0])
	}
	return Request{}, errorf(0, 0, "%d entries match %q (%s); choose one with --entry N or a narrower pattern", len(p.found), clip(p.match.String()), strings.Join(p.list, ", "))
}

// harRequest turns entry n (counting from 1) into a Request.
func harRequest(e harEntry, n int) (Request, error) {
	r := e.Request
	if r == nil || r.Method == "" || r.URL == "" {
		return Request{}, errorf(0, 0, "entry %d has no request method or URL", n)
	}
	u, err := url.Parse(r.URL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") {
		return Request{}, errorf(0, 0, "entry %d: %q is not an http:// or https:// URL", n, clip(r.URL))
	}
	req := Request{Method: r.Method, URL: r.URL, Header: http.Header{}}
	for _, h := range r.Headers {
		if transportHeader(h.Name) || strings.EqualFold(h.Name, "host") && h.Value == u.Host {
			continue
		}
		req.add(h.Name, h.Value)
	}
	if req.Header.Get("Cookie") == "" && len(r.Cookies) > 0 {
		var cs []string
		for _, c := range r.Cookies {
			cs = append(cs, c.Name+"="+c.Value)
		}
		req.add("Cookie", strings.Join(cs, "; "))
	}
	if p := r.PostData; p != nil {
		switch {
		case p.Text != "":
			req.Body = []byte(p.Text)
		case len(p.Params) > 0:
			v := url.Values{}
			for _, kv := range p.Params {
				v.Add(kv.Name, kv.Value)
			}
			req.Body = []byte(v.Encode())
		}
		if p.MimeType != "" && req.Header.Get("Content-Type") == "" {
			req.add("Content-Type", p.MimeType)
		}
	}
	return req, nil
}

// jsonError places a JSON error at its line and column.
func jsonError(data []byte, err error) error {
	var se *json.SyntaxError
	var te *json.UnmarshalTypeError
	var ke *jsonKindError
	var off int64
	switch {
	case errors.As(err, &se):
		// Offset counts the bytes read, the offending one included.
		off = se.Offset - 1
	case errors.As(err, &te):
		off = te.Offset - 1
		err = fmt.Errorf("%s should be %s, not %s", te.Field, jsonKind(te.Type), te.Value)
	case errors.As(err, &ke):
		off = valueStart(data, ke.Offset)
	default:
		return errorf(0, 0, "not a HAR file: %v", err)
	}
	line, col := 1, 1
	for _, c := range data[:max(min(int(off), len(data)), 0)] {
		if c == '\n' {
			line, col = line+1, 1
		} else {
			col++
		}
	}
	return errorf(line, col, "not a HAR file: %v", err)
}

// jsonKind names what a Go type is in JSON, for a message.
func jsonKind(t reflect.Type) string {
	switch t.Kind() {
	case reflect.Slice, reflect.Array:
		return "a list"
	case reflect.Struct, reflect.Map, reflect.Pointer:
		return "an object"
	case reflect.String:
		return "a string"
	}
	return "a " + t.Kind().String()
}
