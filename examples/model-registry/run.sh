#!/usr/bin/env bash
# Model registry: train twice into a registry, see each version's lineage, promote through a
# rule (a worse version is refused, with the numbers in the audit), serve by alias and follow it.
#   examples/model-registry/run.sh        (PORT=9090 examples/model-registry/run.sh for another port)
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
. "$here/../lib.sh"
config="$here/mlsys.yaml"

# A registry of its own (SQLite file and artifacts), removed at the end: every command below,
# and the server, read MLSYS_DATA_DIR.
MLSYS_DATA_DIR="$(mktemp -d)"
export MLSYS_DATA_DIR
cleanup() {
  stop_server
  rm -rf "$MLSYS_DATA_DIR"
}
trap cleanup EXIT

echo "== 1. Train version 1 (logistic regression on the bundled Iris data) and make it champion"
out="$("$root/mlsys" train --config "$config" --alias champion --description "first try")"
echo "$out"
expect "version 1 registered" "$out" 'registered iris/1 \(1\.0\.0-1\.1\) READY'
expect "champion: the rule's minimum holds, no holder to compare" "$out" 'alias champion -> 1 \(promotion rule: accuracy'

echo "== 2. Train version 2 with other hyperparameters (10 epochs instead of 300): close, not close enough"
set +e
out="$("$root/mlsys" train --config "$config" --alias champion --param epochs=10 2>&1)"
code=$?
set -e
echo "$out"
expect "version 2 registered (other logic: 1.0.1)" "$out" 'registered iris/2 \(1\.0\.1-1\.1\) READY'
expect "champion refused: exit code 3" "$code" '^3$'
expect "the refusal names the numbers" "$out" 'accuracy [0-9.]+ >= 0\.800000 \(ok\), accuracy [0-9.]+ vs holder version 1 [0-9.]+: drop [0-9.]+ <= 0\.0100000 \(FAIL\)'

echo "== 3. What the registry knows about each version"
"$root/mlsys" registry list iris
out="$("$root/mlsys" registry show iris/1)"
echo "$out"
expect "lineage: the run" "$out" 'run: +[0-9a-f]{32}'
expect "lineage: the data and its digest" "$out" 'dataset: +classpath:/io/mlsys/training/iris\.csv \(sha256:[0-9a-f]{64}\)'
expect "lineage: the split" "$out" 'split: +train 0\.7 / test 0\.3, seed 42'
expect "lineage: the environment" "$out" 'environment: .*java\.version='
expect "the model card, with units" "$out" 'input sepal_length: +sepal length \[cm\]'
expect "the training data profile" "$out" 'petal_length +count 105, missing 0\.0%'

echo "== 4. The audit: who did what, the promotion check with its numbers"
out="$("$root/mlsys" registry audit --model iris)"
echo "$out"
expect "the refusal is audited" "$out" 'alias\.refused +iris/2 @champion'
expect "the move is audited" "$out" 'alias\.set +iris/1 @champion'

echo "== 5. Serve iris@champion (models: {iris: {registry: iris@champion}} in mlsys.yaml)"
start_server --config "$config"
wait_ready
show GET /v2/models/iris
meta="$(call GET /v2/models/iris)"
expect "serves version 1 by its alias" "$meta" '"registry\.version":"1"'
expect "shows its lineage" "$meta" '"registry\.dataset_digest":"sha256:[0-9a-f]{64}"'
row='{"inputs":[{"name":"input","shape":[1,4],"datatype":"FP32","data":[6.7,3.0,5.2,2.3]}]}'
show POST /v2/models/iris/infer "$row"
expect "answers carry the registry version" "$(call POST /v2/models/iris/infer "$row")" '"registry_version":"1"'

echo "== 6. Train version 3 (another seed, another split) and promote it: the server follows"
out="$("$root/mlsys" train --config "$config" --alias champion --seed 1)"
echo "$out"
expect "version 3 registered (logic and split changed since version 2)" "$out" 'registered iris/3 \(1\.0\.2-1\.2\) READY'
expect "champion moves: no lower than version 1's accuracy" "$out" 'alias champion -> 3 \(promotion rule: accuracy 1\.00000 >= 0\.800000 \(ok\), accuracy 1\.00000 vs holder version 1'
poll_until 30 "the server follows champion to version 3" '"registry\.version":"3"' call GET /v2/models/iris
expect "answers come from version 3" "$(call POST /v2/models/iris/infer "$row")" '"registry_version":"3"'

stop_server
echo
echo "model-registry: all checks passed"
