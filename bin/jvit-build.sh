# Sourced by bin/vit and bin/test: installs what the build needs and builds when sources changed.
# Expects ROOT, and tornado-env.sh sourced.

jvit_can_install() { [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; }

jvit_apt_install() {  # jvit_apt_install PACKAGE...: installs with apt when root, else says how
    if jvit_can_install; then
        echo "jvit: installing $* (apt-get)..." >&2
        { apt-get install -y -q "$@" >/dev/null 2>&1 || { apt-get update -q >/dev/null 2>&1 && apt-get install -y -q "$@" >/dev/null 2>&1; }; } \
            || { echo "jvit: could not install $*; install it and run again" >&2; return 1; }
    else
        echo "jvit: $* is missing; install it (sudo apt-get install $*) and run again" >&2
        return 1
    fi
}

jvit_require_tools() {
    if [ -z "$JVIT_JDK" ]; then
        # Debian 12 packages no JDK >= 22, so this one cannot be installed for you.
        echo "jvit: no JDK >= 22 found; install one (e.g. Temurin 25 from adoptium.net, or openjdk-25-jdk where your distribution has it) and set JAVA_HOME" >&2
        return 1
    fi
    command -v mvn >/dev/null || jvit_apt_install maven || return 1
}

JVIT_DATASET_DIR=/usr/share/datasets/fashion-mnist

jvit_dataset_install() {  # installs Debian's dataset-fashion-mnist when it is missing (as root), else says how
    [ -d "$JVIT_DATASET_DIR" ] || jvit_apt_install dataset-fashion-mnist
}

# jvit_dataset_for ARGS...: `vit train` and `vit eval` on the default data folder install the data set first when they may.
jvit_dataset_for() {
    case "${1:-}" in train|eval) ;; *) return 0 ;; esac
    local a
    for a in "$@"; do case "$a" in --data-dir|--data-dir=*|-h|--help) return 0 ;; esac; done
    jvit_dataset_install || true
}

JVIT_JAR="$ROOT/vit/target/jvit-vit-0.1.0-SNAPSHOT.jar"

# jvit_newer_sources JAR MODULE...: true when a source, resource or pom of the modules is newer than JAR.
jvit_newer_sources() {
    local jar=$1 modules=() m
    shift
    for m in "$@"; do modules+=("$ROOT/$m"); done
    [ -n "$(find "$ROOT/pom.xml" "${modules[@]}" \
        \( -path '*/target' -prune \) -o \( -path '*/src/main/*' -o -path '*/src/tornado/*' -o -name pom.xml \) -type f -newer "$jar" -print -quit)" ]
}

# The TornadoVM SDK the jars were built against ("" without one).
JVIT_TORNADO_STAMP="$ROOT/vit/target/tornadovm-home"

# True when the jar that bin/vit runs is missing or older than its sources.
jvit_stale() {
    [ -f "$JVIT_JAR" ] && [ -d "$ROOT/vit/target/lib" ] || return 0
    # An SDK found that the jars were not built against means a rebuild; none found (or none readable by
    # this user) does not: the jars run without it, the tornado backend saying why it is unavailable.
    [ -z "${TORNADOVM_HOME:-}" ] || [ "$(cat "$JVIT_TORNADO_STAMP" 2>/dev/null)" = "$TORNADOVM_HOME" ] || return 0
    jvit_newer_sources "$JVIT_JAR" kernels runtime vit
}

JVIT_BENCH_JAR="$ROOT/bench/target/benchmarks.jar"

jvit_bench_jar() {  # builds bench/'s JMH and peer jar (it holds every module) when missing or stale
    [ -f "$JVIT_BENCH_JAR" ] && ! jvit_newer_sources "$JVIT_BENCH_JAR" kernels runtime vit bench && return 0
    echo "building $JVIT_BENCH_JAR" >&2
    (cd "$ROOT" && mvn -q -B package -pl bench -am -DskipTests)
}

JVIT_SPARK_JAR="$ROOT/spark/target/jvit-spark-0.1.0-SNAPSHOT.jar"
JVIT_SPARK_CLASSPATH="$ROOT/spark/target/classpath.txt"

# True when what `vit spark` runs is missing or older than its sources (bin/vit builds spark/ only for it).
jvit_spark_stale() {
    [ -f "$JVIT_SPARK_JAR" ] && [ -f "$JVIT_SPARK_CLASSPATH" ] || return 0
    jvit_newer_sources "$JVIT_SPARK_JAR" kernels runtime vit spark
}

jvit_spark_build() {  # builds spark/ (and what it uses); the first build downloads Spark (~320 MB)
    echo "jvit: building the spark module (its first build downloads Spark, ~320 MB)..." >&2
    (cd "$ROOT" && mvn -q -B package -DskipTests -pl spark -am 2>&1 | sed 's/\x1b\[[0-9;]*m//g'; exit "${PIPESTATUS[0]}") >&2 \
        || { echo "jvit: the build failed (output above)" >&2; return 1; }
    touch "$JVIT_SPARK_JAR" "$JVIT_JAR"
}

jvit_build() {  # builds the jars bin/vit runs (no tests), quietly, saying so
    echo "jvit: building (mvn package, tests skipped; the first build downloads dependencies)..." >&2
    # Maven 3.8 prints colour resets even in batch mode; strip them.
    (cd "$ROOT" && mvn -q -B package -DskipTests -pl vit -am 2>&1 | sed 's/\x1b\[[0-9;]*m//g'; exit "${PIPESTATUS[0]}") >&2 \
        || { echo "jvit: the build failed (output above)" >&2; return 1; }
    jvit_mark_built
}

jvit_mark_built() {  # records that the jars bin/vit runs are fresh, and the TornadoVM SDK they were built against
    touch "$JVIT_JAR"
    echo "${TORNADOVM_HOME:-}" > "$JVIT_TORNADO_STAMP"
}
