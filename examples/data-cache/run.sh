#!/usr/bin/env bash
# Data cache pattern: an id's features are fetched from the source once, then served from the
# cache (in process, then Redis); per-feature status for unknown ids and stale rows; a warm-up that
# loads the shared tier ahead of traffic; bad ids get a 400 that names the field. (A source that is
# down answers 503 within its timeout: FeaturesServingTest.)
#   examples/data-cache/run.sh          (PORT=9090 examples/data-cache/run.sh for another port)
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
. "$here/../lib.sh"
need_fixtures

redis_url="${FEATURES_REDIS:-redis://127.0.0.1:6379}"
redis_hostport="${redis_url#redis://}"
if ! (exec 3<> "/dev/tcp/${redis_hostport%%:*}/${redis_hostport##*:}") 2> /dev/null; then
  echo "skipped: needs Redis at $redis_url (set FEATURES_REDIS=redis://HOST:PORT)"
  exit 0
fi
if ! command -v sqlite3 > /dev/null; then
  echo "skipped: needs the sqlite3 command to write the example's feature table"
  exit 0
fi

tmp="$(mktemp -d)"
cleanup() {
  stop_server
  rm -rf "$tmp" "${server_log:-}"
}
trap cleanup EXIT
export FEATURES_DB="$tmp/features.db" FEATURES_REDIS="$redis_url"

echo "== 1. Train the Iris demo in Java (Tribuo), export it to ONNX"
"$root/mlsys" train-demo --model-repository "$tmp/models" --name iris

echo "== 2. A feature table: the fixture's 12,000 iris measurements, one row per flower id"
now_ms="$(($(date +%s) * 1000))"
sqlite3 "$FEATURES_DB" <<SQL
CREATE TABLE raw (sepal_length REAL, sepal_width REAL, petal_length REAL, petal_width REAL);
.mode csv
.import $MLSYS_FIXTURES/sklearn-iris/rand_iris.csv raw
CREATE TABLE iris (id INTEGER PRIMARY KEY, sepal_length REAL, sepal_width REAL,
                   petal_length REAL, petal_width REAL, updated_ms INTEGER);
INSERT INTO iris SELECT rowid, sepal_length, sepal_width, petal_length, petal_width, $now_ms FROM raw;
-- Flower 3 was last computed two days ago: older than max-age (24h).
UPDATE iris SET updated_ms = $now_ms - 2 * 86400000 WHERE id = 3;
DROP TABLE raw;
SQL
echo "$(sqlite3 "$FEATURES_DB" 'SELECT count(*) FROM iris') rows in $FEATURES_DB"

echo "== 3. Serve the graph: id -> features (cache, then table) -> model"
start_server --config "$here/mlsys.yaml" --model-repository "$tmp/models"
wait_ready
show GET /v2/models/iris-by-id

ids() { echo "{\"inputs\":[{\"name\":\"flower_id\",\"shape\":[$#],\"datatype\":\"INT64\",\"data\":[$(IFS=,; echo "$*")]}]}"; }

echo "== 4. The catalog's flow: the first call fetches from the table, the next from the cache"
show POST /v2/models/iris-by-id/infer "$(ids 1 2)"
expect "answered from the source" "$(call POST /v2/models/iris-by-id/infer "$(ids 5 6)")" '"features.served-from":"source"'
second="$(call POST /v2/models/iris-by-id/infer "$(ids 5 6)")"
expect "then from memory" "$second" '"features.served-from":"memory"'
expect "every feature present" "$second" '"features.present":8,"features.null_value":0,"features.not_found":0,"features.outside_max_age":0'
expect "two labels" "$second" '"name":"label","datatype":"INT64","shape":\[2\]'

echo "== 5. Per-feature status: an unknown id and a row older than max-age"
show POST /v2/models/iris-by-id/infer "$(ids 3 999999)"
status_answer="$(call POST /v2/models/iris-by-id/infer "$(ids 3 999999)")"
expect "unknown id" "$status_answer" '"features.999999.sepal_length":"NOT_FOUND"'
expect "stale row" "$status_answer" '"features.3.sepal_length":"OUTSIDE_MAX_AGE"'

echo "== 6. Warm-up: load the shared tier (Redis) ahead of traffic, as a feature store materializes"
"$root/mlsys" features warm --config "$here/mlsys.yaml" --graph iris-by-id --ids 100,101,102,103,104,105,106,107,108,109
# A restarted server (empty in-process tier) reads the warmed ids from Redis, not from the table.
# It connects to Redis in the background (no call waits for that): the first calls after a cold
# start may still go to the table, so try the warmed ids one by one.
stop_server
start_server --config "$here/mlsys.yaml" --model-repository "$tmp/models"
wait_ready
from_redis=""
for id in 100 101 102 103 104 105 106 107 108 109; do
  from_redis="$(call POST /v2/models/iris-by-id/infer "$(ids "$id")")"
  case "$from_redis" in *'"features.served-from":"redis"'*) break ;; esac
  sleep 0.5
done
show POST /v2/models/iris-by-id/infer "$(ids "$id")"
expect "warmed ids come from Redis" "$from_redis" '"features.served-from":"redis"'

echo "== 7. Bad ids get a 400 naming the field"
text='{"inputs":[{"name":"flower_id","shape":[1],"datatype":"BYTES","data":["abc"]}]}'
show POST /v2/models/iris-by-id/infer "$text"
expect "a 400" "$(status POST /v2/models/iris-by-id/infer "$text")" '^400$'
expect "naming the field" "$(call POST /v2/models/iris-by-id/infer "$text")" 'inputs\[flower_id\]'

echo
echo "data-cache: all checks passed"
