package scenarios

import (
	"encoding/json"
	"runtime"
	"strings"
	"testing"
)

// The files here are generated as an attacker would write them (issue 12):
// small on disk, huge once expanded. Each must be refused with the limit
// named and its place in the file, having cost little: the memory a load
// allocated in all is bounded (a ratio of the file, not a time).

// aliasedJSON is a scenario whose json: body is a list of n aliases to
// one string of size bytes (s repeated).
func aliasedJSON(s string, size, n int) string {
	var b strings.Builder
	b.WriteString("version: 1\nvars:\n  big: &big " + strings.Repeat(s, size/len(s)) + "\n")
	b.WriteString("race:\n  request:\n    url: http://127.0.0.1:1/\n    json: [")
	for i := range n {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString("*big")
	}
	b.WriteString("]\n")
	return b.String()
}

// anchoredJSON is aliasedJSON with the anchor inside the body: n+1
// copies of the string, n of them aliases.
func anchoredJSON(s string, size, n int) string {
	var b strings.Builder
	b.WriteString("version: 1\nrace:\n  request:\n    json: [&big " + strings.Repeat(s, size/len(s)))
	for range n {
		b.WriteString(", *big")
	}
	b.WriteString("]\n    url: http://127.0.0.1:1/\n")
	return b.String()
}

// loadCost parses in and returns the first error and the bytes the parse
// allocated.
func loadCost(t *testing.T, in string) (string, uint64) {
	t.Helper()
	if len(in) > MaxFileSize {
		t.Fatalf("the generated file is %d bytes, over MaxFileSize", len(in))
	}
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	_, err := Parse("x.yaml", []byte(in))
	runtime.ReadMemStats(&after)
	es := AsErrors(err)
	if len(es) == 0 {
		t.Fatalf("got %v, want a load error", err)
	}
	return es[0].Error(), after.TotalAlloc - before.TotalAlloc
}

func TestHostileYAMLIsRefusedCheaply(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		// 900 KB aliased 6,000 times: 5.4 GB once expanded; the process
		// died of memory before aliases counted their bytes.
		// The 19th alias crosses the bound: line 7, column 12 + 18*6.
		{"string aliased 6000 times", aliasedJSON("a", 900_000, 6000),
			"x.yaml:7:120: aliases expand to more than 16 MiB of text (a YAML alias bomb?)"},
		{"string aliased 500 times", aliasedJSON("a", 900_000, 500),
			"x.yaml:7:120: aliases expand to more than 16 MiB of text"},
		// Within the alias bound, but the body is over the body limit: it
		// is refused from the text before it is written out as JSON.
		{"static body over the limit", anchoredJSON("a", 900_000, 18),
			"x.yaml:4:11: race.request.json: the body is at least 16.3 MiB, more than the 16 MiB a request body may have"},
		// 5.6 MB of text, but JSON escapes > as \u003e: 3.5 times larger.
		{"static body over the limit once escaped", aliasedJSON("a>", 800_000, 7),
			"x.yaml:7:11: race.request.json: the body is 18.7 MiB, more than the 16 MiB a request body may have"},
		// goccy/go-yaml's lexer is quadratic in a run of '<' (800 KB of
		// them took four minutes): refused before it runs.
		{"run of <", "version: 1\nvars:\n  x: a" + strings.Repeat("<", 800_000) + "\n",
			"x.yaml:3:7: more than 256 '<' in a row"},
		// 19,000 nested "- " in 38 KB took 9 s and 1.15 GB.
		{"block nesting on one line", "version: 1\nrace:\n  request:\n    url: http://127.0.0.1:1/\n    json:\n      " +
			strings.Repeat("- ", 19_000) + "1\n", "x.yaml:6:203: lists and mappings nested more than 100 deep"},
		// A list at its key's column is not counted (see openBlock).
		{"block nesting by indentation", "version: 1\nvars:\n  x:\n" + indentedDashes(1000),
			"x.yaml:104:103: lists and mappings nested more than 100 deep"},
		{"block mappings nested", "version: 1\nvars:\n" + indentedKeys(1000),
			"x.yaml:103:103: lists and mappings nested more than 100 deep"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, cost := loadCost(t, tt.in)
			if !strings.Contains(got, tt.want) {
				t.Errorf("got\n%s\nwant it to contain\n%s", got, tt.want)
			}
			if !strings.HasPrefix(got, "x.yaml:") {
				t.Errorf("%q does not say where", got)
			}
			// Linear in the file: goccy/go-yaml's lexer keeps two rune
			// buffers of a long scalar (8 bytes a byte, grown by
			// doubling), then the tokens, the tree, the excerpt; -race
			// adds its own. Before the bounds these were gigabytes.
			if limit := uint64(200*len(tt.in)) + 16<<20; cost > limit {
				t.Errorf("the load allocated %d MB for a file of %d KB", cost>>20, len(tt.in)>>10)
			}
		})
	}
}

// indentedDashes is n lists, each an entry of the one before, one line
// and one column deeper each.
func indentedDashes(n int) string {
	var b strings.Builder
	for i := range n {
		b.WriteString(strings.Repeat(" ", i+2) + "-\n")
	}
	return b.String()
}

// indentedKeys is n mappings, each the value of the one before.
func indentedKeys(n int) string {
	var b strings.Builder
	for i := range n {
		b.WriteString(strings.Repeat(" ", i+2) + "k:\n")
	}
	return b.String()
}

// TestNestingWithinTheBoundIsAccepted: the block bound counts as the flow
// bound does, and real nesting at depth is fine.
func TestNestingWithinTheBoundIsAccepted(t *testing.T) {
	for _, in := range []string{
		"version: 1\nrace:\n  request:\n    url: http://127.0.0.1:1/\n    json:\n      " + strings.Repeat("- ", 98) + "1\n",
		"version: 1\nrace:\n  request:\n    url: http://127.0.0.1:1/\n    json:\n      a:\n      - b: 1\n        c:\n        - 2\n      d: {e: [1, {f: 2}]}\n",
		aliasedJSON("a", 100_000, 100), // 10 MB of aliases: within the bounds
	} {
		if _, err := Parse("x.yaml", []byte(in)); err != nil {
			t.Errorf("%.80q...: %v", in, err)
		}
	}
}

// TestJSONSize: the body is measured as json.Marshal would write it.
func TestJSONSize(t *testing.T) {
	for _, v := range []any{
		nil, 1, 2.5, true, "", "a<b>&\u2028\"\\\x01é",
		map[string]any{}, []any{}, map[string]any{"k<": []any{1, "x", map[string]any{"a": nil}}, "b": false},
	} {
		b, err := json.Marshal(v)
		if err != nil {
			t.Fatal(err)
		}
		if n, err := jsonSize(v); err != nil || n != int64(len(b)) {
			t.Errorf("jsonSize(%v) = %d, %v; json.Marshal wrote %d bytes", v, n, err, len(b))
		}
	}
}
