package cmd

import (
	"context"
	"flag"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/rogpeppe/go-internal/testscript"

	"github.com/racetest/racetest/internal/demo"
)

var update = flag.Bool("update", false, "rewrite the files that cmp compares with in testdata/script")

// TestMain lets the scripts run racetest as a real process: the test
// binary, called as racetest, runs Execute with the process edge.
func TestMain(m *testing.M) {
	testscript.Main(m, map[string]func(){"racetest": racetestMain})
}

// racetestMain is racetest's main, which also leaves its exit code in
// $WORK/.status for the status command of the scripts.
func racetestMain() {
	code := Execute(context.Background(), NewSystemApp(), os.Args[1:])
	if w := os.Getenv("WORK"); w != "" {
		_ = os.WriteFile(filepath.Join(w, ".status"), []byte(strconv.Itoa(code)), 0o644)
	}
	os.Exit(code)
}

// TestScripts pins the CLI contract end to end: the scripts under
// testdata/script run racetest against a demo target of their own, whose
// URL is in $TARGET; $EXAMPLES is the examples directory. Besides the
// standard commands they have:
//
//	status N   the exit code of the last racetest was N
func TestScripts(t *testing.T) {
	examples, err := filepath.Abs("../examples")
	if err != nil {
		t.Fatal(err)
	}
	testscript.Run(t, testscript.Params{
		Dir: "testdata/script",
		Setup: func(env *testscript.Env) error {
			// A long storage latency keeps the race window wide even when
			// the race detector slows the client down.
			srv := httptest.NewServer(demo.NewServer(demo.Config{Latency: 100 * time.Millisecond, Seed: scriptSeed}).Handler())
			env.Defer(srv.Close)
			env.Setenv("TARGET", srv.URL)
			env.Setenv("EXAMPLES", examples)
			return nil
		},
		Cmds:          map[string]func(ts *testscript.TestScript, neg bool, args []string){"status": statusCmd},
		UpdateScripts: *update,
	})
}

// scriptSeed seeds the demo's coin, so that the scripts see the same
// tosses every run: confidence.txtar pins in which round a race that a
// burst catches half the time is found.
const scriptSeed = 3

// statusCmd checks the exit code of the last racetest command.
func statusCmd(ts *testscript.TestScript, neg bool, args []string) {
	if len(args) != 1 {
		ts.Fatalf("usage: status N")
	}
	got := strings.TrimSpace(ts.ReadFile(".status"))
	if (got == args[0]) == neg {
		ts.Fatalf("racetest exited %s, want %s", got, args[0])
	}
}
