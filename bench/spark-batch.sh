#!/usr/bin/env bash
# Rows per second of batch prediction on Spark local against the in-process batch run and the
# ONNX Runtime limit, one million iris rows, in one JVM (io.mlsys.spark.SparkBatchBenchmark).
#   bench/spark-batch.sh [ROWS] [RUNS]        (defaults: 1000000 3)
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
. "$root/scripts/java-home.sh"
cd "$root"
# The benchmark lives in mlsys-spark's test sources; its class path is that module's test class
# path.
./mvnw -B -q -ntp -o test-compile dependency:build-classpath -Djacoco.skip=true \
  -Dmdep.includeScope=test -Dmdep.outputFile=target/bench-classpath.txt -pl mlsys-spark -am
module="$root/mlsys-spark"
classpath="$module/target/test-classes:$module/target/classes:$(cat "$module/target/bench-classpath.txt")"
spark_opts=(-XX:+IgnoreUnrecognizedVMOptions
  --add-opens=java.base/java.lang=ALL-UNNAMED --add-opens=java.base/java.lang.invoke=ALL-UNNAMED
  --add-opens=java.base/java.lang.reflect=ALL-UNNAMED --add-opens=java.base/java.io=ALL-UNNAMED
  --add-opens=java.base/java.net=ALL-UNNAMED --add-opens=java.base/java.nio=ALL-UNNAMED
  --add-opens=java.base/java.util=ALL-UNNAMED --add-opens=java.base/java.util.concurrent=ALL-UNNAMED
  --add-opens=java.base/java.util.concurrent.atomic=ALL-UNNAMED
  --add-opens=java.base/jdk.internal.ref=ALL-UNNAMED --add-opens=java.base/sun.nio.ch=ALL-UNNAMED
  --add-opens=java.base/sun.nio.cs=ALL-UNNAMED --add-opens=java.base/sun.util.calendar=ALL-UNNAMED
  -Djdk.reflect.useDirectMethodHandle=false -Dio.netty.tryReflectionSetAccessible=true)
export SPARK_LOCAL_IP=127.0.0.1
uptime
# shellcheck disable=SC2046
"$JAVA_HOME/bin/java" $(mlsys_base_java_opts) "${spark_opts[@]}" -Xmx3g \
  "-Dlog4j2.configurationFile=$module/conf/log4j2.properties" \
  "-Dmlsys.fixtures=$root/../shared/fixtures" \
  -cp "$classpath" io.mlsys.spark.SparkBatchBenchmark "$@"
uptime
