# Sourced by ./mlsys, ./run-tests and .ci/run: exports JAVA_HOME pointing at a JDK 21 or newer.
# Order: $JAVA_HOME if it is 21+, then the newest 21+ JDK under /usr/lib/jvm (or macOS's
# /Library/Java/JavaVirtualMachines), then `java` on the PATH if it is 21+.

mlsys_java_major() {
  # Prints the feature version of the JDK at $1 (e.g. 25), or nothing.
  local java="$1/bin/java"
  [ -x "$java" ] && [ -x "$1/bin/javac" ] || return 0
  "$java" -XshowSettings:properties -version 2>&1 \
    | sed -n 's/^ *java\.specification\.version = \([0-9][0-9]*\).*/\1/p' | head -n 1
}

mlsys_find_java_home() {
  local major candidate best="" best_major=0
  if [ -n "${JAVA_HOME:-}" ]; then
    major=$(mlsys_java_major "$JAVA_HOME")
    if [ -n "$major" ] && [ "$major" -ge 21 ]; then
      echo "$JAVA_HOME"
      return 0
    fi
  fi
  for candidate in /usr/lib/jvm/* /Library/Java/JavaVirtualMachines/*/Contents/Home; do
    [ -d "$candidate" ] || continue
    major=$(mlsys_java_major "$candidate")
    if [ -n "$major" ] && [ "$major" -ge 21 ] && [ "$major" -gt "$best_major" ]; then
      best="$candidate"
      best_major="$major"
    fi
  done
  if [ -z "$best" ] && command -v javac >/dev/null 2>&1; then
    candidate=$(dirname "$(dirname "$(readlink -f "$(command -v javac)")")")
    major=$(mlsys_java_major "$candidate")
    if [ -n "$major" ] && [ "$major" -ge 21 ]; then
      best="$candidate"
    fi
  fi
  [ -n "$best" ] || return 1
  echo "$best"
}

if ! JAVA_HOME=$(mlsys_find_java_home); then
  echo "mlsys needs a JDK 21 or newer: none found in JAVA_HOME, /usr/lib/jvm or on the PATH." >&2
  echo "Install one (e.g. 'apt-get install openjdk-21-jdk' or Temurin 21+) or set JAVA_HOME." >&2
  exit 1
fi
export JAVA_HOME
export PATH="$JAVA_HOME/bin:$PATH"
# ONNX Runtime's telemetry crashes the JVM on long command lines (ORT 1.29) and writes under $HOME.
export ORT_DISABLE_TELEMETRY=1
# From JDK 23 on, libraries may use sun.misc.Unsafe quietly (protobuf under gRPC; Guice inside
# Maven); JDK 24+ otherwise warns in a block of lines at every start. Asked of the JDK once here.
mlsys_quiet_unsafe_opt=""
if [ "$(mlsys_java_major "$JAVA_HOME")" -ge 23 ] 2>/dev/null; then
  mlsys_quiet_unsafe_opt="--sun-misc-unsafe-memory-access=allow"
fi
# Maven's own JVM (the wrapper reads MAVEN_OPTS).
MAVEN_OPTS="${MAVEN_OPTS:-} $mlsys_quiet_unsafe_opt"
export MAVEN_OPTS

# Prints the JVM options every mlsys JVM gets: native access for ONNX Runtime's JNI library, and
# the quiet Unsafe option above.
mlsys_base_java_opts() {
  echo "--enable-native-access=ALL-UNNAMED $mlsys_quiet_unsafe_opt"
}
