#!/usr/bin/env bash
# HTTP load on loopback: requests/s and latency percentiles of POST /v1/entities at concurrency
# 1, 8 and 64 (wrk, bench/entities.lua), plus the server's RSS before and after, from /proc.
#
#   bench/http_load.sh MODEL_DIR [ZHNER_BINARY] [SECONDS]
#
# Needs `wrk` (Debian: apt-get install wrk). The server runs with its defaults (workers = cores);
# wrk shares the machine, so on a small box it takes some of the CPU it measures.
set -euo pipefail
cd "$(dirname "$0")/.."
MODEL=${1:?usage: bench/http_load.sh MODEL_DIR [ZHNER_BINARY] [SECONDS]}
BIN=${2:-.build/release/zhner}
SECONDS_EACH=${3:-10}
OUT=$(mktemp -d)
trap 'kill $PID 2>/dev/null || true; rm -rf "$OUT"' EXIT

"$BIN" serve --model "$MODEL" --port 0 >"$OUT/stdout" 2>/dev/null &
PID=$!
URL=$(python3 -m pytools.zhner_server "$OUT/stdout" "$PID" --timeout 30) || { echo "server did not start" >&2; exit 1; }
rss() { awk '/^VmRSS/ {printf "%.1f MiB", $2 / 1024}' "/proc/$PID/status"; }
peak() { awk '/^VmHWM/ {printf "%.1f MiB", $2 / 1024}' "/proc/$PID/status"; }

echo "model: $MODEL   server: $URL   $(nproc) cores"
echo "RSS after load: $(rss)"
wrk -t1 -c1 -d2s -s bench/entities.lua "${URL}v1/entities" >/dev/null   # warm-up
echo
echo "| concurrency | requests/s | p50 | p99 | non-200 |"
echo "|---|---|---|---|---|"
for c in 1 8 64; do
    threads=$(( c < 2 ? 1 : 2 ))
    wrk -t$threads -c$c -d${SECONDS_EACH}s --timeout 60s --latency -s bench/entities.lua "${URL}v1/entities" >"$OUT/wrk"
    rps=$(awk '/^Requests\/sec/ {print $2}' "$OUT/wrk")
    p50=$(awk '$1 == "50%" {print $2}' "$OUT/wrk")
    p99=$(awk '$1 == "99%" {print $2}' "$OUT/wrk")
    bad=$(awk '/Non-2xx or 3xx responses/ {print $NF}' "$OUT/wrk")
    echo "| $c | $rps | $p50 | $p99 | ${bad:-0} |"
done
echo
echo "RSS after the runs: $(rss) (peak $(peak))"
