#!/usr/bin/env bash
# Shadow A/B pattern: the primary (iris SVC) answers, a candidate (the Tribuo demo) gets a copy of
# every call off the request path; the pairs are recorded and the report says whether the
# candidate is ready to promote.
#   examples/shadow-ab/run.sh        (PORT=9090 examples/shadow-ab/run.sh for another port)
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
. "$here/../lib.sh"
fixtures_or_stand_ins

# The experiments' store and the candidate model in a private folder, removed at the end.
tmp="$(mktemp -d)"
MLSYS_DATA_DIR="$tmp/data"
MLSYS_DEMO_MODELS="$tmp/models"
export MLSYS_DATA_DIR MLSYS_DEMO_MODELS
cleanup() {
  stop_server
  rm -rf "$tmp" "${server_log:-}"
}
trap cleanup EXIT

# rows N SEED: a batch of N iris-like rows (deterministic; sepal/petal ranges of the Iris data).
rows() {
  awk -v n="$1" -v seed="$2" 'BEGIN {
    srand(seed); printf "{\"inputs\":[{\"name\":\"input\",\"shape\":[%d,4],\"datatype\":\"FP32\",\"data\":[", n
    for (i = 0; i < n; i++) {
      printf "%s%.1f,%.1f,%.1f,%.1f", (i ? "," : ""), 4.3 + rand() * 3.6, 2.0 + rand() * 2.4, 1.0 + rand() * 5.9, 0.1 + rand() * 2.4
    }
    printf "]}]}"
  }'
}
report() { call GET /v2/experiments/iris-shadow/report; }

echo "== 1. Train the candidate in Java (Tribuo logistic regression, exported to ONNX)"
"$root/mlsys" train-demo --model-repository "$MLSYS_DEMO_MODELS" --name iris-tribuo

echo "== 2. Serve the SVC and the mirror over both (mlsys.yaml)"
start_server --config "$here/mlsys.yaml"
wait_ready
show GET /v2/experiments
expect "the mirror is an experiment, running" "$(call GET /v2/experiments)" '"name":"iris-shadow","kind":"mirror","state":"running"'

echo "== 3. A setosa: the caller gets the primary's answer, untouched"
setosa='{"id":"r-1","inputs":[{"name":"input","shape":[1,4],"datatype":"FP32","data":[5.1,3.5,1.4,0.2]}]}'
show POST /v2/models/iris-shadow/infer "$setosa"
answer="$(call POST /v2/models/iris-shadow/infer "$setosa")"
expect "the SVC's label (setosa, 0)" "$answer" '"name":"label","datatype":"INT64","shape":\[1\],"data":\[0\]'
expect "one output, no parameters: nothing of the candidate" "$answer" '"outputs":\[\{"name":"label","datatype":"INT64","shape":\[1\],"data":\[0\]\}\]\}$'

echo "== 4. Traffic: 40 calls of 10 rows each (400 rows), each also sent to the candidate"
for i in $(seq 1 40); do
  call POST /v2/models/iris-shadow/infer "$(rows 10 "$i")" > /dev/null
done
# The candidate's calls and the pairs are written off the request path: wait for them.
poll_until 30 "42 pairs recorded (the setosa twice: show, then call)" '"tribuo":\{"pairs":42,' report

echo "== 5. The report: agreement with its 95% interval, confusion, latency, errors, verdict"
echo
echo "\$ curl $base/v2/experiments/iris-shadow/report"
report
echo
result="$(report)"
expect "402 rows compared (2 + 400)" "$result" '"compared":402,'
expect "an agreement rate in [0, 1]" "$result" '"agreement_rate":(0(\.[0-9]+)?|1\.0)[,}]'
expect "the primary-vs-candidate label confusion" "$result" '"confusion":\{"0":\{'
expect "no candidate errors" "$result" '"candidate_errors":0,'
expect "a verdict with its thresholds" "$result" '"verdict":"(ready_to_promote|not_ready|not_enough_data)","thresholds":\{"min_pairs":200,"min_agreement":0\.9'
verdict="$(echo "$result" | grep -o '"verdict":"[a-z_]*"')"
rate="$(echo "$result" | grep -o '"agreement_rate":[0-9.]*')"
interval="$(echo "$result" | grep -o '"agreement_interval":\[[^]]*\]')"
echo "verdict for tribuo: $verdict ($rate, $interval; ready needs the interval's lower end >= 0.9)"

echo "== 6. The mirror's metrics: calls mirrored and shed per candidate"
metrics="$(call GET /metrics | grep '^mlsys_experiment_' || true)"
echo "$metrics"
expect "42 calls mirrored to tribuo" "$metrics" 'mlsys_experiment_mirror_calls_total\{candidate="tribuo",experiment="iris-shadow",outcome="mirrored"\} 42\.0'

echo "== 7. Stop the experiment (a protected state change): the mirror copies nothing more"
show PUT /v2/experiments/iris-shadow '{"state": "stopped"}'
expect "stopped" "$(call GET /v2/experiments/iris-shadow)" '"state":"stopped"'
call POST /v2/models/iris-shadow/infer "$setosa" > /dev/null
expect "still 42 mirrored" "$(call GET /metrics)" 'outcome="mirrored"\} 42\.0'
expect "a bad state is a 400 naming the field" "$(call PUT /v2/experiments/iris-shadow '{"state": "paused"}')" '"error":"state: .paused. \(expected: running, stopped, concluded\)"'

stop_server
echo
echo "shadow-ab: all checks passed"
