#!/usr/bin/env bash
# Model-load pattern: serve a repository, add version 2 while traffic flows, load it, unload it.
#   examples/model-load/run.sh          (PORT=9090 examples/model-load/run.sh for another port)
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
. "$here/../lib.sh"
repo="$here/models"
rm -rf "$repo"

echo "== 1. Version 1 of the model into the repository"
"$root/mlsys" train-demo --model-repository "$repo" --name iris --model-version 1 --seed 42
# Serve the two newest versions side by side (Triton's version policy).
cat > "$repo/iris/config.yaml" <<'YAML'
labels: labels.json
version-policy: { latest: 2 }
YAML

echo "== 2. Start: live at once, ready when the models are loaded"
start_server --config "$here/mlsys.yaml"
wait_ready
show GET /v2/models/iris
expect "version 1 served" "$(call GET /v2/models/iris)" '"versions":\["1"\]'

row='{"inputs":[{"name":"input","shape":[1,4],"datatype":"FP32","data":[6.7,3.0,5.2,2.3]}],"outputs":[{"name":"label"}]}'

echo "== 3. Traffic flows while version 2 is trained, written and loaded"
failures_file="$(mktemp)"
(
  failures=0
  for _ in $(seq 1 400); do
    code="$(status POST /v2/models/iris/infer "$row")"
    [ "$code" = 200 ] || failures=$((failures + 1))
  done
  echo "$failures" > "$failures_file"
) &
traffic_pid=$!
"$root/mlsys" train-demo --model-repository "$repo" --name iris --model-version 2 --seed 7
cat > "$repo/iris/config.yaml" <<'YAML'
labels: labels.json
version-policy: { latest: 2 }
YAML
show POST /v2/repository/models/iris/load
show POST /v2/repository/models/iris/load
wait "$traffic_pid"
expect "no request failed during the reloads" "$(cat "$failures_file")" '^0$'

show GET /v2/models/iris
expect "both versions served" "$(call GET /v2/models/iris)" '"versions":\["2","1"\]'
show POST /v2/models/iris/versions/1/infer "$row"
expect "version 1 answers" "$(call POST /v2/models/iris/versions/1/infer "$row")" '"model_version":"1"'
expect "unversioned calls go to the newest" "$(call POST /v2/models/iris/infer "$row")" '"model_version":"2"'
show POST /v2/repository/index

echo "== 4. Unload: not ready, calls get 503; load brings it back"
show POST /v2/repository/models/iris/unload
expect "model not ready after unload" "$(status GET /v2/models/iris/ready)" '^503$'
expect "infer is 503 after unload" "$(status POST /v2/models/iris/infer "$row")" '^503$'
show POST /v2/repository/models/iris/load
expect "ready again" "$(status GET /v2/models/iris/ready)" '^200$'

echo "== 5. A broken model is reported, the others keep serving"
mkdir -p "$repo/broken/1"
echo "not an onnx model" > "$repo/broken/1/model.onnx"
show POST /v2/repository/models/broken/load
expect "a failed load is a 400 with the reason" "$(status POST /v2/repository/models/broken/load)" '^400$'
expect "iris still serves" "$(status POST /v2/models/iris/infer "$row")" '^200$'

stop_server
echo
echo "model-load: all checks passed"
