package scenarios

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"

	"github.com/racetest/racetest/expressions"
	"github.com/racetest/racetest/runner"
)

// step sends one step's request, takes its captures into vars and judges
// its checks. strict steps (setup, teardown) fail on a failed check; after
// steps report theirs as results.
func (r *run) step(ctx context.Context, st *Step, vars map[string]any, round int, strict bool) (StepResult, error) {
	sr := StepResult{Step: st}
	fail := func(err error) (StepResult, error) {
		return sr, &StepError{Step: st, Round: round, Err: err}
	}
	req, err := r.build(st.Request, vars, 0, round)
	var he *UnsendableHeaderError
	if errors.As(err, &he) {
		return fail(fmt.Errorf("%w; the step was not sent", err))
	}
	if err != nil {
		return fail(err)
	}
	sr.Request = req
	sr.Response = runner.Do(ctx, req, r.client(st.Request.Timeout))
	resp := &sr.Response
	if resp.Err != nil {
		if ctx.Err() != nil {
			return sr, ctx.Err()
		}
		hint := ""
		if resp.ErrKind == runner.KindRefused || resp.ErrKind == runner.KindDial {
			hint = " (is the target running? check target: or --target)"
		}
		return fail(fmt.Errorf("%s %s: %w%s", req.Method, req.URL, resp.Err, hint))
	}
	env := expressions.NewStepEnv(resp, vars, r.env, round)
	sr.Captured = map[string]any{}
	for _, c := range st.Captures {
		v, err := c.Run(env)
		if err != nil {
			var ee *expressions.ExprError
			errors.As(err, &ee)
			return fail(fmt.Errorf("capture %s: %s: %s", c.Name, c.Source, ee.Msg))
		}
		if v == nil {
			return fail(fmt.Errorf("capture %s: %s found nothing in the response (status %d, body %s)",
				c.Name, c.Source, resp.Status, snippet(resp.Body)))
		}
		vars[c.Name] = v
		sr.Captured[c.Name] = v
	}
	env.Vars = vars
	sr.Checks = expressions.Judge(st.Expect, env)
	if len(st.Expect) == 0 && (resp.Status < 200 || resp.Status >= 400) {
		hint := st.StatusHint
		if hint == "" {
			hint = fmt.Sprintf("add expect: [status == %d] if that is intended", resp.Status)
		}
		return fail(fmt.Errorf("%s %s answered %d (body %s); %s",
			req.Method, req.URL, resp.Status, snippet(resp.Body), hint))
	}
	if strict {
		for _, c := range sr.Checks {
			if !c.Pass {
				return fail(fmt.Errorf("check failed: %s (seen: %s)", c.Check.Source, c.Seen))
			}
		}
	}
	return sr, nil
}

// snippet quotes the start of a body for a message.
func snippet(body []byte) string {
	const limit = 120
	s := strings.TrimSpace(string(body))
	if len(s) > limit {
		s = s[:limit] + "..."
	}
	if s == "" {
		return "empty"
	}
	return fmt.Sprintf("%q", s)
}

// build expands a request template for the request at index of the round.
func (r *run) build(rt *RequestTemplate, vars map[string]any, index, round int) (runner.Request, error) {
	env := &expressions.TemplateEnv{Vars: vars, Env: r.tenv, Values: valuesAt(r.values, index), Index: index, Round: round}
	u, err := rt.URL.Render(env)
	if err != nil {
		return runner.Request{}, fmt.Errorf("%s.url: %w", rt.Path, err)
	}
	req := runner.Request{Method: rt.Method, URL: r.resolve(u), Header: http.Header{}}
	for i := range rt.Headers {
		v, err := headerValue(rt, &rt.Headers[i], env)
		if err != nil {
			return req, err
		}
		req.Header.Add(rt.Headers[i].Name, v)
	}
	switch {
	case rt.Body != nil:
		s, err := rt.Body.Render(env)
		if err != nil {
			return req, fmt.Errorf("%s.body: %w", rt.Path, err)
		}
		req.Body = []byte(s)
	case rt.json != nil:
		v, err := rt.json.eval(env)
		if err != nil {
			return req, fmt.Errorf("%s.json: %w", rt.Path, err)
		}
		if req.Body, err = json.Marshal(v); err != nil {
			return req, fmt.Errorf("%s.json: %w", rt.Path, err)
		}
		if req.Header.Get("Content-Type") == "" {
			req.Header.Set("Content-Type", "application/json")
		}
	}
	// Templates can make a body of any size; the file alone cannot.
	if err := CheckBody(int64(len(req.Body))); err != nil {
		return req, fmt.Errorf("%s: %w", bodyPath(rt), err)
	}
	return req, nil
}

// bodyPath is where the body of rt is written in the file.
func bodyPath(rt *RequestTemplate) string {
	if rt.json != nil {
		return rt.Path + ".json"
	}
	return rt.Path + ".body"
}

// resolve puts a relative URL under the target: the target's path and the
// URL's are joined with one slash, so a target of http://h/api and a url
// of /reset give http://h/api/reset.
func (r *run) resolve(u string) string {
	if absolute(u) || r.target == "" {
		return u
	}
	return strings.TrimRight(r.target, "/") + "/" + strings.TrimLeft(u, "/")
}
