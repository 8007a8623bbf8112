#!/usr/bin/env bash
# Soak test, on demand: per device, FORWARDS executions of one forward graph and CALLS calls of one
# Classifier on the sample images, in one JVM each, resident memory (VmRSS) and open file
# descriptors sampled every EVERY iterations. Flat means: after the first tenth of each phase
# (warm-up: JIT, first allocations, program builds) RSS grows by at most RSS_BOUND_MIB and the
# descriptor count by at most FD_BOUND. Writes bench/results/DATE-soak-HOST.md with every sample;
# exit status 1 when a bound is broken.
#
# Usage: bench/soak.sh [FORWARDS (1000)] [CALLS (1000)] [DEVICES (java,opencl:0)]
#        (the model: models/fashion-mnist; the images: models/samples)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
forwards=${1:-1000} calls=${2:-1000} devices=${3:-java,opencl:0}
every=$(( (forwards < calls ? forwards : calls) / 20 )); [ "$every" -ge 1 ] || every=1
RSS_BOUND_MIB=${RSS_BOUND_MIB:-32} FD_BOUND=${FD_BOUND:-2}

. "$root/tornado-env.sh"
jvit_java_env
ROOT=$root
. "$root/bin/jvit-build.sh"
jvit_bench_jar
out="bench/results/$(date +%F)-soak-$(hostname -s).md"
[ "$forwards" = 1000 ] && [ "$calls" = 1000 ] || out="${out%.md}-short.md"
samples=$(mktemp)
trap 'rm -f "$samples"' EXIT
failed=0
{
    echo "# Soak: $forwards forwards and $calls classify calls per device, one JVM each"
    echo
    echo "$(date -u '+%F %T UTC'), $(hostname -s), $(nproc) cores, JDK $("$JAVA_HOME/bin/java" -version 2>&1 | head -1)."
    echo "Model models/fashion-mnist, batch 8; classify on models/samples ($(ls models/samples | wc -l) images) per call."
    echo "Bounds after the first tenth of each phase: RSS growth <= $RSS_BOUND_MIB MiB, descriptors <= +$FD_BOUND."
    echo
    echo "| device | phase | RSS at 10% (MiB) | RSS at end (MiB) | max (MiB) | fds at 10% | fds at end | verdict |"
    echo "|---|---|---|---|---|---|---|---|"
} >"$out.tmp"
for device in ${devices//,/ }; do
    "$JAVA_HOME/bin/java" --add-modules jdk.incubator.vector --enable-native-access=ALL-UNNAMED -XX:+UseParallelGC -Xmn96m \
        -cp "$JVIT_BENCH_JAR" jvit.bench.Soak "$device" models/fashion-mnist models/samples "$forwards" "$calls" "$every" \
        2> >(grep -v 'incubator modules' >&2) | sed "s/^/$device /" | tee -a "$samples" >&2
    for phase in forward classify; do
        n=$([ $phase = forward ] && echo "$forwards" || echo "$calls")
        verdict=$(awk -v d="$device" -v p="$phase" -v n="$n" -v rb="$RSS_BOUND_MIB" -v fb="$FD_BOUND" '
            $1 == d && $2 == p { if (!base && $3 >= n / 10) { base = 1; r0 = $4; f0 = $5 } if (base) { r1 = $4; f1 = $5 } if ($4 > max) max = $4 }
            END { ok = (r1 - r0) <= rb * 1024 && (f1 - f0) <= fb
                  printf "| %s | %s | %.1f | %.1f | %.1f | %d | %d | %s |", d, p, r0 / 1024, r1 / 1024, max / 1024, f0, f1, ok ? "flat" : "GROWS" }' "$samples")
        echo "$verdict" >>"$out.tmp"
        case "$verdict" in *GROWS*) failed=1 ;; esac
    done
done
{ echo; echo "Samples (device phase iteration RSS-KiB fds):"; echo; echo '```'; cat "$samples"; echo '```'; } >>"$out.tmp"
mv "$out.tmp" "$out"
grep '^|' "$out"
echo "soak: wrote $out"
exit $failed
