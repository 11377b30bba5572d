package expressions

import (
	"errors"
	"regexp"
	"strings"
	"testing"
)

func TestTemplates(t *testing.T) {
	env := &TemplateEnv{
		Vars:  map[string]any{"user": "bob", "n": 3, "rate": 0.5, "tags": []any{"a"}},
		Env:   map[string]any{"TOKEN": "s3cr3t"},
		Index: 7, Round: 2,
	}
	tests := []struct {
		src    string
		text   string
		value  any
		static bool
	}{
		{"/plain", "/plain", "/plain", true},
		{"", "", "", true},
		{"Bearer {{ vars.user }}", "Bearer bob", "Bearer bob", false},
		{"{{ vars.n }}", "3", 3, false},
		{"{{ vars.n * 2 }}", "6", 6, false},
		{"{{ vars.rate }}", "0.5", 0.5, false},
		{"{{vars.tags}}", `["a"]`, []any{"a"}, false},
		{"/u/{{ index }}/r/{{ round }}", "/u/7/r/2", "/u/7/r/2", false},
		{"Bearer ${TOKEN}", "Bearer s3cr3t", "Bearer s3cr3t", false},
		{"${TOKEN}", "s3cr3t", "s3cr3t", false},
		{"cost: ${ not a ref }", "cost: ${ not a ref }", "cost: ${ not a ref }", true},
		{"{{ env.TOKEN }}", "s3cr3t", "s3cr3t", false},
		{`{{ env.MISSING ?? "dflt" }}`, "dflt", "dflt", false},
		{`{{ "{{" }}`, "{{", "{{", false},
	}
	for _, tt := range tests {
		t.Run(tt.src, func(t *testing.T) {
			tp, err := CompileTemplate(tt.src)
			if err != nil {
				t.Fatal(err)
			}
			if tp.Static() != tt.static {
				t.Errorf("Static() = %v", tp.Static())
			}
			text, err := tp.Render(env)
			if err != nil || text != tt.text {
				t.Errorf("Render = %q, %v; want %q", text, err, tt.text)
			}
			v, err := tp.Value(env)
			if err != nil || stringify(v) != stringify(tt.value) {
				t.Errorf("Value = %#v, %v; want %#v", v, err, tt.value)
			}
		})
	}
}

func TestTemplateUUID(t *testing.T) {
	tp, err := CompileTemplate("{{ uuid() }}")
	if err != nil {
		t.Fatal(err)
	}
	a, _ := tp.Render(&TemplateEnv{})
	b, _ := tp.Render(&TemplateEnv{})
	re := regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`)
	if !re.MatchString(a) || a == b {
		t.Errorf("uuid() gave %q and %q", a, b)
	}
}

func TestTemplateCompileErrors(t *testing.T) {
	tests := []struct {
		src  string
		col  int
		msg  string
		line int
	}{
		{"/x/{{ index", 4, "unclosed {{: end the expression with }}", 1},
		{"a {{ }} b", 3, "empty {{ }}: put an expression inside, such as {{ vars.user }}", 1},
		{"é {{ nope }}", 6, "unknown name nope", 1},
		{"line one\n{{ index + }}", 11, "unexpected token EOF", 2},
		{"{{ uuid(1) }}", 4, "too many arguments to call uuid", 1},
	}
	for _, tt := range tests {
		t.Run(tt.src, func(t *testing.T) {
			_, err := CompileTemplate(tt.src)
			var e *ExprError
			if !errors.As(err, &e) {
				t.Fatalf("got %v, want an *ExprError", err)
			}
			if e.Source != tt.src || e.Line != tt.line || e.Column != tt.col || e.Msg != tt.msg {
				t.Errorf("got %d:%d %q, want %d:%d %q", e.Line, e.Column, e.Msg, tt.line, tt.col, tt.msg)
			}
		})
	}
}

func TestTemplateRenderErrors(t *testing.T) {
	tests := []struct{ src, msg string }{
		{"{{ vars.nope }}", "{{ vars.nope }} gave nil: is the variable set?"},
		{"${HOME_X}", "${HOME_X}: environment variable HOME_X is not set"},
		{"{{ vars.m.x.y }}", "{{ vars.m.x.y }}: cannot fetch y from <nil>"},
	}
	for _, tt := range tests {
		tp, err := CompileTemplate(tt.src)
		if err != nil {
			t.Fatal(err)
		}
		_, err = tp.Render(&TemplateEnv{Vars: map[string]any{"m": map[string]any{}}})
		if err == nil || !strings.Contains(err.Error(), tt.msg) {
			t.Errorf("%s: got %v, want %q", tt.src, err, tt.msg)
		}
	}
}

// A command-line value is literal but for {{ values.NAME }}: other
// braces, expressions and ${NAME} are sent as they are.
func TestCommandLine(t *testing.T) {
	env := &TemplateEnv{Values: map[string]any{"tok": "t-1", "b": "B"}}
	for in, want := range map[string]string{
		"Bearer {{ values.tok }}":             "Bearer t-1",
		"{{values.tok}}{{  values.b  }}":      "t-1B",
		"{{ vars.x }} ${HOME} {{ values.b }}": "{{ vars.x }} ${HOME} B",
		`{"a":{{ values.tok }}}`:              `{"a":t-1}`,
		"plain {{":                            "plain {{",
		"":                                    "",
	} {
		got, err := CommandLine(in).Render(env)
		if err != nil || got != want {
			t.Errorf("CommandLine(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	spans := CommandLine("x {{ values.tok }}").Spans()
	if len(spans) != 1 || spans[0].Source != " values.tok " || spans[0].At != 4 {
		t.Errorf("spans %+v, want one at rune 4", spans)
	}
}

func TestEscapeTemplate(t *testing.T) {
	for _, s := range []string{"plain", "{{ vars.x }}", "a ${HOME} b", "${", "{{", "}}{{{", "$${A}{{${B}}}", `{"a":"{{"}`} {
		tp, err := CompileTemplate(EscapeTemplate(s))
		if err != nil {
			t.Errorf("%q: %v", s, err)
			continue
		}
		got, err := tp.Render(&TemplateEnv{})
		if err != nil || got != s {
			t.Errorf("%q expands to %q, %v", s, got, err)
		}
	}
}

func TestIsName(t *testing.T) {
	for s, want := range map[string]bool{"token": true, "_a1": true, "user_id": true, "": false, "1a": false, "a-b": false, "a.b": false, "é": false} {
		if got := IsName(s); got != want {
			t.Errorf("IsName(%q) = %v, want %v", s, got, want)
		}
	}
}
