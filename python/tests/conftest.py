"""The plugin's tests run against racetest's demo target, started once per
session on a free loopback port by the same binary the fixture uses."""
import os
import subprocess
import time
import uuid

import pytest

pytest_plugins = ["pytester"]

EXAMPLES = os.path.join(os.path.dirname(__file__), "..", "..", "examples")


@pytest.fixture(scope="session")
def demo(racetest_bin, tmp_path_factory):
    """The base URL of a running demo target (racetest demo serve)."""
    # Its log goes to a file, not a pipe: nobody would drain a pipe, and a
    # full one would block the server.
    log = tmp_path_factory.mktemp("demo") / "demo.log"
    with open(log, "wb") as f:
        proc = subprocess.Popen(
            [racetest_bin, "demo", "serve", "--addr", "127.0.0.1:0"], stdout=f, stderr=subprocess.STDOUT
        )
    try:
        yield wait_for_url(proc, log)
    finally:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def wait_for_url(proc, log, seconds=30):
    """The URL in "demo target: http://127.0.0.1:PORT (...)", which the
    demo prints once it listens."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline and proc.poll() is None:
        for word in log.read_text().split():
            if word.startswith("http://"):
                return word
        time.sleep(0.05)
    raise RuntimeError("racetest demo serve did not print its URL (exit %s): %s" % (proc.poll(), log.read_text()))


@pytest.fixture
def user():
    """A bearer user of its own, so that tests do not share mission state."""
    return "pytest-" + uuid.uuid4().hex[:12]
