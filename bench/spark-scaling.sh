#!/usr/bin/env bash
# Batch inference on Spark against `vit classify` alone: images/s of the default Fashion-MNIST
# model on the java device for `vit classify`, `vit spark classify --master local[1]` and
# `local[2]`, on the same PNG files (the first N Fashion-MNIST test images), configurations
# alternating within each round (the machine is shared and noisy: medians of the rounds are
# compared). Each figure is marginal: (N - 10) / (time for N images - time for 10), so JVM and
# Spark start-up and the model load are left out of it and reported apart. CPU time (user + system,
# every process) per image is reported beside it: on a loaded machine it moves less than the wall
# time. Also times the forward pass alone (`vit bench model`), the device's share of the work.
# Prints one Markdown table; bench/results/ keeps what it printed.
#
# Usage: bench/spark-scaling.sh [images (1000)] [rounds (3)] [batch (32)]
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
n=${1:-1000}
rounds=${2:-3}
batch=${3:-32}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
vit="$root/bin/vit"
model="$root/models/fashion-mnist"

/usr/bin/python3 - "$work" "$n" <<'PY'
import gzip, os, sys
import numpy as np
from PIL import Image
work, n = sys.argv[1], int(sys.argv[2])
with gzip.open("/usr/share/datasets/fashion-mnist/t10k-images-idx3-ubyte.gz") as f:
    images = np.frombuffer(f.read(), np.uint8, offset=16).reshape(-1, 28, 28)
for d, count in (("big", n), ("small", 10)):
    os.makedirs(f"{work}/{d}")
    for i in range(count):
        Image.fromarray(images[i]).save(f"{work}/{d}/{i:05d}.png")
PY
"$vit" spark --version >/dev/null  # builds what `vit spark` runs, outside the timings
"$vit" --version >/dev/null

TIMEFORMAT='%R %U %S'
seconds() {  # seconds CONFIG DIR: "wall user+sys" seconds of one run over the images in DIR (CPU time of every process)
    local t out="$work/out-$RANDOM$RANDOM"
    t=$( { time case $1 in
        classify) "$vit" classify --model "$model" --device java --batch "$batch" --json "$2" >/dev/null ;;
        local*) "$vit" spark classify --master "$1" --model "$model" --device java --batch "$batch" --input "$2" --output "$out" >/dev/null ;;
    esac; } 2>&1 ) || { echo "spark-scaling: $1 failed: $t" >&2; exit 1; }
    rm -rf "$out"
    echo "$t" | tail -1 | awk '{ print $1, $2 + $3 }'
}

results="$work/results"
for round in $(seq "$rounds"); do
    for config in classify 'local[1]' 'local[2]'; do
        t=$(seconds "$config" "$work/small"); read -r small small_cpu <<<"$t"
        t=$(seconds "$config" "$work/big"); read -r big big_cpu <<<"$t"
        echo "{\"config\": \"$config\", \"small\": $small, \"big\": $big, \"small_cpu\": $small_cpu, \"big_cpu\": $big_cpu}" >>"$results"
        echo "round $round/$rounds: $config ${big}s (${big_cpu}s CPU) for $n images, ${small}s (${small_cpu}s CPU) for 10" >&2
    done
    "$vit" bench model --model "$model" --device java --batch "$batch" --json >>"$results"
done

/usr/bin/python3 - "$results" "$n" "$batch" <<'PY'
import json, statistics, sys
rows = [json.loads(line) for line in open(sys.argv[1]) if line.startswith("{")]
n, batch = int(sys.argv[2]), int(sys.argv[3])
forward = [r["images_per_s"] for r in rows if "images_per_s" in r]
alone = None
print(f"| what ({n} PNGs, 28x28, batch {batch}, java device) | images/s (median) | rounds | vs `vit classify` "
      f"| CPU ms per image (median) | start-up, model load, 10 images: s (CPU s) |")
print("|---|---|---|---|---|---|")
for config in ("classify", "local[1]", "local[2]"):
    mine = [r for r in rows if r.get("config") == config]
    ips = [(n - 10) / (r["big"] - r["small"]) for r in mine]
    cpu = [1e3 * (r["big_cpu"] - r["small_cpu"]) / (n - 10) for r in mine]
    m = statistics.median(ips)
    alone = m if config == "classify" else alone
    name = "`vit classify`" if config == "classify" else f"`vit spark classify --master {config}`"
    print(f"| {name} | {m:.0f} | {', '.join(f'{x:.0f}' for x in ips)} | {m / alone:.2f}x | {statistics.median(cpu):.1f} "
          f"({', '.join(f'{x:.1f}' for x in cpu)}) | {statistics.median(r['small'] for r in mine):.1f} "
          f"({statistics.median(r['small_cpu'] for r in mine):.1f}) |")
print(f"| forward pass alone (`vit bench model`) | {statistics.median(forward):.0f} | {', '.join(f'{x:.0f}' for x in forward)} | | | |")
PY
