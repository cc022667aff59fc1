#!/usr/bin/env bash
# JMH: one-row callers of a model called directly vs through the dynamic batcher
# (BatchingBenchmark, default batching settings). The iris SVC at 32 caller threads; the PaddleOCR
# recognizer at 1, 8, 16 and 32; each as throughput (-bm thrpt) and as p50/p99 latency
# (-bm sample); then what one OCR row costs at each batch size (ocrRows, 1 and 2 calls at once).
# Prints the load average before each run: quote figures only from a quiet machine (load < 1.5).
#
#   bench/batching.sh                        # build bench/target/benchmarks.jar if missing, run all
#   OCR_THREADS="8" MODES=thrpt bench/batching.sh   # fewer runs
#   PARTS="ocr" bench/batching.sh            # only some of: iris ocr rows
#   BUILD=1 bench/batching.sh                # rebuild the jar first (-pl bench, needs the modules installed)
#
# JSON results go to $OUT (default bench/target/batching/), one file per run.
# Needs: a JDK 21+ (JAVA_HOME, else temurin-25) and ../shared/fixtures (iris SVC, PaddleOCR rec).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
fixtures="${MLSYS_FIXTURES:-$root/../shared/fixtures}"
export JAVA_HOME="${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}"
export ORT_DISABLE_TELEMETRY=1
jar="$root/bench/target/benchmarks.jar"
out="${OUT:-$root/bench/target/batching}"
jmh_options=(-f 1 -wi 1 -i 3 -w 5s -r 5s)

for model in sklearn-iris/iris_svc.onnx paddleocr/ch_PP-OCRv4_rec_infer.onnx; do
  [ -f "$fixtures/$model" ] || { echo "missing $fixtures/$model" >&2; exit 1; }
done
if [ "${BUILD:-0}" = 1 ] || [ ! -f "$jar" ]; then
  (cd "$root" && ./mvnw -o -q -B -pl bench package -DskipTests)
fi
mkdir -p "$out"

# run NAME JMH-ARGS...: one JMH run, its JSON in $out/NAME.json.
run() {
  local name="$1"
  shift
  echo "== $name ($(uptime | sed 's/.*load average/load average/'))"
  "$JAVA_HOME/bin/java" -Dmlsys.fixtures="$fixtures" -jar "$jar" "$@" "${jmh_options[@]}" \
    -rf json -rff "$out/$name.json"
}

# Throughput in requests/s; sample-mode latency in microseconds (iris) or milliseconds (OCR).
unit() {
  case "$1/$2" in
    thrpt/*) echo s ;;
    sample/iris) echo us ;;
    *) echo ms ;;
  esac
}

parts=" ${PARTS:-iris ocr rows} "
for mode in ${MODES:-thrpt sample}; do
  if [[ "$parts" == *" iris "* ]]; then
    run "iris-$mode" 'BatchingBenchmark\.iris' -bm "$mode" -tu "$(unit "$mode" iris)"
  fi
  if [[ "$parts" == *" ocr "* ]]; then
    for threads in ${OCR_THREADS:-1 8 16 32}; do
      run "ocr-t$threads-$mode" 'BatchingBenchmark\.ocr(Direct|Batched)' -t "$threads" \
        -bm "$mode" -tu "$(unit "$mode" ocr)"
    done
  fi
done
if [[ "$parts" == *" rows "* ]]; then
  run ocr-rows-t1 'BatchingBenchmark\.ocrRows' -t 1
  run ocr-rows-t2 'BatchingBenchmark\.ocrRows' -t 2 -p rows=1,2,4,8,16
fi
