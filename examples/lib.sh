# Shared by the examples' run.sh scripts: start/stop a server, call it, check answers.
# Sourced, not run. Expects $root (the checkout) to be set.

port="${PORT:-8080}"
base="http://127.0.0.1:$port"

# start_server ARGS...: runs `mlsys serve ARGS --port $port` in the background, waits for liveness.
start_server() {
  server_log="$(mktemp)"
  # gRPC on a free port unless the example names one (8081, the default, may be taken).
  local grpc=(--grpc-port 0)
  case " $* " in *" --grpc-port "*) grpc=() ;; esac
  "$root/mlsys" serve "$@" --port "$port" "${grpc[@]}" > "$server_log" 2>&1 &
  server_pid=$!
  # A script with an exit trap of its own (its cleanup) stops the server there; keep that trap.
  [ -n "$(trap -p EXIT)" ] || trap stop_server EXIT
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
    # The JSON content type lets a bodyless POST change state (cross-site request protection).
    curl -s -X "$method" -H 'Content-Type: application/json' "$base$path"
  fi
  echo
}

# call METHOD PATH [JSON]: the answer body only.
call() {
  local method="$1" path="$2" body="${3:-}"
  if [ -n "$body" ]; then
    curl -s -X "$method" -H 'Content-Type: application/json' "$base$path" -d "$body"
  else
    curl -s -X "$method" -H 'Content-Type: application/json' "$base$path"
  fi
}

# status METHOD PATH [JSON] [HEADER]: the HTTP status code only.
status() {
  local method="$1" path="$2" body="${3:-}" header="${4:-X-Example: 1}"
  if [ -n "$body" ]; then
    curl -s -o /dev/null -w '%{http_code}' -X "$method" -H 'Content-Type: application/json' \
      -H "$header" "$base$path" -d "$body"
  else
    curl -s -o /dev/null -w '%{http_code}' -X "$method" -H 'Content-Type: application/json' \
      -H "$header" "$base$path"
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

# --- Added for the inference-graph examples: several servers, headers, polling, fixtures ---

# need_fixtures: exits 0 with a message when the shared fixtures (real models nobody on the team
# wrote) are absent, as in a fresh clone; else exports MLSYS_FIXTURES, which the configs read.
need_fixtures() {
  local fixtures="${MLSYS_FIXTURES:-$root/../shared/fixtures}"
  if [ ! -d "$fixtures" ]; then
    echo "skipped: needs ../shared/fixtures (the shared models; set MLSYS_FIXTURES=DIR to use another folder)"
    exit 0
  fi
  MLSYS_FIXTURES="$(cd "$fixtures" && pwd)"
  export MLSYS_FIXTURES
}

# fixtures_or_stand_ins: as need_fixtures when the shared fixtures are there; otherwise trains
# stand-ins for the models the example reads (`mlsys train-stand-ins`: the same file and tensor
# names, trained in Java, other numbers) into the example's models/stand-ins (ignored by git),
# exports MLSYS_FIXTURES pointing at it and MLSYS_STAND_INS=1, so the example runs from a fresh
# clone. Checks of the catalog's exact
# numbers go through expect_catalog.
fixtures_or_stand_ins() {
  local fixtures="${MLSYS_FIXTURES:-$root/../shared/fixtures}"
  if [ -d "$fixtures" ]; then
    MLSYS_FIXTURES="$(cd "$fixtures" && pwd)"
    MLSYS_STAND_INS=""
  else
    MLSYS_FIXTURES="$here/models/stand-ins"
    MLSYS_STAND_INS=1
    echo "== 0. No ../shared/fixtures: training stand-ins for its models (mlsys train-stand-ins)"
    "$root/mlsys" train-stand-ins "$MLSYS_FIXTURES"
  fi
  export MLSYS_FIXTURES MLSYS_STAND_INS
}

# expect_catalog DESCRIPTION ACTUAL PATTERN STAND_IN_PATTERN: expect with PATTERN (the catalog's
# numbers) on the shared fixtures, with STAND_IN_PATTERN on the stand-ins.
expect_catalog() {
  if [ -n "${MLSYS_STAND_INS:-}" ]; then
    expect "$1 (stand-in models)" "$2" "$4"
  else
    expect "$1" "$2" "$3"
  fi
}

extra_servers=""

# start_extra_server NAME ARGS...: runs `mlsys serve ARGS --port 0 --grpc-port 0` in the background
# and waits until it prints its startup line ("mlsys serving on http://localhost:NNNN"), which comes
# once its models are loaded. Sets NAME_url (http://127.0.0.1:NNNN), NAME_pid and NAME_log. Every
# extra server, and the main one, is stopped when the script exits (start_server keeps that exit
# trap).
start_extra_server() {
  local name="$1" log pid line
  shift
  log="$(mktemp)"
  "$root/mlsys" serve "$@" --port 0 --grpc-port 0 > "$log" 2>&1 &
  pid=$!
  extra_servers="$extra_servers $pid"
  trap 'stop_extra_servers; stop_server' EXIT
  printf -v "${name}_pid" '%s' "$pid"
  printf -v "${name}_log" '%s' "$log"
  for _ in $(seq 1 240); do
    line="$(grep -m 1 -o 'mlsys serving on http://[^ ,]*' "$log" || true)"
    if [[ "$line" =~ :([0-9]+)$ ]]; then
      printf -v "${name}_url" '%s' "http://127.0.0.1:${BASH_REMATCH[1]}"
      echo "  $name server on http://127.0.0.1:${BASH_REMATCH[1]} (pid $pid)"
      return 0
    fi
    if ! kill -0 "$pid" 2> /dev/null; then
      echo "the $name server exited:" >&2
      cat "$log" >&2
      exit 1
    fi
    sleep 0.5
  done
  echo "the $name server did not start in 120 s:" >&2
  cat "$log" >&2
  exit 1
}

# stop_extra_server NAME: SIGTERM to one extra server (it drains, then exits).
stop_extra_server() {
  local pid_var="${1}_pid"
  local pid="${!pid_var:-}"
  if [ -n "$pid" ] && kill -0 "$pid" 2> /dev/null; then
    kill -TERM "$pid"
    wait "$pid" 2> /dev/null || true
  fi
}

# stop_extra_servers: stops every server start_extra_server started.
stop_extra_servers() {
  local pid
  for pid in $extra_servers; do
    if kill -0 "$pid" 2> /dev/null; then
      kill -TERM "$pid"
      wait "$pid" 2> /dev/null || true
    fi
  done
  extra_servers=""
}

# show_with HEADER METHOD PATH [JSON]: as show, sending one extra header ('X-Model: svc').
show_with() {
  local header="$1" method="$2" path="$3" body="${4:-}"
  echo
  echo "\$ curl -X $method -H '$header' $base$path ${body:+-d '$body'}"
  call_with "$header" "$method" "$path" "$body"
  echo
}

# call_with HEADER METHOD PATH [JSON]: as call, sending one extra header.
call_with() {
  local header="$1" method="$2" path="$3" body="${4:-}"
  if [ -n "$body" ]; then
    curl -s -X "$method" -H 'Content-Type: application/json' -H "$header" "$base$path" -d "$body"
  else
    curl -s -X "$method" -H 'Content-Type: application/json' -H "$header" "$base$path"
  fi
}

# poll_until SECONDS DESCRIPTION PATTERN COMMAND...: runs COMMAND every half second until its output
# matches the regex PATTERN; fails the example after SECONDS.
poll_until() {
  local seconds="$1" description="$2" pattern="$3" output=""
  shift 3
  for _ in $(seq 1 $((seconds * 2))); do
    output="$("$@" 2> /dev/null || true)"
    if [[ "$output" =~ $pattern ]]; then
      echo "ok: $description"
      return 0
    fi
    sleep 0.5
  done
  echo "FAILED: $description: after $seconds s got '$output' (expected to match: $pattern)" >&2
  exit 1
}

# success_count MODEL: the success_count of a model's statistics (0 when it has none yet).
success_count() {
  local stats
  stats="$(call GET "/v2/models/$1/stats")"
  if [[ "$stats" =~ \"success_count\":([0-9]+) ]]; then
    echo "${BASH_REMATCH[1]}"
  else
    echo 0
  fi
}
