#!/usr/bin/env bash
# Load test: starts mlsys on the iris SVC fixture and drives POST /v2/models/iris/infer (one row)
# with wrk at 32 connections. Loopback only; bounded in time.
#
#   bench/wrk-infer.sh                 # 30 s, 32 connections, 2 wrk threads, all outputs
#   DURATION=60s CONNECTIONS=64 bench/wrk-infer.sh
#   OUTPUTS=label bench/wrk-infer.sh   # ask only for output_label (skips the ZipMap)
#
# Needs: wrk (apt-get install wrk) and ../shared/fixtures (the iris SVC model).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
fixtures="${MLSYS_FIXTURES:-$root/../shared/fixtures}"
duration="${DURATION:-30s}"
connections="${CONNECTIONS:-32}"
threads="${THREADS:-2}"
port="${PORT:-18080}"

command -v wrk >/dev/null || { echo "wrk is not installed: apt-get install wrk" >&2; exit 1; }
[ -f "$fixtures/sklearn-iris/iris_svc.onnx" ] || { echo "missing $fixtures/sklearn-iris" >&2; exit 1; }

work="$(mktemp -d)"
trap 'kill "${server_pid:-}" 2>/dev/null || true; wait 2>/dev/null || true; rm -rf "$work"' EXIT
mkdir -p "$work/models/iris/1"
cp "$fixtures/sklearn-iris/iris_svc.onnx" "$work/models/iris/1/model.onnx"
cp "$fixtures/sklearn-iris/label.json" "$work/models/iris/labels.json"
echo "labels: labels.json" > "$work/models/iris/config.yaml"
cat > "$work/mlsys.yaml" <<YAML
server: { port: $port, access-log: false }
model-repository: { path: ./models }
YAML

"$root/mlsys" serve --config "$work/mlsys.yaml" > "$work/server.log" 2>&1 &
server_pid=$!
for _ in $(seq 1 120); do
  curl -fs "http://127.0.0.1:$port/v2/health/ready" >/dev/null 2>&1 && break
  kill -0 "$server_pid" 2>/dev/null || { cat "$work/server.log"; exit 1; }
  sleep 0.5
done

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
