"""pytest-racetest: the ``racetest`` fixture, racetest's engines in pytest.

    def test_paid_once(racetest, live_server):
        result = racetest.fire(live_server.url + "/missions/naive/complete", n=30,
                               method="POST", json={"type": "investment_complete"},
                               headers={"Authorization": "Bearer u1"})
        assert result.statuses.count(200) == 1

A failing test that used the fixture shows racetest's own text report of
each burst (secrets masked as racetest masks them). The binary is found
through --racetest-bin, RACETEST_BIN or PATH.
"""
import subprocess

import pytest

from .client import Racetest, RacetestError, find_binary
from .result import Count, FireResult, IncompleteBurst, Response, Result, RunResult

__all__ = ["Racetest", "RacetestError", "IncompleteBurst", "FireResult", "RunResult", "Result", "Response"]


def pytest_addoption(parser):
    group = parser.getgroup("racetest")
    group.addoption(
        "--racetest-bin",
        metavar="PATH",
        help="the racetest binary (default: $RACETEST_BIN, then racetest on PATH)",
    )
    parser.addini("racetest_process_timeout", "seconds one racetest invocation may take (default 300)", default="300")


def pytest_report_header(config):
    binary, why = find_binary(config.getoption("racetest_bin"))
    if binary is None:
        return "racetest: not found (%s)" % why
    try:
        version = subprocess.run([binary, "--version"], capture_output=True, timeout=10, check=False)
        return "racetest: %s (%s)" % (binary, version.stdout.decode(errors="replace").strip())
    except (OSError, subprocess.TimeoutExpired) as e:
        return "racetest: %s (--version failed: %s)" % (binary, e)


@pytest.fixture(scope="session")
def racetest_bin(pytestconfig):
    """The path of the racetest binary. A test that needs it errors with
    how to build racetest when it is missing."""
    binary, why = find_binary(pytestconfig.getoption("racetest_bin"))
    if binary is None:
        pytest.fail("pytest-racetest: " + why, pytrace=False)
    return binary


@pytest.fixture
def racetest(request, racetest_bin, pytestconfig):
    """Fires bursts (``racetest.fire``) and runs scenarios
    (``racetest.run``) with the racetest binary. When the test fails,
    racetest's text report of every result it got is shown with it."""
    timeout = float(pytestconfig.getini("racetest_process_timeout"))
    rt = Racetest(racetest_bin, process_timeout=timeout)
    request.node._racetest_results = rt.results
    return rt


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    """Shows racetest's own report of each burst of a failed test, as a
    section of its failure (masked as racetest masks its reports)."""
    results = getattr(item, "_racetest_results", None)
    if call.when == "call" and call.excinfo is not None and results:
        for i, result in enumerate(results, 1):
            title = "racetest report" if len(results) == 1 else "racetest report %d of %d" % (i, len(results))
            try:
                text = result.report()
            except RacetestError as e:
                text = "(not available: %s)" % e
            item.add_report_section("call", title, text)
    yield


def pytest_assertrepr_compare(config, op, left, right):
    """Explains a failed comparison of a count taken from a result
    (``status_codes.count(200) == 1``) with the tally of each round;
    racetest's full report follows in the failure's report section."""
    count = left if isinstance(left, Count) else right if isinstance(right, Count) else None
    if count is None:
        return None
    plain = [int(v) if isinstance(v, Count) else v for v in (left, right)]
    return ["%r %s %r" % (plain[0], op, plain[1]), "racetest: %s (its report follows)" % count.source.summary()]
