#!/usr/bin/env bash
# Overload: the OCR text detector (PaddleOCR det, a 64x64 image, one intra-op thread) behind a
# concurrency-limit, driven at about 5x its capacity with wrk, against the same model without the
# guard. Each run, in order: the guarded model unloaded (1 paced connection: the reference latency;
# capacity = max-in-flight / its median), 5x that offered (paced connections), the first seconds
# after the load drops, then the same overload and recovery on the unguarded model.
# Latencies are per request, apart for accepted and shed answers (bench/wrk/overload.lua).
#
#   bench/overload.sh                        # 20 s phases, 1 run
#   RUNS=3 DURATION=30s bench/overload.sh
#   MAX_IN_FLIGHT=1 MAX_QUEUED=1 MAX_QUEUE_WAIT=5ms MAX_QUEUE_TIME=10ms CONNECTIONS=40 bench/overload.sh
#   KEEPALIVE=0 bench/overload.sh            # a new connection per request (connect timed too)
#
# During the guarded overload, one more paced connection posts the same body to an absent model
# (404 before the body is read): the latency of the transport answering at once under the same
# load, the floor for the refusals' latency.
#
# Refusals happen before the request's body is read (InferenceEndpoints: Predictor.reserve), and
# MAX_QUEUE_TIME refuses an admitted call that has spent longer than that in the server since its
# head was read (0s: off).
#
# Needs: wrk (apt-get install wrk) and ../shared/fixtures (paddleocr). Loopback only.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
fixtures="${MLSYS_FIXTURES:-$root/../shared/fixtures}"
duration="${DURATION:-20s}"
runs="${RUNS:-1}"
connections="${CONNECTIONS:-40}"
factor="${FACTOR:-5}"
port="${PORT:-18090}"
max_in_flight="${MAX_IN_FLIGHT:-1}"
max_queued="${MAX_QUEUED:-1}"
max_queue_wait="${MAX_QUEUE_WAIT:-5ms}"
max_queue_time="${MAX_QUEUE_TIME:-10ms}"
export MLSYS_KEEPALIVE="${KEEPALIVE:-1}"
model="$fixtures/paddleocr/ch_PP-OCRv4_det_infer.onnx"

command -v wrk >/dev/null || { echo "wrk is not installed: apt-get install wrk" >&2; exit 1; }
[ -f "$model" ] || { echo "missing $model" >&2; exit 1; }

work="$(mktemp -d)"
trap 'kill "${server_pid:-}" 2>/dev/null || true; wait 2>/dev/null || true; rm -rf "$work"' EXIT
cat > "$work/mlsys.yaml" <<YAML
server: { port: $port, access-log: false }
models:
  det:
    uri: $model
    intra-op-threads: 1
    decorators:
      - concurrency-limit: { max-in-flight: $max_in_flight, max-queued: $max_queued, max-queue-wait: $max_queue_wait, max-queue-time: $max_queue_time }
  det-plain:
    uri: $model
    intra-op-threads: 1
YAML
"$root/mlsys" serve --config "$work/mlsys.yaml" --grpc-port off > "$work/server.log" 2>&1 &
server_pid=$!
for _ in $(seq 1 240); do
  curl -fs "http://127.0.0.1:$port/v2/health/ready" >/dev/null 2>&1 && break
  kill -0 "$server_pid" 2>/dev/null || { cat "$work/server.log"; exit 1; }
  sleep 0.5
done

# A 64x64 RGB image, values in [0, 1): 12288 inputs (a 50 KB body), a 16 KB answer.
MLSYS_BODY="$(awk 'BEGIN { n = 3 * 64 * 64
  printf "{\"inputs\":[{\"name\":\"x\",\"shape\":[1,3,64,64],\"datatype\":\"FP32\",\"data\":["
  for (i = 0; i < n; i++) printf "%s%.2f", (i ? "," : ""), (i % 7) / 7.0
  printf "]}]}" }')"
export MLSYS_BODY
# The first calls of a cold JVM may take longer than max-queue-time: warm up on the unguarded one.
for _ in 1 2 3; do
  curl -fs -o /dev/null -H 'Content-Type: application/json' -d "$MLSYS_BODY" "http://127.0.0.1:$port/v2/models/det-plain/infer"
done
status=$(curl -s -o "$work/first" -w '%{http_code}' -H 'Content-Type: application/json' -d "$MLSYS_BODY" "http://127.0.0.1:$port/v2/models/det/infer")
[ "$status" = 200 ] || echo "first guarded call: HTTP $status $(cat "$work/first")"

# drive NAME MODEL CONNECTIONS DELAY_MS DURATION: one wrk run; prints its report.
drive() {
  echo "-- $1: $3 connections, pause ${4} ms, $5"
  MLSYS_DELAY_MS="$4" wrk -t "$3" -c "$3" -d "$5" -s "$root/bench/wrk/overload.lua" \
    "http://127.0.0.1:$port/v2/models/$2/infer" | sed -n '/^offered/,$p' | tee "$work/last"
}
rate() { awk '$1 == "accepted" { sub("/s", "", $3); print $3 }' "$work/last"; }
# floor DELAY_MS DURATION: one more paced connection, beside the overload, posting the same body to
# a model that does not exist: the transport's answer (404, before the body is read) under the same
# load, without any admission work: the floor a refusal's latency is compared with.
floor() {
  MLSYS_DELAY_MS="$1" wrk -t 1 -c 1 -d "$2" -s "$root/bench/wrk/overload.lua" \
    "http://127.0.0.1:$port/v2/models/absent/infer" | awk '$1 == "other" { $1 = "floor"; print }' > "$work/floor"
}

echo "warm-up (10 s)..."
MLSYS_DELAY_MS=0 wrk -t 2 -c 2 -d 10s -s "$root/bench/wrk/overload.lua" "http://127.0.0.1:$port/v2/models/det/infer" > /dev/null
MLSYS_DELAY_MS=0 wrk -t 2 -c 2 -d 5s -s "$root/bench/wrk/overload.lua" "http://127.0.0.1:$port/v2/models/det-plain/infer" > /dev/null

for run in $(seq 1 "$runs"); do
  echo "== run $run of $runs"
  drive "unloaded (reference latency)" det 1 0 "$duration"
  p50="$(awk '$1 == "accepted" { print $5 }' "$work/last")"
  # Capacity: max-in-flight calls at a time, each taking the unloaded median.
  capacity=$(awk -v m="$max_in_flight" -v p="$p50" 'BEGIN { printf "%.0f", m * 1000 / p }')
  # N paced connections offer about N * 1000 / pause requests a second (refusals take < 1 ms).
  pause=$(awk -v n="$connections" -v c="$capacity" -v f="$factor" 'BEGIN { d = n * 1000 / (f * c); printf "%d", (d < 1 ? 1 : d) }')
  echo "capacity about ${capacity}/s ($max_in_flight x 1000 / ${p50} ms); offering ${factor}x: $connections connections, ${pause} ms pause"
  floor "$pause" "$duration" &
  floor_pid=$!
  drive "overload, concurrency-limit" det "$connections" "$pause" "$duration"
  wait "$floor_pid"
  echo "404 of an absent model on one more connection meanwhile (the transport's floor):"
  cat "$work/floor"
  drive "after the load drops" det 1 0 5s
  drive "overload, no guard (reference)" det-plain "$connections" "$pause" "$duration"
  drive "after the load drops, no guard" det-plain 1 0 5s
done
echo "machine: $(nproc) CPUs, $(uptime | sed 's/.*load/load/')"
echo "server RSS: $(( $(ps -o rss= -p "$server_pid") / 1024 )) MiB; OutOfMemoryError in the log: $(grep -c OutOfMemoryError "$work/server.log" || true)"
