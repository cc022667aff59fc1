#!/usr/bin/env bash
# Load test: starts mlsys on the iris SVC fixture and drives gRPC
# inference.GRPCInferenceService/ModelInfer (one row) with GrpcLoadClient at 32 concurrent streams.
# Loopback only; bounded in time.
#
#   bench/grpc-infer.sh                    # 30 s after a 10 s warm-up, 32 clients over 4 channels
#   DURATION=60s CLIENTS=64 CHANNELS=8 bench/grpc-infer.sh
#   RAW=1 bench/grpc-infer.sh              # raw_input_contents instead of typed contents
#   OUTPUTS=label bench/grpc-infer.sh      # ask only for output_label (skips the ZipMap)
#   BATCHING='{}' bench/grpc-infer.sh      # the model behind dynamic batching (default settings)
#
# The client runs in its own JVM (CLIENT_JAVA_OPTS, default -XX:+UseSerialGC) on the same machine.
# Needs: ../shared/fixtures (the iris SVC model); builds bench/target/benchmarks.jar if missing.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
. "$root/scripts/java-home.sh"
fixtures="${MLSYS_FIXTURES:-$root/../shared/fixtures}"
duration="${DURATION:-30s}"
warmup="${WARMUP:-10s}"
clients="${CLIENTS:-32}"
channels="${CHANNELS:-4}"
port="${PORT:-18080}"
grpc_port="${GRPC_PORT:-18081}"
jar="$root/bench/target/benchmarks.jar"
. "$root/bench/lib.sh"

if [ ! -f "$jar" ]; then
  echo "building $jar..." >&2
  (cd "$root" && ./mvnw -B -q -ntp -DskipTests -Djacoco.skip=true -pl bench -am package) >&2
fi

work="$(mktemp -d)"
trap 'kill "${server_pid:-}" 2>/dev/null || true; wait 2>/dev/null || true; rm -rf "$work"' EXIT
start_iris_server "$work" "$port" --grpc-port "$grpc_port"
grep -m 1 "mlsys serving on" "$work/server.log" || true

args=(--target "127.0.0.1:$grpc_port" --model iris --clients "$clients" --channels "$channels"
  --warmup "$warmup" --duration "$duration")
[ -n "${RAW:-}" ] && args+=(--raw)
[ "${OUTPUTS:-all}" = "label" ] && args+=(--label-only)
# shellcheck disable=SC2086
"$JAVA_HOME/bin/java" $(mlsys_base_java_opts) ${CLIENT_JAVA_OPTS:--XX:+UseSerialGC} -cp "$jar" io.mlsys.bench.GrpcLoadClient "${args[@]}"
