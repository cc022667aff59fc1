#!/usr/bin/env bash
# Synchronous pattern: the caller waits for the prediction in the same call, over REST (curl) and
# gRPC (a Java client), and every call carries a deadline that turns a late answer into 504 /
# DEADLINE_EXCEEDED.
#   examples/synchronous/run.sh     (PORT=9090 GRPC_PORT=9091 examples/synchronous/run.sh;
#   GRPC_PORT=0 picks a free gRPC port)
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
. "$here/../lib.sh"
. "$root/scripts/java-home.sh"
grpc_port="${GRPC_PORT:-8081}"

echo "== 1. Train the Iris demo in Java (Tribuo) and export it to ONNX"
"$root/mlsys" train-demo --model-repository "$here/models" --name iris

echo "== 2. Serve it over REST on $port and gRPC on $grpc_port"
start_server --config "$here/mlsys.yaml" --grpc-port "$grpc_port"
wait_ready
for _ in $(seq 1 20); do
  startup="$(grep -m 1 'mlsys serving on' "$server_log" || true)"
  [ -n "$startup" ] && break
  sleep 0.5
done
echo "$startup"
expect "the startup line names both ports" "$startup" "gRPC on [^ ]*:[0-9]+"
# The port actually bound (GRPC_PORT=0 lets the server pick one).
grpc_port="$(echo "$startup" | sed -E 's/.*gRPC on [^ ]*:([0-9]+).*/\1/')"

echo "== 3. REST: the client waits for the answer; this call allows itself 500 ms"
rows='{"id":"sync-1","inputs":[{"name":"input","shape":[2,4],"datatype":"FP32","data":[5.1,3.5,1.4,0.2,6.7,3.0,5.2,2.3]}],"outputs":[{"name":"label"}]}'
echo
echo "\$ curl -H 'Mlsys-Timeout-Ms: 500' -X POST $base/v2/models/iris/infer -d '$rows'"
answer="$(curl -s -H 'Content-Type: application/json' -H 'Mlsys-Timeout-Ms: 500' "$base/v2/models/iris/infer" -d "$rows")"
echo "$answer"
expect "labels of both rows" "$answer" '"name":"label","datatype":"INT64","shape":\[2\],"data":\[0,2\]'

echo "== 4. REST: a deadline that passes gives 504, never a hang"
tiny='{"parameters":{"timeout":1},"inputs":[{"name":"input","shape":[1,4],"datatype":"FP32","data":[5.1,3.5,1.4,0.2]}]}'
show POST /v2/models/iris/infer "$tiny"
expect "timeout parameter (1 microsecond) is 504" "$(status POST /v2/models/iris/infer "$tiny")" '^504$'
one='{"inputs":[{"name":"input","shape":[1,4],"datatype":"FP32","data":[5.1,3.5,1.4,0.2]}]}'
bad_header="$(curl -s -H 'Content-Type: application/json' -H 'Mlsys-Timeout-Ms: soon' "$base/v2/models/iris/infer" -d "$one")"
echo "$bad_header"
expect "a malformed deadline header is a 400 naming it" "$bad_header" 'Mlsys-Timeout-Ms'

echo "== 5. gRPC: the same calls from a Java client (SyncClient.java, run by the java launcher)"
echo "\$ java -cp \"mlsys-cli/target/lib/*\" examples/synchronous/SyncClient.java 127.0.0.1 $grpc_port"
"$JAVA_HOME/bin/java" $(mlsys_base_java_opts) -cp "$root/mlsys-cli/target/lib/*" \
  "$here/SyncClient.java" 127.0.0.1 "$grpc_port"

echo "== 6. Both protocols are metered per model"
expect "REST and gRPC requests in the metrics" "$(call GET /metrics)" 'protocol="grpc"'

stop_server
echo
echo "synchronous: all checks passed"
