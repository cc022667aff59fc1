#!/usr/bin/env bash
# Prediction circuit break pattern: requests far slower than the SLO open the breaker; while it is
# open the fallback answers (a cheaper model, then a fixed answer) with "degraded": true and the
# step that answered; without a fallback the answer is 503 with Retry-After; after open-for,
# probes close the breaker and the model answers again.
#   examples/circuit-break/run.sh        (PORT=9090 examples/circuit-break/run.sh for another port)
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
. "$here/../lib.sh"

tmp="$(mktemp -d)"
cleanup() {
  stop_server
  rm -rf "$tmp" "${server_log:-}"
}
trap cleanup EXIT

one='{"inputs":[{"name":"input","shape":[1,4],"datatype":"FP32","data":[5.1,3.5,1.4,0.2]}]}'
two='{"inputs":[{"name":"input","shape":[2,4],"datatype":"FP32","data":[5.1,3.5,1.4,0.2,6.7,3.0,5.2,2.3]}]}'
# A batch of 100000 rows: far slower than the 1 ms SLO (the model's own time, without JSON).
rows=100000
awk -v n="$rows" 'BEGIN {
  printf "{\"inputs\":[{\"name\":\"input\",\"shape\":[%d,4],\"datatype\":\"FP32\",\"data\":[", n
  for (i = 0; i < n; i++) printf "%s5.1,3.5,1.4,0.2", (i ? "," : "")
  printf "]}],\"outputs\":[{\"name\":\"label\"}]}"
}' > "$tmp/big.json"
big() { curl -s -o /dev/null -w '%{http_code}' -H 'Content-Type: application/json' "$base/v2/models/$1/infer" -d @"$tmp/big.json"; }
state() { curl -s "$base/metrics" | grep "^mlsys_circuit_state{model=\"$1\"" | awk '{print $2}'; }

echo "== 1. Train the Iris demo in Java (Tribuo) and export it to ONNX"
"$root/mlsys" train-demo --model-repository "$here/models" --name iris

echo "== 2. Serve iris behind fallback, rate-limit, concurrency-limit and circuit-breaker"
start_server --config "$here/mlsys.yaml"
wait_ready
show POST /v2/models/iris/infer "$one"
answer="$(call POST /v2/models/iris/infer "$one")"
expect "the model answers, not degraded" "$answer" '"model_name":"iris".*"name":"label","datatype":"INT64","shape":\[1\],"data":\[0\]'
if [[ "$answer" == *degraded* ]]; then
  echo "FAILED: a normal answer says degraded: $answer" >&2
  exit 1
fi
expect "the breaker is closed" "$(state iris)" '^0\.0$'

echo "== 3. Four batches of $rows rows, each far over the 1 ms SLO: the breaker opens"
for _ in 1 2 3 4; do
  expect "a slow batch is still answered" "$(big iris)" '^200$'
done
echo "\$ curl -s $base/metrics | grep mlsys_circuit"
curl -s "$base/metrics" | grep '^mlsys_circuit' | grep 'model="iris"'
expect "the breaker is open" "$(state iris)" '^1\.0$'

echo "== 4. While it is open the cheaper model answers, and the answer says so"
show POST /v2/models/iris/infer "$two"
answer="$(call POST /v2/models/iris/infer "$two")"
expect "answered by iris-lite" "$answer" '"model_name":"iris-lite"'
expect "two rows, two labels" "$answer" '"name":"label","datatype":"INT64","shape":\[2\],"data":\[0,2\]'
expect "degraded, which fallback, why" "$answer" '"parameters":\{"degraded":true,"fallback":"iris-lite","fallback-reason":"circuit-open"\}'

echo "== 5. The cheaper model unloaded: the fixed answer, one row per request row"
show POST /v2/repository/models/iris-lite/unload
show POST /v2/models/iris/infer "$two"
answer="$(call POST /v2/models/iris/infer "$two")"
expect "the default answer" "$answer" '"model_name":"iris".*"outputs":\[\{"name":"label","datatype":"INT64","shape":\[2\],"data":\[-1,-1\]\}\]'
expect "it says so" "$answer" '"degraded":true,"fallback":"default","fallback-reason":"circuit-open"'

echo "== 6. Without a fallback (iris-bare): 503 with Retry-After while open"
for _ in 1 2 3 4; do big iris-bare > /dev/null; done
echo "\$ curl -i -X POST $base/v2/models/iris-bare/infer -d '$one'"
headers="$(curl -s -i -H 'Content-Type: application/json' "$base/v2/models/iris-bare/infer" -d "$one")"
echo "$headers"
expect "503" "$headers" 'HTTP/1.1 503'
expect "Retry-After: the seconds left of open-for" "$headers" $'[Rr]etry-[Aa]fter: [1-3]\r'
expect "the error names the circuit" "$headers" "\"error\":\"circuit 'iris-bare' is open"

echo "== 7. After open-for (3 s) small calls probe the model; three fast probes close the breaker"
# A probe slower than the SLO (a stalled CPU) opens it again for open-for: then probe again.
for _ in 1 2 3; do
  sleep 3.5
  for _ in 1 2 3; do
    call POST /v2/models/iris/infer "$one" > /dev/null
  done
  if [ "$(state iris)" = "0.0" ]; then break; fi
done
expect "the breaker is closed again" "$(state iris)" '^0\.0$'
show POST /v2/models/iris/infer "$one"
answer="$(call POST /v2/models/iris/infer "$one")"
expect "the model answers again, not degraded" "$answer" '^\{"model_name":"iris","model_version":"1","outputs":\[\{"name":"label"'
if [[ "$answer" == *degraded* ]]; then
  echo "FAILED: still degraded after recovery: $answer" >&2
  exit 1
fi
echo
echo "\$ curl -s $base/metrics | grep -E 'mlsys_(circuit|fallback)'"
curl -s "$base/metrics" | grep -E '^mlsys_(circuit_transitions|fallback)' | grep 'model="iris"'

echo
echo "circuit-break: all checks passed"
