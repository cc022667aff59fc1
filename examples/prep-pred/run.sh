#!/usr/bin/env bash
# Prep-pred pattern: an image goes in, declarative preprocessing turns it into the model's tensor,
# the model predicts, postprocessing names the answer. PaddleOCR's text direction classifier.
#   examples/prep-pred/run.sh          (PORT=9090 examples/prep-pred/run.sh for another port)
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
. "$here/../lib.sh"
fixtures_or_stand_ins
. "$root/scripts/java-home.sh"
work="$(mktemp -d)"

echo "== 1. Render a text line as PNG with Java2D, upright and turned by 180 degrees"
"$JAVA_HOME/bin/java" "$here/RenderText.java" "Hello mlsys 2026" "$work/upright.png"
"$JAVA_HOME/bin/java" "$here/RenderText.java" "Hello mlsys 2026" "$work/upside-down.png" --rotate-180
upright="$(base64 < "$work/upright.png" | tr -d '\n')"
upside_down="$(base64 < "$work/upside-down.png" | tr -d '\n')"

echo "== 2. Serve the model and the graph around it (mlsys.yaml)"
start_server --config "$here/mlsys.yaml" --grpc-port 0
wait_ready
show GET /v2/models/text-direction-graph
expect "the graph answers a direction" "$(call GET /v2/models/text-direction-graph)" '"name":"direction","datatype":"BYTES"'

# infer_images NAME DATA...: shows and sends one request with the base64 PNGs as BYTES rows.
infer_images() {
  local name="$1" rows="" shown="" image
  shift
  for image in "$@"; do
    rows="${rows:+$rows,}\"$image\""
    shown="${shown:+$shown,}\"${image:0:16}...(${#image} base64 characters)\""
  done
  body="{\"id\":\"$name\",\"inputs\":[{\"name\":\"image\",\"shape\":[$#],\"datatype\":\"BYTES\",\"data\":[$rows]}]}"
  echo
  echo "\$ curl -X POST $base/v2/models/text-direction-graph/infer -d '{\"id\":\"$name\",\"inputs\":[{\"name\":\"image\",\"shape\":[$#],\"datatype\":\"BYTES\",\"data\":[$shown]}]}'"
  answer="$(call POST /v2/models/text-direction-graph/infer "$body")"
  echo "$answer"
}

echo "== 3. The upright line: base64 PNG in, resize/pad to 48x192, scale, normalize, NCHW, model, argmax"
infer_images upright "$upright"
expect "upright text is direction 0" "$answer" '"name":"direction","datatype":"BYTES","shape":\[1\],"data":\["0"\]'

echo "== 4. The same line upside down"
infer_images upside-down "$upside_down"
expect "upside-down text is direction 180" "$answer" '"name":"direction","datatype":"BYTES","shape":\[1\],"data":\["180"\]'

echo "== 5. Both in one batch: one answer per image"
infer_images both "$upright" "$upside_down"
expect "one direction per row" "$answer" '"data":\["0","180"\]'
expect "the probabilities too" "$answer" '"name":"probabilities","datatype":"FP32","shape":\[2,2\]'

echo "== 6. Bytes that are no image: a 400 that names the row, never a 500"
bad='{"inputs":[{"name":"image","shape":[1],"datatype":"BYTES","data":["bm90IGFuIGltYWdl"]}]}'
show POST /v2/models/text-direction-graph/infer "$bad"
expect "not an image is a 400" "$(status POST /v2/models/text-direction-graph/infer "$bad")" '^400$'
expect "the error names the row" "$(call POST /v2/models/text-direction-graph/infer "$bad")" 'row 0'

stop_server
rm -rf "$work"
echo
echo "prep-pred: all checks passed"
