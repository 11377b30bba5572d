package expressions

import (
	"errors"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/racetest/racetest/runner"
)

// burstOf builds a burst by hand: one result per status, with a JSON body
// saying whether the request won, and a reset for status 0.
func burstOf(statuses ...int) *runner.Burst {
	released := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	b := &runner.Burst{}
	for i, s := range statuses {
		r := runner.Result{Index: i, Status: s, Released: released}
		switch {
		case s == 0:
			r.ErrKind = runner.KindReset
		case s == 200:
			r.Header = http.Header{"Content-Type": {"application/json"}}
			r.Body = []byte(`{"ok": true}`)
			r.Done = released.Add(time.Duration(10*(i+1)) * time.Millisecond)
		default:
			r.Header = http.Header{"Content-Type": {"text/plain"}}
			r.Body = []byte("conflict")
			r.Done = released.Add(time.Duration(10*(i+1)) * time.Millisecond)
		}
		b.Results = append(b.Results, r)
	}
	return b
}

func TestBurstChecks(t *testing.T) {
	oneWinner := burstOf(200, 409, 409, 409)
	twoWinners := burstOf(200, 409, 200, 0)
	vars := map[string]any{"max": 1, "x": 1}
	env := map[string]string{"HOST": "shop.test"}
	tests := []struct {
		src   string
		burst *runner.Burst
		pass  bool
		seen  string
	}{
		{"count(status == 200) == 1", oneWinner, true, ""},
		{"count(status == 200) == 1", twoWinners, false, "count(status == 200) = 2, want == 1"},
		{"1 == count(status == 200)", twoWinners, false, "count(status == 200) = 2, want == 1"},
		{"1 >= count(status == 200)", twoWinners, false, "count(status == 200) = 2, want <= 1"},
		{"count(status == 200) <= vars.max", twoWinners, false, "count(status == 200) = 2, vars.max = 1"},
		{"count(status == 200 && vars.x == 1) == 1", oneWinner, true, ""},
		{"all(responses, .status in [200, 409])", oneWinner, true, ""},
		{"all(responses, .status in [200, 409])", twoWinners, false, "false"},
		{"len(filter(responses, .status == 200)) <= 1", twoWinners, false,
			"len(filter(responses, .status == 200)) = 2, want <= 1"},
		{"count(responses, .status == 409) == 3", oneWinner, true, ""},
		{`count(headers["content-type"] contains "json") == 2`, twoWinners, true, ""},
		{`count(headers["Content-Type"] == "text/plain") == 1`, twoWinners, true, ""},
		{"count(json?.ok == true) == 1", oneWinner, true, ""},
		{`count(body == "conflict") == 3`, oneWinner, true, ""},
		{`count(error == "reset") == 0`, twoWinners, false, `count(error == "reset") = 1, want == 0`},
		{"count(latency <= 20) == 2", oneWinner, true, ""},
		{"count(index >= 1) == n - 1", oneWinner, true, ""},
		// A nested closure keeps its own element: .status there is the
		// inner response, and status inside it is not lifted.
		{"count(status == 200 && any(responses, .status == 409)) == 2", twoWinners, true, ""},
		// count over an array of booleans is expr's own count.
		{"count([true, false, true]) == 2", oneWinner, true, ""},
		{`round == 3 && env.HOST == "shop.test" && n == 4`, oneWinner, true, ""},
		{`round == 4`, oneWinner, false, "round = 3, want == 4"},
		{`env.HOST == "other"`, oneWinner, false, `env.HOST = "shop.test", want == "other"`},
	}
	for _, tt := range tests {
		t.Run(tt.src, func(t *testing.T) {
			c, err := CompileBurstCheck(tt.src)
			if err != nil {
				t.Fatalf("compile: %v", err)
			}
			if c.Source != tt.src {
				t.Errorf("Source = %q", c.Source)
			}
			got := c.Eval(NewBurstEnv(tt.burst, vars, env, 3))
			want := Outcome{Pass: tt.pass, Seen: tt.seen}
			if got != want {
				t.Errorf("got %+v, want %+v", got, want)
			}
		})
	}
}

func stepOf(body string) *runner.Result {
	return &runner.Result{
		Status: 200,
		Header: http.Header{"Content-Type": {"application/json; charset=utf-8"}},
		Body:   []byte(body),
	}
}

func TestStepChecks(t *testing.T) {
	vars := map[string]any{"before": 1000, "name": "bob"}
	tests := []struct {
		src  string
		body string
		pass bool
		seen string
	}{
		{"json.stock >= 0", `{"stock": 3}`, true, ""},
		{"json.stock >= 0", `{"stock": -1}`, false, "json.stock = -1, want >= 0"},
		{"json.balance == vars.before + 30 * 500", `{"balance": 16000}`, true, ""},
		{"json.balance == vars.before + 30 * 500", `{"balance": 15500.5}`, false,
			"json.balance = 15500.5, vars.before + 30 * 500 = 16000 (off by -499.5)"},
		{"json.points == vars.before + 100", `{"points": 2400}`, false,
			"json.points = 2400, vars.before + 100 = 1100 (off by +1300)"},
		{`headers["Content-Type"] contains "json"`, `{}`, true, ""},
		{`headers["content-type"] startsWith "text/"`, `{}`, false, "false"},
		{`json.name == vars.name`, `{"name": "alice"}`, false, `json.name = "alice", vars.name = "bob"`},
		{`body == "x"`, `"hello"`, false, `body = "\"hello\"", want == "x"`},
		{`json.items == []`, `{"items": [1, {"a": "b"}]}`, false, `json.items = [1,{"a":"b"}], want == []`},
		{`status == 201`, `{}`, false, "status = 200, want == 201"},
		{`json.ok`, `{"ok": false}`, false, "false"},
		{`len(json.items) == 2 && all(json.items, # > 0)`, `{"items": [1, 2]}`, true, ""},
	}
	for _, tt := range tests {
		t.Run(tt.src+" "+tt.body, func(t *testing.T) {
			c, err := CompileStepCheck(tt.src)
			if err != nil {
				t.Fatalf("compile: %v", err)
			}
			got := c.Eval(NewStepEnv(stepOf(tt.body), vars, nil, 0))
			want := Outcome{Pass: tt.pass, Seen: tt.seen}
			if got != want {
				t.Errorf("got %+v, want %+v", got, want)
			}
		})
	}
}

func TestRuntimeErrors(t *testing.T) {
	tests := []struct {
		src  string
		body string
		seen string
	}{
		// The body is not JSON, so json is nil.
		{"json.stock >= 0", "<html>", "cannot read stock of null: a field is missing, or json is null because the body is not JSON"},
		// The field is missing, so nil is compared with a number.
		{"json.stock >= 0", `{"other": 1}`, "invalid operation: null >= int: a field is missing, or json is null because the body is not JSON"},
		// Only known at run time not to be a boolean.
		{"json.ok", `{"ok": 1}`, "check must be a boolean expression, got 1"},
	}
	for _, tt := range tests {
		t.Run(tt.src+" "+tt.body, func(t *testing.T) {
			c, err := CompileStepCheck(tt.src)
			if err != nil {
				t.Fatalf("compile: %v", err)
			}
			got := c.Eval(NewStepEnv(stepOf(tt.body), nil, nil, 0))
			if got.Pass || got.Err == nil {
				t.Fatalf("got %+v, want a failure with an error", got)
			}
			if got.Seen != tt.seen {
				t.Errorf("Seen = %q, want %q", got.Seen, tt.seen)
			}
			if !strings.Contains(got.Err.Error(), tt.seen) {
				t.Errorf("Err = %q, want it to say %q", got.Err, tt.seen)
			}
		})
	}
}

func TestRuntimeErrorHasPosition(t *testing.T) {
	c, err := CompileStepCheck("status == 200 && json.stock >= 0")
	if err != nil {
		t.Fatal(err)
	}
	got := c.Eval(NewStepEnv(stepOf("nope"), nil, nil, 0))
	var e *ExprError
	if !errors.As(got.Err, &e) {
		t.Fatalf("Err %v (%T) is not an *ExprError", got.Err, got.Err)
	}
	if e.Line != 1 || e.Column != 23 || !strings.HasPrefix(e.Msg, "cannot read stock of null") {
		t.Errorf("got %d:%d %q", e.Line, e.Column, e.Msg)
	}
}

func TestEvalEnvKinds(t *testing.T) {
	burst, err := CompileBurstCheck("count(status == 200) == 1")
	if err != nil {
		t.Fatal(err)
	}
	step, err := CompileStepCheck("status == 200")
	if err != nil {
		t.Fatal(err)
	}
	be := NewBurstEnv(burstOf(200), nil, nil, 0)
	se := NewStepEnv(stepOf("{}"), nil, nil, 0)

	if got := burst.Eval(&be); !got.Pass {
		t.Errorf("burst check on *BurstEnv: %+v", got)
	}
	if got := step.Eval(&se); !got.Pass {
		t.Errorf("step check on *StepEnv: %+v", got)
	}
	wrong := []struct {
		c    *Check
		env  any
		seen string
	}{
		{burst, se, "burst check evaluated against expressions.StepEnv"},
		{step, be, "step check evaluated against expressions.BurstEnv"},
		{step, (*StepEnv)(nil), "step check evaluated against *expressions.StepEnv"},
		{burst, nil, "burst check evaluated against <nil>"},
	}
	for _, w := range wrong {
		got := w.c.Eval(w.env)
		if got.Pass || got.Err == nil || got.Seen != w.seen {
			t.Errorf("Eval(%T) = %+v, want a failure saying %q", w.env, got, w.seen)
		}
	}
}

func TestEvalConcurrently(t *testing.T) {
	c, err := CompileBurstCheck("count(status == 200) == 1")
	if err != nil {
		t.Fatal(err)
	}
	envs := []BurstEnv{
		NewBurstEnv(burstOf(200, 409), nil, nil, 0),
		NewBurstEnv(burstOf(200, 200), nil, nil, 1),
	}
	var wg sync.WaitGroup
	results := make([]Outcome, 16)
	for i := range results {
		wg.Go(func() { results[i] = c.Eval(envs[i%2]) })
	}
	wg.Wait()
	for i, got := range results {
		want := Outcome{Pass: true}
		if i%2 == 1 {
			want = Outcome{Seen: "count(status == 200) = 2, want == 1"}
		}
		if got != want {
			t.Errorf("eval %d: got %+v, want %+v", i, got, want)
		}
	}
}

func TestFormatValue(t *testing.T) {
	tests := []struct {
		v    any
		want string
	}{
		{nil, "nil"},
		{23, "23"},
		{float64(2400), "2400"},
		{-1.25, "-1.25"},
		{1e21, "1e+21"},
		{true, "true"},
		{"a\"b", `"a\"b"`},
		{map[string]any{"a": 1}, `{"a":1}`},
		{[]any{1, "x"}, `[1,"x"]`},
		{strings.Repeat("x", 100), `"` + strings.Repeat("x", 76) + "..."},
	}
	for _, tt := range tests {
		if got := formatValue(tt.v); got != tt.want {
			t.Errorf("formatValue(%#v) = %q, want %q", tt.v, got, tt.want)
		}
	}
}

func TestCheckReadsBody(t *testing.T) {
	for _, c := range []struct {
		src   string
		burst bool
		want  bool
	}{
		{"count(status == 200) == 1", true, false},
		{`count(body contains "ok") == 1`, true, true},
		{"all(responses, .json.ok == true)", true, true},
		{`responses[0].body != ""`, true, true},
		{"json.stock >= 0", false, true},
		{`body matches "paid"`, false, true},
		{"status == 200 && headers['X-A'] == '1'", false, false},
		{"vars.body == 1", false, false},
	} {
		compile := CompileStepCheck
		if c.burst {
			compile = CompileBurstCheck
		}
		chk, err := compile(c.src)
		if err != nil {
			t.Fatalf("%s: %v", c.src, err)
		}
		if got := chk.ReadsBody(); got != c.want {
			t.Errorf("%s: ReadsBody = %v, want %v", c.src, got, c.want)
		}
	}
}
