# Shared by the load scripts: serve the iris SVC fixture from a temporary model repository.
# Sourced, not run. Expects $root (the checkout) and $fixtures to be set.

# start_iris_server WORK_DIR HTTP_PORT [ARGS...]: writes WORK_DIR/models/iris (iris_svc.onnx with its
# labels; `batching: $BATCHING` in its config.yaml when BATCHING is set, e.g. BATCHING='{}') and
# WORK_DIR/mlsys.yaml (with $EXTRA_YAML appended when set), starts `mlsys serve` with ARGS in the background (server_pid) and waits until
# every model is ready.
start_iris_server() {
  local work="$1" http_port="$2"
  shift 2
  [ -f "$fixtures/sklearn-iris/iris_svc.onnx" ] || { echo "missing $fixtures/sklearn-iris" >&2; exit 1; }
  mkdir -p "$work/models/iris/1"
  cp "$fixtures/sklearn-iris/iris_svc.onnx" "$work/models/iris/1/model.onnx"
  cp "$fixtures/sklearn-iris/label.json" "$work/models/iris/labels.json"
  echo "labels: labels.json" > "$work/models/iris/config.yaml"
  if [ -n "${BATCHING:-}" ]; then
    echo "batching: $BATCHING" >> "$work/models/iris/config.yaml"
    echo "dynamic batching: $BATCHING"
  fi
  cat > "$work/mlsys.yaml" <<YAML
server: { port: $http_port, access-log: false }
model-repository: { path: ./models }
${EXTRA_YAML:-}
YAML
  "$root/mlsys" serve --config "$work/mlsys.yaml" "$@" > "$work/server.log" 2>&1 &
  server_pid=$!
  for _ in $(seq 1 120); do
    curl -fs "http://127.0.0.1:$http_port/v2/health/ready" >/dev/null 2>&1 && return 0
    kill -0 "$server_pid" 2>/dev/null || { cat "$work/server.log"; exit 1; }
    sleep 0.5
  done
  echo "the server was not ready after 60 s:" >&2
  cat "$work/server.log" >&2
  exit 1
}
