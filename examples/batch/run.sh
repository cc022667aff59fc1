#!/usr/bin/env bash
# Batch pattern: a file of rows predicted in chunks by a model in the same process, the answers
# written in place as chunks complete; a run killed with SIGKILL resumes with the same command and
# ends with every row exactly once; unreadable rows go to a reject file with the reason. Then the
# same rows through a job file (job.yaml) into JSON lines.
#   examples/batch/run.sh
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
. "$here/../lib.sh"

tmp="$(mktemp -d)"
trap 'kill -9 "${run_pid:-}" 2>/dev/null || true; rm -rf "$tmp"' EXIT

echo "== 1. Train the Iris demo in Java (Tribuo), export it to ONNX into a model repository"
"$root/mlsys" train-demo --model-repository "$tmp/models" --name iris

echo "== 2. Rows to predict: 200,000 iris measurements (4 fields a row, no header), one of them unreadable"
awk 'BEGIN { srand(7); for (i = 0; i < 200000; i++) {
  if (i == 41) { print "5.1,3.5,not-a-number,0.2"; continue }
  printf "%.1f,%.1f,%.1f,%.1f\n", 4 + rand() * 4, 2 + rand() * 2.5, 1 + rand() * 6, 0.1 + rand() * 2.4 } }' \
  > "$tmp/rows.csv"
head -3 "$tmp/rows.csv"

batch() {
  "$root/mlsys" batch run --model-repository "$tmp/models" --model iris \
    --input "$tmp/rows.csv" --output "$tmp/predictions.csv" --chunk-rows 5000 "$@"
}

echo
echo "== 3. Start the run, and kill it with SIGKILL once it has written a few chunks"
# exec: $! is then the JVM itself (./mlsys execs java), which is what SIGKILL must hit.
(exec "$root/mlsys" batch run --model-repository "$tmp/models" --model iris \
  --input "$tmp/rows.csv" --output "$tmp/predictions.csv" --chunk-rows 5000 > "$tmp/first.log" 2>&1) &
run_pid=$!
done_rows() { sed -n 's/.*"rows_done":\([0-9]*\).*/\1/p' "$tmp/predictions.csv.checkpoint" 2> /dev/null || true; }
for _ in $(seq 1 600); do
  rows_done="$(done_rows)"
  if [ -n "$rows_done" ] && [ "$rows_done" -ge 20000 ]; then break; fi
  kill -0 "$run_pid" 2> /dev/null || break
  sleep 0.1
done
kill -9 "$run_pid" 2> /dev/null || true
wait "$run_pid" 2> /dev/null || true
run_pid=""
echo "killed after $(done_rows) rows (checkpoint: $tmp/predictions.csv.checkpoint)"
echo "output so far: $(( $(wc -l < "$tmp/predictions.csv") - 1 )) rows"

echo
echo "== 4. The same command again: it resumes after the last chunk the checkpoint holds"
echo "\$ mlsys batch run --model-repository ... --model iris --input rows.csv --output predictions.csv --chunk-rows 5000"
report="$(batch 2> /dev/null)"
echo "$report"
expect "the second run resumed" "$report" 'resumed after row [0-9]+'
expect "every row handled: 199,999 predicted, 1 rejected" "$report" '^200000 rows: 199999 predicted, 1 rejected'

echo
echo "== 5. The output: a header, then each row's number and the model's outputs, every row once"
head -4 "$tmp/predictions.csv"
expect "header" "$(head -1 "$tmp/predictions.csv")" '^row,'
lines="$(( $(wc -l < "$tmp/predictions.csv") - 1 ))"
expect "199,999 rows in the output" "$lines" '^199999$'
distinct="$(tail -n +2 "$tmp/predictions.csv" | cut -d, -f1 | sort -u | wc -l)"
expect "each row number once" "$distinct" '^199999$'
echo
echo "\$ cat predictions.rejects.csv"
cat "$tmp/predictions.rejects.csv"
expect "the unreadable row, with why" "$(cat "$tmp/predictions.rejects.csv")" "^42,\"column 3 is 'not-a-number'"
expect "no checkpoint left" "$(ls "$tmp/predictions.csv.checkpoint" 2>&1 || true)" 'No such file'

echo
echo "== 6. The same rows as a job file: source, model, sink and reject sink named in job.yaml"
cp "$here/job.yaml" "$tmp/job.yaml"
cat "$tmp/job.yaml" | grep -v '^#'
echo "\$ mlsys batch run job.yaml"
report="$("$root/mlsys" batch run "$tmp/job.yaml" 2> /dev/null)"
echo "$report"
expect "every row handled by the job" "$report" '^200000 rows: 199999 predicted, 1 rejected'
head -2 "$tmp/predictions.jsonl"
expect "199,999 JSON lines" "$(wc -l < "$tmp/predictions.jsonl")" '^ *199999$'
distinct="$(grep -o '"row":[0-9]*' "$tmp/predictions.jsonl" | sort -u | wc -l)"
expect "each row number once" "$distinct" '^ *199999$'
expect "the unreadable row in rejects.jsonl, with why" "$(cat "$tmp/rejects.jsonl")" '"row":42,"error":"column 3'

echo
echo "batch: all checks passed"
