package cmd

import (
	"bytes"
	"context"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/racetest/racetest/internal/demo"
)

// testApp is an App on buffers, not a terminal.
func testApp(stdin string) (*App, *bytes.Buffer, *bytes.Buffer) {
	var out, errb bytes.Buffer
	return &App{
		Stdin: strings.NewReader(stdin), Stdout: &out, Stderr: &errb,
		Getenv: func(string) string { return "" },
	}, &out, &errb
}

// run executes racetest with args and returns exit code, stdout and stderr.
func run(t *testing.T, ctx context.Context, args ...string) (int, string, string) {
	t.Helper()
	app, out, errb := testApp("")
	code := Execute(ctx, app, args)
	return code, out.String(), errb.String()
}

// demoTarget serves a fresh demo target on loopback for one test.
func demoTarget(t *testing.T) string {
	t.Helper()
	// A long storage latency keeps the race window wide even when the race
	// detector slows the client down.
	srv := httptest.NewServer(demo.NewServer(demo.Config{Latency: 100 * time.Millisecond}).Handler())
	t.Cleanup(srv.Close)
	return srv.URL
}

// closedAddr is a loopback address with nothing listening.
func closedAddr(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	return addr
}

func mission(base, variant string) []string {
	return []string{"fire", "--n", "30", "-X", "POST", "-H", "Authorization: Bearer u1",
		"--json", `{"type":"investment_complete"}`, "--expect-status", "200=1",
		base + "/missions/" + variant + "/complete"}
}

func TestFireFindsTheRaceAndPassesTheFix(t *testing.T) {
	base := demoTarget(t)
	code, out, errOut := run(t, context.Background(), mission(base, "naive")...)
	if code != 1 {
		t.Fatalf("naive: exit %d, want 1\n%s%s", code, out, errOut)
	}
	if !strings.Contains(out, "FAIL  count(status == 200) == 1") || !strings.Contains(out, "want == 1") {
		t.Errorf("naive report lacks the failed check:\n%s", out)
	}
	for _, v := range []string{"locked", "unique", "setadd"} {
		code, out, errOut = run(t, context.Background(), mission(base, v)...)
		if code != 0 {
			t.Errorf("%s: exit %d, want 0\n%s%s", v, code, out, errOut)
		}
	}
	if strings.Contains(out, "Bearer u1") {
		t.Error("the report shows the Authorization value")
	}
}

func TestFireExitCodes(t *testing.T) {
	base := demoTarget(t)
	h1 := httptest.NewServer(http.NotFoundHandler()) // HTTP/1.1 only
	defer h1.Close()
	cancelled, cancel := context.WithCancel(context.Background())
	cancel()
	cases := []struct {
		name    string
		ctx     context.Context
		args    []string
		code    int
		stderrs []string
	}{
		{"typo in expect", nil, []string{"fire", "--expect", "count(staus == 200) == 1", base},
			2, []string{"--expect: unknown name staus at column 7", "count(staus == 200) == 1\n        ^"}},
		{"closed port", nil, []string{"fire", "-n", "3", "http://" + closedAddr(t) + "/"},
			3, []string{"target unreachable", "connection refused", "127.0.0.1:"}},
		{"unknown flag", nil, []string{"fire", "--nope", base}, 2, []string{"unknown flag: --nope\n", "racetest fire --help"}},
		{"curl left in", nil, []string{"fire", "curl", base}, 2, []string{"racetest fire takes the URL, not a curl command: replace curl with racetest fire, or save the command to a file and give --curl FILE"}},
		{"misspelt flag", nil, []string{"fire", "--rouds", "3", base}, 2, []string{"unknown flag: --rouds; did you mean --rounds?\n"}},
		{"no URL", nil, []string{"fire"}, 2, []string{"needs the URL to send to, or the request from --curl, --raw or --har"}},
		{"bad URL", nil, []string{"fire", "127.0.0.1:8080/x"}, 2, []string{"must start with http:// or https://"}},
		{"bad n", nil, []string{"fire", "-n", "0", base}, 2, []string{"--n 0: the burst needs at least one request"}},
		{"bad header", nil, []string{"fire", "-H", "NoColon", base}, 2, []string{`--header "NoColon": a header is written 'Name: value'`}},
		{"missing file", nil, []string{"fire", "-d", "@/nonexistent/body", base}, 2, []string{"--data @/nonexistent/body: cannot read the file"}},
		{"bad json", nil, []string{"fire", "--json", "{nope", base}, 2, []string{"--json: the body is not valid JSON"}},
		{"bad expect-status", nil, []string{"fire", "--expect-status", "200", base}, 2, []string{"write STATUS=COUNT"}},
		{"bad mode", nil, []string{"fire", "--mode", "fast", base}, 2, []string{`--mode "fast": choose one of auto,`}},
		{"bad duration", nil, []string{"fire", "--timeout", "soon", base}, 2, []string{`--timeout "soon": not a duration; write it like 500ms, 10s or 1m`}},
		{"no HTTP/2", nil, []string{"fire", "-n", "2", "--mode", "single-packet", h1.URL},
			4, []string{"single-packet mode unavailable", "does not speak h2c", "use --mode last-byte"}},
		{"bad hold", nil, []string{"fire", "--hold", "all", base}, 2, []string{`--hold "all": choose one of auto, headers, last-byte`}},
		{"negative connections", nil, []string{"fire", "--connections", "-2", base}, 2, []string{"--connections -2: cannot be negative"}},
		{"connections with last-byte", nil, []string{"fire", "--connections", "2", "--mode", "last-byte", base}, 2, []string{"--connections 2: only single-packet shares connections"}},
		{"demo bad n", nil, []string{"demo", "--n", "0"}, 2, []string{"--n 0: the demo fires 1 to 1000 requests"}},
		{"demo bad mode", nil, []string{"demo", "--mode", "fast"}, 2, []string{`--mode "fast": choose one of`}},
		{"demo negative latency", nil, []string{"demo", "--latency", "-1s"}, 2, []string{"--latency -1s: cannot be negative"}},
		{"demo serve bad addr", nil, []string{"demo", "serve", "--addr", "bad"}, 2, []string{"--addr bad:", "give HOST:PORT on loopback"}},
		{"demo serve port in use", nil, []string{"demo", "serve", "--addr", h1.Listener.Addr().String()},
			2, []string{"--addr " + h1.Listener.Addr().String() + ": the port is in use", "(127.0.0.1:0 picks a free one)"}},
		{"demo serve TLS port in use", nil, []string{"demo", "serve", "--addr", "127.0.0.1:0", "--tls-addr", h1.Listener.Addr().String()},
			2, []string{"--tls-addr " + h1.Listener.Addr().String() + ": the port is in use"}},
		{"interrupted", cancelled, []string{"fire", "-n", "2", base + "/healthz"}, 130, []string{"interrupted"}},
		{"passes", nil, []string{"fire", "-n", "5", "--expect", "all(responses, .status == 200)", base + "/healthz"}, 0, nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			ctx := c.ctx
			if ctx == nil {
				ctx = context.Background()
			}
			code, out, errOut := run(t, ctx, c.args...)
			if code != c.code {
				t.Fatalf("exit %d, want %d\nstdout:\n%s\nstderr:\n%s", code, c.code, out, errOut)
			}
			for _, s := range c.stderrs {
				if !strings.Contains(errOut, s) {
					t.Errorf("stderr lacks %q:\n%s", s, errOut)
				}
			}
			if c.code == 2 && strings.Contains(errOut, "demo target:") {
				t.Errorf("a usage error announced a demo target:\n%s", errOut)
			}
			if c.code == 2 && out != "" {
				t.Errorf("a usage error printed a report or started something:\n%s", out)
			}
		})
	}
}

func TestFireFlagParsing(t *testing.T) {
	app, _, _ := testApp(`{"from":"stdin"}`)
	var got *FireOptions
	cmd := newCmdFire(app, func(_ context.Context, o *FireOptions) error { got = o; return nil })
	cmd.SetArgs([]string{"-n", "7", "--rounds", "3", "-X", "put", "-H", "A: 1", "-H", "B: 2",
		"--json", "@-", "--expect", "x", "--expect-status", "200=1", "-k", "--mode", "barrier", "--connections", "4", "http://h/p"})
	if err := cmd.Execute(); err != nil {
		t.Fatal(err)
	}
	if got.N != 7 || got.Rounds != 3 || got.Method != "put" || len(got.Headers) != 2 || got.JSON != "@-" ||
		!got.Insecure || got.Mode != "barrier" || got.URL != "http://h/p" || got.Expect[0] != "x" || got.sync().Connections != 4 {
		t.Fatalf("options: %+v", got)
	}
	req, err := got.request(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if req.Method != "PUT" || string(req.Body) != `{"from":"stdin"}` || req.Header.Get("Content-Type") != "application/json" ||
		req.Header.Get("B") != "2" {
		t.Errorf("request: %+v body %q", req, req.Body)
	}
}

func TestFireJSONOutput(t *testing.T) {
	base := demoTarget(t)
	code, out, errOut := run(t, context.Background(), "fire", "-n", "4", "-o", "json",
		"-H", "Authorization: Bearer sekrit", base+"/healthz")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	for _, s := range []string{`"schema": "racetest.report/v1"`, `"release_spread_ns"`, `"status": 200`, `"index": 3`} {
		if !strings.Contains(out, s) {
			t.Errorf("JSON lacks %s", s)
		}
	}
	if strings.Contains(out, "sekrit") {
		t.Error("JSON shows the Authorization value")
	}
}

func TestVersion(t *testing.T) {
	for _, args := range [][]string{{"version"}, {"--version"}} {
		code, out, _ := run(t, context.Background(), args...)
		if code != 0 || !strings.HasPrefix(out, "racetest ") {
			t.Errorf("%v: exit %d out %q", args, code, out)
		}
	}
}

func TestDemo(t *testing.T) {
	code, out, errOut := run(t, context.Background(), "demo", "--n", "20", "--latency", "100ms")
	if code != 0 {
		t.Fatalf("exit %d\n%s%s", code, out, errOut)
	}
	for _, s := range []string{"found: the vulnerable endpoint paid the reward", "fixed: the locked endpoint paid it once; its check held", "race found", "passed"} {
		if !strings.Contains(out, s) {
			t.Errorf("demo output lacks %q:\n%s", s, out)
		}
	}
}
