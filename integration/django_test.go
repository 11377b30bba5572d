package integration

import (
	"bytes"
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"
)

// djangoWant is the exit code racetest run must give each scenario of
// examples/django/scenarios: 1 (a race found) for the vulnerable views, 0
// for the fixed ones. A scenario file missing here fails the test, so a
// new one cannot go unchecked.
var djangoWant = map[string]int{
	"mission-naive.yaml":             1,
	"mission-atomic.yaml":            1,
	"mission-select-for-update.yaml": 0,
	"mission-unique.yaml":            0,
	"mission-redis-lock.yaml":        0,
	"mission-redis-sadd.yaml":        0,
	"bank-naive.yaml":                1,
	"bank-f-expression.yaml":         0,
	"bank-select-for-update.yaml":    0,
	"buy-naive.yaml":                 1,
	"buy-select-for-update.yaml":     0,
	"product-update-naive.yaml":      1,
	"product-update-redis-lock.yaml": 0,
}

// TestDjangoScenarios starts the Django example with its own PostgreSQL
// and Redis (examples/django/run.sh, which installs the Debian packages
// it needs) and runs every scenario of the example against it with the
// racetest binary built from this tree, then racetest probe on every view
// (django_probe_test.go).
func TestDjangoScenarios(t *testing.T) {
	if os.Getenv("RACETEST_DJANGO") != "1" {
		t.Skip("set RACETEST_DJANGO=1 to run the Django, PostgreSQL and Redis example (examples/django)")
	}
	root := repoRoot(t)
	files, err := filepath.Glob(filepath.Join(root, "examples", "django", "scenarios", "*.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	checkScenarioList(t, files)
	bin := buildRacetest(t, root)
	url := startDjango(t, filepath.Join(root, "examples", "django", "run.sh"))

	for _, file := range files {
		name := filepath.Base(file)
		want, ok := djangoWant[name]
		if !ok {
			continue // reported by checkScenarioList
		}
		t.Run(strings.TrimSuffix(name, ".yaml"), func(t *testing.T) {
			code, out := run(t, 2*time.Minute, bin, "run", "--target", url, file)
			if code != want {
				t.Errorf("racetest run %s: exit %d, want %d (%s)\n%s", name, code, want, verdict(want), out)
			}
		})
	}
	// On the same service, so that it starts once.
	t.Run("probe", func(t *testing.T) { probeDjango(t, bin, root, url) })
}

// verdict says what an expected exit code means for the scenario.
func verdict(code int) string {
	if code == 1 {
		return "the view is vulnerable: the race must be found"
	}
	return "the view is fixed: every check must hold"
}

// checkScenarioList fails the test when the files and djangoWant disagree.
func checkScenarioList(t *testing.T, files []string) {
	t.Helper()
	seen := map[string]bool{}
	for _, f := range files {
		name := filepath.Base(f)
		seen[name] = true
		if _, ok := djangoWant[name]; !ok {
			t.Errorf("scenario %s has no expected exit code: add it to djangoWant", name)
		}
	}
	var missing []string
	for name := range djangoWant {
		if !seen[name] {
			missing = append(missing, name)
		}
	}
	sort.Strings(missing)
	for _, name := range missing {
		t.Errorf("djangoWant lists %s, which is not in examples/django/scenarios", name)
	}
}

func buildRacetest(t *testing.T, root string) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "racetest")
	cmd := exec.Command("go", "build", "-o", bin, "./cmd/racetest")
	cmd.Dir = root
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build ./cmd/racetest: %v\n%s", err, out)
	}
	return bin
}

// startDjango runs run.sh start in a fresh state directory on a free port
// and returns the base URL; run.sh stop is registered as cleanup, so that
// everything started is stopped even when the test fails.
func startDjango(t *testing.T, script string) string {
	t.Helper()
	// Not t.TempDir: its parent is private to this user, and PostgreSQL
	// runs as the user postgres when the test runs as root.
	dir, err := os.MkdirTemp("", "racetest-django-")
	if err != nil {
		t.Fatal(err)
	}
	env := []string{"RACETEST_DJANGO_DIR=" + dir, "RACETEST_DJANGO_PORT=auto"}
	t.Cleanup(func() {
		if code, out := runEnv(t, time.Minute, env, "bash", script, "stop"); code != 0 {
			t.Errorf("run.sh stop: exit %d\n%s", code, out)
		}
		os.RemoveAll(dir)
	})
	start := time.Now()
	// Generous: the first start on a fresh machine installs packages.
	code, out := runEnv(t, 10*time.Minute, env, "bash", script, "start")
	if code != 0 {
		t.Fatalf("run.sh start: exit %d\n%s", code, out)
	}
	url := ""
	if fields := strings.Fields(out); len(fields) > 0 {
		url = fields[len(fields)-1]
	}
	if !strings.HasPrefix(url, "http://127.0.0.1:") {
		t.Fatalf("run.sh start printed %q, want the base URL last\n%s", url, out)
	}
	t.Logf("Django example at %s, started in %v", url, time.Since(start).Round(100*time.Millisecond))
	return url
}

func run(t *testing.T, timeout time.Duration, name string, args ...string) (int, string) {
	return runEnv(t, timeout, nil, name, args...)
}

// runEnv runs a command with extra environment and returns its exit code
// and combined output; a command that cannot be run fails the test.
func runEnv(t *testing.T, timeout time.Duration, env []string, name string, args ...string) (int, string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, name, args...)
	cmd.Env = append(os.Environ(), env...)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	// The daemons run.sh starts detach from its output; should one not,
	// Wait must not hang on the pipe it inherited.
	cmd.WaitDelay = 5 * time.Second
	err := cmd.Run()
	var exit *exec.ExitError
	switch {
	case err == nil:
		return 0, out.String()
	case ctx.Err() != nil:
		t.Fatalf("%s %s: timed out after %v\n%s", name, strings.Join(args, " "), timeout, out.String())
	case errors.As(err, &exit):
		return exit.ExitCode(), out.String()
	default:
		t.Fatalf("%s %s: %v", name, strings.Join(args, " "), err)
	}
	return 0, ""
}
