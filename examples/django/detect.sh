#!/usr/bin/env bash
# Measures how often racetest (last-byte and barrier modes) and a Python
# thread pool (ThreadPoolExecutor + requests) catch the naive mission's
# double payment on the Django example, burst by burst in turn, and prints
# a Markdown table. gunicorn speaks HTTP/1.1 only, so racetest's
# single-packet mode (HTTP/2) does not apply.
#
#   examples/django/detect.sh                  # 20 bursts of 30
#   examples/django/detect.sh --bursts 50 --variant atomic
#
# Uses the running service (run.sh status) or starts one and stops it at
# the end.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)

started=
tmp=$(mktemp -d)
cleanup() {
	rm -rf "$tmp"
	if [ -n "$started" ]; then "$here/run.sh" stop; fi
}
trap cleanup EXIT

if ! url=$("$here/run.sh" status 2>/dev/null); then
	url=$("$here/run.sh" start)
	started=1
fi
(cd "$here/../.." && go build -o "$tmp/racetest" ./cmd/racetest)
/usr/bin/python3 "$here/detect.py" --racetest "$tmp/racetest" --url "$url" "$@"
