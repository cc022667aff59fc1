#!/usr/bin/env bash
# Asynchronous jobs, end to end, on the iris SVC fixture with the embedded queue (SQLite in a
# temporary data directory), next to the synchronous rate of the same server in the same run:
#   1. reference: synchronous POST /v2/models/iris/infer with wrk (the server's sync limit);
#   2. queue latency at a steady rate: RATE_CONNECTIONS connections each submitting one job every
#      DELAY_MS ms for STEADY; p50/p99 of submission -> a worker's first start
#      (mlsys_jobs_queue_latency_seconds, read from the server's metrics);
#   3. jobs/s end to end: wrk submits as fast as it can for BURST, then the script waits until every
#      job is final; jobs/s = jobs / (first submission -> last finished).
# Workers run in the server (WORKERS threads).
#
#   bench/async-jobs.sh
#   WORKERS=4 STORE_YAML='store: { url: "jdbc:postgresql://127.0.0.1:5432/test", user: postgres }' bench/async-jobs.sh
#
# Needs: wrk and ../shared/fixtures (the iris SVC model).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
fixtures="${MLSYS_FIXTURES:-$root/../shared/fixtures}"
port="${PORT:-18090}"
workers="${WORKERS:-2}"
burst="${BURST:-10s}"
steady="${STEADY:-20s}"
rate_connections="${RATE_CONNECTIONS:-2}"
delay_ms="${DELAY_MS:-20}"
. "$root/bench/lib.sh"
command -v wrk >/dev/null || { echo "wrk is not installed: apt-get install wrk" >&2; exit 1; }

work="$(mktemp -d)"
trap 'kill "${server_pid:-}" 2>/dev/null || true; wait 2>/dev/null || true; rm -rf "$work"' EXIT
EXTRA_YAML="data-dir: $work/data
${STORE_YAML:-}
jobs: { workers: $workers, sweep-interval: 1s, max-queued: 10000000, expire-after: 1h }" \
  start_iris_server "$work" "$port" --grpc-port off
url="http://127.0.0.1:$port/v2/models/iris/infer"
export MLSYS_BODY='{"inputs": [{"name": "float_input", "shape": [1, 4], "datatype": "FP32", "data": [5.1, 3.5, 1.4, 0.2]}]}'
metric() { curl -s "http://127.0.0.1:$port/metrics" | grep "^$1" | awk '{s += $2} END {printf "%.0f", s}'; }
# quantile Q: mlsys_jobs_queue_latency_seconds at Q in ms, interpolated within its histogram bucket.
quantile() {
  curl -s "http://127.0.0.1:$port/metrics" | grep '^mlsys_jobs_queue_latency_seconds_bucket' |
    sed -E 's/.*le="([^"]+)"} (.*)/\1 \2/' | awk -v q="$1" '
      { le[NR] = $1; n[NR] = $2; total = $2 }
      END {
        want = q * total; lo = 0; below = 0
        for (i = 1; i <= NR; i++) {
          if (n[i] >= want) {
            hi = (le[i] == "+Inf") ? lo : le[i]
            share = (n[i] > below) ? (want - below) / (n[i] - below) : 1
            printf "%.2f", (lo + (hi - lo) * share) * 1000; exit
          }
          lo = le[i]; below = n[i]
        }
      }'
}
uptime

echo "== 1. reference: synchronous infer, wrk -t 2 -c 16 -d 15s (after 5 s warm-up)"
wrk -t 2 -c 16 -d 5s -s "$root/bench/wrk/infer.lua" "$url" >/dev/null
wrk -t 2 -c 16 -d 15s -s "$root/bench/wrk/infer.lua" "$url" | grep -E 'throughput|p50|p99:'

echo "== 2. queue latency at a steady rate: $rate_connections connections, one job per $delay_ms ms each, $steady"
MLSYS_DELAY_MS="$delay_ms" wrk -t 1 -c "$rate_connections" -d "$steady" -s "$root/bench/wrk/async.lua" "$url"
sleep 2
echo "queue latency (submission -> first start): p50 $(quantile 0.5) ms, p99 $(quantile 0.99) ms"

echo "== 3. jobs/s end to end: submit for $burst as fast as wrk can (-c 16), then drain"
before="$(metric 'mlsys_jobs_count{state="succeeded"')"
start="$(date +%s.%N)"
wrk -t 2 -c 16 -d "$burst" -s "$root/bench/wrk/async.lua" "$url"
while :; do
  waiting="$(( $(metric 'mlsys_jobs_count{state="queued"') + $(metric 'mlsys_jobs_count{state="running"') ))"
  [ "$waiting" -eq 0 ] && break
  sleep 0.2
done
end="$(date +%s.%N)"
after="$(metric 'mlsys_jobs_count{state="succeeded"')"
failed="$(metric 'mlsys_jobs_count{state="failed"')"
awk -v n="$((after - before))" -v s="$start" -v e="$end" -v f="$failed" \
  'BEGIN {printf "end to end: %d jobs succeeded (%d failed) in %.1f s: %.0f jobs/s\n", n, f, e - s, n / (e - s)}'
uptime
