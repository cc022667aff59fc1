#!/usr/bin/env bash
# Web single + synchronous patterns: train the demo model, serve it from mlsys.yaml, call it.
#   examples/web-single/run.sh          (PORT=9090 examples/web-single/run.sh for another port)
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
. "$here/../lib.sh"

echo "== 1. Train the Iris demo in Java (Tribuo) and export it to ONNX"
"$root/mlsys" train-demo --model-repository "$here/models" --name iris

echo "== 2. Serve it: one process, one model, named by path in mlsys.yaml"
start_server --config "$here/mlsys.yaml"
wait_ready
show GET /v2/models/iris

echo "== 3. A batch of 3 rows gets 3 answers (the catalog's sample answered only the first row)"
batch='{"id":"batch-1","inputs":[{"name":"input","shape":[3,4],"datatype":"FP32","data":[[5.1,3.5,1.4,0.2],[5.9,3.0,4.2,1.5],[6.7,3.0,5.2,2.3]]}]}'
show POST /v2/models/iris/infer "$batch"
answer="$(call POST /v2/models/iris/infer "$batch")"
expect "request id echoed" "$answer" '"id":"batch-1"'
expect "3 labels for 3 rows" "$answer" '"name":"label","datatype":"INT64","shape":\[3\],"data":\[0,[0-2],2\]'
expect "3 x 3 probabilities" "$answer" '"name":"probabilities","datatype":"FP32","shape":\[3,3\]'

echo "== 4. Ask only for the label (the probabilities are not computed)"
only_label='{"inputs":[{"name":"input","shape":[1,4],"datatype":"FP32","data":[5.1,3.5,1.4,0.2]}],"outputs":[{"name":"label"}]}'
show POST /v2/models/iris/infer "$only_label"
expect "only the label" "$(call POST /v2/models/iris/infer "$only_label")" '"outputs":\[\{"name":"label","datatype":"INT64","shape":\[1\],"data":\[0\]\}\]\}$'

echo "== 5. KServe V1 with class labels"
v1='{"instances":[[5.1,3.5,1.4,0.2],[6.7,3.0,5.2,2.3]]}'
show POST '/v1/models/iris:predict' "$v1"
expect "V1 labels" "$(call POST '/v1/models/iris:predict' "$v1")" '"predictions":\["setosa","virginica"\]'

echo "== 6. Synchronous deadline: a 1 microsecond timeout gives 504, never a hang"
tiny='{"parameters":{"timeout":1},"inputs":[{"name":"input","shape":[1,4],"datatype":"FP32","data":[5.1,3.5,1.4,0.2]}]}'
show POST /v2/models/iris/infer "$tiny"
expect "deadline exceeded" "$(status POST /v2/models/iris/infer "$tiny")" '^504$'

echo "== 7. Bad input gets a 400 that names the field"
bad='{"inputs":[{"name":"input","shape":[1,4],"datatype":"FP64","data":[5.1,3.5,1.4,0.2]}]}'
show POST /v2/models/iris/infer "$bad"
expect "wrong datatype is a 400" "$(status POST /v2/models/iris/infer "$bad")" '^400$'
expect "the error names the field" "$(call POST /v2/models/iris/infer "$bad")" 'datatype'

echo "== 8. Per-model statistics and Prometheus metrics"
show GET /v2/models/iris/stats
expect "metrics" "$(call GET /metrics)" 'mlsys_requests_total'

stop_server
echo
echo "web-single: all checks passed"
