#!/usr/bin/env bash
# Soak test, on demand: per device, FORWARDS executions of one forward graph, CALLS calls of one
# Classifier on the sample images, and LOADS times a new Classifier (two graphs loaded, one call,
# closed), in one JVM each, with resident memory (VmRSS), open file descriptors, the Java heap in
# use after a full collection and the OpenCL objects jvit holds sampled every EVERY iterations.
# Flat means: after the first tenth of each phase (warm-up: JIT, first allocations, program builds)
# RSS grows by at most RSS_BOUND_MIB, the heap in use by at most HEAP_BOUND_MIB, the descriptor
# count by at most FD_BOUND, and the OpenCL objects held do not change. The heap is committed and
# touched up front (-Xms = -Xmx, AlwaysPreTouch): otherwise RSS grows for ~1,500 calls as the
# collector first touches its young generation's pages (~50 MiB, see
# bench/results/2026-12-05-soak-leak-hunt.md), which is no leak. Writes
# bench/results/DATE-soak-HOST.md with every sample; exit status 1 when a bound is broken.
#
# Usage: bench/soak.sh [FORWARDS (1000)] [CALLS (1000)] [DEVICES (java,opencl:0)] [LOADS (1000)]
#        (the model: models/fashion-mnist; the images: models/samples)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
forwards=${1:-1000} calls=${2:-1000} devices=${3:-java,opencl:0} loads=${4:-1000}
least=$(printf '%s\n' "$forwards" "$calls" "$loads" | sort -n | head -1)
every=$(( least / 20 )); [ "$every" -ge 1 ] || every=1
RSS_BOUND_MIB=${RSS_BOUND_MIB:-32} HEAP_BOUND_MIB=${HEAP_BOUND_MIB:-8} FD_BOUND=${FD_BOUND:-2}

. "$root/tornado-env.sh"
jvit_java_env
ROOT=$root
. "$root/bin/jvit-build.sh"
jvit_bench_jar
out="bench/results/$(date +%F)-soak-$(hostname -s).md"
[ "$forwards" = 1000 ] && [ "$calls" = 1000 ] && [ "$loads" = 1000 ] || out="${out%.md}-short.md"
[ ! -e "$out" ] || out="${out%.md}-$(date -u +%H%M).md" # a second run that day keeps the first's result
samples=$(mktemp)
trap 'rm -f "$samples"' EXIT
failed=0
{
    echo "# Soak: $forwards forwards, $calls classify calls and $loads Classifier loads per device, one JVM each"
    echo
    echo "$(date -u '+%F %T UTC'), $(hostname -s), $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg), JDK $("$JAVA_HOME/bin/java" -version 2>&1 | head -1)."
    echo "Model models/fashion-mnist, batch 8; classify on models/samples ($(ls models/samples | wc -l) images) per call; heap 256 MiB, pre-touched."
    echo "Bounds after the first tenth of each phase: RSS growth <= $RSS_BOUND_MIB MiB, heap in use after a full GC <= +$HEAP_BOUND_MIB MiB,"
    echo "descriptors <= +$FD_BOUND, OpenCL objects held unchanged."
    echo
    echo "| device | phase | RSS at 10% (MiB) | RSS at end (MiB) | max (MiB) | heap at 10% / end (MiB) | fds at 10% / end | OpenCL objects at end | verdict |"
    echo "|---|---|---|---|---|---|---|---|---|"
} >"$out.tmp"
for device in ${devices//,/ }; do
    "$JAVA_HOME/bin/java" "${JVIT_JVM_FLAGS[@]}" -XX:+UseParallelGC \
        -Xms256m -Xmx256m -Xmn96m -XX:+AlwaysPreTouch \
        -cp "$JVIT_BENCH_JAR" jvit.bench.Soak "$device" models/fashion-mnist models/samples "$forwards" "$calls" "$every" "$loads" \
        2> >(grep -v 'incubator modules' >&2) | sed "s/^/$device /" | tee -a "$samples" >&2
    for phase in forward classify load; do
        case $phase in forward) n=$forwards ;; classify) n=$calls ;; load) n=$loads ;; esac
        [ "$n" -gt 0 ] || continue
        verdict=$(awk -v d="$device" -v p="$phase" -v n="$n" -v rb="$RSS_BOUND_MIB" -v hb="$HEAP_BOUND_MIB" -v fb="$FD_BOUND" '
            $1 == d && $2 == p { if (!base && $3 >= n / 10) { base = 1; r0 = $4; f0 = $5; h0 = $6; c0 = $7 }
                                 if (base) { r1 = $4; f1 = $5; h1 = $6; c1 = $7 } if ($4 > max) max = $4 }
            END { ok = (r1 - r0) <= rb * 1024 && (h1 - h0) <= hb * 1024 && (f1 - f0) <= fb && c0 == c1
                  printf "| %s | %s | %.1f | %.1f | %.1f | %.1f / %.1f | %d / %d | %s | %s |", d, p, r0 / 1024, r1 / 1024, max / 1024,
                         h0 / 1024, h1 / 1024, f0, f1, c1, ok ? "flat" : "GROWS" }' "$samples")
        echo "$verdict" >>"$out.tmp"
        case "$verdict" in *GROWS*) failed=1 ;; esac
    done
done
{ echo; echo "Samples (device phase iteration RSS-KiB fds heap-after-GC-KiB OpenCL-objects):"; echo; echo '```'; cat "$samples"; echo '```'; } >>"$out.tmp"
mv "$out.tmp" "$out"
grep '^|' "$out"
echo "soak: wrote $out"
exit $failed
