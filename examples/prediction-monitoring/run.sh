#!/usr/bin/env bash
# Prediction monitoring pattern: serve iris with inline monitors, send normal traffic, then plant
# drift in one feature and watch it detected (GET /v2/models/iris/monitor and the gauges), then
# write the HTML monitoring report from the prediction log.
#   examples/prediction-monitoring/run.sh   (PORT=9090 ..., REPORT=out.html to keep the report)
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
. "$here/../lib.sh"
need_fixtures

tmp="$(mktemp -d)"
MLSYS_DATA_DIR="$tmp/data"
export MLSYS_DATA_DIR
logdir="$tmp/predictions"
report="${REPORT:-$tmp/report.html}"
cleanup() {
  stop_server
  rm -rf "$tmp" "${server_log:-}"
}
trap cleanup EXIT

data="$MLSYS_FIXTURES/sklearn-iris/rand_iris.csv"
echo "== 1. The baseline: training rows with a header naming the features in input order"
# The even rows of rand_iris.csv stand in for the training data; traffic comes from the odd rows.
MLSYS_BASELINE="$tmp/baseline.csv"
export MLSYS_BASELINE
{
  echo "sepal_length,sepal_width,petal_length,petal_width"
  awk 'NR % 2 == 1 && NF' "$data"
} > "$MLSYS_BASELINE"
head -n 3 "$MLSYS_BASELINE"
echo "... $(($(wc -l < "$MLSYS_BASELINE") - 1)) rows"

# batches FACTOR: 100 request bodies of 20 rows (every third odd row, spread over the file),
# petal length multiplied by FACTOR, one JSON body a line.
batches() {
  awk -v factor="$1" -F, 'NR % 6 == 2 && NF {
      row = sprintf("[%s,%s,%s,%s]", $1, $2, $3 * factor, $4)
      rows = (n % 20 == 0) ? row : rows "," row
      n++
      if (n % 20 == 0) {
        printf "{\"inputs\":[{\"name\":\"float_input\",\"datatype\":\"FP32\",\"shape\":[20,4],\"data\":[%s]}]}\n", rows
      }
    }' "$data"
}
send() {
  local sent=0 body
  while IFS= read -r body; do
    call POST /v2/models/iris/infer "$body" > /dev/null
    sent=$((sent + 1))
  done < <(batches "$1")
  echo "sent $sent requests of 20 rows"
}
# feature NAME: the feature's entry of the monitor state, up to its bin lists.
feature() { call GET /v2/models/iris/monitor | grep -o "{\"feature\":\"$1\",[^[]*" | head -n 1; }

echo "== 2. Serve iris with monitoring (models.iris.monitoring) and a JSONL prediction log"
start_server --config "$here/mlsys.yaml" --prediction-log "$logdir"
wait_ready

echo "== 3. Normal traffic: no feature drifts (but the catalog's outlier rule fires: rand_iris holds >20% outliers)"
send 1.0
state="$(call GET /v2/models/iris/monitor)"
echo "$state" | head -c 600
echo " ..."
expect "2000 rows per feature" "$(feature petal_length)" '"count":2000'
expect "petal_length judged by the normed Wasserstein distance, not drifted" "$(feature petal_length)" '"method":"wasserstein".*"drifted":false'
for f in sepal_length sepal_width petal_width; do
  expect "$f not drifted" "$(feature "$f")" '"drifted":false'
done
expect "outlier ratio above 20% (the one-class SVM)" "$state" '"outlier_ratio":0\.(2[0-9]|[3-9])'
expect "the outlier-ratio alert fires" "$state" '"status":"firing","rule":"outlier-ratio"'

echo "== 4. Plant drift: petal length times 1.3 in the next 100 requests"
send 1.3
expect "petal_length drifted" "$(feature petal_length)" '"drifted":true'
expect "sepal_width still fine" "$(feature sepal_width)" '"drifted":false'
expect "the drift alert fires for petal_length" "$(call GET /v2/models/iris/monitor)" '"rule":"feature-drifted","signal":"feature-drifted","feature":"petal_length"'
echo
echo "\$ curl $base/metrics | grep -E 'mlsys_feature_drift(ed)?\\{'"
metrics="$(call GET /metrics | grep -E '^mlsys_feature_drift(ed)?\{' | sort)"
echo "$metrics"
expect "mlsys_feature_drifted 1 for petal_length" "$metrics" 'mlsys_feature_drifted\{feature="petal_length",model="iris",version="1"\} 1\.0'
expect "mlsys_feature_drifted 0 for sepal_width" "$metrics" 'mlsys_feature_drifted\{feature="sepal_width",model="iris",version="1"\} 0\.0'
expect "one drift score per method" "$metrics" 'mlsys_feature_drift\{feature="petal_length",method="wasserstein",model="iris",version="1"\}'
echo
call GET /metrics | grep -E '^mlsys_monitor_(outlier_ratio|error_ratio|request_rate|class_ratio|repeated_input_ratio|memory_bytes)' || true
stop_server

echo "== 5. The HTML report from the prediction log (mlsys monitor report)"
poll_until 20 "200 events in the JSONL files" '^200$' bash -c "cat '$logdir'/*.jsonl | wc -l"
"$root/mlsys" monitor report --log "$logdir" --model iris --baseline "$MLSYS_BASELINE" --window 10s --out "$report"
expect "a self-contained page with inline SVG plots" "$(cat "$report")" '<svg'
if grep -qE '<script|src=|href=' "$report"; then
  echo "FAILED: the report refers to external assets" >&2
  exit 1
fi
expect "the report marks petal_length drifted" "$(cat "$report")" 'petal_length \(drifted\)'
echo "report: $report ($(wc -c < "$report") bytes; REPORT=FILE keeps it)"

echo
echo "prediction-monitoring: all checks passed"
