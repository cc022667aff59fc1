#!/usr/bin/env bash
# Load test: starts mlsys on the iris SVC fixture and drives POST /v2/models/iris/infer (one row)
# with wrk at 32 connections. Loopback only; bounded in time.
#
#   bench/wrk-infer.sh                 # 30 s, 32 connections, 2 wrk threads, all outputs
#   DURATION=60s CONNECTIONS=64 bench/wrk-infer.sh
#   OUTPUTS=label bench/wrk-infer.sh   # ask only for output_label (skips the ZipMap)
#   BATCHING='{}' bench/wrk-infer.sh   # the model behind dynamic batching (default settings)
#
# Needs: wrk (apt-get install wrk) and ../shared/fixtures (the iris SVC model).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
fixtures="${MLSYS_FIXTURES:-$root/../shared/fixtures}"
duration="${DURATION:-30s}"
connections="${CONNECTIONS:-32}"
threads="${THREADS:-2}"
port="${PORT:-18080}"
. "$root/bench/lib.sh"

command -v wrk >/dev/null || { echo "wrk is not installed: apt-get install wrk" >&2; exit 1; }

work="$(mktemp -d)"
trap 'kill "${server_pid:-}" 2>/dev/null || true; wait 2>/dev/null || true; rm -rf "$work"' EXIT
# SERVE_ARGS: more `mlsys serve` flags, e.g. SERVE_ARGS="--prediction-log DIR".
start_iris_server "$work" "$port" --grpc-port off ${SERVE_ARGS:-}

if [ "${OUTPUTS:-all}" = "label" ]; then
  outputs=', "outputs": [{"name": "output_label"}]'
else
  outputs=''
fi
export MLSYS_BODY='{"inputs": [{"name": "float_input", "shape": [1, 4], "datatype": "FP32", "data": [5.1, 3.5, 1.4, 0.2]}]'"$outputs"'}'
curl -fs -H 'Content-Type: application/json' -d "$MLSYS_BODY" "http://127.0.0.1:$port/v2/models/iris/infer"; echo

echo "warm-up (10 s)..."
wrk -t "$threads" -c "$connections" -d 10s -s "$root/bench/wrk/infer.lua" "http://127.0.0.1:$port/v2/models/iris/infer" >/dev/null
echo "measuring: wrk -t $threads -c $connections -d $duration"
wrk -t "$threads" -c "$connections" -d "$duration" --latency -s "$root/bench/wrk/infer.lua" \
  "http://127.0.0.1:$port/v2/models/iris/infer"
