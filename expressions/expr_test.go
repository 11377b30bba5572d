package expressions

import (
	"context"
	"errors"
	"net/http"
	"reflect"
	"testing"
	"time"

	"github.com/racetest/racetest/runner"
)

func TestCompileErrors(t *testing.T) {
	tests := []struct {
		name      string
		step      bool
		src       string
		line, col int
		msg       string
		text      string // Error()
		snippet   string
	}{
		{
			name: "typo in count shorthand", src: "count(staus == 200) == 1",
			line: 1, col: 7, msg: "unknown name staus",
			text:    "column 7: unknown name staus",
			snippet: "count(staus == 200) == 1\n      ^",
		},
		{
			name: "type mismatch inside shorthand", src: `count(status == "ok") == 1`,
			line: 1, col: 14, msg: "invalid operation: == (mismatched types int and string)",
			text:    "column 14: invalid operation: == (mismatched types int and string)",
			snippet: "count(status == \"ok\") == 1\n             ^",
		},
		{
			name: "not a boolean", src: "count(status == 200)",
			line: 1, col: 1, msg: "check must be a boolean expression (got int)",
			text:    "column 1: check must be a boolean expression (got int)",
			snippet: "count(status == 200)\n^",
		},
		{
			name: "not a boolean after blanks", src: "  vars",
			line: 1, col: 3, msg: "check must be a boolean expression (got map[string]interface {})",
			text:    "column 3: check must be a boolean expression (got map[string]interface {})",
			snippet: "  vars\n  ^",
		},
		{
			name: "per-response name outside count", src: "status == 200",
			line: 1, col: 1,
			msg:     "unknown name status (a burst has many responses: use count(status ...) or all(responses, .status ...))",
			text:    "column 1: unknown name status (a burst has many responses: use count(status ...) or all(responses, .status ...))",
			snippet: "status == 200\n^",
		},
		{
			name: "one-argument all is not a shorthand", src: "all(status == 1)",
			line: 1, col: 16, msg: "expected at least 2 arguments",
			text:    "column 16: expected at least 2 arguments",
			snippet: "all(status == 1)\n               ^",
		},
		{
			name: "syntax error", step: true, src: "json.stock >=",
			line: 1, col: 13, msg: "unexpected token EOF",
			text:    "column 13: unexpected token EOF",
			snippet: "json.stock >=\n            ^",
		},
		{
			name: "step typo", step: true, src: "stauts == 200",
			line: 1, col: 1, msg: "unknown name stauts",
			text:    "column 1: unknown name stauts",
			snippet: "stauts == 200\n^",
		},
		{
			name: "second line", src: "count(status == 200) == 1 &&\n  vars.x == nope",
			line: 2, col: 13, msg: "unknown name nope",
			text:    "line 2, column 13: unknown name nope",
			snippet: "  vars.x == nope\n            ^",
		},
		{
			name: "tab keeps caret aligned", src: "\tcount(staus == 1) == 1",
			line: 1, col: 8, msg: "unknown name staus",
			text:    "column 8: unknown name staus",
			snippet: "\tcount(staus == 1) == 1\n\t      ^",
		},
		{
			name: "multibyte runes count once", step: true, src: `body == "é" && nope`,
			line: 1, col: 16, msg: "unknown name nope",
			text:    "column 16: unknown name nope",
			snippet: "body == \"é\" && nope\n               ^",
		},
		{
			name: "empty", src: "  ",
			line: 1, col: 1, msg: "empty check",
			text:    "column 1: empty check",
			snippet: "  \n^",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			compile := CompileBurstCheck
			if tt.step {
				compile = CompileStepCheck
			}
			c, err := compile(tt.src)
			if c != nil {
				t.Fatalf("compiled %q, want an error", tt.src)
			}
			var e *ExprError
			if !errors.As(err, &e) {
				t.Fatalf("error %v (%T) is not an *ExprError", err, err)
			}
			if e.Source != tt.src || e.Line != tt.line || e.Column != tt.col || e.Msg != tt.msg {
				t.Errorf("got %q %d:%d %q, want %q %d:%d %q",
					e.Source, e.Line, e.Column, e.Msg, tt.src, tt.line, tt.col, tt.msg)
			}
			if got := e.Error(); got != tt.text {
				t.Errorf("Error() = %q, want %q", got, tt.text)
			}
			if got := e.Snippet(); got != tt.snippet {
				t.Errorf("Snippet() =\n%s\nwant\n%s", got, tt.snippet)
			}
		})
	}
}

func TestCountShorthandOnlyInBurst(t *testing.T) {
	// A step sees one response; count(status == 200) means expr's own
	// count over an array and status is no array.
	_, err := CompileStepCheck("count(status == 200) == 1")
	var e *ExprError
	if !errors.As(err, &e) {
		t.Fatalf("got %v, want an *ExprError", err)
	}
	if e.Line != 1 || e.Column != 14 || e.Msg != "builtin count takes only array (got bool)" {
		t.Errorf("got %d:%d %q", e.Line, e.Column, e.Msg)
	}
}

func TestNewResponse(t *testing.T) {
	released := time.Date(2025, 1, 2, 3, 4, 5, 0, time.UTC)
	r := runner.Result{
		Index:  4,
		Status: 201,
		Header: http.Header{
			"Content-Type": {"application/json", "ignored"},
			"x-lower":      {"v"},
		},
		Body:     []byte(`{"id": 7, "tags": ["a"]}`),
		Released: released,
		Done:     released.Add(1500 * time.Microsecond),
	}
	got := NewResponse(&r)
	want := Response{
		Index:  4,
		Status: 201,
		Headers: map[string]string{
			"Content-Type": "application/json", "content-type": "application/json",
			"X-Lower": "v", "x-lower": "v",
		},
		Body:    `{"id": 7, "tags": ["a"]}`,
		JSON:    map[string]any{"id": float64(7), "tags": []any{"a"}},
		Latency: 1.5,
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got  %#v\nwant %#v", got, want)
	}
}

func TestNewResponseFailures(t *testing.T) {
	tests := []struct {
		name string
		r    runner.Result
		want Response
	}{
		{
			name: "kind from the runner",
			r:    runner.Result{Index: 1, ErrKind: runner.KindReset, Err: errors.New("boom")},
			want: Response{Index: 1, Headers: map[string]string{}, Error: "reset"},
		},
		{
			name: "kind worked out from the error",
			r:    runner.Result{Err: context.DeadlineExceeded},
			want: Response{Headers: map[string]string{}, Error: "timeout"},
		},
		{
			name: "body that is not JSON",
			r:    runner.Result{Status: 500, Body: []byte("<html>oops")},
			want: Response{Status: 500, Headers: map[string]string{}, Body: "<html>oops"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := NewResponse(&tt.r); !reflect.DeepEqual(got, tt.want) {
				t.Errorf("got  %#v\nwant %#v", got, tt.want)
			}
		})
	}
}

func TestNewBurstEnv(t *testing.T) {
	b := &runner.Burst{Results: []runner.Result{{Index: 0, Status: 200}, {Index: 1, Status: 409}}}
	e := NewBurstEnv(b, nil, map[string]string{"HOST": "h"}, 2)
	if e.N != 2 || e.Round != 2 || len(e.Responses) != 2 || e.Responses[1].Status != 409 {
		t.Errorf("got %+v", e)
	}
	if e.Vars == nil || len(e.Vars) != 0 || e.Env["HOST"] != "h" {
		t.Errorf("vars %#v env %#v, want an empty vars map and HOST=h", e.Vars, e.Env)
	}
	empty := NewBurstEnv(nil, nil, nil, 0)
	if empty.N != 0 || empty.Responses == nil || empty.Env == nil {
		t.Errorf("empty burst env %+v has nil parts", empty)
	}
}

func TestNewStepEnv(t *testing.T) {
	r := runner.Result{Status: 200, Header: http.Header{"Etag": {"x"}}, Body: []byte(`[1,2]`)}
	vars := map[string]any{"before": 100}
	e := NewStepEnv(&r, vars, nil, 1)
	want := StepEnv{
		Status:  200,
		Headers: map[string]string{"Etag": "x", "etag": "x"},
		Body:    "[1,2]",
		JSON:    []any{float64(1), float64(2)},
		Vars:    vars,
		Env:     map[string]string{},
		Round:   1,
	}
	if !reflect.DeepEqual(e, want) {
		t.Errorf("got  %#v\nwant %#v", e, want)
	}
}
