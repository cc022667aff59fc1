#!/usr/bin/env bash
# JMH: one-row callers of a model called directly vs through the dynamic batcher
# (BatchingBenchmark). Iris SVC at 32 caller threads, then the PaddleOCR recognizer at 1, 8 and 32.
# Short iterations; run from anywhere, on a quiet machine for figures worth quoting.
#
#   bench/batching.sh                       # build bench/target/benchmarks.jar if missing, run all
#   OCR_THREADS="8" bench/batching.sh       # fewer OCR runs
#   BUILD=1 bench/batching.sh               # rebuild the jar first (-pl bench, needs the modules installed)
#
# Needs: a JDK 21+ (JAVA_HOME, else temurin-25) and ../shared/fixtures (iris SVC, PaddleOCR rec).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
fixtures="${MLSYS_FIXTURES:-$root/../shared/fixtures}"
export JAVA_HOME="${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}"
export ORT_DISABLE_TELEMETRY=1
jar="$root/bench/target/benchmarks.jar"
jmh_options=(-f 1 -wi 2 -i 3 -w 3s -r 3s)

for model in sklearn-iris/iris_svc.onnx paddleocr/ch_PP-OCRv4_rec_infer.onnx; do
  [ -f "$fixtures/$model" ] || { echo "missing $fixtures/$model" >&2; exit 1; }
done
if [ "${BUILD:-0}" = 1 ] || [ ! -f "$jar" ]; then
  (cd "$root" && ./mvnw -o -q -B -pl bench package -DskipTests)
fi

run() {
  "$JAVA_HOME/bin/java" -Dmlsys.fixtures="$fixtures" -jar "$jar" "$@" "${jmh_options[@]}"
}

run 'BatchingBenchmark\.iris'
for threads in ${OCR_THREADS:-1 8 32}; do
  run 'BatchingBenchmark\.ocr' -t "$threads"
done
