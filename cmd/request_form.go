package cmd

import (
	"bytes"
	"context"
	"fmt"
	"mime"
	"mime/multipart"
	"net/http"
	"net/textproto"
	"path/filepath"
	"strings"
	"unicode/utf8"

	"github.com/racetest/racetest/scenarios"
)

// formBody is the multipart/form-data body of -F/--form and
// --form-string, in command-line order, and sets its Content-Type.
//
// The body is built once, so every request of the burst (and of every
// round) is the same bytes with the same boundary: the server sees N
// identical uploads, and the burst's bodies can be pre-encoded like any
// other. The boundary is mime/multipart's random one, fresh each run, so
// that no file a user uploads can contain it by accident across runs.
func (o *FireOptions) formBody(ctx context.Context, h http.Header) ([]byte, error) {
	var buf bytes.Buffer
	w := multipart.NewWriter(&buf)
	for _, p := range o.Form {
		f, err := parseFormPart(p)
		if err != nil {
			return nil, err
		}
		if err := o.writeFormPart(ctx, w, p, f); err != nil {
			return nil, err
		}
		// Each file is bounded on its own; the sum is bounded here, so
		// that many -F @file cannot add up past the limit in memory.
		if err := scenarios.CheckBody(int64(buf.Len())); err != nil {
			return nil, usageErrorf("--form: %w", err)
		}
	}
	if err := w.Close(); err != nil {
		return nil, err
	}
	ct := h.Get("Content-Type")
	switch {
	case ct == "":
		if _, removed := h["Content-Type"]; !removed {
			h.Set("Content-Type", w.FormDataContentType())
		}
	case strings.HasPrefix(strings.ToLower(ct), "multipart/") && !strings.Contains(strings.ToLower(ct), "boundary="):
		// -H 'Content-Type: multipart/mixed': curl keeps the type and
		// adds the boundary, without which the body cannot be read.
		h.Set("Content-Type", ct+"; boundary="+w.Boundary())
	}
	return buf.Bytes(), nil
}

// formPart is one -F value, parsed as curl parses it:
// name=value, name=@file (an upload) or name=<file (a field read from a
// file), each with optional ;type=, ;filename= and ;headers=.
type formPart struct {
	name, value string
	// source is '@' for an upload, '<' for a field from a file, 0 else.
	source   byte
	ctype    string
	filename string
	header   textproto.MIMEHeader
}

// parseFormPart reads one --form or --form-string value; --form-string
// is a literal, as in curl.
func parseFormPart(p bodyPart) (formPart, error) {
	name, rest, ok := strings.Cut(p.value, "=")
	if !ok || name == "" {
		return formPart{}, usageErrorf("%s %q: write name=value, name=@file to upload a file, or name=<file for a field read from a file", p.flag, p.value)
	}
	f := formPart{name: name, value: rest}
	if p.flag == "--form-string" {
		return f, nil
	}
	if rest != "" && (rest[0] == '@' || rest[0] == '<') {
		f.source, rest = rest[0], rest[1:]
	}
	word, params, err := formWord(rest)
	if err != nil {
		return formPart{}, usageErrorf("%s %q: %w", p.flag, p.value, err)
	}
	f.value = word
	if f.source != 0 && word == "" {
		return formPart{}, usageErrorf("%s %q: give the file name after %c", p.flag, p.value, f.source)
	}
	if err := f.setParams(params); err != nil {
		return formPart{}, usageErrorf("%s %q: %w", p.flag, p.value, err)
	}
	return f, nil
}

// setParams reads the ;type=, ;filename= and ;headers= after the value.
func (f *formPart) setParams(params string) error {
	for params != "" {
		params = strings.TrimLeft(params[1:], " ") // the ';'
		key, rest, ok := strings.Cut(params, "=")
		if !ok {
			key, rest = params, ""
		}
		val, next, err := formWord(rest)
		if err != nil {
			return err
		}
		params = next
		switch strings.ToLower(key) {
		case "type":
			if _, _, err := mime.ParseMediaType(val); err != nil {
				return fmt.Errorf(";type=%s is not a media type; write it like ;type=image/png", val)
			}
			f.ctype = val
		case "filename":
			f.filename = val
		case "headers":
			name, value, ok := strings.Cut(val, ":")
			if !ok || strings.HasPrefix(val, "@") {
				return fmt.Errorf(";headers=%s: write one header as ;headers=\"Name: value\" (racetest does not read headers from a file)", val)
			}
			if f.header == nil {
				f.header = textproto.MIMEHeader{}
			}
			f.header.Add(strings.TrimSpace(name), strings.TrimSpace(value))
		default:
			return fmt.Errorf("%q is not a part option racetest knows (;type=, ;filename=, ;headers=); quote the value to send a ';' in it, as name=\"a;b\"", ";"+key)
		}
	}
	return nil
}

// formWord reads a value up to the next ';', or a double-quoted one in
// which \" and \\ are escapes; rest starts at the ';' or is "".
func formWord(s string) (word, rest string, err error) {
	if !strings.HasPrefix(s, `"`) {
		if i := strings.IndexByte(s, ';'); i >= 0 {
			return s[:i], s[i:], nil
		}
		return s, "", nil
	}
	var b strings.Builder
	for i := 1; i < len(s); i++ {
		switch c := s[i]; {
		case c == '\\' && i+1 < len(s) && (s[i+1] == '"' || s[i+1] == '\\'):
			i++
			b.WriteByte(s[i])
		case c == '"':
			rest = s[i+1:]
			if rest != "" && rest[0] != ';' {
				return "", "", fmt.Errorf("text after the closing quote: %q; put a ; before the next option", rest)
			}
			return b.String(), rest, nil
		default:
			b.WriteByte(c)
		}
	}
	return "", "", fmt.Errorf("the quote is not closed")
}

// writeFormPart adds one part: an upload carries its file name and a
// Content-Type (given, or guessed from the name as curl guesses it).
func (o *FireOptions) writeFormPart(ctx context.Context, w *multipart.Writer, p bodyPart, f formPart) error {
	content := []byte(f.value)
	if f.source != 0 {
		b, err := readData(ctx, p.flag, "@"+f.value, o.App.Stdin)
		if err != nil {
			return err
		}
		content = b
		if o.binary == "" && !utf8.Valid(b) {
			o.binary = fmt.Sprintf("%s %q: %s, of the form field %s,", p.flag, p.value, formFile(f.value), f.name)
		}
		if f.source == '@' && f.filename == "" && f.value != "-" {
			f.filename = filepath.Base(f.value)
		}
	}
	h := textproto.MIMEHeader{}
	disposition := fmt.Sprintf("form-data; name=%s", quoteFormValue(f.name))
	if f.filename != "" {
		disposition += "; filename=" + quoteFormValue(f.filename)
	}
	h.Set("Content-Disposition", disposition)
	switch {
	case f.ctype != "":
		h.Set("Content-Type", f.ctype)
	case f.filename != "":
		h.Set("Content-Type", curlContentType(f.filename))
	}
	for k, vs := range f.header {
		h[k] = append(h[k], vs...)
	}
	pw, err := w.CreatePart(h)
	if err != nil {
		return err
	}
	_, err = pw.Write(content)
	return err
}

// quoteFormValue quotes a name or file name for Content-Disposition as
// browsers and curl do: backslash and double quote escaped.
func quoteFormValue(s string) string {
	return `"` + strings.NewReplacer(`\`, `\\`, `"`, `\"`).Replace(s) + `"`
}

// curlContentType is the Content-Type curl gives an upload by its file
// name's extension (lib/mime.c, ContentTypeForFilename), so that a copied
// -F sends what curl sends; anything else is application/octet-stream.
// The system's MIME table is not used: it differs between machines.
func curlContentType(filename string) string {
	ext := strings.ToLower(filepath.Ext(filename))
	switch ext {
	case ".gif":
		return "image/gif"
	case ".jpg", ".jpeg":
		return "image/jpeg"
	case ".png":
		return "image/png"
	case ".svg":
		return "image/svg+xml"
	case ".txt":
		return "text/plain"
	case ".htm", ".html":
		return "text/html"
	case ".pdf":
		return "application/pdf"
	case ".xml":
		return "application/xml"
	}
	return "application/octet-stream"
}

// formFile names the file a part reads, standard input for -.
func formFile(path string) string {
	if path == "-" {
		return "standard input"
	}
	return "the file " + path
}
