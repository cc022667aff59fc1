# Shared by the examples' run.sh scripts: start/stop a server, call it, check answers.
# Sourced, not run. Expects $root (the checkout) to be set.

port="${PORT:-8080}"
base="http://127.0.0.1:$port"

# start_server ARGS...: runs `mlsys serve ARGS --port $port` in the background, waits for liveness.
start_server() {
  server_log="$(mktemp)"
  "$root/mlsys" serve "$@" --port "$port" > "$server_log" 2>&1 &
  server_pid=$!
  trap stop_server EXIT
  for _ in $(seq 1 240); do
    if curl -fs "$base/v2/health/live" > /dev/null 2>&1; then
      return 0
    fi
    if ! kill -0 "$server_pid" 2> /dev/null; then
      echo "the server exited:" >&2
      cat "$server_log" >&2
      exit 1
    fi
    sleep 0.5
  done
  echo "the server did not come up in 120 s:" >&2
  cat "$server_log" >&2
  exit 1
}

# wait_ready: waits until every model is loaded (GET /v2/health/ready answers 200).
wait_ready() {
  for _ in $(seq 1 240); do
    [ "$(status GET /v2/health/ready)" = 200 ] && return 0
    sleep 0.5
  done
  echo "not ready after 120 s" >&2
  exit 1
}

# stop_server: SIGTERM, the server drains in-flight requests and exits.
stop_server() {
  if [ -n "${server_pid:-}" ] && kill -0 "$server_pid" 2> /dev/null; then
    kill -TERM "$server_pid"
    wait "$server_pid" 2> /dev/null || true
  fi
  server_pid=""
}

# show METHOD PATH [JSON]: prints the call and the answer.
show() {
  local method="$1" path="$2" body="${3:-}"
  echo
  echo "\$ curl -X $method $base$path ${body:+-d '$body'}"
  if [ -n "$body" ]; then
    curl -s -X "$method" -H 'Content-Type: application/json' "$base$path" -d "$body"
  else
    curl -s -X "$method" "$base$path"
  fi
  echo
}

# call METHOD PATH [JSON]: the answer body only.
call() {
  local method="$1" path="$2" body="${3:-}"
  if [ -n "$body" ]; then
    curl -s -X "$method" -H 'Content-Type: application/json' "$base$path" -d "$body"
  else
    curl -s -X "$method" "$base$path"
  fi
}

# status METHOD PATH [JSON] [HEADER]: the HTTP status code only.
status() {
  local method="$1" path="$2" body="${3:-}" header="${4:-X-Example: 1}"
  if [ -n "$body" ]; then
    curl -s -o /dev/null -w '%{http_code}' -X "$method" -H 'Content-Type: application/json' \
      -H "$header" "$base$path" -d "$body"
  else
    curl -s -o /dev/null -w '%{http_code}' -X "$method" -H "$header" "$base$path"
  fi
}

# expect DESCRIPTION ACTUAL PATTERN: fails the example when ACTUAL does not match the regex.
expect() {
  if [[ "$2" =~ $3 ]]; then
    echo "ok: $1"
  else
    echo "FAILED: $1: got '$2' (expected to match: $3)" >&2
    exit 1
  fi
}
