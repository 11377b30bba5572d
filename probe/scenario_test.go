package probe

import (
	"bytes"
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/racetest/racetest/scenarios"
)

// missionScenario is a scenario file for the mission of the demo target:
// a var for the user, a setup that resets and captures the points, the
// race, and an after step that reads the points back. Its race and after
// step have no checks: probe writes them.
func missionScenario(variant string) string {
	return `# the mission, as a user would write it before knowing the checks
version: 1
vars:
  user: u7
setup:
  - request: {method: POST, url: /reset}
  - name: points before
    request:
      url: /missions/` + variant + `/me
      headers: {Authorization: "Bearer {{ vars.user }}"}
    capture:
      before: json.points
race:
  n: 8
  request:
    method: POST
    url: /missions/` + variant + `/complete
    headers:
      Authorization: "Bearer {{ vars.user }}"
      X-Before: "{{ vars.before }}"
    json: {type: investment_complete}
after:
  - name: points after
    request:
      url: /missions/` + variant + `/me
      headers: {Authorization: "Bearer {{ vars.user }}"}
`
}

func parse(t *testing.T, text string) *scenarios.Scenario {
	t.Helper()
	s, err := scenarios.Parse("mission.yaml", []byte(text))
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// TestProbeScenario: a scenario file is probed like the flags: its setup
// is the reset, its after steps the reads, its vars and captures reach
// the requests; the naive mission is found, the locked one not, and
// --emit writes the file back with the checks added.
func TestProbeScenario(t *testing.T) {
	target := demoTarget(t)
	for _, c := range []struct {
		variant string
		want    Outcome
	}{{"naive", RaceFound}, {"locked", NoRace}} {
		t.Run(c.variant, func(t *testing.T) {
			cfg := Config{Scenario: parse(t, missionScenario(c.variant)), Target: target, Rounds: 2}
			v, err := Run(context.Background(), cfg)
			if err != nil {
				t.Fatal(err)
			}
			if v.Outcome != c.want {
				t.Fatalf("outcome %s, want %s (reason %q, findings %+v)", v.Outcome, c.want, v.Reason, v.Findings)
			}
			got := v.Config
			if got.N != 8 || len(got.Reset) != 2 || len(got.After) != 1 ||
				got.Request.Header.Get("Authorization") != "Bearer u7" || got.Request.Header.Get("X-Before") != "0" ||
				got.Request.URL != target+"/missions/"+c.variant+"/complete" {
				t.Errorf("the probe sent %+v, resets %d, reads %d: want the file's request with its var and capture", got.Request, len(got.Reset), len(got.After))
			}
			var b bytes.Buffer
			if err := WriteScenario(&b, v, EmitOptions{}); err != nil {
				t.Fatal(err)
			}
			back := parse(t, b.String())
			if len(back.Race.Expect) == 0 || back.Race.Expect[0].Source != "count(status == 200) == 1" {
				t.Errorf("the written file's race checks %v, want count(status == 200) == 1 first\n%s", back.Race.Expect, b.String())
			}
			if !strings.HasPrefix(b.String(), "# the mission, as a user") || !strings.Contains(b.String(), `X-Before: "{{ vars.before }}"`) {
				t.Errorf("the written file lost the comment or the templates:\n%s", b.String())
			}
		})
	}
}

// TestProbeScenarioMixed: a race of two kinds of request has many
// sequential orders; probe refuses it with the place in the file.
func TestProbeScenarioMixed(t *testing.T) {
	s := parse(t, `version: 1
target: http://127.0.0.1:9
race:
  requests:
    - {count: 2, method: POST, url: /accounts/a/deposit/naive, json: {amount: 1}}
    - {count: 2, method: POST, url: /accounts/a/withdraw/naive, json: {amount: 1}}
`)
	_, err := Run(context.Background(), Config{Scenario: s})
	var le *scenarios.LoadError
	if !errors.As(err, &le) || le.Line != 6 || le.Field != "race.requests[1]" || !strings.Contains(le.Msg, "mixes 2 kinds") {
		t.Fatalf("error %v, want a LoadError at line 6, race.requests[1], saying the race mixes requests", err)
	}
}

// TestProbeScenarioNoSetup: without setup steps the phases do not start
// from the same state; the verdict says what to add to the file.
func TestProbeScenarioNoSetup(t *testing.T) {
	target := demoTarget(t)
	s := parse(t, `version: 1
race:
  n: 3
  request: {method: POST, url: /missions/naive/complete, headers: {Authorization: Bearer u8}, json: {type: investment_complete}}
`)
	v, err := Run(context.Background(), Config{Scenario: s, Target: target})
	if err != nil {
		t.Fatal(err)
	}
	if v.Outcome != Inconclusive || !strings.Contains(v.Reason, "the scenario has no setup") {
		t.Fatalf("outcome %s (%q), want inconclusive saying the scenario has no setup", v.Outcome, v.Reason)
	}
}

// TestProbeScenarioRound: the phases are numbered as rounds, so that a
// user per round starts every phase from a fresh state, with no reset.
func TestProbeScenarioRound(t *testing.T) {
	target := demoTarget(t)
	s := parse(t, `version: 1
race:
  n: 4
  request: {method: POST, url: /missions/naive/complete, headers: {Authorization: "Bearer fresh-{{ round }}"}, json: {type: investment_complete}}
`)
	v, err := Run(context.Background(), Config{Scenario: s, Target: target, Rounds: 1})
	if err != nil {
		t.Fatal(err)
	}
	if v.Outcome != RaceFound {
		t.Fatalf("outcome %s (%q), want a race found with a fresh user in every phase", v.Outcome, v.Reason)
	}
}

// TestProbeScenarioTeardown: the teardown runs after the last phase, and
// one that fails is the probe's error, as in racetest run.
func TestProbeScenarioTeardown(t *testing.T) {
	target := demoTarget(t)
	s := parse(t, `version: 1
setup:
  - request: {method: POST, url: /reset}
race:
  n: 2
  request: {method: POST, url: /missions/locked/complete, headers: {Authorization: Bearer u9}, json: {type: investment_complete}}
teardown:
  - request: {method: DELETE, url: /no-such-thing}
`)
	_, err := Run(context.Background(), Config{Scenario: s, Target: target, Rounds: 1})
	if err == nil || !strings.Contains(err.Error(), "teardown: teardown[0] (DELETE /no-such-thing)") {
		t.Fatalf("error %v, want the failed teardown step named", err)
	}
}
