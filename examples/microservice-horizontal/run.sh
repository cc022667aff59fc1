#!/usr/bin/env bash
# Microservice horizontal pattern: one request fans out to three models in parallel, the most
# confident answers. First in one server, then with each model on its own server.
#   examples/microservice-horizontal/run.sh     (PORT=9090 examples/microservice-horizontal/run.sh)
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
. "$here/../lib.sh"
fixtures_or_stand_ins

echo "== 1. One server: three one-against-rest models and the graph over them (mlsys.yaml)"
start_server --config "$here/mlsys.yaml" --grpc-port 0
wait_ready
show GET /v2/models/iris-ovr
expect "the graph is served like a model" "$(call GET /v2/models/iris-ovr)" '"platform":"mlsys_graph"'

echo "== 2. [1, 2, 3, 4]: the catalog's sample answered {\"proba\": 0.3042130172252655, \"label\": \"virginica\"}"
row='{"id":"row-1","inputs":[{"name":"float_input","shape":[1,4],"datatype":"FP32","data":[1,2,3,4]}]}'
show POST /v2/models/iris-ovr/infer "$row"
answer="$(call POST /v2/models/iris-ovr/infer "$row")"
expect_catalog "the same score (FP32 0.30421302)" "$answer" \
  '"name":"proba","datatype":"FP32","shape":\[1\],"data":\[0\.304213[0-9]*\]' \
  '"name":"proba","datatype":"FP32","shape":\[1\],"data":\[[0-9.E-]+\]'
expect "the same species" "$answer" '"name":"label","datatype":"BYTES","shape":\[1\],"data":\["virginica"\]'
expect "all three branches answered" "$answer" '"answered_by":"setosa,versicolor,virginica"'

echo "== 3. A batch of 3 rows: each row gets its own winner"
batch='{"inputs":[{"name":"float_input","shape":[3,4],"datatype":"FP32","data":[[5.1,3.5,1.4,0.2],[6.7,3.0,5.2,2.3],[5.9,3.0,4.2,1.5]]}]}'
show POST /v2/models/iris-ovr/infer "$batch"
expect "one species per row" "$(call POST /v2/models/iris-ovr/infer "$batch")" '"data":\["setosa","virginica","versicolor"\]'

echo "== 4. The optional virginica branch runs out of its own time: the others answer without it"
echo "   (its timeout is a runtime parameter; 1us is less than any model call takes)"
show PUT /v2/models/iris-ovr/parameters '{"parameters":{"ensemble.branches.virginica.timeout":"1us"}}'
show POST /v2/models/iris-ovr/infer "$row"
answer="$(call POST /v2/models/iris-ovr/infer "$row")"
expect "answered without virginica" "$answer" '"answered_by":"setosa,versicolor"'
expect_catalog "setosa is now the most confident" "$answer" '"data":\["setosa"\]' \
  '"data":\["(setosa|versicolor)"\]'
call PUT /v2/models/iris-ovr/parameters '{"parameters":{"ensemble.branches.virginica.timeout":"500ms"}}' > /dev/null
stop_server

echo "== 5. The same graph over three model servers: remote nodes (graph-server.yaml)"
start_extra_server setosa --config "$here/setosa-server.yaml"
start_extra_server versicolor --config "$here/versicolor-server.yaml"
start_extra_server virginica --config "$here/virginica-server.yaml"
export SETOSA_URL="$setosa_url" VERSICOLOR_URL="$versicolor_url" VIRGINICA_URL="$virginica_url"
echo "  SETOSA_URL=$SETOSA_URL VERSICOLOR_URL=$VERSICOLOR_URL VIRGINICA_URL=$VIRGINICA_URL"
start_extra_server graph --config "$here/graph-server.yaml"
base="$graph_url"
echo "  (one call first to open the connections and warm up four fresh JVMs; not checked)"
call POST /v2/models/iris-ovr/infer "$row" > /dev/null
show POST /v2/models/iris-ovr/infer "$row"
answer="$(call POST /v2/models/iris-ovr/infer "$row")"
expect "remote: all three servers answered" "$answer" '"answered_by":"setosa,versicolor,virginica"'
expect_catalog "remote: the same score" "$answer" \
  '"name":"proba","datatype":"FP32","shape":\[1\],"data":\[0\.304213[0-9]*\]' \
  '"name":"proba","datatype":"FP32","shape":\[1\],"data":\[[0-9.E-]+\]'
expect "remote: the same species" "$answer" '"data":\["virginica"\]'
expect "remote: a batch" "$(call POST /v2/models/iris-ovr/infer "$batch")" '"data":\["setosa","virginica","versicolor"\]'
base="$setosa_url"
show GET /v2/models/iris-setosa/stats
expect "the setosa server got the calls" "$(success_count iris-setosa)" '^[1-9][0-9]*$'
base="$graph_url"

echo "== 6. Switch the virginica branch off (a runtime parameter): its server gets no calls at all"
base="$virginica_url"
calls="$(success_count iris-virginica)"
echo "  the virginica server has answered $calls calls"
base="$graph_url"
show_with 'Mlsys-User: alice' PUT /v2/models/iris-ovr/parameters '{"parameters":{"ensemble.branches.virginica.active":false}}'
show POST /v2/models/iris-ovr/infer "$row"
expect "answered by the two active branches" "$(call POST /v2/models/iris-ovr/infer "$row")" '"answered_by":"setosa,versicolor"'
base="$virginica_url"
show GET /v2/models/iris-virginica/stats
expect "the virginica server's count did not move" "$(success_count iris-virginica)" "^$calls\$"
base="$graph_url"
call PUT /v2/models/iris-ovr/parameters '{"parameters":{"ensemble.branches.virginica.active":true}}' > /dev/null
expect "switched on again: virginica answers" "$(call POST /v2/models/iris-ovr/infer "$row")" '"answered_by":"setosa,versicolor,virginica"'

echo "== 7. The virginica server goes down: its branch is optional, so the graph still answers"
stop_extra_server virginica
show POST /v2/models/iris-ovr/infer "$row"
answer="$(call POST /v2/models/iris-ovr/infer "$row")"
expect "answered without the server that is down" "$answer" '"answered_by":"setosa,versicolor"'
expect_catalog "setosa is now the most confident" "$answer" '"data":\["setosa"\]' \
  '"data":\["(setosa|versicolor)"\]'

stop_extra_servers
echo
echo "microservice-horizontal: all checks passed"
