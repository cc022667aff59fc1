#!/usr/bin/env bash
# Asynchronous pattern: an infer call with `Prefer: respond-async` is stored as a job and answered
# 202 with its location; `mlsys worker` processes run it through the same model; the client polls
# GET /v2/jobs/{id} (or gets a signed callback); Idempotency-Key makes a resubmission return the
# same job; DELETE cancels; a worker killed with SIGKILL loses no job.
#   examples/asynchronous/run.sh        (PORT=9090 examples/asynchronous/run.sh for another port)
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
. "$here/../lib.sh"

tmp="$(mktemp -d)"
worker_pid=""
receiver_pid=""
stop_worker() {
  if [ -n "$worker_pid" ] && kill -0 "$worker_pid" 2> /dev/null; then
    kill -TERM "$worker_pid"
    wait "$worker_pid" 2> /dev/null || true
  fi
  worker_pid=""
}
cleanup() {
  stop_worker
  if [ -n "$receiver_pid" ]; then
    kill "$receiver_pid" 2> /dev/null || true
  fi
  stop_server
  rm -rf "$tmp" "${server_log:-}"
}
trap cleanup EXIT

export MLSYS_CALLBACK_SECRET="example-secret-$$"
row='{"id":"r1","inputs":[{"name":"input","shape":[1,4],"datatype":"FP32","data":[5.1,3.5,1.4,0.2]}]}'
other='{"id":"r2","inputs":[{"name":"input","shape":[1,4],"datatype":"FP32","data":[6.7,3.0,5.2,2.3]}]}'
# submit BODY [HEADER...]: POSTs with Prefer: respond-async; prints the status line, Location and body.
submit() {
  local body="$1"
  shift
  local headers=(-H 'Content-Type: application/json' -H 'Prefer: respond-async')
  for header in "$@"; do headers+=(-H "$header"); done
  curl -s -i "${headers[@]}" "$base/v2/models/iris/infer" -d "$body" | tr -d '\r' |
    grep -E '^HTTP|^location|^preference-applied|^\{' -i
}
# async_status BODY [HEADER]: the status code of a submission.
async_status() {
  curl -s -o /dev/null -w '%{http_code}' -H 'Content-Type: application/json' \
    -H 'Prefer: respond-async' -H "${2:-X-Example: 1}" "$base/v2/models/iris/infer" -d "$1"
}
location_of() { grep -i '^location:' <<< "$1" | awk '{print $2}'; }
job_state() { call GET "$1" | grep -o '"state":"[a-z]*"'; }
start_worker() {
  "$root/mlsys" worker --config "$here/mlsys.yaml" --data-dir "$tmp/data" --threads 2 \
    >> "$tmp/worker.log" 2>&1 &
  worker_pid=$!
}
count() { curl -s "$base/metrics" | grep "^mlsys_jobs_count{state=\"$1\"" | awk '{print int($2)}'; }

echo "== 1. Train the Iris demo in Java (Tribuo) and export it to ONNX"
"$root/mlsys" train-demo --model-repository "$here/models" --name iris

echo "== 2. Serve it; this server only accepts jobs (jobs.workers: 0)"
start_server --config "$here/mlsys.yaml" --data-dir "$tmp/data"
wait_ready

echo "== 3. Submit: 202 Accepted, Location: /v2/jobs/{id}; no worker runs yet, so it waits"
echo "\$ curl -i -H 'Prefer: respond-async' $base/v2/models/iris/infer -d '$row'"
answer="$(submit "$row")"
echo "$answer"
expect "202 Accepted" "$answer" '^HTTP/1.1 202'
expect "the preference was applied" "$answer" '[Pp]reference-[Aa]pplied: respond-async'
job="$(location_of "$answer")"
expect "a job location" "$job" '^/v2/jobs/[0-9a-f-]+$'
show GET "$job"
expect "queued" "$(job_state "$job")" '"state":"queued"'
expect "bad input is still a 400 at once" \
  "$(async_status '{"inputs":[{"name":"nope","shape":[1,4],"datatype":"FP32","data":[1,2,3,4]}]}')" '^400$'

echo "== 4. Idempotency-Key: the same key returns the same job; another body with it is a 422"
first="$(submit "$other" 'Idempotency-Key: order-42')"
again="$(submit "$other" 'Idempotency-Key: order-42')"
expect "the same job" "$(location_of "$again")" "^$(location_of "$first")\$"
expect "answered 200 the second time" "$again" '^HTTP/1.1 200'
expect "another body with the key: 422" "$(submit "$row" 'Idempotency-Key: order-42')" '^HTTP/1.1 422'

echo "== 5. Cancel a queued job: DELETE; a worker that receives it drops it"
cancel="$(location_of "$(submit "$row")")"
show DELETE "$cancel"
expect "cancelled" "$(job_state "$cancel")" '"state":"cancelled"'
expect "cancelling again: 409" "$(status DELETE "$cancel")" '^409$'

echo "== 6. A callback: the finished job is POSTed to the URL, signed with HMAC-SHA256"
hooked=""
if command -v python3 > /dev/null; then
  receiver_port="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')"
  python3 "$here/receiver.py" "$tmp/callbacks" "$receiver_port" &
  receiver_pid=$!
  hooked="$(location_of "$(submit "$row" "X-Callback-Url: http://127.0.0.1:$receiver_port/done")")"
else
  # The same count of jobs without a receiver (it needs python3).
  submit "$row" > /dev/null
  echo "  (no python3: the callback receiver is skipped)"
fi
expect "a host not in allowed-hosts is refused" \
  "$(async_status "$row" 'X-Callback-Url: http://169.254.169.254/latest')" '^400$'

echo "== 7. Start a worker (mlsys worker, a separate process): the waiting jobs run"
start_worker
poll_until 120 "the first job succeeded" '"state":"succeeded"' job_state "$job"
show GET "$job"
expect "its result is the model's answer" "$(call GET "$job")" '"result":\{"model_name":"iris","model_version":"1","id":"r1","outputs":\[\{"name":"label","datatype":"INT64","shape":\[1\],"data":\[0\]'
if [ -n "$hooked" ]; then
  poll_until 30 "the callback arrived, its signature verified" "verified .*\"id\":\"${hooked##*/}\".*\"state\":\"succeeded\"" cat "$tmp/callbacks"
fi
expect "the cancelled job stayed cancelled" "$(job_state "$cancel")" '"state":"cancelled"'

echo "== 8. 300 jobs; the worker is killed with SIGKILL mid-run and started again: none is lost"
stop_worker
for _ in $(seq 1 300); do
  curl -s -o /dev/null -H 'Content-Type: application/json' -H 'Prefer: respond-async' \
    "$base/v2/models/iris/infer" -d "$row"
done
queued() { call GET '/v2/jobs?state=queued&limit=1000' | grep -o '"id"' | wc -l; }
start_worker
# Kill it as soon as it has started on them.
for _ in $(seq 1 1200); do
  [ "$(queued)" -lt 300 ] && break
  sleep 0.1
done
kill -KILL "$worker_pid"
wait "$worker_pid" 2> /dev/null || true
worker_pid=""
echo "  worker killed (SIGKILL) with $(queued) of the 300 jobs still queued"
start_worker
poll_until 180 "every job succeeded (303 in all, 1 cancelled)" '^303$' count succeeded
show GET '/v2/jobs?state=failed'
echo "\$ curl -s $base/metrics | grep mlsys_jobs"
curl -s "$base/metrics" | grep '^mlsys_jobs_count'
stop_worker
echo "asynchronous: all checks passed"
