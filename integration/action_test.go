package integration

import (
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/goccy/go-yaml"

	"github.com/racetest/racetest/internal/demo"
)

// action is the part of action.yml's format (GitHub's metadata syntax for
// a composite action) that racetest's action uses. Decoding is strict, so
// a misspelt key fails here instead of being ignored by the runner.
type action struct {
	Name        string `yaml:"name"`
	Description string `yaml:"description"`
	Author      string `yaml:"author"`
	Branding    struct {
		Icon  string `yaml:"icon"`
		Color string `yaml:"color"`
	} `yaml:"branding"`
	Inputs map[string]struct {
		Description string `yaml:"description"`
		Required    bool   `yaml:"required"`
		Default     string `yaml:"default"`
	} `yaml:"inputs"`
	Outputs map[string]struct {
		Description string `yaml:"description"`
		Value       string `yaml:"value"`
	} `yaml:"outputs"`
	Runs struct {
		Using string       `yaml:"using"`
		Steps []actionStep `yaml:"steps"`
	} `yaml:"runs"`
}

type actionStep struct {
	Name  string            `yaml:"name"`
	ID    string            `yaml:"id"`
	If    string            `yaml:"if"`
	Uses  string            `yaml:"uses"`
	With  map[string]any    `yaml:"with"`
	Shell string            `yaml:"shell"`
	Env   map[string]string `yaml:"env"`
	Run   string            `yaml:"run"`
}

// expression matches a ${{ ... }} expression of the workflow syntax.
var expression = regexp.MustCompile(`\$\{\{\s*(.*?)\s*\}\}`)

func loadAction(t *testing.T, root string) action {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(root, "action.yml"))
	if err != nil {
		t.Fatal(err)
	}
	var a action
	if err := yaml.UnmarshalWithOptions(data, &a, yaml.Strict()); err != nil {
		t.Fatalf("action.yml: %v", err)
	}
	return a
}

// TestActionMetadata checks action.yml against the rules GitHub applies
// to a composite action when a workflow uses it, since GitHub itself is
// not reachable from the tests.
func TestActionMetadata(t *testing.T) {
	root := repoRoot(t)
	a := loadAction(t, root)
	if a.Name == "" || a.Description == "" {
		t.Error("action.yml needs name and description (the Marketplace requires both)")
	}
	if a.Runs.Using != "composite" {
		t.Errorf("runs.using = %q, want composite", a.Runs.Using)
	}
	for _, want := range []string{"files", "target", "version", "args", "junit", "html"} {
		if _, ok := a.Inputs[want]; !ok {
			t.Errorf("input %s is missing", want)
		}
	}
	for name, in := range a.Inputs {
		if in.Description == "" {
			t.Errorf("input %s has no description", name)
		}
	}
	used := map[string]bool{}
	ids := map[string]bool{}
	var uses []string
	for i, s := range a.Runs.Steps {
		where := fmt.Sprintf("step %d (%s)", i+1, s.Name+s.Uses)
		switch {
		case (s.Uses == "") == (s.Run == ""):
			t.Errorf("%s: a step has either uses or run", where)
		case s.Run != "" && s.Shell == "":
			t.Errorf("%s: a run step of a composite action needs shell", where)
		case s.Uses != "" && !regexp.MustCompile(`^[\w.-]+/[\w.-]+@v\d+$`).MatchString(s.Uses):
			t.Errorf("%s: uses %q, want owner/name@vN", where, s.Uses)
		}
		if s.Uses != "" {
			uses = append(uses, s.Uses[:strings.Index(s.Uses, "@")])
		}
		if s.ID != "" {
			ids[s.ID] = true
		}
		// Inputs reach a script through env, never pasted into its text,
		// where a value with quotes or $(...) would become shell code.
		if expression.MatchString(s.Run) {
			t.Errorf("%s: the script contains ${{ }}; pass the value through env", where)
		}
		text, _ := yaml.Marshal(s)
		for _, m := range regexp.MustCompile(`inputs\.([\w-]+)`).FindAllStringSubmatch(string(text), -1) {
			used[m[1]] = true
		}
	}
	for name := range a.Inputs {
		if !used[name] {
			t.Errorf("input %s is never used", name)
		}
	}
	for name := range used {
		if _, ok := a.Inputs[name]; !ok {
			t.Errorf("a step uses inputs.%s, which is not declared", name)
		}
	}
	for name, out := range a.Outputs {
		if m := regexp.MustCompile(`steps\.([\w-]+)\.outputs`).FindStringSubmatch(out.Value); m != nil && !ids[m[1]] {
			t.Errorf("output %s reads step %s, which has no such id", name, m[1])
		}
	}
	if want := []string{"actions/setup-go", "actions/upload-artifact"}; strings.Join(uses, " ") != strings.Join(want, " ") {
		t.Errorf("the action uses %v, want %v", uses, want)
	}
	module := goModule(t, root)
	install := step(t, a, "install racetest").Run
	if !strings.Contains(install, "go install \""+module+"/cmd/racetest@$VERSION\"") {
		t.Errorf("install racetest does not go install %s/cmd/racetest@$VERSION:\n%s", module, install)
	}
	if !strings.Contains(install, "-X "+module+"/cmd.Version=") {
		t.Errorf("install racetest does not stamp %s/cmd.Version", module)
	}
}

// TestActionSteps runs the action's own scripts as the runner would
// (bash -eo pipefail, env from the step's env: with the inputs filled in)
// against the demo target: the install step builds racetest from this
// tree, the run step gives racetest's exit code and writes both reports.
func TestActionSteps(t *testing.T) {
	if testing.Short() {
		t.Skip("builds racetest; skipped with -short")
	}
	root := repoRoot(t)
	a := loadAction(t, root)
	target, _, stop, err := demo.Start(demo.Config{Latency: 5 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(stop)
	runner := t.TempDir()
	pathFile := filepath.Join(runner, "path")
	base := map[string]string{"RUNNER_TEMP": runner, "GITHUB_PATH": pathFile}

	code, out := runStep(t, root, step(t, a, "install racetest"), base, map[string]string{
		"inputs.version": "", "github.action_path": root, "github.action_ref": "v0.0.0-test",
	}, a)
	if code != 0 {
		t.Fatalf("install racetest: exit %d\n%s", code, out)
	}
	if !strings.Contains(out, "racetest v0.0.0-test") {
		t.Errorf("install racetest printed %q, want the version stamped from the action's ref", out)
	}
	added, err := os.ReadFile(pathFile)
	if err != nil {
		t.Fatal(err)
	}
	base["PATH"] = strings.TrimSpace(string(added)) + string(os.PathListSeparator) + os.Getenv("PATH")

	cases := []struct {
		name, files, args string
		want, suites      int
	}{
		{"a race found", "examples/mission-reward-vulnerable.yaml\nexamples/mission-reward-fixed.yaml", "--rounds 1", 1, 2},
		{"all held", "examples/mission-reward-fixed.yaml", "--rounds 1 --var user=action", 0, 1},
		{"glob expanded by racetest", "examples/mission-reward-*.yaml", "--rounds 1", 1, 2},
		{"usage error", "examples/mission-reward-fixed.yaml", "--rounds 1 --no-such-flag", 2, 0},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			dir := t.TempDir()
			output := filepath.Join(dir, "output")
			junit, html := filepath.Join(dir, "r.xml"), filepath.Join(dir, "r.html")
			env := map[string]string{"GITHUB_OUTPUT": output}
			for k, v := range base {
				env[k] = v
			}
			code, out := runStep(t, root, step(t, a, "racetest run"), env, map[string]string{
				"inputs.files": c.files, "inputs.target": target, "inputs.args": c.args,
				"inputs.junit": junit, "inputs.html": html,
			}, a)
			if code != c.want {
				t.Fatalf("exit %d, want %d\n%s", code, c.want, out)
			}
			if got, _ := os.ReadFile(output); string(got) != fmt.Sprintf("exit-code=%d\n", c.want) {
				t.Errorf("GITHUB_OUTPUT = %q, want exit-code=%d", got, c.want)
			}
			if c.suites == 0 {
				return
			}
			var suites struct {
				Failures int `xml:"failures,attr"`
				Suites   []struct {
					Name string `xml:"name,attr"`
				} `xml:"testsuite"`
			}
			data, err := os.ReadFile(junit)
			if err != nil {
				t.Fatal(err)
			}
			if err := xml.Unmarshal(data, &suites); err != nil {
				t.Fatalf("%s: %v", junit, err)
			}
			if len(suites.Suites) != c.suites || (suites.Failures > 0) != (c.want == 1) {
				t.Errorf("JUnit: %d suites, %d failures; want %d suites, failures only for exit 1", len(suites.Suites), suites.Failures, c.suites)
			}
			if page, err := os.ReadFile(html); err != nil || !bytes.Contains(page, []byte("<svg")) {
				t.Errorf("HTML report: %v (%d bytes, want a page with its timeline)", err, len(page))
			}
		})
	}
}

func step(t *testing.T, a action, name string) actionStep {
	t.Helper()
	for _, s := range a.Runs.Steps {
		if s.Name == name {
			return s
		}
	}
	t.Fatalf("action.yml has no step named %q", name)
	return actionStep{}
}

// runStep runs a step's script with bash -eo pipefail, as GitHub runs a
// shell: bash step, in dir, with env plus the step's env: whose ${{ }}
// expressions are looked up in values. An expression not in values (or
// the action's input defaults) fails the test: the action must stay
// within what this test can check.
func runStep(t *testing.T, dir string, s actionStep, env, values map[string]string, a action) (int, string) {
	t.Helper()
	if s.Shell != "bash" {
		t.Fatalf("step %s: shell %q, want bash", s.Name, s.Shell)
	}
	cmd := exec.Command("bash", "--noprofile", "--norc", "-eo", "pipefail", "-c", s.Run)
	cmd.Dir = dir
	cmd.Env = os.Environ()
	for k, v := range env {
		cmd.Env = append(cmd.Env, k+"="+v)
	}
	for k, v := range s.Env {
		v = expression.ReplaceAllStringFunc(v, func(e string) string {
			key := expression.FindStringSubmatch(e)[1]
			if got, ok := values[key]; ok {
				return got
			}
			if in, ok := a.Inputs[strings.TrimPrefix(key, "inputs.")]; ok && strings.HasPrefix(key, "inputs.") {
				return in.Default
			}
			t.Fatalf("step %s: env %s uses %s, which the test does not provide", s.Name, k, e)
			return ""
		})
		cmd.Env = append(cmd.Env, k+"="+v)
	}
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	err := cmd.Run()
	var exit *exec.ExitError
	if errors.As(err, &exit) {
		return exit.ExitCode(), out.String()
	}
	if err != nil {
		t.Fatalf("step %s: %v", s.Name, err)
	}
	return 0, out.String()
}

func repoRoot(t *testing.T) string {
	t.Helper()
	root, err := filepath.Abs("..")
	if err != nil {
		t.Fatal(err)
	}
	return root
}

func goModule(t *testing.T, root string) string {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(root, "go.mod"))
	if err != nil {
		t.Fatal(err)
	}
	// The module line is "module PATH"; the go command allows nothing before it but comments.
	m := regexp.MustCompile(`(?m)^module\s+(\S+)`).FindSubmatch(data)
	if m == nil {
		t.Fatal("go.mod names no module")
	}
	return string(m[1])
}
