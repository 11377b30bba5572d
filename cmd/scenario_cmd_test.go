package cmd

import (
	"context"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/racetest/racetest/confidence"
	"github.com/racetest/racetest/runner"
)

func TestRunFlagParsing(t *testing.T) {
	app, _, _ := testApp("")
	var got *RunOptions
	cmd := newCmdRun(app, func(_ context.Context, o *RunOptions) error { got = o; return nil })
	cmd.SetArgs([]string{"--target", "http://h:1", "--var", "a=1", "--var", "b=x", "--rounds", "5",
		"--mode", "barrier", "--hold", "last-byte", "--warmup", "2", "--timeout", "3s", "--h2c",
		"-k", "-o", "json", "--show-secrets", "-v", "a.yaml", "b/*.yaml"})
	if err := cmd.Execute(); err != nil {
		t.Fatal(err)
	}
	want := &RunOptions{App: app, Files: []string{"a.yaml", "b/*.yaml"}, Target: "http://h:1",
		Vars:          []string{"a=1", "b=x"},
		RoundsOptions: RoundsOptions{Rounds: 5, MinRate: confidence.DefaultMinRate, MaxRounds: defaultMaxRounds},
		SendOptions: SendOptions{
			Mode: "barrier", Hold: "last-byte", Warmup: 2, Timeout: 3 * time.Second, H2C: true, Insecure: true,
			Arrival: runner.DefaultArrivalHeader,
		},
		OutputOptions: OutputOptions{Output: "json", Color: "auto", ShowSecrets: true, Verbose: true}}
	got.flags = nil // which flags were given is checked in TestRoundsFlags
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got  %+v\nwant %+v", got, want)
	}
}

func TestValidateArgs(t *testing.T) {
	app, _, _ := testApp("")
	var got *ValidateOptions
	cmd := newCmdValidate(app, func(_ context.Context, o *ValidateOptions) error { got = o; return nil })
	cmd.SetArgs([]string{"x.yaml", "y.yaml"})
	if err := cmd.Execute(); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got.Files, []string{"x.yaml", "y.yaml"}) {
		t.Errorf("files %v", got.Files)
	}
}

func TestExpandFiles(t *testing.T) {
	dir := t.TempDir()
	for _, n := range []string{"a.yaml", "b.yaml", "c.txt"} {
		if err := os.WriteFile(filepath.Join(dir, n), nil, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	a, b := filepath.Join(dir, "a.yaml"), filepath.Join(dir, "b.yaml")
	got, err := expandFiles([]string{b, filepath.Join(dir, "*.yaml"), "missing.yaml"})
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{b, a, "missing.yaml"}; !reflect.DeepEqual(got, want) {
		t.Errorf("got %v, want %v", got, want)
	}
	if _, err := expandFiles([]string{filepath.Join(dir, "*.json")}); err == nil || exitCode(err) != ExitUsage {
		t.Errorf("a glob matching nothing gave %v", err)
	}
}

func TestRunTargetFromEnvironment(t *testing.T) {
	app, _, _ := testApp("")
	app.Getenv = func(k string) string {
		if k == "RACETEST_TARGET" {
			return "http://from-env:1"
		}
		return ""
	}
	o := &RunOptions{App: app}
	if got, err := o.target(); err != nil || got != "http://from-env:1" {
		t.Errorf("target %q, %v", got, err)
	}
	o.Target = "http://flag:2"
	if got, _ := o.target(); got != "http://flag:2" {
		t.Errorf("--target lost to the environment: %q", got)
	}
	app.Getenv = func(string) string { return "nope" }
	o.Target = ""
	if _, err := o.target(); err == nil || !strings.Contains(err.Error(), "RACETEST_TARGET") {
		t.Errorf("bad RACETEST_TARGET gave %v", err)
	}
}

func TestRunScenarioBehaviour(t *testing.T) {
	base := demoTarget(t)
	app, out, errb := testApp("")
	o := &RunOptions{App: app, Files: []string{"../examples/stock-vulnerable.yaml"}, Target: base, RoundsOptions: RoundsOptions{Rounds: 1}, OutputOptions: OutputOptions{Output: "text", Color: "auto"}}
	err := runFiles(context.Background(), o)
	if exitCode(err) != ExitCheckFailed {
		t.Fatalf("exit %d (%v)\n%s%s", exitCode(err), err, out, errb)
	}
	for _, s := range []string{"stock is never oversold (vulnerable) (../examples/stock-vulnerable.yaml)",
		"FAIL  json.stock >= 0", "race found: a check failed in 1 of 1 rounds"} {
		if !strings.Contains(out.String(), s) {
			t.Errorf("report lacks %q:\n%s", s, out)
		}
	}
}
