#!/usr/bin/env bash
# Online A/B pattern, the assignment half: users are split between two arms by a hash of their id,
# sticky across calls; the arm is in each answer; a weight change moves only the users it must;
# the report counts each arm and checks the split with a sample-ratio-mismatch test.
#   examples/online-ab/run.sh        (PORT=9090 examples/online-ab/run.sh for another port)
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
. "$here/../lib.sh"
fixtures_or_stand_ins

tmp="$(mktemp -d)"
MLSYS_DATA_DIR="$tmp/data"
MLSYS_DEMO_MODELS="$tmp/models"
export MLSYS_DATA_DIR MLSYS_DEMO_MODELS
cleanup() {
  stop_server
  rm -rf "$tmp" "${server_log:-}"
}
trap cleanup EXIT

row='{"inputs":[{"name":"input","shape":[1,4],"datatype":"FP32","data":[5.9,3.0,4.2,1.5]}]}'
# arm USER: the arm the split gives USER (the response parameter "arm").
arm() {
  curl -s -X POST -H 'Content-Type: application/json' -H "x-user: $1" "$base/v2/models/iris-ab/infer" -d "$row" \
    | grep -o '"arm":"[a-z]*"' | cut -d'"' -f4
}

echo "== 1. Train arm b's model in Java (Tribuo logistic regression, exported to ONNX)"
"$root/mlsys" train-demo --model-repository "$MLSYS_DEMO_MODELS" --name iris-tribuo

echo "== 2. Serve the split (mlsys.yaml)"
start_server --config "$here/mlsys.yaml"
wait_ready
show_with 'x-user: alice' POST /v2/models/iris-ab/infer "$row"
expect "the answer names its arm" "$(call_with 'x-user: alice' POST /v2/models/iris-ab/infer "$row")" '"parameters":\{"arm":"[ab]"\}'

echo "== 3. 300 users, each twice: every user gets the same arm both times"
declare -A first
in_a=0
for i in $(seq 1 300); do
  first[$i]="$(arm "user-$i")"
  [ "${first[$i]}" = a ] && in_a=$((in_a + 1))
done
for i in $(seq 1 300); do
  if [ "$(arm "user-$i")" != "${first[$i]}" ]; then
    echo "FAILED: user-$i changed arm" >&2
    exit 1
  fi
done
echo "ok: 300 users kept their arm; $in_a in a, $((300 - in_a)) in b"
[ "$in_a" -ge 110 ] && [ "$in_a" -le 190 ] || { echo "FAILED: 50/50 gave $in_a of 300 in a" >&2; exit 1; }

echo "== 4. The report: calls and users per arm, and the sample-ratio-mismatch test"
echo
echo "\$ curl $base/v2/experiments/iris-ab/report"
call GET /v2/experiments/iris-ab/report
echo
report="$(call GET /v2/experiments/iris-ab/report)"
# alice (step 2) is a unit too.
units_a=$((in_a + $([ "$(arm alice)" = a ] && echo 1 || echo 0)))
expect "arm a: its users" "$report" "\"name\":\"a\",\"count\":[0-9]+,\"units\":$units_a,"
expect "no sample-ratio mismatch on a fair split" "$report" '"mismatch":false'

echo "== 5. Weights 50/50 -> 80/20 through the runtime parameters (audited): only b's users move"
show PUT /v2/models/iris-ab/parameters '{"parameters":{"split.arms.a.weight":80,"split.arms.b.weight":20}}'
moved=0
for i in $(seq 1 300); do
  now="$(arm "user-$i")"
  if [ "$now" != "${first[$i]}" ]; then
    [ "${first[$i]}" = b ] || { echo "FAILED: user-$i left a" >&2; exit 1; }
    moved=$((moved + 1))
  fi
done
echo "ok: $moved of 300 users moved, all from b to a (30% of the buckets changed hands: about 90 expected)"
[ "$moved" -ge 50 ] && [ "$moved" -le 130 ] || { echo "FAILED: $moved moved" >&2; exit 1; }

echo "== 6. Stop the experiment: everyone gets the control arm a"
show PUT /v2/experiments/iris-ab '{"state": "stopped"}'
expect "user-1 in a" "$(arm user-1)" '^a$'
expect "listed as stopped" "$(call GET /v2/experiments)" '"name":"iris-ab","kind":"split","state":"stopped"'

stop_server
echo
echo "online-ab: all checks passed"
