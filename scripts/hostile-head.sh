#!/usr/bin/env bash
# Measures the peak memory of `racetest fire -n 20` against a hostile
# loopback server whose response head is one header line that never ends
# (issue 12: before the head bound, one such request grew racetest to
# 1.4 GB and 20 past 3 GB). Prints the maximum resident set size (GNU time)
# per engine and checks that every request of the round ended as a
# protocol error naming the 1 MiB response head limit. Fails when a run
# reaches LIMIT_MB (default 100).
#
#   scripts/hostile-head.sh
#   KEEP=1 scripts/hostile-head.sh    # keep the work directory (binary, server, last report)
set -euo pipefail
cd "$(dirname "$0")/.."
limit_mb=${LIMIT_MB:-100}

work=$(mktemp -d)
server_pid=
cleanup() {
	if [ -n "$server_pid" ]; then kill "$server_pid" 2>/dev/null || true; fi
	[ -n "$keep" ] || rm -rf "$work"
}
trap cleanup EXIT
keep=${KEEP:-}

go build -o "$work/racetest" ./cmd/racetest

# The hostile server: reads a request head, then sends a head whose one
# header line never ends, until the client goes away.
cat >"$work/server.py" <<'EOF'
import socket, socketserver, sys
class H(socketserver.BaseRequestHandler):
    def handle(self):
        data = b""
        while b"\r\n\r\n" not in data:
            chunk = self.request.recv(65536)
            if not chunk:
                return
            data += chunk
        try:
            self.request.sendall(b"HTTP/1.1 200 OK\r\nX-Endless: ")
            block = b"a" * 65536
            while True:
                self.request.sendall(block)
        except OSError:
            pass
class S(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 128
s = S(("127.0.0.1", 0), H)
print(s.server_address[1], flush=True)
s.serve_forever()
EOF
python3 "$work/server.py" >"$work/port" &
server_pid=$!
for _ in $(seq 50); do [ -s "$work/port" ] && break; sleep 0.1; done
url="http://127.0.0.1:$(cat "$work/port")/"

status=0
echo "| mode | max RSS | requests refused with the head limit |"
echo "|---|---|---|"
for mode in last-byte barrier; do
	set +e
	/usr/bin/time -f '%M' -o "$work/rss" "$work/racetest" fire -n 20 --mode "$mode" --timeout 10s -o json "$url" >"$work/out.json" 2>"$work/err"
	set -e
	rss_kb=$(tail -1 "$work/rss")
	# Requests of the round whose error is a protocol error naming the
	# limit, counted in the JSON report (not the cause summaries).
	refused=$(python3 -c '
import json, sys
rounds = json.load(open(sys.argv[1]))["runs"][0].get("rounds") or [{}]
print(sum(1 for r in rounds[0].get("requests", [])
          if r.get("error_kind") == "protocol" and "over the limit of 1048576 bytes" in r.get("error", "")))
' "$work/out.json")
	echo "| $mode | $((rss_kb / 1024)) MB | $refused |"
	if [ "$((rss_kb / 1024))" -ge "$limit_mb" ]; then
		echo "hostile-head.sh: $mode used $((rss_kb / 1024)) MB, the bound is $limit_mb MB" >&2
		status=1
	fi
	if [ "$refused" -lt 20 ]; then
		echo "hostile-head.sh: $mode: $refused of 20 requests name the limit; stderr:" >&2
		cat "$work/err" >&2
		status=1
	fi
done
exit "$status"
