#!/usr/bin/env bash
# Prediction log pattern: every prediction is recorded as one event (JSONL files and the store),
# bad requests too; the log is switched off and on while serving; feedback is joined to a
# prediction by its request id; the log's own metrics.
#   examples/prediction-log/run.sh        (PORT=9090 examples/prediction-log/run.sh for another port)
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
. "$here/../lib.sh"

# Everything in a private folder, removed at the end: the model, the JSONL files, and the data
# directory (MLSYS_DATA_DIR: the store's predictionlog.db and the journals).
tmp="$(mktemp -d)"
MLSYS_DATA_DIR="$tmp/data"
export MLSYS_DATA_DIR
logdir="$tmp/predictions"
cleanup() {
  stop_server
  rm -rf "$tmp" "${server_log:-}"
}
trap cleanup EXIT

# lines: how many events the JSONL files hold; event ID: the line of the event with request_id ID.
lines() { echo $(( $(cat "$logdir"/*.jsonl 2> /dev/null | wc -l) )); }
event() { cat "$logdir"/*.jsonl 2> /dev/null | grep -h "\"request_id\":\"$1\"" || true; }
row() { echo "{\"id\":\"$1\",\"inputs\":[{\"name\":\"input\",\"shape\":[1,4],\"datatype\":\"FP32\",\"data\":[$2]}]}"; }

echo "== 1. Train the Iris demo in Java (Tribuo), export it to ONNX"
"$root/mlsys" train-demo --model-repository "$tmp/models" --name iris

echo "== 2. Serve it with a prediction log: JSONL files in $logdir (--prediction-log) and the store"
start_server --config "$here/mlsys.yaml" --model-repository "$tmp/models" --prediction-log "$logdir"
wait_ready
show GET /v2/prediction-log
expect "the log is on" "$(call GET /v2/prediction-log)" '"enabled":true'

echo "== 3. Three predictions with OIP ids: three events, written off the request path"
show_with 'X-User-Id: alice' POST /v2/models/iris/infer "$(row req-1 '5.1,3.5,1.4,0.2')"
call_with 'X-User-Id: alice' POST /v2/models/iris/infer "$(row req-2 '5.9,3.0,4.2,1.5')" > /dev/null
call_with 'X-User-Id: bob' POST /v2/models/iris/infer "$(row req-3 '6.7,3.0,5.2,2.3')" > /dev/null
# The writer is asynchronous: wait until the lines are there.
poll_until 20 "three lines in the JSONL files" '^3$' lines
echo
echo "\$ cat $logdir/*.jsonl"
cat "$logdir"/*.jsonl
line="$(event req-1)"
expect "req-1: schema version, event id" "$line" '^\{"schema_version":2,"event_id":"[0-9a-f-]{36}","request_id":"req-1"'
expect "req-1: its trace id (a new trace: no traceparent was sent)" "$line" '"trace_id":"[0-9a-f]{32}"'
expect "req-1: model and version" "$line" '"model_name":"iris","model_version":"1"'
expect "req-1: latency and status" "$line" '"latency_us":[0-9]+,"status":"ok","error":null'
expect "req-1: the listed header" "$line" '"headers":\{"x-user-id":"alice"\}'
expect "req-1: the inputs as sent" "$line" '"inputs":\[\{"name":"input","datatype":"FP32","shape":\[1,4\],"data":\[5\.1,3\.5,1\.4,0\.2\]\}\]'
expect "req-1: the outputs as answered (setosa)" "$line" '"outputs":\[\{"name":"label","datatype":"INT64","shape":\[1\],"data":\[0\]\},\{"name":"probabilities"'
expect "req-3: its own event (virginica)" "$(event req-3)" '"request_id":"req-3".*"status":"ok".*"name":"label","datatype":"INT64","shape":\[1\],"data":\[2\]'

echo "== 4. A bad request (FP64 instead of FP32) is answered 400 and logged with its error"
bad='{"id":"bad-1","inputs":[{"name":"input","shape":[1,4],"datatype":"FP64","data":[5.1,3.5,1.4,0.2]}]}'
show POST /v2/models/iris/infer "$bad"
expect "a 400" "$(status POST /v2/models/iris/infer "$bad")" '^400$'
# Both calls are logged (the status check sent it again): 3 + 2 lines.
poll_until 20 "the bad calls are logged" '^5$' lines
line="$(event bad-1 | head -n 1)"
echo "$line"
expect "bad-1: status invalid_input, the error's message" "$line" '"status":"invalid_input","error":"inputs\[input\]\.datatype: FP64 \(expected: FP32\)"'
expect "bad-1: the inputs kept, no outputs" "$line" '"inputs":\[\{"name":"input","datatype":"FP64".*"outputs":null\}$'

echo "== 5. Switch the log off while serving (a state change: JSON content type, as lib.sh sends)"
echo
echo "\$ curl -X PUT $base/v2/prediction-log -d '{\"enabled\": false}'   (no Content-Type)"
refused="$(curl -s -o /dev/null -w '%{http_code}' -X PUT "$base/v2/prediction-log" -d '{"enabled": false}')"
expect "refused without the JSON content type (cross-site request protection)" "$refused" '^403$'
show PUT /v2/prediction-log '{"enabled": false}'
expect "the log is off" "$(call GET /v2/prediction-log)" '"enabled":false'
call POST /v2/models/iris/infer "$(row off-1 '5.1,3.5,1.4,0.2')" > /dev/null
call POST /v2/models/iris/infer "$(row off-2 '6.7,3.0,5.2,2.3')" > /dev/null
expect "served while off" "$(call POST /v2/models/iris/infer "$(row off-3 '5.9,3.0,4.2,1.5')")" '"id":"off-3"'
show PUT /v2/prediction-log '{"enabled": true}'
expect "the log is on again" "$(call GET /v2/prediction-log)" '"enabled":true'
call POST /v2/models/iris/infer "$(row on-1 '5.1,3.5,1.4,0.2')" > /dev/null
# Events are written in order: once on-1 is there, anything from the calls before it would be too.
poll_until 20 "the call after switching on is logged" '"request_id":"on-1"' event on-1
expect "no line for the three calls while off (5 + 1 lines)" "$(lines)" '^6$'
if grep -q '"request_id":"off-' "$logdir"/*.jsonl; then
  echo "FAILED: an off-* call was logged while the log was off" >&2
  exit 1
fi
echo "ok: no off-* request id in the files"

echo "== 6. Feedback: what really happened, stored next to the event in the store (by request id)"
show POST /v2/models/iris/feedback '{"request_id": "req-1", "label": "setosa"}'
expect "feedback accepted" "$(call POST /v2/models/iris/feedback '{"request_id": "req-2", "label": "versicolor"}')" '^\{"accepted":1\}$'
batch='{"feedback": [{"request_id": "req-1", "reward": 1.0}, {"request_id": "req-3", "value": {"clicks": 3}}]}'
show POST /v2/models/iris/feedback "$batch"
expect "a batch of feedback accepted" "$(call POST /v2/models/iris/feedback "$batch")" '^\{"accepted":2\}$'
nothing='{"request_id": "req-1"}'
expect "feedback without label, value or reward is a 400" "$(status POST /v2/models/iris/feedback "$nothing")" '^400$'
if command -v sqlite3 > /dev/null 2>&1; then
  # The store is an SQLite file in the data directory: join predictions with their labels.
  poll_until 20 "the events reached the store" '^6$' \
    sqlite3 "$MLSYS_DATA_DIR/predictionlog.db" 'SELECT count(*) FROM prediction_events'
  query="SELECT e.request_id, json_extract(e.outputs, '\$[0].data[0]') AS predicted, f.value AS label
FROM prediction_events e JOIN prediction_feedback f
  ON f.model_name = e.model_name AND f.request_id = e.request_id AND f.kind = 'label'
WHERE e.model_name = 'iris' ORDER BY e.request_id;"
  echo
  echo "\$ sqlite3 \$MLSYS_DATA_DIR/predictionlog.db \"$query\""
  joined="$(sqlite3 "$MLSYS_DATA_DIR/predictionlog.db" "$query")"
  echo "$joined"
  expect "prediction joined to its label" "$joined" 'req-1\|0\|"setosa"'
else
  echo "(no sqlite3 here: skipping the join of prediction_events and prediction_feedback)"
fi

echo "== 7. A data subject's events (x-user-id: alice) are deleted from the store on request"
subject='{"key": "header:x-user-id", "value": "alice"}'
echo
echo "\$ curl -X POST $base/v2/prediction-log/delete-subject -d '$subject'"
deleted="$(call POST /v2/prediction-log/delete-subject "$subject")"
echo "$deleted"
expect "alice's two events (req-1, req-2) and their feedback deleted" "$deleted" '^\{"deleted":2\}$'
expect "alice again: nothing left" "$(call POST /v2/prediction-log/delete-subject '{"key": "header:x-user-id", "value": "alice"}')" '^\{"deleted":0\}$'

echo "== 8. The prediction log's metrics"
echo
echo "\$ curl $base/metrics | grep mlsys_prediction_log_"
poll_until 20 "6 events written to the JSONL files" 'mlsys_prediction_log_events_written_total\{sink="jsonl"\} 6\.0' call GET /metrics
poll_until 20 "6 events written to the store" 'mlsys_prediction_log_events_written_total\{sink="store"\} 6\.0' call GET /metrics
metrics="$(call GET /metrics | grep '^mlsys_prediction_log_' || true)"
echo "$metrics"
expect "nothing waiting in the buffer" "$metrics" 'mlsys_prediction_log_buffer_events 0\.0'
expect "nothing in the journals (every sink keeps up)" "$metrics" 'mlsys_prediction_log_journal_bytes 0\.0'
if [[ "$metrics" =~ mlsys_prediction_log_dropped_total\{[^}]*\}\ [1-9] ]]; then
  echo "FAILED: events were dropped" >&2
  exit 1
fi
echo "ok: no events dropped"

stop_server
echo
echo "prediction-log: all checks passed"
