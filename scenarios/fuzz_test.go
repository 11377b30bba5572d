package scenarios

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/racetest/racetest/expressions"
	"github.com/racetest/racetest/runner"
)

// fuzzDeadline bounds one input: the loader must answer anything in far
// less, even instrumented for fuzzing on a slow machine.
const fuzzDeadline = 10 * time.Second

// within runs f and fails t if it does not return within fuzzDeadline,
// which go test -fuzz would otherwise not notice until its own timeout.
func within(t *testing.T, what string, f func()) {
	t.Helper()
	done := make(chan struct{})
	go func() {
		defer close(done)
		f()
	}()
	select {
	case <-done:
	case <-time.After(fuzzDeadline):
		t.Fatalf("%s did not return within %v", what, fuzzDeadline)
	}
}

// addFiles adds every file matching pattern to the seed corpus.
func addFiles(f *testing.F, pattern string) {
	files, _ := filepath.Glob(pattern)
	for _, name := range files {
		if b, err := os.ReadFile(name); err == nil {
			f.Add(b)
		}
	}
}

// FuzzParse: whatever bytes a scenario file holds, Parse returns a
// scenario or errors that each say where (file:line:column, on a line of
// the file) and what, in one line, and never panics or hangs.
func FuzzParse(f *testing.F) {
	addFiles(f, "../examples/*.yaml")
	addFiles(f, "testdata/invalid/*.yaml")
	for _, s := range []string{
		"", "\x00", "\xef\xbb\xbfversion: 1\n", billionLaughs(3), "version: 1\nvars: &a {x: *a}\n",
		"version: 1\nrace: {n: 3, requests: [{count: 1, url: /a, json: {x: [1, {y: '{{ index }}'}]}}]}\n",
		"version: 1\n---\nversion: 1\n", "version: 1\nrace:\n  request: {url: \"{{\"}\n",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		var (
			s   *Scenario
			err error
		)
		within(t, "Parse", func() { s, err = Parse("fuzz.yaml", data) })
		if (s == nil) == (err == nil) {
			t.Fatalf("Parse gave %v and %v", s, err)
		}
		if err == nil {
			if s.Race == nil || s.Race.N < 1 || s.Race.N > MaxN || len(s.Race.Groups) == 0 {
				t.Fatalf("accepted a race that cannot run: %+v", s.Race)
			}
			_, _ = s.Start(RunOptions{})
			return
		}
		checkLoadErrors(t, data, err)
	})
}

// checkLoadErrors checks that every problem of err has a place in data.
func checkLoadErrors(t *testing.T, data []byte, err error) {
	t.Helper()
	es := AsErrors(err)
	if len(es) == 0 {
		t.Fatalf("error %T has no load errors: %v", err, err)
	}
	lines := len(newSource("", data).lines)
	for _, e := range es {
		switch {
		case e.File != "fuzz.yaml" || e.Msg == "":
			t.Fatalf("problem without file or message: %+v", e)
		case strings.Contains(e.Error(), "\n"):
			t.Fatalf("message of more than one line: %q", e.Error())
		case len(data) > MaxFileSize:
			continue // about the file as a whole
		case e.Line < 1 || e.Column < 1 || e.Line > lines:
			t.Fatalf("problem at %d:%d, outside the file of %d lines: %s", e.Line, e.Column, lines, e.Error())
		case e.Excerpt == "":
			t.Fatalf("problem without an excerpt: %s", e.Error())
		}
	}
}

// FuzzTemplate: expressions.CompileTemplate returns a template or an error positioned
// inside the source; a static template renders to its source; rendering
// never panics.
func FuzzTemplate(f *testing.F) {
	for _, s := range []string{
		"/plain", "", "Bearer {{ vars.user }}", "{{ vars.n * 2 }}", "/u/{{ index }}/r/{{ round }}",
		"${TOKEN}", "cost: ${ not a ref }", `{{ env.MISSING ?? "d" }}`, `{{ "{{" }}`, "{{ uuid() }}",
		"/x/{{ index", "a {{ }} b", "é {{ nope }}", "line one\n{{ index + }}", "{{ vars.m.x.y }}",
		`{{ repeat("x", 100000000) }}`, "{{ 1..100000000 }}", "{{ vars.tags[9] }}", "${}", "$${X}}",
	} {
		f.Add(s)
	}
	env := &expressions.TemplateEnv{
		Vars:  map[string]any{"user": "bob", "n": 3, "tags": []any{"a"}, "m": map[string]any{}},
		Env:   map[string]any{"TOKEN": "t0k3n"},
		Index: 7, Round: 2,
	}
	f.Fuzz(func(t *testing.T, src string) {
		tp, err := expressions.CompileTemplate(src)
		if err != nil {
			checkExprError(t, src, err)
			return
		}
		within(t, "Render", func() {
			text, err := tp.Render(env)
			if tp.Static() && (err != nil || text != src) {
				t.Fatalf("static template %q rendered as %q, %v", src, text, err)
			}
			_, _ = tp.Value(env)
		})
	})
}

// checkExprError checks that err is an *expressions.ExprError that points inside src,
// where a caret can be drawn under it.
func checkExprError(t *testing.T, src string, err error) {
	t.Helper()
	var e *expressions.ExprError
	if !errors.As(err, &e) {
		t.Fatalf("%q: error %T is not an *ExprError: %v", src, err, err)
	}
	lines := strings.Split(src, "\n")
	if e.Source != src || e.Msg == "" || e.Line < 1 || e.Line > len(lines) || e.Column < 1 ||
		e.Column > utf8.RuneCountInString(lines[e.Line-1])+1 {
		t.Fatalf("%q: error at %d:%d (%q) is not inside the source", src, e.Line, e.Column, e.Msg)
	}
	if e.Snippet() == "" {
		t.Fatalf("%q: no snippet for %v", src, e)
	}
}

// FuzzCheck: a check compiles or says where it is wrong; a compiled check
// evaluates against a burst without panicking.
func FuzzCheck(f *testing.F) {
	for _, s := range []string{
		"count(status == 200) == 1", "all(responses, .status in [200, 409])", "count(staus == 200) == 1",
		"json.stock >= 0", "responses[99].status == 200", "count(error != \"\") == 0 && n == 3",
		"1 / 0 > 1", "sum(map(responses, .latency)) < 1e9", "", "count(", "vars.x.y.z",
	} {
		f.Add(s)
	}
	b := &runner.Burst{Results: []runner.Result{
		{Index: 0, Status: 200, Body: []byte(`{"stock": 1}`), BodyBytes: 12},
		{Index: 1, Status: 409, Body: []byte("not json"), BodyBytes: 8},
		{Index: 2, ErrKind: runner.KindReset},
	}}
	env := expressions.NewBurstEnv(b, map[string]any{"x": 1}, nil, 1)
	f.Fuzz(func(t *testing.T, src string) {
		c, err := expressions.CompileBurstCheck(src)
		if err != nil {
			checkExprError(t, src, err)
			return
		}
		within(t, "Eval", func() { _ = c.Eval(env) })
	})
}
