#!/usr/bin/env bash
# Runs the batch job on Apache Spark in local mode, in a JVM of its own (Spark is not on the
# classpath of the server or the CLI). Builds mlsys-spark on first use or when sources changed.
#   scripts/batch-spark.sh job.yaml [--partitions N]      (the job file of `mlsys batch run job.yaml`)
#   scripts/batch-spark.sh --model-repository DIR --model NAME --input rows.csv --output predictions
#   scripts/batch-spark.sh --help
# SPARK_MASTER (default local[*]) and SPARK_DRIVER_MEMORY (default 2g) set the local Spark;
# MLSYS_SPARK_JAVA_OPTS adds JVM options (e.g. -Dspark.sql.shuffle.partitions=4).
# On a cluster, use spark-submit with mlsys-spark/target/mlsys-spark-job.jar (docs/batch.md).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
. "$root/scripts/java-home.sh"
module="$root/mlsys-spark"
jar="$module/target/mlsys-spark-job.jar"
classpath_file="$module/target/spark-classpath.txt"

needs_build() {
  [ -f "$jar" ] && [ -f "$classpath_file" ] || return 0
  [ -z "${MLSYS_NO_BUILD:-}" ] || return 1
  [ -n "$(find "$root" \( -path "$root/.git" -o -path "$root/bench" -o -name target \) -prune \
    -o -type f \( -name pom.xml -o -path '*/src/main/*' \) -newer "$jar" -print -quit)" ]
}

if needs_build; then
  echo "batch-spark: building mlsys-spark (first run or sources changed)..." >&2
  (cd "$root" && ./mvnw -B -q -ntp -DskipTests -Djacoco.skip=true -pl mlsys-spark -am package) >&2
fi

# The options Spark's own launcher (spark-submit) adds on JDK 17+: Spark reaches into JDK internals.
spark_opts=(
  -XX:+IgnoreUnrecognizedVMOptions
  --add-opens=java.base/java.lang=ALL-UNNAMED
  --add-opens=java.base/java.lang.invoke=ALL-UNNAMED
  --add-opens=java.base/java.lang.reflect=ALL-UNNAMED
  --add-opens=java.base/java.io=ALL-UNNAMED
  --add-opens=java.base/java.net=ALL-UNNAMED
  --add-opens=java.base/java.nio=ALL-UNNAMED
  --add-opens=java.base/java.util=ALL-UNNAMED
  --add-opens=java.base/java.util.concurrent=ALL-UNNAMED
  --add-opens=java.base/java.util.concurrent.atomic=ALL-UNNAMED
  --add-opens=java.base/jdk.internal.ref=ALL-UNNAMED
  --add-opens=java.base/sun.nio.ch=ALL-UNNAMED
  --add-opens=java.base/sun.nio.cs=ALL-UNNAMED
  --add-opens=java.base/sun.util.calendar=ALL-UNNAMED
  -Djdk.reflect.useDirectMethodHandle=false
  -Dio.netty.tryReflectionSetAccessible=true
)
# JDK 24 removed the package; Spark's launcher still opens it on older JDKs.
if [ "$(mlsys_java_major "$JAVA_HOME")" -lt 24 ] 2>/dev/null; then
  spark_opts+=(--add-opens=java.base/sun.security.action=ALL-UNNAMED)
fi
# Local mode: the driver is the one executor; no web UI, warnings only, loopback only.
export SPARK_LOCAL_IP="${SPARK_LOCAL_IP:-127.0.0.1}"
local_opts=(
  "-Dlog4j2.configurationFile=$module/conf/log4j2.properties"
  "-Xmx${SPARK_DRIVER_MEMORY:-2g}"
  "-Dspark.master=${SPARK_MASTER:-local[*]}"
  -Dspark.ui.enabled=false
  -Dspark.driver.bindAddress=127.0.0.1
  -Dspark.driver.host=127.0.0.1
)
# shellcheck disable=SC2046,SC2086
exec "$JAVA_HOME/bin/java" $(mlsys_base_java_opts) "${spark_opts[@]}" "${local_opts[@]}" \
  ${MLSYS_SPARK_JAVA_OPTS:-} -cp "$jar:$(cat "$classpath_file")" io.mlsys.spark.SparkBatchJob "$@"
