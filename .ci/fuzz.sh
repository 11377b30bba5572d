#!/usr/bin/env bash
# Runs every fuzz target of the module (go test -fuzz) for a bounded time,
# so that CI keeps the readers of untrusted input honest: scenario files,
# templates, checks, flags, HTTP/1.1 and HTTP/2 server responses, and the
# captured requests of --curl, --raw, --har and -b cookie files (capture/).
#
# Targets are found with go test -list, so a new Fuzz function is fuzzed
# without editing this file. A crasher fails the run; go test has written
# it to PKG/testdata/fuzz/FuzzX/ and it is printed here: fix the bug, then
# commit the file as a regression seed (go test runs it from then on).
#
# FUZZTIME is the time per target (default 8s): about 17 targets, so a
# run takes about three minutes with the builds.
set -euo pipefail
cd "$(dirname "$0")/.."

fuzztime="${FUZZTIME:-8s}"
marker=$(mktemp)
trap 'rm -f "$marker"' EXIT

ran=0
failed=()
for pkg in $(go list ./...); do
	targets=$(go test -list '^Fuzz' "$pkg" | grep '^Fuzz' || true)
	for target in $targets; do
		echo "== go test -run '^\$' -fuzz '^$target\$' -fuzztime $fuzztime $pkg"
		if ! go test -run '^$' -fuzz "^$target\$" -fuzztime "$fuzztime" "$pkg"; then
			failed+=("$target in $pkg")
			dir="$(go list -f '{{.Dir}}' "$pkg")/testdata/fuzz/$target"
			if [ -d "$dir" ]; then
				find "$dir" -type f -newer "$marker" -print -exec cat {} \;
			fi
		fi
		ran=$((ran + 1))
	done
done

echo "== fuzzed $ran targets for $fuzztime each"
if [ "$ran" -eq 0 ]; then
	echo "no fuzz targets found"
	exit 1
fi
if [ ${#failed[@]} -gt 0 ]; then
	printf 'crasher: %s\n' "${failed[@]}"
	exit 1
fi
