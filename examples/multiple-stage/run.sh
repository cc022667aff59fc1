#!/usr/bin/env bash
# Multiple-stage pattern: a cheap model answers the rows it is confident about, the rest go on to
# an expensive one; the "stage" output says which stage answered each row.
#   examples/multiple-stage/run.sh        (PORT=9090 examples/multiple-stage/run.sh for another port)
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
. "$here/../lib.sh"
fixtures_or_stand_ins

echo "== 1. Train the light stage in Java (Tribuo logistic regression, exported to ONNX)"
"$root/mlsys" train-demo --model-repository "$here/models" --name iris-light

echo "== 2. Serve both models and the cascade over them (mlsys.yaml)"
start_server --config "$here/mlsys.yaml" --grpc-port 0
wait_ready
show GET /v2/models/iris-cascade
expect "the cascade answers a stage per row" "$(call GET /v2/models/iris-cascade)" '"name":"stage","datatype":"BYTES"'
show GET /v2/models/iris-cascade/parameters
expect "the light stage accepts from 0.9" "$(call GET /v2/models/iris-cascade/parameters)" '"cascade.stages.light.threshold":0\.9'

echo "== 3. A clear setosa: the light model is sure (P > 0.9) and answers alone"
confident='{"inputs":[{"name":"input","shape":[1,4],"datatype":"FP32","data":[5.1,3.5,1.4,0.2]}]}'
show POST /v2/models/iris-cascade/infer "$confident"
answer="$(call POST /v2/models/iris-cascade/infer "$confident")"
expect "answered by light" "$answer" '"parameters":\{"stage":"light"\}'
expect "label setosa (0)" "$answer" '"name":"label","datatype":"INT64","shape":\[1\],"data":\[0\]'

echo "== 4. Between versicolor and virginica: the light model is unsure, the heavy one answers"
ambiguous='{"inputs":[{"name":"input","shape":[1,4],"datatype":"FP32","data":[6.0,2.7,5.1,1.6]}]}'
show POST /v2/models/iris-cascade/infer "$ambiguous"
answer="$(call POST /v2/models/iris-cascade/infer "$ambiguous")"
expect "escalated to heavy" "$answer" '"parameters":\{"stage":"heavy"\}'
expect_catalog "the same outputs as the light stage" "$answer" \
  '"name":"label","datatype":"INT64","shape":\[1\],"data":\[2\]\},\{"name":"probabilities","datatype":"FP32","shape":\[1,3\]' \
  '"name":"label","datatype":"INT64","shape":\[1\],"data":\[[12]\]\},\{"name":"probabilities","datatype":"FP32","shape":\[1,3\]'

echo "== 5. A batch: only the unsure rows go on (as a smaller batch), answers merged in row order"
batch='{"inputs":[{"name":"input","shape":[3,4],"datatype":"FP32","data":[[5.1,3.5,1.4,0.2],[6.0,2.7,5.1,1.6],[4.9,3.0,1.4,0.2]]}]}'
show POST /v2/models/iris-cascade/infer "$batch"
answer="$(call POST /v2/models/iris-cascade/infer "$batch")"
expect "the stage of each row" "$answer" '"name":"stage","datatype":"BYTES","shape":\[3\],"data":\["light","heavy","light"\]'
expect_catalog "the label of each row" "$answer" \
  '"name":"label","datatype":"INT64","shape":\[3\],"data":\[0,2,0\]' \
  '"name":"label","datatype":"INT64","shape":\[3\],"data":\[0,[12],0\]'

stop_server
echo
echo "multiple-stage: all checks passed"
