#!/usr/bin/env bash
# Start-up: the wall time of `bin/vit classify IMAGE` (launcher, JVM, device discovery, model load,
# preprocessing, one forward pass, the answer) on the default model and on ViT-B/16 (random
# weights), beside the same job in PyTorch eager and ONNX Runtime (a fresh Python process each:
# interpreter, imports, model load, one image, one pass; ONNX Runtime from an .onnx exported
# beforehand). Rounds alternate between them; medians. jvit runs twice a round: as bin/vit runs it,
# and with a JDK AOT cache (JEP 483/514: classes loaded and linked ahead, made by one training run
# per model here) to see whether bin/vit should make one. Writes bench/results/DATE-startup.md (or
# the file given).
#
# Usage: bench/startup.sh [rounds (5)] [out.md]
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
rounds=${1:-5}
out=${2:-$root/bench/results/$(date +%F)-startup.md}
image=$root/models/samples/0000-ankle_boot.png
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

. "$root/bin/jvit-peers.sh"
py=$(jvit_peers_python) || py=
"$root/bin/vit" --version >/dev/null   # builds if needed: not part of what is timed

models=("default:$root/models/fashion-mnist")
if [ -n "$py" ]; then
    (cd "$root/bench/peers" && "$py" startup_peer.py vit-b16 "$work/vit-b16") >/dev/null
    models+=("ViT-B/16:$work/vit-b16")
    for m in "${models[@]}"; do
        dir=${m#*:}
        [ "$dir" = "$root/models/fashion-mnist" ] && { cp -r "$dir" "$work/default"; dir=$work/default; }
        (cd "$root/bench/peers" && "$py" startup_peer.py export "$dir" 2>/dev/null)
    done
    models[0]="default:$work/default"
fi
# --device auto's timings are cached on first use: once here, so that the rounds measure what a user
# sees every day after; the same run trains each model's AOT cache.
for m in "${models[@]}"; do
    n=${m%%:*}; JVIT_JAVA_OPTS="-XX:AOTCacheOutput=$work/${n//\//-}.aot -Xlog:aot=off" "$root/bin/vit" classify --model "${m#*:}" "$image" >/dev/null 2>&1 || true
    "$root/bin/vit" classify --model "${m#*:}" "$image" >/dev/null
done

seconds() { local s e; s=$(date +%s%N); "$@" >/dev/null 2>&1 || { echo "startup: failed: $*" >&2; echo NaN; return; }; e=$(date +%s%N); echo "scale=3; ($e - $s) / 1000000000" | bc; }
median() { sort -g | awk '{a[NR]=$1} END {print (NR % 2 ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2)}'; }

{
    echo "# Start-up: one image classified, from the command to the answer ($(date +%F), $(hostname))"
    echo
    echo "Wall time of a whole process per run, $rounds rounds alternating jvit, PyTorch and ONNX Runtime; medians (min–max)."
    echo "Load average at the start: $(cut -d' ' -f1-3 /proc/loadavg) on $(nproc) hardware threads."
    echo
    echo "| model | jvit \`bin/vit classify\` (--device auto) | the same with an AOT cache | PyTorch eager | ONNX Runtime |"
    echo "|---|---|---|---|---|"
} >"$out.tmp"
for m in "${models[@]}"; do
    name=${m%%:*} dir=${m#*:}
    : >"$work/jvit" ; : >"$work/aot" ; : >"$work/pytorch" ; : >"$work/onnxruntime"
    for ((r = 0; r < rounds; r++)); do
        seconds "$root/bin/vit" classify --model "$dir" "$image" >>"$work/jvit"
        [ -f "$work/${name//\//-}.aot" ] && JVIT_JAVA_OPTS="-XX:AOTCache=$work/${name//\//-}.aot" seconds "$root/bin/vit" classify --model "$dir" "$image" >>"$work/aot"
        if [ -n "$py" ]; then
            (cd "$root/bench/peers" && seconds "$py" startup_peer.py pytorch "$dir" "$image") >>"$work/pytorch"
            (cd "$root/bench/peers" && seconds "$py" startup_peer.py onnxruntime "$dir" "$image") >>"$work/onnxruntime"
        fi
    done
    cell() { [ -s "$1" ] && echo "$(median <"$1") s ($(sort -g "$1" | head -1)–$(sort -g "$1" | tail -1))" || echo "not run"; }
    echo "| $name | $(cell "$work/jvit") | $(cell "$work/aot") | $(cell "$work/pytorch") | $(cell "$work/onnxruntime") |" >>"$out.tmp"
done
mv "$out.tmp" "$out"
cat "$out"
