#!/usr/bin/env bash
# Events per second each prediction log sink sustains (SinkThroughputBenchmark): JSONL files,
# SQLite, the machine's PostgreSQL (a schema of its own, dropped afterwards) and Kafka (a private
# KRaft broker started here from Kafka's artifacts on Maven Central, stopped at the end).
#
#   bench/sink-throughput.sh                 # every sink
#   SINKS=jsonl,kafka bench/sink-throughput.sh
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
. scripts/java-home.sh
sinks="${SINKS:-jsonl,sqlite,postgresql,kafka}"

work="$(mktemp -d)"
trap 'kill "${broker_pid:-}" 2>/dev/null || true; wait 2>/dev/null || true; rm -rf "$work"' EXIT

./mvnw -q -B -ntp -pl bench -am package -DskipTests
args=()
if [[ ",$sinks," == *",kafka,"* ]]; then
  # The broker's class path: the prediction log's tests list kafka_2.13 (test scope).
  ./mvnw -q -B -ntp -pl mlsys-predictionlog -am test-compile dependency:build-classpath \
    -Dmdep.includeScope=test -Dmdep.outputFile=target/test-classpath.txt
  "$JAVA_HOME/bin/java" -cp "$(cat mlsys-predictionlog/target/test-classpath.txt)" \
    io.mlsys.testing.KafkaBroker "$work/kafka" >"$work/broker.out" 2>&1 &
  broker_pid=$!
  for _ in $(seq 1 180); do
    [ -s "$work/kafka/bootstrap-servers" ] && break
    kill -0 "$broker_pid" 2>/dev/null || { cat "$work/broker.out" >&2; exit 1; }
    sleep 1
  done
  [ -s "$work/kafka/bootstrap-servers" ] || { echo "the broker did not start" >&2; exit 1; }
  args+=("-jvmArgsAppend" "-Dmlsys.bench.kafka=$(cat "$work/kafka/bootstrap-servers")")
fi
"$JAVA_HOME/bin/java" -jar bench/target/benchmarks.jar SinkThroughputBenchmark -p sink="$sinks" \
  "${args[@]}" "$@"
