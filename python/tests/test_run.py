"""racetest.run: scenario files against the demo target."""
import os

import pytest

from conftest import EXAMPLES
from pytest_racetest import RacetestError

VULNERABLE = os.path.join(EXAMPLES, "mission-reward-vulnerable.yaml")
FIXED = os.path.join(EXAMPLES, "mission-reward-fixed.yaml")


def test_fixed_scenario_passes(racetest, demo):
    result = racetest.run(FIXED, target=demo, rounds=1)
    assert result.passed and result.exit_code == 0, result.report()
    (scenario,) = result.scenarios
    assert scenario.passed and scenario.verdict == "passed"
    assert scenario.file.endswith("mission-reward-fixed.yaml")
    assert [c.passed for c in scenario.rounds[0].checks] == [True, True, True]


def test_vulnerable_scenario_finds_the_race(racetest, demo):
    result = racetest.run([VULNERABLE, FIXED], target=demo, rounds=1)
    assert result.exit_code == 1 and not result.passed
    vulnerable = result.scenario("mission reward is paid once (vulnerable)")
    assert vulnerable.found_race and not vulnerable.passed
    assert result.scenarios[1].passed
    failed = [c.expr for c in vulnerable.rounds[0].checks if not c.passed]
    assert "count(status == 200) == 1" in failed
    assert "json.points == vars.before + 100" in failed
    with pytest.raises(AssertionError, match="mission reward is paid once \\(vulnerable\\)"):
        result.assert_passed()


def test_vars_override(racetest, demo):
    result = racetest.run(FIXED, target=demo, rounds=1, vars={"user": "pytest-vars"})
    assert result.passed, result.report()
    urls = {r.document["url"] for r in result.scenarios[0].rounds[0].responses}
    assert urls == {demo + "/missions/locked/complete"}


def test_invalid_scenario_raises_with_file_and_line(racetest, demo, tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("version: 1\nname: bad\nrace:\n  n: 2\n  request: {url: /}\n  expect: ['count(status == ) == 1']\n")
    with pytest.raises(RacetestError, match="bad.yaml:6"):
        racetest.run(bad, target=demo)
