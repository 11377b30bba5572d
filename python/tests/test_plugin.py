"""The plugin inside pytest: assertion messages, the binary lookup, the header."""
import os

import pytest


def test_failed_count_shows_racetests_report(pytester, racetest_bin, demo):
    # The token in the URL must come out masked, as racetest masks it.
    pytester.makepyfile(
        """
        URL = %r + "/missions/naive/complete?access_token=s3cr3t-t0ken"

        def test_paid_once(racetest):
            result = racetest.fire(URL, n=30, method="POST", json={"type": "x"},
                                   headers={"Authorization": "Bearer pytester-report"})
            status_codes = result.statuses
            assert status_codes.count(200) == 1
        """
        % demo
    )
    out = pytester.runpytest("--racetest-bin=" + racetest_bin)
    out.assert_outcomes(failed=1)
    out.stdout.fnmatch_lines(
        [
            "E       assert * == 1",
            "E         racetest: round 1: 200 x* (its report follows)",
            "*- Captured racetest report call -*",
            "fire POST *naive/complete?access_token=REDACTED",
            "  round 1/1: *30 requests*",
            "    responses  200 x*",
        ]
    )
    # The URL is a module constant, outside the traceback's source lines.
    assert "s3cr3t-t0ken" not in out.stdout.str()


def test_any_failure_shows_the_report_of_each_burst(pytester, racetest_bin, demo):
    pytester.makepyfile(
        """
        def test_two_bursts(racetest):
            first = racetest.fire(%r + "/healthz", n=2)
            second = racetest.fire(%r + "/healthz", n=3, expect_status={200: 1})
            assert second.passed
        """
        % (demo, demo)
    )
    out = pytester.runpytest("--racetest-bin=" + racetest_bin)
    out.assert_outcomes(failed=1)
    out.stdout.fnmatch_lines(
        [
            "*- Captured racetest report 1 of 2 call -*",
            "  round 1/1: *2 requests*",
            "*- Captured racetest report 2 of 2 call -*",
            "    FAIL  count(status == 200) == 1",
        ]
    )


def test_missing_binary_says_how_to_build_it(pytester):
    pytester.makepyfile("def test_x(racetest):\n    pass\n")
    out = pytester.runpytest("--racetest-bin=" + os.path.join(str(pytester.path), "no-such-racetest"))
    out.assert_outcomes(errors=1)
    out.stdout.fnmatch_lines(["*--racetest-bin=*no-such-racetest is not an executable file*go build -o*./cmd/racetest*"])


def test_process_timeout_stops_racetest(pytester, racetest_bin):
    # A listener that never answers: racetest would wait its 30 s request
    # timeout; the process timeout of 1 s stops it first.
    pytester.makeini("[pytest]\nracetest_process_timeout = 1\n")
    pytester.makepyfile(
        """
        import socket
        import time

        import pytest
        from pytest_racetest import RacetestError

        def test_silent_server(racetest):
            with socket.socket() as s:
                s.bind(("127.0.0.1", 0))
                s.listen(64)
                url = "http://127.0.0.1:%d/" % s.getsockname()[1]
                start = time.monotonic()
                with pytest.raises(RacetestError, match=r"did not finish within 1.0 s \\(process_timeout\\)"):
                    racetest.fire(url, n=2, timeout="30s")
                assert time.monotonic() - start < 20
        """
    )
    pytester.runpytest("--racetest-bin=" + racetest_bin).assert_outcomes(passed=1)


def test_report_header_names_the_binary(pytester, racetest_bin):
    pytester.makepyfile("def test_x():\n    pass\n")
    out = pytester.runpytest("--racetest-bin=" + racetest_bin)
    out.stdout.fnmatch_lines(["racetest: %s (racetest *)" % racetest_bin])


@pytest.mark.parametrize("seconds, want", [(0.5, "500000000ns"), (10, "10000000000ns"), ("2s", "2s")])
def test_timeout_becomes_a_go_duration(seconds, want):
    from pytest_racetest.client import _duration

    assert _duration(seconds) == want


def test_per_request_values_stay_masked_in_assertion_messages(pytester, racetest_bin, demo, tmp_path):
    # Per-request values (--values) are secrets wherever they were sent:
    # a failed assertion's message and the report it shows mask them.
    tokens = tmp_path / "tokens.txt"
    tokens.write_text("v4lue-one\nv4lue-two\n")
    pytester.makepyfile(
        """
        def test_values(racetest):
            result = racetest.fire(%r + "/healthz?k={{ values.t }}", n=2,
                                   headers={"X-Who": "{{ values.t }}"},
                                   args=["--values", "t=%s"])
            urls = [r.url for r in result.responses]
            assert not urls, urls
        """
        % (demo, tokens)
    )
    out = pytester.runpytest("--racetest-bin=" + racetest_bin)
    out.assert_outcomes(failed=1)
    out.stdout.fnmatch_lines(
        [
            # ? for the brackets, which fnmatch reads as a class.
            "E       AssertionError: ?'*/healthz?k=REDACTED', '*/healthz?k=REDACTED'?",
            "*- Captured racetest report call -*",
        ]
    )
    assert "v4lue" not in out.stdout.str()
