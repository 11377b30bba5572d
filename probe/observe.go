package probe

import (
	"bytes"
	"encoding/json"
	"mime"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/racetest/racetest/expressions"
	"github.com/racetest/racetest/runner"
)

// Obs is one response as probe compares it: the status, the media type,
// the JSON structure and the scalar values at their paths.
type Obs struct {
	Status int
	Type   string // media type without parameters, such as application/json
	// Shape lists the JSON paths with their kinds, array indices collapsed,
	// so that a longer list has the same shape; "text" for a body that is
	// not JSON.
	Shape string
	// Values maps a path as a check writes it (json.items[0].id) to the
	// value encoded as JSON; a body that is not JSON is the one value at
	// path body.
	Values map[string]string
	// Err is the transport failure, when no response arrived.
	Err string
}

// observe turns a runner result into an Obs.
func observe(r *runner.Result) Obs {
	o := Obs{Status: r.Status, Values: map[string]string{}}
	if r.Err != nil {
		o.Err = r.Err.Error()
		return o
	}
	if ct := r.Header.Get("Content-Type"); ct != "" {
		if mt, _, err := mime.ParseMediaType(ct); err == nil {
			o.Type = mt
		}
	}
	var v any
	dec := json.NewDecoder(bytes.NewReader(r.Body))
	dec.UseNumber()
	if len(bytes.TrimSpace(r.Body)) > 0 && dec.Decode(&v) == nil && !dec.More() {
		shape := map[string]string{}
		flatten("json", v, o.Values, shape)
		keys := make([]string, 0, len(shape))
		for k, kind := range shape {
			keys = append(keys, k+":"+kind)
		}
		slices.Sort(keys)
		o.Shape = strings.Join(keys, " ")
		return o
	}
	o.Shape = "text"
	o.Values["body"] = strconv.Quote(string(r.Body))
	return o
}

// flatten records every scalar of v under its path, and the kind of every
// path (with [] for array indices) in shape.
func flatten(path string, v any, vals, shape map[string]string) {
	collapsed := indexRE.ReplaceAllString(path, "[]")
	switch x := v.(type) {
	case map[string]any:
		shape[collapsed] = "object"
		for k, e := range x {
			flatten(path+key(k), e, vals, shape)
		}
	case []any:
		shape[collapsed] = "array"
		for i, e := range x {
			flatten(path+"["+strconv.Itoa(i)+"]", e, vals, shape)
		}
	default:
		b, _ := json.Marshal(x)
		vals[path] = string(b)
		shape[collapsed] = kind(x)
	}
}

// indexRE finds array indices in a path.
var indexRE = regexp.MustCompile(`\[\d+\]`)

// key is how an expression reaches the member k: .k or ["k"].
func key(k string) string {
	if expressions.IsName(k) {
		return "." + k
	}
	return "[" + strconv.Quote(k) + "]"
}

func kind(v any) string {
	switch v.(type) {
	case nil:
		return "null"
	case bool:
		return "bool"
	case json.Number:
		return "number"
	}
	return "string"
}

// base is the class of a response before values: status, type and shape.
func (o *Obs) base() string {
	if o.Err != "" {
		return "error"
	}
	return strconv.Itoa(o.Status) + " " + o.Type + " {" + o.Shape + "}"
}

// success tells whether the request was done: a 2xx answer.
func (o *Obs) success() bool { return o.Err == "" && o.Status >= 200 && o.Status < 300 }

// busy tells whether the server turned the request away without doing
// it: 429 and 503 ask the client to come back later, the answer of a lock
// with a timeout.
func (o *Obs) busy() bool { return o.Status == 429 || o.Status == 503 }

// last is the final member name of a path: balance in json.account.balance.
func last(path string) string {
	path = indexRE.ReplaceAllString(path, "")
	if i := strings.LastIndexAny(path, ".["); i >= 0 {
		path = path[i+1:]
	}
	return strings.Trim(path, `"]`)
}

// summary is a short description of o for messages: "409 application/json".
func (o *Obs) summary() string {
	if o.Err != "" {
		return "error " + o.Err
	}
	s := strconv.Itoa(o.Status)
	if o.Type != "" {
		s += " " + o.Type
	}
	return s
}
