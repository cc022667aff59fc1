#!/usr/bin/env bash
# Model-in-image: train iris into a registry, build an OCI image that serves iris@champion with
# `mlsys image build` (Jib, no Docker daemon, no image registry: the base is made from this machine
# by `mlsys image base --from-host`), inspect it with skopeo and, as root, unpack it with umoci and
# start its entrypoint chrooted into its root file system, as a container runtime would.
#   examples/model-in-image/run.sh        (PORT=9090 examples/model-in-image/run.sh for another port)
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
. "$here/../lib.sh"

if ! command -v skopeo > /dev/null; then
  echo "skipped: needs skopeo to inspect the image (Debian: apt-get install skopeo umoci)"
  exit 0
fi

# A registry of its own and the image files, removed at the end.
work="$(mktemp -d)"
MLSYS_DATA_DIR="$work/data"
export MLSYS_DATA_DIR
container_pid=""
cleanup() {
  if [ -n "$container_pid" ] && kill -0 "$container_pid" 2> /dev/null; then
    # The server is the only child of unshare (PID 1 of its namespace): SIGTERM drains it.
    kill -TERM "$(pgrep -P "$container_pid")" 2> /dev/null || true
    wait "$container_pid" 2> /dev/null || true
  fi
  rm -rf "$work"
}
trap cleanup EXIT

echo "== 1. Train iris twice; champion follows the second version"
"$root/mlsys" train --alias champion --description "first try" | tail -2
out="$("$root/mlsys" train --alias champion --seed 7 --description "second try")"
echo "$out"
expect "version 2 registered and champion" "$out" 'alias champion -> 2'
digest="$(sed -n 's/.*artifact \(sha256:[0-9a-f]*\).*/\1/p' <<< "$out" | head -n 1)"
expect "its artifact digest" "$digest" '^sha256:[0-9a-f]{64}$'

echo "== 2. A base image from this machine: its Java runtime and the C libraries it needs"
"$root/mlsys" image base --from-host --to "docker-archive:$work/base.tar"

echo "== 3. The model image: base + dependencies + mlsys jars + the model, as an OCI archive"
out="$("$root/mlsys" image build --model iris@champion \
  --base "docker-archive:$work/base.tar" --to "oci-archive:$work/iris.tar")"
echo "$out"
expect "built from the champion" "$out" "Building iris/2 \\($digest\\)"
expect "the model is its own layer" "$out" 'layer model +[0-9]+ files'

echo "== 4. What the image says about itself (skopeo inspect)"
inspect="$(skopeo inspect "oci-archive:$work/iris.tar")"
echo "$inspect" | sed -n '/"Labels"/,/}/p'
expect "label: model name" "$inspect" '"io.mlsys.model.name": "iris"'
expect "label: registry version" "$inspect" '"io.mlsys.model.version": "2"'
expect "label: artifact digest" "$inspect" "\"io.mlsys.model.digest\": \"$digest\""
layers="$(grep -c '"sha256:' <<< "$(sed -n '/"Layers"/,/]/p' <<< "$inspect")")"
expect "5 layers: C libraries, Java, dependencies, mlsys jars, model" "$layers" '^5$'
config="$(skopeo inspect --config "oci-archive:$work/iris.tar")"
expect "entrypoint: mlsys serve with the image's config" "$(tr -d ' \n' <<< "$config")" \
  '"Entrypoint":\["java","-jar","/app/mlsys.jar","serve","--config","/app/mlsys.yaml"\]'

if [ "$(id -u)" != 0 ] || ! command -v umoci > /dev/null || ! command -v unshare > /dev/null; then
  echo "== 5. (skipped: starting the image without a container runtime needs root, umoci and unshare)"
  echo "example model-in-image: all checks passed"
  exit 0
fi

echo "== 5. Start it as a container runtime would: unpack (umoci), its entrypoint, chrooted"
skopeo copy -q "oci-archive:$work/iris.tar" "oci:$work/oci:iris"
umoci unpack --rootless --image "$work/oci:iris" "$work/bundle" > /dev/null
rootfs="$work/bundle/rootfs"
mkdir -p "$rootfs/proc" "$rootfs/dev"
# The image's environment only (its PATH finds java in the root); a PID namespace with its own
# /proc and the host's /dev, both gone when the namespace ends. Arguments after the image's
# entrypoint pick the ports, as `docker run IMAGE --port N` would.
env -i PATH="/opt/java/bin:/usr/sbin:/usr/bin:/sbin:/bin" MLSYS_DATA_DIR=/tmp/mlsys \
  ORT_DISABLE_TELEMETRY=1 JAVA_HOME=/opt/java \
  unshare --mount --pid --fork --mount-proc="$rootfs/proc" \
  /bin/sh -c 'mount --rbind /dev "$0/dev" && exec chroot "$0" "$@"' "$rootfs" \
  java -jar /app/mlsys.jar serve --config /app/mlsys.yaml --port "$port" --grpc-port 0 \
  > "$work/server.log" 2>&1 &
container_pid=$!
for _ in $(seq 1 240); do
  [ "$(status GET /v2/health/ready)" = 200 ] && break
  if ! kill -0 "$container_pid" 2> /dev/null; then
    echo "the image's server exited:" >&2
    cat "$work/server.log" >&2
    exit 1
  fi
  sleep 0.5
done
show GET /v2/models/iris | cut -c 1-200
meta="$(call GET /v2/models/iris)"
expect "serves iris as registry version 2" "$meta" '"versions":\["2"\]'
body='{"inputs":[{"name":"input","shape":[2,4],"datatype":"FP32","data":[[5.1,3.5,1.4,0.2],[6.7,3.0,5.2,2.3]]}]}'
show POST /v2/models/iris/infer "$body"
answer="$(call POST /v2/models/iris/infer "$body")"
expect "setosa and virginica" "$answer" '"name":"label","datatype":"INT64","shape":\[2\],"data":\[0,2\]'

echo "example model-in-image: all checks passed"
