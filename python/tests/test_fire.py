"""racetest.fire against the demo target: what comes back, and how it fails."""
import http.server
import json
import socket
import threading
import urllib.request

import pytest

from pytest_racetest import IncompleteBurst, RacetestError


def complete(racetest, demo, user, variant, **kw):
    return racetest.fire(
        demo + "/missions/%s/complete" % variant,
        n=30,
        method="POST",
        json={"type": "investment_complete"},
        headers={"Authorization": "Bearer " + user},
        **kw,
    )


def test_naive_mission_pays_more_than_once(racetest, demo, user):
    result = complete(racetest, demo, user, "naive")
    # No checks were asked for: racetest's verdict is that all held.
    assert result.exit_code == 0 and result.passed
    assert len(result.responses) == 30
    assert result.statuses == [r.status for r in result.responses]
    # The demo's window is 10 ms wide: a synchronised burst of 30 lands in it.
    assert result.count(200) > 1
    granted = [r for r in result.responses if r.status == 200]
    assert all(r.json()["granted"] is True for r in granted)
    assert granted[0].headers["content-type"] == "application/json"
    assert granted[0].headers.getlist("Content-Type") == ["application/json"]
    assert result.tally["n"] == 30
    assert result.receipt["connections"] == 30
    assert result.release_spread_ns >= 0 and result.server_spread_ns >= 0
    assert all(r.released_ns is not None for r in result.responses)


def test_locked_mission_pays_once(racetest, demo, user):
    result = complete(racetest, demo, user, "locked", expect_status={200: 1}, expect=["count(status == 409) == 29"])
    assert result.passed, result.report()
    assert result.count(200) == 1
    assert [c.expr for c in result.checks] == ["count(status == 200) == 1", "count(status == 409) == 29"]
    assert all(c.passed for c in result.checks)
    result.assert_one(200)


def test_failed_check_is_exit_1_with_what_was_seen(racetest, demo, user):
    result = complete(racetest, demo, user, "naive", expect_status={200: 1})
    assert result.exit_code == 1 and not result.passed
    assert result.verdict == "a check failed: a race was found"
    (check,) = result.checks
    assert not check.passed
    assert check.seen.startswith("count(status == 200) = ") and check.seen.endswith("want == 1")
    assert result.run.found_race
    with pytest.raises(AssertionError) as e:
        result.assert_one(200)
    # The message is racetest's own report of the burst.
    assert "FAIL  count(status == 200) == 1" in str(e.value)
    assert "race found: a check failed in 1 of 1 rounds" in str(e.value)


def test_data_is_sent_as_it_is(racetest, demo):
    # A body starting with "@" goes through standard input, never read as a file.
    body = '{"stock": 3, "name": "@not-a-file"}'
    result = racetest.fire(
        demo + "/products/pytest-data", n=2, method="PUT", data=body, headers={"Content-Type": "application/json"}
    )
    assert result.statuses == [200, 200], result.report()
    with urllib.request.urlopen(demo + "/products/pytest-data", timeout=10) as r:
        product = json.load(r)
    assert product["name"] == "@not-a-file" and product["stock"] == 3


def test_rounds(racetest, demo, user):
    result = complete(racetest, demo, user, "locked", rounds=2, mode="barrier")
    assert [r.number for r in result.rounds] == [1, 2]
    assert [r.mode for r in result.rounds] == ["barrier", "barrier"]
    # The second round finds the mission completed: no 200 at all.
    assert result.rounds[0].count(200) == 1 and result.rounds[1].count(200) == 0
    with pytest.raises(ValueError, match=r"2 rounds: use result.rounds\[i\]"):
        result.count(200)


def test_confidence_passes_after_the_rounds_it_needs(racetest, demo):
    # (1 - 0.5)^5 <= 0.05: five complete rounds without a race rule out,
    # with 95% confidence, a race that a round catches half the time.
    result = racetest.fire(
        demo + "/healthz", n=5, expect=["count(status == 200) == 5"],
        args=["--confidence", "0.95", "--min-rate", "0.5"],
    )
    assert result.exit_code == 0 and result.passed, result.report()
    assert not result.run.inconclusive
    assert result.run.document["stop"]["needed_rounds"] == 5
    assert len(result.rounds) == 5


def test_unreachable_target_is_exit_3(racetest):
    result = racetest.fire("http://127.0.0.1:1/", n=2)
    assert result.exit_code == 3 and not result.passed
    assert "unreachable" in result.run.error
    assert result.rounds == []
    with pytest.raises(ValueError, match="ran no round"):
        result.count(200)


def test_usage_error_raises_with_racetests_message(racetest, demo):
    with pytest.raises(RacetestError, match="--mode"):
        racetest.fire(demo + "/", mode="sideways")
    with pytest.raises(TypeError, match="json or data"):
        racetest.fire(demo + "/", json={}, data="x")


def test_timeout_in_seconds(racetest, demo):
    # 0.5 s becomes a Go duration racetest accepts.
    result = racetest.fire(demo + "/healthz", n=2, timeout=0.5)
    assert result.statuses == [200, 200]


def test_secrets_are_masked_unless_asked_for(racetest, demo):
    url = demo + "/healthz?token=s3cr3t"
    masked = racetest.fire(url, n=2, headers={"Authorization": "Bearer s3cr3t"})
    assert masked.responses[0].url == demo + "/healthz?token=REDACTED"
    assert "s3cr3t" not in masked.report()
    shown = racetest.fire(url, n=2, show_secrets=True)
    assert shown.responses[0].url == url


class OneAnswerHandler(http.server.BaseHTTPRequestHandler):
    """Answers the first request 200 and closes the connection of every
    other one without a response: a burst that did not happen."""

    answered = False
    lock = threading.Lock()

    def do_POST(self):
        with self.lock:
            first, OneAnswerHandler.answered = not OneAnswerHandler.answered, True
        if first:
            self.send_response(200)
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        self.close_connection = True
        self.connection.shutdown(socket.SHUT_RDWR)

    def log_message(self, *args):
        pass


def test_assert_one_does_not_pass_an_incomplete_burst(racetest):
    # One 200 and two connections closed unanswered: count(200) is 1, but
    # the burst did not happen as asked, so "paid once" is not shown.
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), OneAnswerHandler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        result = racetest.fire("http://127.0.0.1:%d/pay" % server.server_port, n=3, method="POST", data="x")
    finally:
        server.shutdown()
        server.server_close()
    assert result.rounds[0].count(200) == 1 and not result.rounds[0].complete, result.report()
    # The headline habit, status_codes.count(200) == 1, cannot pass on it.
    with pytest.raises(IncompleteBurst, match="the burst was incomplete"):
        result.statuses
    with pytest.raises(IncompleteBurst):
        result.count(200)
    with pytest.raises(AssertionError, match=r"got no complete round \(1 incomplete round not judged\)"):
        result.assert_one(200)


class BrokenGzipHandler(http.server.BaseHTTPRequestHandler):
    """Answers with a body that says it is gzip and is not."""

    def do_GET(self):
        body = b"not gzip at all"
        self.send_response(200)
        self.send_header("Content-Encoding", "gzip")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


def test_undecodable_body_is_kept_and_not_parsed(racetest):
    # With --compressed a body that does not decode is still an answer:
    # kept as received, with the reason, and json() refuses to guess.
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), BrokenGzipHandler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        result = racetest.fire("http://127.0.0.1:%d/" % server.server_port, n=2, args=["--compressed"])
    finally:
        server.shutdown()
        server.server_close()
    assert result.rounds[0].complete, result.report()
    for r in result.responses:
        assert r.status == 200 and r.text == "not gzip at all" and "gzip" in r.undecoded, r.document
        with pytest.raises(ValueError, match="could not be decoded"):
            r.json()
