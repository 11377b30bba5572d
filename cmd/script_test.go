package cmd

import (
	"context"
	"flag"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/rogpeppe/go-internal/testscript"

	"github.com/racetest/racetest/internal/demo"
	"github.com/racetest/racetest/report"
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
// URL is in $TARGET; $EXAMPLES is the examples directory, $CAPTURE that
// of the captured requests (testdata/capture). Besides the
// standard commands they have:
//
//	status N          the exit code of the last racetest was N
//	retarget FILE...  point requests captured on 127.0.0.1:8080 at $TARGET
//	sameverdict A.json B.json
//	                  two saved results have the same exit code and the
//	                  same scenarios, each with the same verdict (race
//	                  found, passed, errored), in any order
func TestScripts(t *testing.T) {
	examples, err := filepath.Abs("../examples")
	if err != nil {
		t.Fatal(err)
	}
	captured, err := filepath.Abs("testdata/capture")
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
			env.Setenv("CAPTURE", captured)
			return nil
		},
		Cmds: map[string]func(ts *testscript.TestScript, neg bool, args []string){
			"status": statusCmd, "retarget": retargetCmd, "sameverdict": sameVerdictCmd,
		},
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
	// racetestMain leaves it in $WORK, whichever folder the script is in.
	got := strings.TrimSpace(ts.ReadFile(filepath.Join(ts.Getenv("WORK"), ".status")))
	if (got == args[0]) == neg {
		ts.Fatalf("racetest exited %s, want %s", got, args[0])
	}
}

// sameVerdictCmd compares two saved results by what a CI gate reads from
// them: the exit code and each scenario's verdict. Rounds and timings may
// differ between two runs of the same files; verdicts must not.
func sameVerdictCmd(ts *testscript.TestScript, neg bool, args []string) {
	if len(args) != 2 {
		ts.Fatalf("usage: sameverdict A.json B.json")
	}
	verdicts := func(file string) (string, []string) {
		doc, err := report.ReadJSON(strings.NewReader(ts.ReadFile(file)))
		ts.Check(err)
		var out []string
		for i := range doc.Runs {
			r := &doc.Runs[i]
			v := "passed"
			switch {
			case r.Error != "":
				v = "error"
			case r.FailedRounds() > 0:
				v = "race found"
			}
			out = append(out, filepath.Base(r.File)+" "+r.Name+": "+v)
		}
		slices.Sort(out)
		code := "none"
		if doc.ExitCode != nil {
			code = strconv.Itoa(*doc.ExitCode)
		}
		return code, out
	}
	ca, va := verdicts(args[0])
	cb, vb := verdicts(args[1])
	same := ca == cb && slices.Equal(va, vb)
	if same == neg {
		ts.Fatalf("%s: exit code %s, verdicts\n  %s\n%s: exit code %s, verdicts\n  %s", args[0], ca, strings.Join(va, "\n  "), args[1], cb, strings.Join(vb, "\n  "))
	}
}

// retargetCmd points captured requests (copied as sent to a site on
// 127.0.0.1:8080) at the script's demo target: it rewrites that host in
// the files given, leaving the rest of each byte for byte.
func retargetCmd(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) == 0 {
		ts.Fatalf("usage: retarget FILE...")
	}
	host := strings.TrimPrefix(ts.Getenv("TARGET"), "http://")
	for _, f := range args {
		data := ts.ReadFile(f)
		ts.Check(os.WriteFile(ts.MkAbs(f), []byte(strings.ReplaceAll(data, "127.0.0.1:8080", host)), 0o644))
	}
}
