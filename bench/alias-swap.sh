#!/usr/bin/env bash
# Hot swap under load (model-load by alias): serves `iris: {registry: iris@champion}` from a fresh
# registry, drives POST /v2/models/iris/infer with wrk, and meanwhile moves the alias MOVES times
# through the MLflow REST API, waiting for each swap. Prints wrk's requests, errors and percentiles,
# and each swap's time from the alias move to the new version answering. Loopback only.
#
#   bench/alias-swap.sh                          # 12 moves, one every 3 s, 32 connections
#   MOVES=20 INTERVAL=2 CONNECTIONS=64 bench/alias-swap.sh
#   STORE_URL=jdbc:postgresql://127.0.0.1:5432/test bench/alias-swap.sh   # a PostgreSQL store (its
#                                                own schema prefix, dropped at the end with psql)
#   MOVES=0 DURATION=42 bench/alias-swap.sh      # the reference: the same load with no move
#
# Needs: wrk (apt-get install wrk) and ../shared/fixtures (the iris SVC model).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
fixtures="${MLSYS_FIXTURES:-$root/../shared/fixtures}"
moves="${MOVES:-12}"
interval="${INTERVAL:-3}"
connections="${CONNECTIONS:-32}"
threads="${THREADS:-2}"
port="${PORT:-18090}"
base="http://127.0.0.1:$port"

command -v wrk >/dev/null || { echo "wrk is not installed: apt-get install wrk" >&2; exit 1; }
[ -f "$fixtures/sklearn-iris/iris_svc.onnx" ] || { echo "missing $fixtures/sklearn-iris" >&2; exit 1; }

work="$(mktemp -d)"
schema="bench_swap_$$"
cleanup() {
  kill "${server_pid:-}" "${wrk_pid:-}" 2>/dev/null || true
  wait 2>/dev/null || true
  rm -rf "$work"
  if [ -n "${STORE_URL:-}" ] && command -v psql >/dev/null; then
    database="${STORE_URL##*/}"
    psql -q -h 127.0.0.1 -U postgres -d "${database%%\?*}" \
      -c "DROP SCHEMA IF EXISTS ${schema}_registry CASCADE" >/dev/null 2>&1 || true
  fi
}
trap cleanup EXIT
mkdir -p "$work/sources/iris" "$work/data"
cp "$fixtures/sklearn-iris/iris_svc.onnx" "$work/sources/iris/model.onnx"
cp "$fixtures/sklearn-iris/label.json" "$work/sources/iris/labels.json"
store=""
if [ -n "${STORE_URL:-}" ]; then
  store="store: { url: \"$STORE_URL\", user: postgres, schema: $schema }"
fi
cat > "$work/mlsys.yaml" <<YAML
server: { port: $port, grpc-port: null, access-log: false }
data-dir: ./data
$store
registry: { source-roots: [./sources], follow-period: 200ms }
models:
  iris: { registry: "iris@champion" }
YAML
"$root/mlsys" serve --config "$work/mlsys.yaml" > "$work/server.log" 2>&1 &
server_pid=$!
for _ in $(seq 1 120); do
  curl -fs "$base/v2/health/live" >/dev/null 2>&1 && break
  kill -0 "$server_pid" 2>/dev/null || { cat "$work/server.log"; exit 1; }
  sleep 0.5
done

mlflow() { # mlflow PATH JSON
  curl -fsS -H 'Content-Type: application/json' -X POST "$base/api/2.0/mlflow/$1" -d "$2"
}
mlflow registered-models/create '{"name": "iris"}' >/dev/null
for v in 1 2; do
  mlflow model-versions/create "{\"name\": \"iris\", \"source\": \"$work/sources/iris\"}" >/dev/null
done
mlflow registered-models/alias '{"name": "iris", "alias": "champion", "version": "1"}' >/dev/null

served() { curl -fs "$base/v2/models/iris" | grep -o '"versions":\["[0-9]*"\]' | grep -o '[0-9]\+' || true; }
for _ in $(seq 1 120); do [ "$(served)" = "1" ] && break; sleep 0.25; done
[ "$(served)" = "1" ] || { echo "version 1 did not load:" >&2; cat "$work/server.log" >&2; exit 1; }

export MLSYS_BODY='{"inputs": [{"name": "float_input", "shape": [1, 4], "datatype": "FP32", "data": [5.1, 3.5, 1.4, 0.2]}]}'
duration="${DURATION:-$((moves * interval + 2 * interval))}"
echo "wrk -t $threads -c $connections -d ${duration}s, $moves alias moves every ${interval}s"
wrk -t "$threads" -c "$connections" -d "${duration}s" --latency -s "$root/bench/wrk/infer.lua" \
  "$base/v2/models/iris/infer" > "$work/wrk.txt" &
wrk_pid=$!
sleep "$interval"
for move in $(seq 1 "$moves"); do
  target=$(( move % 2 == 1 ? 2 : 1 ))
  started=$(date +%s%N)
  mlflow registered-models/alias "{\"name\": \"iris\", \"alias\": \"champion\", \"version\": \"$target\"}" >/dev/null
  until [ "$(served)" = "$target" ]; do sleep 0.01; done
  echo "move $move: champion -> version $target, serving after $(( ($(date +%s%N) - started) / 1000000 )) ms"
  sleep "$interval"
done
wait "$wrk_pid"
cat "$work/wrk.txt"
