"""The classic race test of the mission reward, written two ways.

The seed recipe: 30 threads post "complete mission" at once and the test
asserts that exactly one was paid (``status_codes.count(200) == 1``). The
racetest fixture sends the same 30 requests with racetest's engines
(last-byte synchronisation against this HTTP/1.1 server) and shows
racetest's report when the assertion fails.

Both run against pytest-django's live_server (a thread per connection, on
a test database), on the naive view (check, then pay) and on the
select_for_update one (a row lock around check and pay). The fixture
version must fail on the naive view (xfail, strict: a pass would mean the
race went unseen) and pass on the fixed one. The thread pool's xfail is
not strict: whether threads arrive inside a window is luck. On this server
the window is wide (every request opens its own database connection), and
in 20 bursts each racetest caught it in 16 and the thread pool in 18; the
narrow windows of a fast server are where they differ (examples/django/
detect.sh measures that against gunicorn).

Run with the service's PostgreSQL and Redis (run.sh start) and the plugin
installed (python/README.md):

    RACETEST_DJANGO_PG_PORT=... RACETEST_DJANGO_REDIS_PORT=... pytest examples/django
"""
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
import requests

SCENARIOS = Path(__file__).resolve().parent.parent / "scenarios"
N = 30
AUTH = {"Authorization": "Bearer u1"}
BODY = {"type": "investment_complete"}
# A race is probabilistic: each test fires up to this many bursts, each
# from a fresh reset, and fails at the first that pays more than once. At
# the 80% per burst measured here, five all miss about once in 3,000 runs.
BURSTS = 5

NAIVE_MISSES = "the naive view checks, then pays: concurrent requests are paid more than once"
VARIANTS = [
    pytest.param("naive", marks=pytest.mark.xfail(strict=True, raises=AssertionError, reason=NAIVE_MISSES)),
    "select-for-update",
]


def reset(url):
    requests.post(url + "/reset", timeout=10).raise_for_status()


def points(url):
    return requests.get(url + "/me", headers=AUTH, timeout=10).json()["points"]


@pytest.mark.parametrize(
    "variant",
    [
        # The thread pool may or may not catch the naive view's race: not strict.
        pytest.param("naive", marks=pytest.mark.xfail(strict=False, raises=AssertionError, reason=NAIVE_MISSES + ", when a thread pool gets them there together")),
        "select-for-update",
    ],
)
def test_paid_once_thread_pool(live_server, variant):
    url = live_server.url + "/missions/%s/complete" % variant

    def complete(_):
        return requests.post(url, json=BODY, headers=AUTH, timeout=30).status_code

    for _ in range(BURSTS):
        reset(live_server.url)
        with ThreadPoolExecutor(max_workers=N) as pool:
            status_codes = list(pool.map(complete, range(N)))
        assert status_codes.count(200) == 1
        assert points(live_server.url) == 100


@pytest.mark.parametrize("variant", VARIANTS)
def test_paid_once_racetest(racetest, live_server, variant):
    url = live_server.url + "/missions/%s/complete" % variant
    for _ in range(BURSTS):
        reset(live_server.url)
        result = racetest.fire(url, n=N, method="POST", json=BODY, headers=AUTH)
        require_complete(result)
        status_codes = result.statuses
        assert status_codes.count(200) == 1
        assert points(live_server.url) == 100


@pytest.mark.parametrize("variant, verdict", [("naive", "race found"), ("select-for-update", "passed")])
def test_paid_once_scenario(racetest, live_server, variant, verdict):
    # The same race as a scenario file: reset, race and the points check
    # after each round, judged by racetest.
    result = racetest.run(SCENARIOS / ("mission-%s.yaml" % variant), target=live_server.url, rounds=BURSTS)
    (scenario,) = result.scenarios
    assert scenario.verdict == verdict
    assert result.exit_code == (1 if verdict == "race found" else 0)


def require_complete(result):
    """Fails (not an AssertionError, so no xfail hides it) unless every
    request of the burst got a response after the release."""
    if not all(r.complete for r in result.rounds):
        pytest.fail("the burst was incomplete, so it proves nothing:\n" + result.report())
