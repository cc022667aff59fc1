#!/usr/bin/env bash
# Multiple-stage pattern, asynchronous: the light model answers every row of the request at once;
# the rows it is unsure about go on to the heavy model as a job, and the client fetches the heavy
# answer from GET /v2/jobs/{id} when it is ready.
#   examples/multiple-stage-async/run.sh    (PORT=9090 examples/multiple-stage-async/run.sh for another port)
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
. "$here/../lib.sh"
fixtures_or_stand_ins

data="$(mktemp -d)"
cleanup() {
  stop_server
  rm -rf "$data"
}
trap cleanup EXIT

echo "== 1. Train the light stage in Java (Tribuo logistic regression, exported to ONNX)"
"$root/mlsys" train-demo --model-repository "$here/models" --name iris-light

echo "== 2. Serve both models, the cascade, and two job workers in the server"
start_server --config "$here/mlsys.yaml" --grpc-port 0 --data-dir "$data"
wait_ready

echo "== 3. A clear setosa: the light model is sure, no job"
confident='{"inputs":[{"name":"input","shape":[1,4],"datatype":"FP32","data":[5.1,3.5,1.4,0.2]}]}'
show POST /v2/models/iris-cascade/infer "$confident"
answer="$(call POST /v2/models/iris-cascade/infer "$confident")"
expect "answered by light" "$answer" '"parameters":\{"stage":"light"\}'
if grep -q '"job"' <<< "$answer"; then
  echo "FAIL: a job for a row the light model was sure about" >&2
  exit 1
fi

echo "== 4. A batch with one unsure row: every row answered now, the unsure one also queued"
batch='{"id":"b1","inputs":[{"name":"input","shape":[3,4],"datatype":"FP32","data":[[5.1,3.5,1.4,0.2],[6.0,2.7,5.1,1.6],[4.9,3.0,1.4,0.2]]}]}'
show POST /v2/models/iris-cascade/infer "$batch"
answer="$(call POST /v2/models/iris-cascade/infer "$batch")"
expect "every row answered by light at once" "$answer" '"name":"stage","datatype":"BYTES","shape":\[3\],"data":\["light","light","light"\]'
expect "the job and the rows it answers" "$answer" '"job_stage":"heavy","job_rows":"1"'
location="$(grep -o '"job_location":"[^"]*"' <<< "$answer" | cut -d'"' -f4)"
echo "   the heavy answer will be at $location"

echo "== 5. Poll the job until the heavy model has answered row 1"
state=""
for _ in $(seq 1 100); do
  job="$(call GET "$location")"
  state="$(grep -o '"state":"[a-z]*"' <<< "$job" | head -1 | cut -d'"' -f4)"
  case "$state" in succeeded | failed | cancelled | expired) break ;; esac
  sleep 0.1
done
show GET "$location"
expect "the job succeeded" "$state" '^succeeded$'
expect "answered by heavy" "$job" '"stage":"heavy"'
expect_catalog "the heavy model's label for row 1" "$job" \
  '"name":"label","datatype":"INT64","shape":\[1\],"data":\[2\]' \
  '"name":"label","datatype":"INT64","shape":\[1\],"data":\[[12]\]'

stop_server
echo
echo "multiple-stage-async: all checks passed"
