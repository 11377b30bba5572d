#!/usr/bin/env bash
# Measures what a forward proxy does to the spread the target sees
# (issue 14): racetest fires 20 requests per round, ROUNDS rounds, at the
# demo target over TLS, directly, through Debian's tinyproxy (HTTP CONNECT)
# and through microsocks (SOCKS5), with single-packet and last-byte, and
# prints the median, min and max server-observed spread per cell. All on
# loopback; the proxies and the target are started here and stopped on
# exit. Needs tinyproxy and microsocks (.ci/servers.sh installs them).
#
#   scripts/proxy-spread.sh
#   ROUNDS=50 N=30 scripts/proxy-spread.sh
set -euo pipefail
cd "$(dirname "$0")/.."
rounds=${ROUNDS:-20}
n=${N:-20}

work=$(mktemp -d)
pids=()
cleanup() {
	for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
	rm -rf "$work"
}
trap cleanup EXIT

go build -o "$work/racetest" ./cmd/racetest
# Four distinct free ports, held open together while they are picked.
read -r plain demo tp ms < <(python3 -c '
import socket
ss = [socket.socket() for _ in range(4)]
for s in ss: s.bind(("127.0.0.1", 0))
print(*[s.getsockname()[1] for s in ss])')

"$work/racetest" demo serve --addr "127.0.0.1:$plain" --tls-addr "127.0.0.1:$demo" >"$work/demo.log" 2>&1 &
pids+=($!)
# No ConnectPort line: CONNECT to any port (the stock config allows 443 and 563).
cat >"$work/tinyproxy.conf" <<CONF
Port $tp
Listen 127.0.0.1
MaxClients 1024
Allow 127.0.0.1
LogLevel Warning
LogFile "$work/tinyproxy.log"
CONF
tinyproxy -d -c "$work/tinyproxy.conf" >/dev/null 2>&1 &
pids+=($!)
microsocks -i 127.0.0.1 -p "$ms" >/dev/null 2>&1 &
pids+=($!)
for port in "$demo" "$tp" "$ms"; do
	for _ in $(seq 100); do
		(exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && break
		sleep 0.05
	done
done

printf '%-14s %-32s %s\n' mode path 'server spread: median (min-max), µs'
for mode in single-packet last-byte; do
	for proxy in "" "http://127.0.0.1:$tp" "socks5://127.0.0.1:$ms"; do
		args=(fire -k -n "$n" --rounds "$rounds" --mode "$mode" -o json)
		[ -n "$proxy" ] && args+=(-x "$proxy")
		"$work/racetest" "${args[@]}" "https://127.0.0.1:$demo/healthz" |
			python3 -c '
import json, statistics, sys
rounds = json.load(sys.stdin)["runs"][0]["rounds"]
s = [r["server_spread_ns"] / 1e3 for r in rounds if r["server_spread_known"]]
print("%.0f (%.0f-%.0f)" % (statistics.median(s), min(s), max(s)))' |
			xargs -I{} printf '%-14s %-32s %s\n' "$mode" "${proxy:-direct}" {}
	done
done
