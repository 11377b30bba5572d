package capture

import (
	"encoding/json"
	"fmt"
	"strings"
)

// jsonObject reads the next value of d, which must be an object (or null,
// read as empty), calling each with every key; each must read the key's
// value. where names the value for a message, as encoding/json names
// fields (log.entries).
func jsonObject(d *json.Decoder, where string, each func(key string) error) error {
	if ok, err := jsonOpen(d, where, '{', "an object"); !ok {
		return err
	}
	for d.More() {
		t, err := d.Token()
		if err != nil {
			return err
		}
		if err := each(t.(string)); err != nil {
			return err
		}
	}
	_, err := d.Token()
	return err
}

// jsonArray reads the next value of d, which must be a list (or null),
// calling each once per element; each must read the element.
func jsonArray(d *json.Decoder, where string, each func() error) error {
	if ok, err := jsonOpen(d, where, '[', "a list"); !ok {
		return err
	}
	for d.More() {
		if err := each(); err != nil {
			return err
		}
	}
	_, err := d.Token()
	return err
}

// jsonOpen reads the delimiter that opens the next value, telling whether
// it is the one wanted; a null is not, and is no error.
func jsonOpen(d *json.Decoder, where string, delim json.Delim, kind string) (bool, error) {
	off := d.InputOffset()
	t, err := d.Token()
	switch {
	case err != nil:
		return false, err
	case t == nil:
		return false, nil
	case t == delim:
		return true, nil
	}
	var got string
	switch t := t.(type) {
	case json.Delim:
		got = map[json.Delim]string{'{': "object", '[': "array"}[t]
	case string:
		got = "string"
	case bool:
		got = "bool"
	default:
		got = "number"
	}
	if where == "" {
		where = "the file"
	}
	return false, &jsonKindError{Offset: off, Field: where, Want: kind, Got: got}
}

// jsonKindError is a value of the wrong kind, said as encoding/json says
// it; Offset is where the reading stopped before the value, which may be
// the white space or the colon or comma before it.
type jsonKindError struct {
	Offset           int64
	Field, Want, Got string
}

func (e *jsonKindError) Error() string {
	return fmt.Sprintf("%s should be %s, not %s", e.Field, e.Want, e.Got)
}

// jsonSkip reads the next value of d and drops it.
func jsonSkip(d *json.Decoder) error {
	return d.Decode(new(skipped))
}

// skipped is a JSON value that is read only to get past it.
type skipped struct{}

func (*skipped) UnmarshalJSON([]byte) error { return nil }

// valueStart is the offset of the value that starts at or after off in
// valid JSON data, past white space and the colon or comma before it.
func valueStart(data []byte, off int64) int64 {
	for off < int64(len(data)) && strings.IndexByte(" \t\r\n:,", data[off]) >= 0 {
		off++
	}
	return off
}
