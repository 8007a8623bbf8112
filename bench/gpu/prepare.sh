#!/usr/bin/env bash
# Builds, on a machine with a JDK and Maven, everything bench/gpu/run.sh needs on a GPU machine
# that has neither Java nor network, into .gpu/ (ignored by git, carried to the GPU machine):
#
#   .gpu/jdk           a Java 25 runtime made by jlink, with only the modules jvit's jars need
#   .gpu/lib           jvit's jars and their dependencies, as bin/vit runs them
#   .gpu/test-classes  the kernels, runtime and vit test classes (the CUDA tests and their helpers)
#   .gpu/junit         JUnit's console launcher, to run those tests without Maven
#
# Usage: bench/gpu/prepare.sh [--no-build]   (--no-build: the jars and test classes are built already,
# as bin/test has them when it checks the kit)
#
# The whole must stay under 64 MiB (what a device run carries). java.desktop (ImageIO, for
# `vit classify` and `vit demo`) is left out for that: alone it would take the runtime to 64 MiB,
# and the GPU checks read no image files.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
. "$ROOT/tornado-env.sh"
[ -n "$JVIT_JDK" ] || { echo "prepare.sh: no JDK >= 22 found" >&2; exit 1; }
GPU="$ROOT/.gpu"
JUNIT_CONSOLE=org.junit.platform:junit-platform-console-standalone:1.14.1   # the platform of junit-jupiter 5.14.1 (pom.xml)
MODULES=java.base,java.management,java.logging,java.sql,java.xml,jdk.incubator.vector,jdk.management,java.net.http

cd "$ROOT"
[ "${1:-}" = --no-build ] || mvn -q -B -Dstyle.color=never package -pl vit -am -DskipTests
rm -rf "$GPU"
mkdir -p "$GPU/lib" "$GPU/junit" "$GPU/test-classes"
cp vit/target/jvit-vit-*.jar vit/target/lib/*.jar "$GPU/lib/"
for module in kernels runtime vit; do cp -r "$module/target/test-classes" "$GPU/test-classes/$module"; done
mvn -q -B -Dstyle.color=never dependency:copy -Dartifact="$JUNIT_CONSOLE" -DoutputDirectory="$GPU/junit" -Dmdep.stripVersion=true

# What the jars and the test runner need, as jdeps sees it, must be within MODULES (java.desktop
# is left out on purpose, see above).
needed=$("$JAVA_HOME/bin/jdeps" --multi-release 25 --ignore-missing-deps --print-module-deps "$GPU"/lib/*.jar "$GPU"/junit/*.jar)
for m in ${needed//,/ }; do
    case ",$MODULES,java.desktop," in
        *",$m,"*) ;;
        *) echo "prepare.sh: jdeps says the jars need $m; add it to MODULES" >&2; exit 1 ;;
    esac
done
"$JAVA_HOME/bin/jlink" --add-modules "$MODULES" --output "$GPU/jdk" --strip-debug --no-header-files --no-man-pages \
    --compress=zip-9 >"$GPU/jlink.log" 2>&1 || { cat "$GPU/jlink.log" >&2; exit 1; }
rm -f "$GPU/jlink.log"

size=$(du -sm "$GPU" | cut -f1)
echo "prepare.sh: $GPU holds $size MiB: jdk $(du -sm "$GPU/jdk" | cut -f1), lib $(du -sm "$GPU/lib" | cut -f1),"\
     "test-classes $(du -sm "$GPU/test-classes" | cut -f1), junit $(du -sm "$GPU/junit" | cut -f1)"
[ "$size" -lt 64 ] || { echo "prepare.sh: over the 64 MiB a device run carries" >&2; exit 1; }
"$GPU/jdk/bin/java" -version 2>&1 | head -1
