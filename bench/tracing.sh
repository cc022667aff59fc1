#!/usr/bin/env bash
# Tracing's cost over REST: the iris SVC behind bench/wrk-infer.sh, alternating in each round
#   before  the build before tracing (BEFORE_ROOT: a checkout of that commit, built)
#   off     this build, no tracing section (ids only)
#   on-100  spans exported to bench/otlp-sink.py, tracing.sample-rate 1
#   on-1    the same, sample-rate 0.01
# and prints requests/s and p99 per run. Loopback only; bounded in time.
#
#   BEFORE_ROOT=/tmp/before ROUNDS=2 DURATION=15s bench/tracing.sh
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
export MLSYS_FIXTURES="${MLSYS_FIXTURES:-$root/../shared/fixtures}"
rounds="${ROUNDS:-2}"
sink_port="${SINK_PORT:-14318}"
variants="${VARIANTS:-before off on-100 on-1}"

python3 "$root/bench/otlp-sink.py" "$sink_port" &
sink_pid=$!
trap 'kill "$sink_pid" 2>/dev/null || true; wait 2>/dev/null || true' EXIT

run() {
  local variant="$1" script="$root/bench/wrk-infer.sh" extra=""
  case "$variant" in
    before) script="${BEFORE_ROOT:?set BEFORE_ROOT to a built checkout of the commit before}/bench/wrk-infer.sh" ;;
    off) ;;
    on-100) extra="tracing: { otlp-endpoint: \"http://127.0.0.1:$sink_port\", sample-rate: 1 }" ;;
    on-1) extra="tracing: { otlp-endpoint: \"http://127.0.0.1:$sink_port\", sample-rate: 0.01 }" ;;
  esac
  PORT="${PORT:-18931}" EXTRA_YAML="$extra" THREADS="${THREADS:-1}" DURATION="${DURATION:-15s}" "$script" 2>&1 \
    | awk -v v="$variant" '/Requests\/sec/ {rps=$2} /^ +99%/ {p99=$2} END {printf "%-7s %10s req/s  p99 %s\n", v, rps, p99}'
}

for round in $(seq 1 "$rounds"); do
  echo "round $round (load average: $(cut -d' ' -f1-3 /proc/loadavg))"
  for variant in $variants; do
    run "$variant"
  done
done
