package expressions

import (
	"errors"
	"runtime"
	"strings"
	"testing"
	"time"
)

// burstOf40 is a burst of 40 responses of status 200.
func burstOf40() BurstEnv {
	e := BurstEnv{Responses: make([]Response, 40), N: 40}
	for i := range e.Responses {
		e.Responses[i] = Response{Index: i, Status: 200}
	}
	return e
}

// TestHostileRepeatIsRefusedAtCompile: a repeat whose size the source
// alone gives is refused before anything runs, with a caret under it, in
// checks, captures and templates alike. It used to crash the runtime.
func TestHostileRepeatIsRefusedAtCompile(t *testing.T) {
	const src = `len(repeat(repeat("a",999999),999999)) > 0`
	_, err := CompileBurstCheck(src)
	var xe *ExprError
	if !errors.As(err, &xe) || !strings.Contains(xe.Msg, "repeat would make 999998000001 bytes, more than the 64 MiB an expression may build") || xe.Column != 5 {
		t.Errorf("check: %v", err)
	}
	if _, err := CompileCapture("x", `repeat("ab", 100000000)`); err == nil || !strings.Contains(err.Error(), "repeat would make 200000000 bytes") {
		t.Errorf("capture: %v", err)
	}
	if _, err := CompileTemplate(`x{{ repeat("ab", 100000000) }}`); err == nil || !strings.Contains(err.Error(), "repeat would make") {
		t.Errorf("template: %v", err)
	}
	// Within the budget: fine.
	if _, err := CompileBurstCheck(`len(repeat("a", 1000)) == 1000`); err != nil {
		t.Error(err)
	}
}

// TestEvaluationBudget: what only shows when it runs is stopped by the
// budget and becomes a failed check with a clear message, never a crash;
// the process's heap stays small.
func TestEvaluationBudget(t *testing.T) {
	tests := []struct{ name, src, want string }{
		{"repeat sized at run time", `len(repeat(repeat("a", 999999), n * 999999)) > 0`,
			"evaluation budget exceeded: repeat would make 39999920000040 bytes, more than the 64 MiB an expression may build"},
		{"doubling in a closure", `len(reduce(1..60, #acc + #acc, "xxxxxxxx")) > 0`,
			"evaluation budget exceeded: the expression built more than 64 MiB of strings and lists"},
		{"doubling through lets", `let a = repeat("a", 999999); let b = a + a; let c = b + b; let d = c + c; let e = d + d; let f = e + e; let g = f + f; let h = g + g; len(h + h) > 0`,
			"evaluation budget exceeded: the expression built more than 64 MiB of strings and lists"},
		{"six nested all over 40 responses", `all(responses, all(responses, all(responses, all(responses, all(responses, all(responses, .status == 200))))))`,
			"evaluation budget exceeded: the expression ran for more than 2s"},
		{"a range too large for expr's own budget", `len(1..100000000) > 0`, "memory budget exceeded"},
	}
	env := burstOf40()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := CompileBurstCheck(tt.src)
			if err != nil {
				t.Fatal(err)
			}
			start := time.Now()
			var before, after runtime.MemStats
			runtime.ReadMemStats(&before)
			out := c.Eval(env)
			runtime.ReadMemStats(&after)
			if out.Pass || out.Err == nil || !strings.Contains(out.Seen, tt.want) {
				t.Errorf("outcome %+v, want a failure with %q", out, tt.want)
			}
			// Generous bounds: the point is that it ends, not how fast.
			if took := time.Since(start); took > 10*EvalTimeBudget {
				t.Errorf("took %v with a budget of %v", took, EvalTimeBudget)
			}
			if grown := int64(after.HeapInuse) - int64(before.HeapInuse); grown > 4*EvalMemoryBudget {
				t.Errorf("the heap grew by %d MB", grown>>20)
			}
		})
	}
}

// TestBudgetKeepsTypesAndResults: the budget patch changes no result and
// no compile-time type check.
func TestBudgetKeepsTypesAndResults(t *testing.T) {
	env := burstOf40()
	for _, src := range []string{
		`count(status == 200) == 40`,
		`all(responses, .status in [200, 409])`,
		`len(map(responses, "r" + string(.index))) == 40`,
		`reduce(responses, #acc + .status, 0) == 8000`,
		`len(repeat("ab", 3) + "c") == 7`,
		`let x = 1 + 2; x * 2 == 6`,
		`filter(responses, .index < 3)[2].index == 2`,
	} {
		c, err := CompileBurstCheck(src)
		if err != nil {
			t.Fatalf("%s: %v", src, err)
		}
		if out := c.Eval(env); !out.Pass {
			t.Errorf("%s: %+v", src, out)
		}
	}
	// Still a compile error: a string where a number is compared.
	if _, err := CompileBurstCheck(`("a" + "b") > 3`); err == nil {
		t.Error(`("a" + "b") > 3 compiled`)
	}
}
