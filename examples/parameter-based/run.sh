#!/usr/bin/env bash
# Parameter-based pattern: change a running service's behaviour without a restart. Runtime
# parameters (read, switch a branch off, move a cascade threshold), each change in the audit log;
# then the config file itself is edited and reloaded, and a broken edit is refused.
#   examples/parameter-based/run.sh       (PORT=9090 examples/parameter-based/run.sh for another port)
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
. "$here/../lib.sh"
fixtures_or_stand_ins
# The server serves a copy of mlsys.yaml that this script edits; the original stays as it is.
work="$(mktemp -d)"
export MLSYS_DEMO_MODELS="$work/models"
cp "$here/mlsys.yaml" "$work/mlsys.yaml"

echo "== 1. Train the cascade's light stage (Tribuo), serve a copy of mlsys.yaml from $work"
"$root/mlsys" train-demo --model-repository "$work/models" --name iris-light
start_server --config "$work/mlsys.yaml" --grpc-port 0
wait_ready

echo "== 2. Read the runtime parameters of a graph"
show GET /v2/models/iris-ovr/parameters
expect "every branch is active" "$(call GET /v2/models/iris-ovr/parameters)" '"ensemble.branches.virginica.active":true'

row='{"inputs":[{"name":"float_input","shape":[1,4],"datatype":"FP32","data":[1,2,3,4]}]}'
show POST /v2/models/iris-ovr/infer "$row"
answer="$(call POST /v2/models/iris-ovr/infer "$row")"
expect "virginica wins [1, 2, 3, 4]" "$answer" '"data":\["virginica"\]'
expect "all three branches answered" "$answer" '"answered_by":"setosa,versicolor,virginica"'

echo "== 3. Switch the virginica branch off: it is not called at all (answered_by leaves it out)"
show_with 'Mlsys-User: alice' PUT /v2/models/iris-ovr/parameters '{"parameters":{"ensemble.branches.virginica.active":false}}'
expect "the change is reported" "$(call GET /v2/models/iris-ovr/parameters)" '"ensemble.branches.virginica.active":false'
show POST /v2/models/iris-ovr/infer "$row"
answer="$(call POST /v2/models/iris-ovr/infer "$row")"
expect "answered by the two active branches" "$answer" '"answered_by":"setosa,versicolor"'
expect_catalog "setosa wins without virginica" "$answer" '"data":\["setosa"\]' \
  '"data":\["(setosa|versicolor)"\]'
call_with 'Mlsys-User: alice' PUT /v2/models/iris-ovr/parameters '{"parameters":{"ensemble.branches.virginica.active":true}}' > /dev/null
expect "switched on again" "$(call POST /v2/models/iris-ovr/infer "$row")" '"data":\["virginica"\]'

echo "== 4. Move the cascade threshold: more rows are answered by the light stage"
batch='{"inputs":[{"name":"input","shape":[3,4],"datatype":"FP32","data":[[5.1,3.5,1.4,0.2],[6.7,3.0,5.2,2.3],[6.0,2.7,5.1,1.6]]}]}'
stages() { call POST /v2/models/iris-cascade/infer "$batch"; }
show POST /v2/models/iris-cascade/infer "$batch"
expect "threshold 0.9: one row light" "$(stages)" '"data":\["light","heavy","heavy"\]'
show_with 'Mlsys-User: bob' PUT /v2/models/iris-cascade/parameters '{"parameters":{"cascade.stages.light.threshold":0.8}}'
expect "threshold 0.8: two rows light (the second row's best is 0.87)" "$(stages)" '"data":\["light","light","heavy"\]'

echo "== 5. A bad value or an unknown parameter is a 400 naming it; nothing changes"
bad='{"parameters":{"cascade.stages.light.threshold":"high"}}'
show PUT /v2/models/iris-cascade/parameters "$bad"
expect "bad value: 400" "$(status PUT /v2/models/iris-cascade/parameters "$bad")" '^400$'
expect "the error names the parameter" "$(call PUT /v2/models/iris-cascade/parameters "$bad")" 'parameters\.cascade\.stages\.light\.threshold'
unknown='{"parameters":{"cascade.stages.light.treshold":0.5}}'
expect "unknown parameter: 400" "$(status PUT /v2/models/iris-cascade/parameters "$unknown")" '^400$'
expect "still 0.8" "$(call GET /v2/models/iris-cascade/parameters)" '"cascade.stages.light.threshold":0\.8'

echo "== 6. Hot reload: edit the served file (threshold 0.9 -> 0.5); the server picks it up"
sed 's/threshold: 0.9/threshold: 0.5/' "$work/mlsys.yaml" > "$work/next.yaml"
mv "$work/next.yaml" "$work/mlsys.yaml"
grep -n 'accept:' "$work/mlsys.yaml"
poll_until 15 "the reloaded file's threshold is served" '"cascade.stages.light.threshold":0\.5' \
  call GET /v2/models/iris-cascade/parameters
show GET /v2/models/iris-cascade/parameters
expect "threshold 0.5: every row light" "$(stages)" '"data":\["light","light","light"\]'

echo "== 7. An invalid edit is refused with the reason; the last good config keeps serving"
sed 's/threshold: 0.5/threshold: high/' "$work/mlsys.yaml" > "$work/next.yaml"
mv "$work/next.yaml" "$work/mlsys.yaml"
grep -n 'accept:' "$work/mlsys.yaml"
poll_until 15 "the server logged why it refused the file" 'stages\[0\]\.accept\.threshold' \
  grep -F 'accept.threshold' "$server_log"
grep -F 'accept.threshold' "$server_log" | head -n 3
expect "the old threshold still serves" "$(call GET /v2/models/iris-cascade/parameters)" '"cascade.stages.light.threshold":0\.5'
expect "and answers" "$(stages)" '"data":\["light","light","light"\]'

echo "== 8. The audit log: one line per changed value, with who changed it"
grep 'graph parameter changed' "$server_log"
expect "alice's change is logged" "$(grep 'graph parameter changed' "$server_log")" 'path=ensemble\.branches\.virginica\.active old=true new=false who=alice'
expect "bob's change is logged" "$(grep 'graph parameter changed' "$server_log")" 'path=cascade\.stages\.light\.threshold old=0\.9 new=0\.8 who=bob'
expect "the reload's change is logged" "$(grep 'graph parameter changed' "$server_log")" 'path=cascade\.stages\.light\.threshold old=0\.8 new=0\.5 who=mlsys\.yaml'

stop_server
rm -rf "$work"
echo
echo "parameter-based: all checks passed"
