#!/usr/bin/env bash
# The pytest plugin (python/, pytest-racetest) in Debian's Python: its own
# tests against racetest's demo target, then the Django example's pytest
# file (examples/django/tests) against pytest-django's live_server, on the
# example's own PostgreSQL and Redis (run.sh start).
#
# The plugin goes into a throwaway venv that sees Debian's packages
# (--system-site-packages): Debian's Python is externally managed, PyPI is
# not reachable, and the plugin needs nothing but pytest. The machine's
# python3 on PATH may be another Python (pyenv); /usr/bin/python3 is the one
# the python3-* packages belong to.
set -euo pipefail
source "$(dirname "$0")/apt.sh"
cd "$(dirname "$0")/.."

py=/usr/bin/python3
need=()
$py -c 'import pytest' 2>/dev/null || need+=(python3-pytest)
$py -c 'import pytest_django' 2>/dev/null || need+=(python3-pytest-django)
$py -c 'import setuptools' 2>/dev/null || need+=(python3-setuptools)
$py -m pip --version >/dev/null 2>&1 || need+=(python3-pip)
$py -c 'import venv' 2>/dev/null || need+=(python3-venv)
apt_install pytest.sh "${need[@]}"

work=$(mktemp -d "${TMPDIR:-/tmp}/racetest-pytest.XXXXXX")
# The example's state directory stands apart: $work is private to this
# user, and PostgreSQL runs as the user postgres when we are root.
django=$(mktemp -d "${TMPDIR:-/tmp}/racetest-pytest-django.XXXXXX")
cleanup() {
	RACETEST_DJANGO_DIR=$django bash examples/django/run.sh stop || true
	rm -rf "$work" "$django"
}
trap cleanup EXIT

go build -o "$work/bin/racetest" ./cmd/racetest
export RACETEST_BIN=$work/bin/racetest

# Built from a copy, so that the build leaves nothing in the tree.
cp -r python "$work/src"
$py -m venv --without-pip --system-site-packages "$work/venv"
"$work/venv/bin/python" -m pip install -q --no-index --no-build-isolation --no-deps "$work/src"
pytest=("$work/venv/bin/python" -m pytest -p no:cacheprovider -rxX)

echo "== pytest python/tests (the plugin against the demo target)"
"${pytest[@]}" python/tests

echo "== pytest examples/django (the seed test, thread pool and fixture, on live_server)"
free_port() { $py -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
export RACETEST_DJANGO_DIR=$django RACETEST_DJANGO_PORT=auto
RACETEST_DJANGO_PG_PORT=$(free_port)
RACETEST_DJANGO_REDIS_PORT=$(free_port)
export RACETEST_DJANGO_PG_PORT RACETEST_DJANGO_REDIS_PORT
bash examples/django/run.sh start >/dev/null
(cd examples/django && "${pytest[@]}")
