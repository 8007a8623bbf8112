#!/usr/bin/env bash
# The inference comparison in one run (issue 15's acceptance report): ViT-B/16 at batch 1 and 8 and
# ViT-S/16 at batch 8, float32, on `java` and `opencl:0` beside PyTorch eager and ONNX Runtime
# (same weights, same images, logits checked), alternating rounds, medians, each device's floors;
# then what `--device auto` picks for the same cases, and start-up (bench/startup.sh).
# Run it on a quiet machine: everything it reports is a ratio measured side by side.
# Writes bench/results/DATE-HOST-inference.{md,json,-models.png} and DATE-startup.md.
#
# Usage: bench/peers-report.sh [--devices java,opencl:0] [--no-startup]
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
devices=java,opencl:0
startup=1
while [ $# -gt 0 ]; do
    case $1 in
        --devices) devices=${2:?"peers-report: --devices needs a list"}; shift 2 ;;
        --no-startup) startup=0; shift ;;
        *) echo "peers-report: unknown argument $1 (--devices A,B | --no-startup)" >&2; exit 1 ;;
    esac
done
. "$root/bin/jvit-peers.sh"
jvit_peers_python >/dev/null || echo "peers-report: going on without PyTorch and ONNX Runtime (above: why)" >&2
"$root/bin/vit" bench report --inference --devices "$devices" --peers pytorch,onnxruntime
"$root/bin/vit" devices --profile | sed -n '/^--device auto/,$p'
if [ $startup = 1 ]; then "$root/bench/startup.sh" 5; fi
