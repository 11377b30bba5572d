package scenarios

import (
	"github.com/racetest/racetest/expressions"
	"github.com/racetest/racetest/runner"
)

// LiteralRequest is a request template that sends req as it is: nothing in
// it is a template but {{ values.NAME }} (expressions.CommandLine). It is how requests given on the command line or built
// in code join a scenario; path names it in messages, such as race.request.
func LiteralRequest(path string, req runner.Request) *RequestTemplate {
	rt := &RequestTemplate{Path: path, Method: req.Method, URL: expressions.CommandLine(req.URL)}
	for name, vs := range req.Header {
		for _, v := range vs {
			rt.Headers = append(rt.Headers, Header{Name: name, Value: expressions.CommandLine(v)})
		}
	}
	if req.Body != nil {
		rt.Body = expressions.CommandLine(string(req.Body))
	}
	return rt
}

// NewRace is a race of n copies of req, judged by checks: the race of a
// scenario built in code. Mode and hold are auto, one round; set the
// fields to change them.
func NewRace(n int, req runner.Request, checks ...*expressions.Check) *Race {
	return &Race{
		N: n, Rounds: 1, Sync: runner.Sync{Mode: runner.ModeAuto, Hold: runner.HoldAuto},
		Groups: []Group{{Count: n, Request: LiteralRequest("race.request", req)}},
		Expect: checks,
	}
}

// NewStep is a sequential step that sends req and judges its response
// with checks; path names it in messages, such as after[0].
func NewStep(path string, req runner.Request, checks ...*expressions.Check) *Step {
	return &Step{Path: path, Request: LiteralRequest(path+".request", req), Expect: checks}
}
