#!/usr/bin/env bash
# Condition-based pattern: one endpoint, a rule per request picks the model that answers: a header,
# an input value, else the default. The response parameter "route" says which answered.
#   examples/condition-based/run.sh       (PORT=9090 examples/condition-based/run.sh for another port)
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
. "$here/../lib.sh"
fixtures_or_stand_ins

echo "== 1. Serve four models and the switch over them (mlsys.yaml)"
start_server --config "$here/mlsys.yaml" --grpc-port 0
wait_ready
show GET /v2/models/iris-routed
expect "every route answers a label" "$(call GET /v2/models/iris-routed)" '"outputs":\[\{"name":"label","datatype":"BYTES"'

long='{"inputs":[{"name":"float_input","shape":[1,4],"datatype":"FP32","data":[6.7,3.0,5.2,2.3]}]}'
short='{"inputs":[{"name":"float_input","shape":[1,4],"datatype":"FP32","data":[5.1,3.5,1.4,0.2]}]}'

echo "== 2. Rule 1, a header: X-Model: svc asks for the three-class SVC"
show_with 'X-Model: svc' POST /v2/models/iris-routed/infer "$long"
answer="$(call_with 'X-Model: svc' POST /v2/models/iris-routed/infer "$long")"
expect "route asked-for-svc" "$answer" '"route":"asked-for-svc"'
expect "its three probabilities" "$answer" '"name":"output_probability","datatype":"FP32","shape":\[1,3\]'
expect "named virginica" "$answer" '"name":"label","datatype":"BYTES","shape":\[1\],"data":\["virginica"\]'

echo "== 3. Rule 2, an input value: petal length 5.2 > 2.5, two detectors decide"
show POST /v2/models/iris-routed/infer "$long"
answer="$(call POST /v2/models/iris-routed/infer "$long")"
expect "route long-petals" "$answer" '"route":"long-petals"'
expect "both detectors answered" "$answer" '"answered_by":"versicolor,virginica"'
expect "named virginica" "$answer" '"data":\["virginica"\]'

echo "== 4. No rule holds (no header, petal length 1.4): the default route"
show POST /v2/models/iris-routed/infer "$short"
answer="$(call POST /v2/models/iris-routed/infer "$short")"
expect "route default" "$answer" '"route":"default"'
expect "the setosa detector confirms it" "$answer" '"data":\["setosa"\]'

echo "== 5. Rules are tried in order: the header wins over the input value, other headers do not match"
expect "header first" "$(call_with 'X-Model: svc' POST /v2/models/iris-routed/infer "$short")" '"route":"asked-for-svc"'
expect "another header value" "$(call_with 'X-Model: other' POST /v2/models/iris-routed/infer "$short")" '"route":"default"'

stop_server
echo
echo "condition-based: all checks passed"
