# shellcheck shell=bash
# Sourced by the scripts that run Java: finds a JDK tool of Java 21 or newer.
#   find_java_tool java    -> prints the path of a `java` >= 21 (JAVA_HOME first, then PATH, then /usr/lib/jvm/*)
#   find_java_tool javac   -> the same for a full JDK
# Prints nothing and returns 1 when there is none.

java_major() { "$1" -XshowSettings:properties -version 2>&1 | awk -F' = ' '/java.specification.version/ {print $2}'; }

find_java_tool() {
  local tool="$1" candidate java
  for candidate in ${JAVA_HOME:+"$JAVA_HOME/bin/$tool"} "$(command -v "$tool" || true)" /usr/lib/jvm/*/bin/"$tool"; do
    [[ -n "$candidate" && -x "$candidate" ]] || continue
    java="$(dirname "$(readlink -f "$candidate")")/java"
    if [[ -x "$java" && "$(java_major "$java")" -ge 21 ]]; then
      echo "$candidate"
      return 0
    fi
  done
  return 1
}

# dl4j_java_setup JAVA: the settings of every process here that runs DL4J, in one place. Exports one OpenMP and one
# OpenBLAS thread, read by the natives when they load (the same weights and scores on every validator, bit for bit),
# and sets the array dl4j_options to the JVM options: native access (Java 22+ wants it granted explicitly) and
# sun.misc.Unsafe memory access (JavaCPP uses it; Java 24+ warns on every start otherwise).
dl4j_java_setup() {
  export OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1
  dl4j_options=(--enable-native-access=ALL-UNNAMED)
  (("$(java_major "$1")" < 23)) || dl4j_options+=(--sun-misc-unsafe-memory-access=allow)
}
