#!/usr/bin/env bash
# Reproduces the tables in docs/PERFORMANCE.md: builds racetest, installs the
# contenders (Debian's hey and python3-requests) when missing, and runs the
# side-by-side benchmark against demo targets on 127.0.0.1 only.
#
#   scripts/bench.sh                      # full run: N = 10, 30, 100, 1000; 20 bursts
#   scripts/bench.sh -n 30 -bursts 5      # quicker
#   scripts/bench.sh -wan -n 20,100 -detect-n 20 -detect-latency 1ms \
#       -tools 'single-packet,last-byte,barrier,Kettle,hey'
#                                         # the WAN table: through internal/netlab's
#                                         # emulated path (RTT 100 ms, jitter 1 ms,
#                                         # 20 Mbit/s, MTU 1500); needs root
set -euo pipefail
cd "$(dirname "$0")/.."

need=()
command -v hey >/dev/null || need+=(hey)
/usr/bin/python3 -c 'import requests' 2>/dev/null || need+=(python3-requests)
if [ ${#need[@]} -gt 0 ]; then
	apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null
fi

case " $* " in
*" -wan "*) bash .ci/netlab.sh ;; # ip and ethtool for the network lab
esac

bin=$(mktemp -d)/racetest
trap 'rm -rf "$(dirname "$bin")"' EXIT
go build -o "$bin" ./cmd/racetest
go run ./internal/bench -racetest "$bin" "$@"
