#!/usr/bin/env bash
# Training throughput (images/s of the whole step: forward, loss, backward, clipping, AdamW) of
# the default Fashion-MNIST model (batch 128) and of ViT-S/16 (224², batch 32) on the java device
# and on an OpenCL device, alternating devices round by round (the machine is shared and noisy:
# medians of the rounds are compared), beside the compute floor: the step's FLOPs over the CPU's
# peak. Prints one Markdown table; bench/results/ keeps what it printed.
#
# Usage: bench/train-throughput.sh [--device opencl:N (opencl:0)] [rounds (3)] [peak GFLOP/s (483)]
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
device=opencl:0
if [ "${1:-}" = --device ]; then
    device=${2:?"train-throughput: --device needs an OpenCL device id (opencl:0, ...)"}
    shift 2
fi
rounds=${1:-3}
peak=${2:-483}
out=$(mktemp)
trap 'rm -f "$out"' EXIT

for round in $(seq "$rounds"); do
    for d in java "$device"; do
        "$root/bin/vit" bench train --device "$d" --runs 15 --json >>"$out"
        "$root/bin/vit" bench train --device "$d" --preset vit_small_patch16_224 --batch 32 --runs 3 --warmup 1 --json >>"$out"
        echo "round $round/$rounds: $d done" >&2
    done
done

python3 - "$out" "$peak" <<'PY'
import json, statistics, sys
runs = [json.loads(line) for line in open(sys.argv[1]) if line.startswith("{")]
peak = float(sys.argv[2])
def flops_per_image(model):
    # Matmuls (forward 2·params·tokens, backward twice that) and attention (QKᵀ and PV, forward
    # 4·T²·D per layer, backward twice that); the rest is memory-bound and left out of the floor.
    d, layers, tokens, mlp, patch_in = {"fashion-mnist": (96, 6, 50, 192, 16),
                                        "vit_small_patch16_224": (384, 12, 197, 1536, 768)}[model]
    weights = layers * (4 * d * d + 2 * d * mlp) + patch_in * d
    return 3 * (2 * weights * tokens + layers * 4 * tokens * tokens * d)
print("| model | batch | device | images/s (median of rounds) | rounds | vs java | % of compute floor |")
print("|---|---|---|---|---|---|---|")
for model in dict.fromkeys(r["model"] for r in runs):
    java = None
    for device in dict.fromkeys(r["device"] for r in runs):
        mine = [r for r in runs if r["model"] == model and r["device"] == device]
        ips = statistics.median(r["images_per_s"] for r in mine)
        java = ips if device == "java" else java
        floor = peak * 1e9 / flops_per_image(model)
        print(f"| {model} | {mine[0]['batch']} | `{device}` ({mine[0]['device_name']}) | {ips:.1f} | "
              f"{', '.join(str(r['images_per_s']) for r in mine)} | {ips / java:.2f}× | {100 * ips / floor:.0f}% of {floor:.0f} |")
PY
