package scenarios

import (
	"context"
	"errors"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite the golden files under testdata/")

// TestInvalidGolden loads every file under testdata/invalid and compares
// the problems it reports, with their positions and excerpts, with the
// .golden file next to it. Run with -update to rewrite them.
func TestInvalidGolden(t *testing.T) {
	files, err := filepath.Glob("testdata/invalid/*.yaml")
	if err != nil || len(files) == 0 {
		t.Fatalf("no test files: %v", err)
	}
	for _, f := range files {
		t.Run(filepath.Base(f), func(t *testing.T) {
			s, err := Load(context.Background(), f)
			if s != nil || err == nil {
				t.Fatalf("loaded %s, want an error", f)
			}
			es := AsErrors(err)
			if es == nil {
				t.Fatalf("error %T is not Errors: %v", err, err)
			}
			for _, e := range es {
				if e.File != f || (e.Line > 0) != (e.Excerpt != "") {
					t.Errorf("problem without its place: %+v", e)
				}
			}
			got := err.Error() + "\n"
			golden := strings.TrimSuffix(f, ".yaml") + ".golden"
			if *update {
				if err := os.WriteFile(golden, []byte(got), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatalf("%v (run go test -update to create it)", err)
			}
			if got != string(want) {
				t.Errorf("got\n%s\nwant\n%s", got, want)
			}
		})
	}
}

func TestExamplesLoad(t *testing.T) {
	files, _ := filepath.Glob("../examples/*.yaml")
	if len(files) < 8 {
		t.Fatalf("found %d examples, want the 8 stories", len(files))
	}
	for _, f := range files {
		if _, err := Load(context.Background(), f); err != nil {
			t.Errorf("%v", err)
		}
	}
}

func TestLoadPositions(t *testing.T) {
	tests := []struct {
		name, yaml string
		line, col  int
		msg        string
	}{
		{"error inside a block scalar", "version: 1\nrace:\n  request: {url: /x}\n  expect:\n    - |\n      count(status == 200) == 1 &&\n        nope\n",
			7, 9, "unknown name nope"},
		{"error in a quoted string", "version: 1\nrace:\n  request: {url: /x}\n  expect: [\"count(stat == 1) == 1\"]\n",
			4, 19, "unknown name stat"},
		{"template in a JSON leaf", "version: 1\nrace:\n  request:\n    url: /x\n    json: {a: [1, \"{{ vars.nope }}\"]}\n",
			5, 28, "undefined variable vars.nope: declare it under vars: or capture it in an earlier step"},
		{"unclosed template", "version: 1\nrace:\n  request: {url: \"/x/{{ index\"}\n",
			3, 22, "unclosed {{: end the expression with }}"},
		{"capture needs a name", "version: 1\nsetup:\n  - request: {url: /x}\n    capture: {a-b: json.x}\nrace:\n  request: {url: /x}\n",
			4, 20, `capture name "a-b" must be a name such as before or user_id, to be used as vars.a-b`},
		{"n disagrees with counts", "version: 1\nrace:\n  n: 3\n  requests:\n    - {count: 1, url: /a}\n    - {count: 1, url: /b}\n",
			3, 6, "n is 3 but the counts of requests: add up to 2; drop n or make them agree"},
		{"once outside setup", "version: 1\nrace:\n  request: {url: /x}\nafter:\n  - request: {url: /x}\n    once: true\n",
			6, 11, "once: applies to setup steps only; remove it"},
		{"capture used before it is taken", "version: 1\nrace:\n  request: {url: \"/x/{{ vars.id }}\"}\nafter:\n  - request: {url: /x}\n    capture: {id: json.id}\n",
			3, 30, "undefined variable vars.id: declare it under vars: or capture it in an earlier step"},
		{"two documents", "version: 1\n---\nversion: 1\n", 3, 1, "one scenario per file: split the documents after '---' into files of their own"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Parse("x.yaml", []byte(tt.yaml))
			es := AsErrors(err)
			if len(es) == 0 {
				t.Fatalf("got %v, want a load error", err)
			}
			e := es[0]
			if e.Line != tt.line || e.Column != tt.col || e.Msg != tt.msg {
				t.Errorf("got %d:%d %q, want %d:%d %q\n%s", e.Line, e.Column, e.Msg, tt.line, tt.col, tt.msg, e.Detail())
			}
		})
	}
}

func TestLoadUnreadable(t *testing.T) {
	_, err := Load(context.Background(), "testdata/does-not-exist.yaml")
	var es Errors
	if !errors.As(err, &es) || len(es) != 1 || !strings.Contains(es[0].Msg, "no such file") {
		t.Fatalf("got %v", err)
	}
}

func TestParseVar(t *testing.T) {
	tests := []struct {
		in   string
		name string
		val  any
	}{
		{"before=100", "before", 100},
		{"rate=0.5", "rate", 0.5},
		{"ok=true", "ok", true},
		{"user=bob", "user", "bob"},
		{`id="42"`, "id", "42"},
		{"empty=", "empty", ""},
		{"pair=a:b", "pair", "a:b"},
		{"obj={x}", "obj", "{x}"},
	}
	for _, tt := range tests {
		name, val, err := ParseVar(tt.in)
		if err != nil || name != tt.name || val != tt.val {
			t.Errorf("ParseVar(%q) = %q, %#v, %v; want %q, %#v", tt.in, name, val, err, tt.name, tt.val)
		}
	}
	if _, _, err := ParseVar("novalue"); err == nil {
		t.Error("ParseVar(novalue) gave no error")
	}
}
