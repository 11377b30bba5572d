package capture

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"reflect"
	"regexp"
	"strings"
)

// harFile is the part of a HAR 1.2 file (as Chromium, Firefox and Burp
// export it) that a request needs; the responses, timings and pages are
// not read.
type harFile struct {
	Log *struct {
		Entries []harEntry `json:"entries"`
	} `json:"log"`
}

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
func HAR(data []byte, entry int, match *regexp.Regexp) (Request, error) {
	var f harFile
	if err := json.Unmarshal(data, &f); err != nil {
		return Request{}, jsonError(data, err)
	}
	if f.Log == nil {
		return Request{}, errorf(0, 0, "no \"log\" object: this is not a HAR file (export it with \"Save all as HAR\")")
	}
	es := f.Log.Entries
	if len(es) == 0 {
		return Request{}, errorf(0, 0, "the HAR file has no entries; record the request in the browser, then export again")
	}
	i, err := pickEntry(es, entry, match)
	if err != nil {
		return Request{}, err
	}
	return harRequest(es[i], i+1)
}

// pickEntry is the index of the entry asked for. Without entry or match,
// a file of one entry (a browser's "Copy as HAR" of one request) gives it.
func pickEntry(es []harEntry, entry int, match *regexp.Regexp) (int, error) {
	if match == nil {
		switch {
		case entry == 0 && len(es) == 1:
			return 0, nil
		case entry == 0:
			return 0, errorf(0, 0, "the file has %d entries: choose the request with --entry N (counting from 1) or --match REGEX", len(es))
		}
		if entry < 1 || entry > len(es) {
			return 0, errorf(0, 0, "entry %d: the file has entries 1 to %d", entry, len(es))
		}
		return entry - 1, nil
	}
	var found []int
	var list []string
	for i, e := range es {
		if e.Request == nil {
			continue
		}
		line := e.Request.Method + " " + e.Request.URL
		if match.MatchString(line) {
			found = append(found, i)
			if len(list) < 5 {
				list = append(list, fmt.Sprintf("%d: %s", i+1, clip(line)))
			}
		}
	}
	switch len(found) {
	case 0:
		return 0, errorf(0, 0, "no entry's \"METHOD URL\" matches %q; the file has %d entries", match, len(es))
	case 1:
		return found[0], nil
	}
	return 0, errorf(0, 0, "%d entries match %q (%s); choose one with --entry N or a narrower pattern", len(found), match, strings.Join(list, ", "))
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
	var off int64
	switch {
	case errors.As(err, &se):
		// Offset counts the bytes read, the offending one included.
		off = se.Offset - 1
	case errors.As(err, &te):
		off = te.Offset - 1
		err = fmt.Errorf("%s should be %s, not %s", te.Field, jsonKind(te.Type), te.Value)
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
