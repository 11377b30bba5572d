#!/usr/bin/env bash
# Measures the peak memory (GNU time's maximum resident set) of racetest on
# hostile files and responses (issue 12 rules for the input surfaces of
# issue 14): a 250 MiB HAR of empty entries, a copied curl command of
# 140 MB of -H, a brace-expansion bomb, and `fire -n 20 --compressed`
# against a loopback server answering gzip, deflate, "gzip, gzip" and br
# bodies that decode to 1 GiB. Prints one line per case: seconds, peak
# RSS, exit code. Fails when a run reaches LIMIT_MB (default 700: the HAR
# case holds its 250 MiB file twice at worst while the collector runs).
#
#   scripts/hostile-inputs.sh
set -euo pipefail
cd "$(dirname "$0")/.."
limit_mb=${LIMIT_MB:-700}
work=$(mktemp -d)
server_pid=
cleanup() {
	if [ -n "$server_pid" ]; then kill "$server_pid" 2>/dev/null || true; fi
	rm -rf "$work" ./internal/hostilebomb
}
trap cleanup EXIT
go build -o "$work/racetest" ./cmd/racetest

# The bomb server: every body decodes to 1 GiB of zeros.
cat >"$work/bomb.go" <<'EOF'
package main

import (
	"bytes"
	"compress/gzip"
	"compress/zlib"
	"io"
	"net/http"
	"os"

	"github.com/andybalholm/brotli"
)

func squeeze(w io.WriteCloser, n int) {
	chunk := make([]byte, 1<<20)
	for i := 0; i < n; i++ {
		w.Write(chunk)
	}
	w.Close()
}

func main() {
	var gz, df, br, gzgz bytes.Buffer
	squeeze(gzip.NewWriter(&gz), 1024)
	squeeze(zlib.NewWriter(&df), 1024)
	squeeze(brotli.NewWriterOptions(&br, brotli.WriterOptions{Quality: 5, LGWin: 24}), 1024)
	w := gzip.NewWriter(&gzgz)
	w.Write(gz.Bytes())
	w.Close()
	bodies := map[string][2]string{"/gzip": {"gzip", gz.String()}, "/deflate": {"deflate", df.String()},
		"/br": {"br", br.String()}, "/gzip-gzip": {"gzip, gzip", gzgz.String()}}
	http.ListenAndServe(os.Args[1], http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b := bodies[r.URL.Path]
		w.Header().Set("Content-Encoding", b[0])
		io.WriteString(w, b[1])
	}))
}
EOF
mkdir -p "$work/bomb" && mv "$work/bomb.go" "$work/bomb/main.go"
# Built inside the module, for its brotli dependency; removed at once.
cp -r "$work/bomb" ./internal/hostilebomb && go build -o "$work/bombserver" ./internal/hostilebomb; rm -rf ./internal/hostilebomb
port=$((20000 + RANDOM % 20000))
"$work/bombserver" "127.0.0.1:$port" & server_pid=$!

python3 - "$work" <<'EOF'
import sys
w = sys.argv[1]
n = (250 << 20) // 15
with open(w + '/empty.har', 'w') as f:
    f.write('{"log":{"entries":[' + ','.join(['{"request":{}}'] * n) + ']}}')
open(w + '/headers.sh', 'w').write('curl http://127.0.0.1:1/ ' + '-H a:b ' * (20 << 20))
open(w + '/braces.sh', 'w').write('curl http://127.0.0.1:1/' + '{a,b}' * 30)
EOF
fail=0
measure() {
	local name=$1; shift
	/usr/bin/time -f "%e %M %x" -o "$work/time" "$work/racetest" "$@" >/dev/null 2>"$work/stderr" || true
	read -r secs kb code < <(tail -1 "$work/time")
	printf '%-28s %6.2f s  %5d MB  exit %s  %s\n' "$name" "$secs" $((kb / 1024)) "$code" "$(grep -m1 -o 'racetest: .*' "$work/stderr" | cut -c1-90)"
	if [ $((kb / 1024)) -ge "$limit_mb" ]; then fail=1; fi
}
sleep 2
measure "HAR 250 MiB, empty entries" import har "$work/empty.har" --entry 2
measure "curl, 140 MB of -H" import curl "$work/headers.sh"
measure "curl, {a,b} x 30" import curl "$work/braces.sh"
for p in gzip deflate gzip-gzip br; do
	measure "fire -n 20, $p bomb" fire -n 20 -q --compressed -o json "http://127.0.0.1:$port/$p"
done
exit $fail
