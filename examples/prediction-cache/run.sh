#!/usr/bin/env bash
# Prediction cache pattern: a repeated request is answered from the cache ("cache": "hit"), with its
# own request id; the API empties a model's cache; a second replica answers from the shared Redis
# tier; Redis stopped and started again while serving (no failed request, the tier comes back); the
# cache's metrics.
#   examples/prediction-cache/run.sh        (PORT=9090 examples/prediction-cache/run.sh for another port)
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
. "$here/../lib.sh"

tmp="$(mktemp -d)"
redis_pid=""
stop_redis() {
  if [ -n "$redis_pid" ] && kill -0 "$redis_pid" 2> /dev/null; then
    kill -TERM "$redis_pid"
    wait "$redis_pid" 2> /dev/null || true
  fi
  redis_pid=""
}
cleanup() {
  stop_extra_servers
  stop_server
  stop_redis
  rm -rf "$tmp" "${server_log:-}"
}
trap cleanup EXIT

row() { echo "{\"id\":\"$1\",\"inputs\":[{\"name\":\"input\",\"shape\":[1,4],\"datatype\":\"FP32\",\"data\":[$2]}]}"; }
cache_of() { [[ "$1" =~ \"cache\":\"([a-z]+)\" ]] && echo "${BASH_REMATCH[1]}"; }
metric() { call GET /metrics | grep "^$1" || true; }

if ! command -v redis-server > /dev/null 2>&1; then
  echo "skipped: needs redis-server (apt-get install -y redis-server) for the shared tier"
  exit 0
fi

echo "== 1. Train the Iris demo in Java (Tribuo), export it to ONNX"
"$root/mlsys" train-demo --model-repository "$tmp/models" --name iris > /dev/null
IRIS_ONNX="$tmp/models/iris/1/model.onnx"
export IRIS_ONNX

echo "== 2. A private Redis for the shared tier (nothing saved; stopped at the end)"
redis_port=""
for candidate in $(seq 26379 26479); do
  if ! (exec 3<> "/dev/tcp/127.0.0.1/$candidate") 2> /dev/null; then
    redis_port="$candidate"
    break
  fi
done
start_redis() {
  redis-server --port "$redis_port" --bind 127.0.0.1 --save "" --appendonly no > /dev/null &
  redis_pid=$!
  poll_until 20 "redis-server on port $redis_port" '^PONG$' redis-cli -p "$redis_port" ping
}
start_redis
REDIS_URL="redis://127.0.0.1:$redis_port"
export REDIS_URL
redis_keys() { redis-cli -p "$redis_port" --scan --pattern "mlsys:cache:$1:*" | wc -l | tr -d ' '; }

echo "== 3. Serve iris (in process) and iris-shared (over Redis), each behind the cache decorator"
start_server --config "$here/mlsys.yaml"
wait_ready

echo "== 4. The same row twice: the model runs once, the second answer is a hit with its own id"
show POST /v2/models/iris/infer "$(row first '5.1,3.5,1.4,0.2')"
first="$(call POST /v2/models/iris/infer "$(row again '6.7,3.0,5.2,2.3')")"
second="$(call POST /v2/models/iris/infer "$(row repeat '6.7,3.0,5.2,2.3')")"
show POST /v2/models/iris/infer "$(row repeat-2 '6.7,3.0,5.2,2.3')"
expect "the first time is a miss" "$(cache_of "$first")" '^miss$'
expect "the second time is a hit" "$(cache_of "$second")" '^hit$'
expect "a hit answers with its own request id" "$second" '"id":"repeat"'
expect "the same answer (virginica)" "$second" '"name":"label","datatype":"INT64","shape":\[1\],"data":\[2\]'
other="$(call POST /v2/models/iris/infer "$(row other '5.9,3.0,4.2,1.5')")"
expect "another row is another entry (a miss)" "$(cache_of "$other")" '^miss$'

echo "== 5. Empty the cache by API (a state change: role manage when tokens are on)"
show DELETE /v2/models/iris/cache
after="$(call POST /v2/models/iris/infer "$(row after '6.7,3.0,5.2,2.3')")"
expect "after emptying, the row is a miss again" "$(cache_of "$after")" '^miss$'
expect "a model without a cache is a 404" "$(status DELETE /v2/models/nope/cache)" '^404$'

echo "== 6. The shared tier: a second replica answers from Redis what only the first one saw"
shared="$(call POST /v2/models/iris-shared/infer "$(row s1 '5.1,3.5,1.4,0.2')")"
expect "first replica: a miss" "$(cache_of "$shared")" '^miss$'
poll_until 20 "the answer is in Redis (SET ... PX, binary value)" '^1$' redis_keys iris-shared
key="$(redis-cli -p "$redis_port" --scan --pattern 'mlsys:cache:iris-shared:*' | head -n 1)"
echo "  key $key, expires in $(redis-cli -p "$redis_port" pttl "$key") ms (ttl + max-stale)"
start_extra_server replica --config "$here/mlsys.yaml"
# start_extra_server sets its own exit trap; ours stops the replica too, and Redis, and removes $tmp.
trap cleanup EXIT
echo
echo "\$ curl -X POST $replica_url/v2/models/iris-shared/infer -d '$(row s2 '5.1,3.5,1.4,0.2')'"
# The replica connects to Redis in the background: its first calls may not find the connection yet.
from_redis() { curl -s -H 'Content-Type: application/json' "$replica_url/v2/models/iris-shared/infer" -d "$(row s2 '5.1,3.5,1.4,0.2')"; }
poll_until 20 "the second replica answers from Redis (a hit)" '"cache":"hit"' from_redis
replica_metrics="$(curl -s "$replica_url/metrics" | grep '^mlsys_cache_hits_total{model="iris-shared",tier="redis"}')"
echo "  $replica_metrics"
expect "counted as a Redis hit" "$replica_metrics" 'tier="redis"\} [1-9]'
stop_extra_server replica

echo "== 7. Redis stops while serving: every request is still answered, without the shared tier"
stop_redis
for i in 1 2 3 4 5 6; do
  expect "request $i during the outage: 200" "$(status POST /v2/models/iris-shared/infer "$(row down-$i "4.$i,3.0,1.1,0.1")")" '^200$'
done
metric mlsys_cache_redis
expect "Redis errors counted (then the breaker keeps calls off Redis)" "$(metric mlsys_cache_redis_errors_total)" '\} [1-9]'
expect "calls that skipped Redis counted" "$(metric mlsys_cache_redis_skipped_total)" '\} [1-9]'

echo "== 8. Redis is back: after the open period one call probes it, and the tier is used again"
start_redis
# poll_until runs probe in a subshell: a fresh row each time comes from $RANDOM, not a counter.
probe() {
  call POST /v2/models/iris-shared/infer "$(row "up-$RANDOM" "7.$RANDOM,3.1,6.0,2.0")" > /dev/null
  redis_keys iris-shared
}
poll_until 30 "new answers are written to Redis again" '^[1-9]' probe

echo "== 9. Emptying iris-shared empties Redis too"
show DELETE /v2/models/iris-shared/cache
expect "no iris-shared keys left in Redis" "$(redis_keys iris-shared)" '^0$'

echo "== 10. The cache's metrics (per model)"
echo
echo "\$ curl $base/metrics | grep mlsys_cache_"
metrics="$(call GET /metrics | grep '^mlsys_cache_' || true)"
echo "$metrics"
expect "memory hits of iris" "$metrics" 'mlsys_cache_hits_total\{model="iris",tier="memory"\} [1-9]'
expect "misses of iris" "$metrics" 'mlsys_cache_misses_total\{model="iris"\} [1-9]'
expect "hit ratio of iris" "$metrics" 'mlsys_cache_hit_ratio\{model="iris"\} 0\.[0-9]+'
expect "bytes kept for iris" "$metrics" 'mlsys_cache_size_bytes\{model="iris"\} [0-9]'

stop_server
echo
echo "prediction-cache: all checks passed"
