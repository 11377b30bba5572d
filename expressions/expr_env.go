package expressions

import (
	"encoding/json"
	"net/http"
	"strings"
	"time"

	"github.com/racetest/racetest/runner"
)

// Response is one response as expressions see it.
type Response struct {
	Index  int `expr:"index"`
	Status int `expr:"status"`
	// Headers holds the first value of each header under its canonical name
	// and under its lower-case name, so that headers["content-type"] works
	// as well as headers["Content-Type"].
	Headers map[string]string `expr:"headers"`
	Body    string            `expr:"body"`
	// JSON is the body decoded as JSON when it parses, else nil.
	JSON any `expr:"json"`
	// Latency is in milliseconds, from release to the end of the response.
	Latency float64 `expr:"latency"`
	// Error is the kind of transport failure ("refused", "reset",
	// "timeout", ...) or "" when a response arrived.
	Error string `expr:"error"`
}

// BurstEnv is what a burst check sees.
type BurstEnv struct {
	Responses []Response        `expr:"responses"`
	Vars      map[string]any    `expr:"vars"`
	Env       map[string]string `expr:"env"`
	Round     int               `expr:"round"`
	N         int               `expr:"n"`
}

// StepEnv is what a check on a single response, such as a step after the
// race, sees: the fields of Response at the top level, plus vars, env and
// the round.
type StepEnv struct {
	Status  int               `expr:"status"`
	Headers map[string]string `expr:"headers"`
	Body    string            `expr:"body"`
	JSON    any               `expr:"json"`
	Latency float64           `expr:"latency"`
	Error   string            `expr:"error"`
	Vars    map[string]any    `expr:"vars"`
	Env     map[string]string `expr:"env"`
	Round   int               `expr:"round"`
}

// NewResponse turns a runner result into what expressions see.
func NewResponse(r *runner.Result) Response {
	kind := r.ErrKind
	if kind == runner.KindNone && r.Err != nil {
		kind = runner.Classify(r.Err)
	}
	return Response{
		Index:   r.Index,
		Status:  r.Status,
		Headers: flatHeaders(r.Header),
		Body:    string(r.Body),
		JSON:    decodeJSON(r.Body),
		Latency: float64(r.Latency()) / float64(time.Millisecond),
		Error:   string(kind),
	}
}

// NewBurstEnv builds the environment of a burst check. Nil maps become
// empty ones so that vars.x and env.X give nil rather than an error.
func NewBurstEnv(b *runner.Burst, vars map[string]any, env map[string]string, round int) BurstEnv {
	e := BurstEnv{
		Responses: []Response{},
		Vars:      orEmpty(vars),
		Env:       orEmptyStrings(env),
		Round:     round,
	}
	if b != nil {
		e.Responses = make([]Response, len(b.Results))
		for i := range b.Results {
			e.Responses[i] = NewResponse(&b.Results[i])
		}
	}
	e.N = len(e.Responses)
	return e
}

// NewStepEnv builds the environment of a check on one response.
func NewStepEnv(r *runner.Result, vars map[string]any, env map[string]string, round int) StepEnv {
	e := StepEnv{
		Headers: map[string]string{},
		Vars:    orEmpty(vars),
		Env:     orEmptyStrings(env),
		Round:   round,
	}
	if r != nil {
		resp := NewResponse(r)
		e.Status, e.Headers, e.Body, e.JSON = resp.Status, resp.Headers, resp.Body, resp.JSON
		e.Latency, e.Error = resp.Latency, resp.Error
	}
	return e
}

func flatHeaders(h http.Header) map[string]string {
	m := make(map[string]string, 2*len(h))
	for k, vs := range h {
		v := ""
		if len(vs) > 0 {
			v = vs[0]
		}
		m[http.CanonicalHeaderKey(k)] = v
		m[strings.ToLower(k)] = v
	}
	return m
}

// decodeJSON gives nil for a body that is not JSON, so that a check such
// as json.stock >= 0 fails with a clear nil comparison, not a parse error.
func decodeJSON(body []byte) any {
	if len(body) == 0 {
		return nil
	}
	var v any
	if err := json.Unmarshal(body, &v); err != nil {
		return nil
	}
	return v
}

func orEmpty(m map[string]any) map[string]any {
	if m == nil {
		return map[string]any{}
	}
	return m
}

func orEmptyStrings(m map[string]string) map[string]string {
	if m == nil {
		return map[string]string{}
	}
	return m
}
