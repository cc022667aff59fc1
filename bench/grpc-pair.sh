#!/usr/bin/env bash
# Two builds under gRPC load at the same time, so that the machine's noise hits both alike: each
# checkout's own bench/grpc-infer.sh (its own server and load client, 16 clients, 20 s after 8 s of
# warm-up), and each server's CPU time per request (/proc/PID/stat over 15 s of the measured
# window, against the requests of the whole 20 s window).
#
#   bench/grpc-pair.sh /path/to/checkout-a /path/to/checkout-b [ROUNDS]
#
# Both checkouts must be built (mlsys-cli/target/mlsys.jar and bench/target/benchmarks.jar).
# Linux only (/proc, ss). Needs ../shared/fixtures (the iris SVC) or MLSYS_FIXTURES.
set -euo pipefail
a="$(cd "$1" && pwd)"
b="$(cd "$2" && pwd)"
rounds="${3:-3}"
fixtures="${MLSYS_FIXTURES:-$(cd "$(dirname "$0")/.." && pwd)/../shared/fixtures}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
pid_on() { ss -ltnpH "sport = :$1" | grep -oP 'pid=\K[0-9]+' | head -1; }
load() { # checkout http-port grpc-port log
  (cd "$1" && PORT="$2" GRPC_PORT="$3" CLIENTS=16 DURATION=20s WARMUP=8s MLSYS_NO_BUILD=1 \
    MLSYS_FIXTURES="$fixtures" bench/grpc-infer.sh > "$4" 2>&1)
}

for round in $(seq 1 "$rounds"); do
  load "$a" 18180 18181 "$work/a.log" &
  load_a=$!
  load "$b" 18280 18281 "$work/b.log" &
  load_b=$!
  for _ in $(seq 1 240); do
    grep -q "mlsys serving on" "$work/a.log" 2>/dev/null \
      && grep -q "mlsys serving on" "$work/b.log" 2>/dev/null && break
    sleep 0.5
  done
  server_a="$(pid_on 18180)"
  server_b="$(pid_on 18280)"
  sleep 9
  start_a="$(cpu_ticks "$server_a")"
  start_b="$(cpu_ticks "$server_b")"
  sleep 15
  end_a="$(cpu_ticks "$server_a")"
  end_b="$(cpu_ticks "$server_b")"
  wait "$load_a" "$load_b"
  requests_a="$(grep -oP 'requests: \K[0-9]+' "$work/a.log")"
  requests_b="$(grep -oP 'requests: \K[0-9]+' "$work/b.log")"
  # Ticks are 10 ms; CPU over 15 s, requests over 20 s.
  echo "round $round: $a $requests_a requests, $(((end_a - start_a) * 10000 * 20 / 15 / requests_a)) us CPU/request" \
    "| $b $requests_b requests, $(((end_b - start_b) * 10000 * 20 / 15 / requests_b)) us CPU/request"
done
