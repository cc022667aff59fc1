#!/usr/bin/env bash
# Microservice vertical pattern: steps in order, each deciding on the previous answer. An outlier
# check first; only an inlier is classified and named. Every step has its own time budget.
#   examples/microservice-vertical/run.sh     (PORT=9090 examples/microservice-vertical/run.sh)
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
. "$here/../lib.sh"
fixtures_or_stand_ins

echo "== 1. Serve two models and the sequence over them (mlsys.yaml)"
start_server --config "$here/mlsys.yaml" --grpc-port 0
wait_ready
show GET /v2/models/iris-checked
expect "the graph reads float_input" "$(call GET /v2/models/iris-checked)" '"inputs":\[\{"name":"float_input","datatype":"FP32","shape":\[-1,4\]'

echo "== 2. An inlier: checked, classified, named"
inlier='{"inputs":[{"name":"float_input","shape":[1,4],"datatype":"FP32","data":[6.7,3.0,5.2,2.3]}]}'
show POST /v2/models/iris-checked/infer "$inlier"
answer="$(call POST /v2/models/iris-checked/infer "$inlier")"
expect "the species name" "$answer" '"name":"species","datatype":"BYTES","shape":\[1\],"data":\["virginica"\]'
expect "the probabilities" "$answer" '"name":"output_probability","datatype":"FP32","shape":\[1,3\]'
setosa='{"inputs":[{"name":"float_input","shape":[1,4],"datatype":"FP32","data":[5.1,3.5,1.4,0.2]}]}'
show POST /v2/models/iris-checked/infer "$setosa"
expect "another inlier" "$(call POST /v2/models/iris-checked/infer "$setosa")" '"data":\["setosa"\]'

echo "== 3. The outlier [50, 30.1, 111.4, 110.2]: the classifier is not called, the check answers"
outlier='{"inputs":[{"name":"float_input","shape":[1,4],"datatype":"FP32","data":[50,30.1,111.4,110.2]}]}'
show POST /v2/models/iris-checked/infer "$outlier"
answer="$(call POST /v2/models/iris-checked/infer "$outlier")"
expect "flagged as an outlier (-1)" "$answer" '"name":"outlier_label","datatype":"INT64","shape":\[1,1\],"data":\[-1\]'
expect "with its score" "$answer" '"name":"outlier_score","datatype":"FP32"'
if [[ "$answer" == *species* ]]; then
  echo "FAILED: an outlier must not be classified: $answer" >&2
  exit 1
fi
echo "ok: no species for an outlier"

echo "== 4. Per-step timeouts: each step has its own budget (runtime parameters)"
show GET /v2/models/iris-checked/parameters
expect "the classify step has 100ms" "$(call GET /v2/models/iris-checked/parameters)" '"sequence.classify.timeout":"100ms"'
echo "   Give the classify step 1us, less than a model call takes: inliers get a 504 naming it,"
echo "   outliers never reach it."
show PUT /v2/models/iris-checked/parameters '{"parameters":{"sequence.classify.timeout":"1us"}}'
show POST /v2/models/iris-checked/infer "$inlier"
expect "the step ran out of time: 504" "$(status POST /v2/models/iris-checked/infer "$inlier")" '^504$'
expect "the error names the step" "$(call POST /v2/models/iris-checked/infer "$inlier")" 'classify'
expect "an outlier still answers" "$(status POST /v2/models/iris-checked/infer "$outlier")" '^200$'
call PUT /v2/models/iris-checked/parameters '{"parameters":{"sequence.classify.timeout":"100ms"}}' > /dev/null
expect "back to 100ms: answers again" "$(status POST /v2/models/iris-checked/infer "$inlier")" '^200$'

stop_server
echo
echo "microservice-vertical: all checks passed"
