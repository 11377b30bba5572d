package integration

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// djangoProbe is one endpoint of the Django example that racetest probe
// must judge with no check written: race says whether it must find one.
type djangoProbe struct {
	name string
	args []string // after the common flags; the URL path last
	race bool
}

// djangoProbes are the vulnerable views and their fixes. The state is
// read back from the account and the product; the mission's from /me.
func djangoProbes() []djangoProbe {
	mission := func(variant string, race bool) djangoProbe {
		return djangoProbe{"mission-" + variant, []string{"-H", "Authorization: Bearer u1", "--json", `{"type":"investment_complete"}`,
			"--after", "/me", "/missions/" + variant + "/complete"}, race}
	}
	bank := func(op, variant string, amount string, race bool) djangoProbe {
		return djangoProbe{op + "-" + variant, []string{"--json", `{"amount":` + amount + `}`, "--after", "/accounts/a",
			"/accounts/a/" + op + "/" + variant}, race}
	}
	buy := func(variant string, race bool) djangoProbe {
		return djangoProbe{"buy-" + variant, []string{"--json", `{"quantity":1}`, "--after", "/products/1", "/products/1/buy/" + variant}, race}
	}
	return []djangoProbe{
		mission("naive", true), mission("atomic", true),
		mission("select-for-update", false), mission("unique", false), mission("redis-lock", false), mission("redis-sadd", false),
		bank("deposit", "naive", "10", true), bank("deposit", "f-expression", "10", false), bank("deposit", "select-for-update", "10", false),
		bank("withdraw", "naive", "100", true), bank("withdraw", "f-expression", "100", false), bank("withdraw", "select-for-update", "100", false),
		buy("naive", true), buy("select-for-update", false),
	}
}

// probeDjango runs racetest probe on every view of djangoProbes against
// the running example, then on scenario files of the example. Each probe
// takes one to three seconds: 30 requests twice in a row, then up to 5
// bursts (a vulnerable view stops at the first that finds the race).
func probeDjango(t *testing.T, bin, root, url string) {
	for _, p := range djangoProbes() {
		t.Run(p.name, func(t *testing.T) {
			args := append([]string{"probe", "-n", "30", "--rounds", "5", "--until-found", "-X", "POST", "--reset", "/reset"}, p.args[:len(p.args)-1]...)
			args = append(args, url+p.args[len(p.args)-1])
			code, out := run(t, time.Minute, bin, args...)
			if want := probeWant(p.race); code != want {
				t.Errorf("racetest %s: exit %d, want %d (%s)\n%s", strings.Join(args, " "), code, want, probeVerdict(p.race), out)
			}
		})
	}
	scenarios := filepath.Join(root, "examples", "django", "scenarios")
	t.Run("scenario-files", func(t *testing.T) {
		emit := filepath.Join(t.TempDir(), "mission.yaml")
		code, out := run(t, time.Minute, bin, "probe", "--target", url, "--rounds", "5", "--until-found", "--emit", emit, filepath.Join(scenarios, "mission-naive.yaml"))
		if code != 1 {
			t.Fatalf("racetest probe mission-naive.yaml: exit %d, want 1 (%s)\n%s", code, probeVerdict(true), out)
		}
		data, err := os.ReadFile(emit)
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(string(data), "json.points == 100") {
			t.Errorf("--emit wrote no check on the points read back:\n%s", data)
		}
		if code, out := run(t, time.Minute, bin, "run", "--target", url, "--rounds", "2", emit); code != 0 && code != 1 {
			t.Errorf("racetest run on the file probe wrote: exit %d, want a verdict (0 or 1)\n%s\n%s", code, out, data)
		}
		if code, out := run(t, time.Minute, bin, "probe", "--target", url, "--rounds", "5", filepath.Join(scenarios, "mission-select-for-update.yaml")); code != 0 {
			t.Errorf("racetest probe mission-select-for-update.yaml: exit %d, want 0 (%s)\n%s", code, probeVerdict(false), out)
		}
		// A mixed race has many sequential orders: probe refuses it.
		code, out = run(t, time.Minute, bin, "probe", "--target", url, filepath.Join(scenarios, "bank-naive.yaml"))
		if code != 2 || !strings.Contains(out, "bank-naive.yaml:") || !strings.Contains(out, "race.requests[1]") {
			t.Errorf("racetest probe bank-naive.yaml: exit %d, want 2 naming the file, line and race.requests[1]\n%s", code, out)
		}
	})
}

func probeWant(race bool) int {
	if race {
		return 1
	}
	return 0
}

func probeVerdict(race bool) string {
	if race {
		return "the view is vulnerable: probe must find the race with no check written"
	}
	return "the view is fixed: probe must find no race"
}
