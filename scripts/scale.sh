#!/usr/bin/env bash
# Measures what one burst of `racetest fire` costs at scale: peak memory
# (maximum resident set size, from GNU time) and wall time (process start
# to exit: prepare, the burst and the report), at N = 100,
# 1,000 and 10,000 in last-byte and barrier modes and N = 100 and 1,000 in
# single-packet mode (HTTP/2 over TLS), against a demo target it starts on
# 127.0.0.1. Prints a Markdown table for docs/PERFORMANCE.md; each cell is
# the median of RUNS runs (default 3). Installs Debian's `time` when
# /usr/bin/time is missing.
#
#   scripts/scale.sh
#   RUNS=5 scripts/scale.sh
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${RUNS:-3}

if [ ! -x /usr/bin/time ]; then
	apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq time >/dev/null
fi
# A connection per request on both sides: racetest and the target each
# need N descriptors. Go raises its soft limit to the hard one by itself;
# this only makes the shell's limit visible in the table's header.
ulimit -n "$(ulimit -Hn)"
if [ "$(ulimit -n)" != unlimited ] && [ "$(ulimit -n)" -lt 10200 ]; then
	echo "scale.sh: the open-file limit is $(ulimit -n), too low for N = 10,000; raise it with ulimit -n 20000" >&2
	exit 1
fi

work=$(mktemp -d)
demo_pid=
cleanup() {
	if [ -n "$demo_pid" ]; then
		kill "$demo_pid" 2>/dev/null || true
		wait "$demo_pid" 2>/dev/null || true
	fi
	rm -rf "$work"
}
trap cleanup EXIT
bin=$work/racetest
go build -o "$bin" ./cmd/racetest

# The demo target on free loopback ports; its first lines name them.
"$bin" demo serve --addr 127.0.0.1:0 --tls-addr 127.0.0.1:0 2>"$work/demo.log" &
demo_pid=$!
for _ in $(seq 100); do
	[ "$(grep -c '^demo target: ' "$work/demo.log")" -ge 2 ] && break
	sleep 0.05
done
plain=$(sed -n 's/^demo target: \(http:[^ ]*\) .*/\1/p' "$work/demo.log")
secure=$(sed -n 's/^demo target: \(https:[^ ]*\) .*/\1/p' "$work/demo.log")
if [ -z "$plain" ] || [ -z "$secure" ]; then
	echo "scale.sh: the demo target did not start:" >&2
	cat "$work/demo.log" >&2
	exit 1
fi

# measure MODE N prints "wall_ms rss_mib responses" for one run.
measure() {
	local mode=$1 n=$2 url=$plain/healthz extra=()
	if [ "$mode" = single-packet ]; then
		url=$secure/healthz extra=(-k)
	fi
	local t0 t1
	t0=$(date +%s%N)
	/usr/bin/time -f '%M' -o "$work/time" \
		"$bin" fire --n "$n" --mode "$mode" --timeout 60s --quiet --color never "${extra[@]}" "$url" >"$work/out" 2>"$work/err" ||
		{
			echo "scale.sh: racetest fire --n $n --mode $mode failed:" >&2
			cat "$work/err" >&2
			exit 1
		}
	t1=$(date +%s%N)
	local responses kib
	responses=$(sed -n 's/^ *responses  //p' "$work/out")
	kib=$(tail -1 "$work/time")
	awk -v ns="$((t1 - t0))" -v k="$kib" -v r="$responses" 'BEGIN { printf "%d %.1f %s\n", ns / 1e6, k / 1024, r }'
}

# median prints the middle of the numbers on stdin.
median() { sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }

echo "racetest fire against \`racetest demo serve\` on 127.0.0.1, $(nproc) cores, $(uname -sr), $(go env GOVERSION), open-file limit $(ulimit -n); median of $runs runs"
echo
echo "| mode | N | wall time | peak RSS | connections | responses |"
echo "|---|---:|---:|---:|---:|---|"
for mode in last-byte barrier single-packet; do
	for n in 100 1000 10000; do
		[ "$mode" = single-packet ] && [ "$n" -gt 1000 ] && continue
		: >"$work/runs"
		for _ in $(seq "$runs"); do
			measure "$mode" "$n" >>"$work/runs"
		done
		wall=$(cut -d' ' -f1 "$work/runs" | median)
		rss=$(cut -d' ' -f2 "$work/runs" | median)
		responses=$(cut -d' ' -f3- "$work/runs" | sort | uniq -c | sort -rn | head -1 | sed 's/^ *[0-9]* //')
		conns=$(sed -n 's/.* requests on \([0-9]*\) connection.*/\1/p' "$work/out")
		printf '| %s | %s | %s ms | %s MiB | %s | %s |\n' "$mode" "$n" "$wall" "$rss" "$conns" "$responses"
	done
done
