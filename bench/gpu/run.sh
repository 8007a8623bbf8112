#!/usr/bin/env bash
# jvit's CUDA checks and benchmarks, on a machine with an NVIDIA GPU and driver and Python with
# torch and timm, but no Java and no network: bench/gpu/prepare.sh built a Java runtime and the
# jars into .gpu/ beforehand. Results, small files only, go to OUTDIR:
#
#   env.txt, devices.txt      the machine, and the devices jvit finds
#   tests.txt, junit/         every CUDA test (kernels vs float64 references, graphs, cuBLAS, ViT forward and training steps vs java)
#   kernels.jsonl             kernel benchmarks on cuda:0, matmul 4096³ by jvit's kernel and by cuBLAS
#   torch-bench.json          PyTorch eager, timm vit_base_patch16_224, batch 64, float32
#   model.jsonl               jvit on cuda:0, the same weights and batch, GEMM by jvit and by cuBLAS
#   agreement.json            jvit's logits (cuda:0 both ways, java) against PyTorch's
#   status.json, summary.md   what passed, and the figures in one table
#
# Usage: bench/gpu/run.sh [--no-gpu] OUTDIR        (exit status 0 only when every step passed)
#
# --no-gpu runs what needs no GPU, so that bin/test catches a kit that has rotted: the jlinked
# runtime starts, `vit devices` lists java and says why CUDA is missing, a forward pass on java,
# and the CUDA tests, each skipped with the reason (no driver) rather than failing.
set -uo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
GPU="$ROOT/.gpu"
NO_GPU=0
[ "${1:-}" = --no-gpu ] && { NO_GPU=1; shift; }
OUT=${1:?usage: bench/gpu/run.sh [--no-gpu] OUTDIR}
mkdir -p "$OUT"
OUT=$(cd "$OUT" && pwd)
JAVA="$GPU/jdk/bin/java"
[ -x "$JAVA" ] || { echo "run.sh: no $JAVA; run bench/gpu/prepare.sh first, on a machine with a JDK" >&2; exit 2; }
WORK=$(mktemp -d)   # the 350 MB model stays out of OUTDIR
trap 'rm -rf "$WORK"' EXIT
PY="python3 $ROOT/bench/gpu/torch_vit.py"
JVM=(--add-modules jdk.incubator.vector --enable-native-access=ALL-UNNAMED -XX:CompileCommand=quiet '-XX:CompileCommand=inline,jvit.kernels.cpu.*::*Lanes' -XX:+UseParallelGC -Xmn96m -Xss8m)
# The JVM's signal handlers first, whatever a native library installs (see tornado-env.sh).
[ -f "$GPU/jdk/lib/libjsig.so" ] && export LD_PRELOAD="$GPU/jdk/lib/libjsig.so${LD_PRELOAD:+:$LD_PRELOAD}"
[ $NO_GPU = 1 ] || export JVIT_REQUIRE_CUDA=1   # a CUDA test that cannot find the GPU fails instead of being skipped

vit() {  # the CLI, as bin/vit runs it; JVIT_JAVA_OPTS adds JVM options (-Djvit.cuda.gemm=cublas)
    "$JAVA" "${JVM[@]}" ${JVIT_JAVA_OPTS:-} -Djvit.home="$ROOT" -cp "$GPU/lib/*" jvit.vit.cli.Main "$@" 2> >(grep -v 'incubator modules' >&2)
}

declare -A STATUS
ORDER=()
step() {  # step NAME COMMAND...: runs it, logs it, records its exit status
    local name=$1; shift
    echo "== $name: $*" | tee -a "$OUT/log.txt"
    local start=$SECONDS
    "$@" >>"$OUT/log.txt" 2>&1
    local code=$?
    STATUS[$name]=$code
    ORDER+=("$name")
    echo "   $name: exit $code in $((SECONDS - start)) s" | tee -a "$OUT/log.txt"
    return $code
}

write_status() {
    { echo "{"; local i=0
      for name in "${ORDER[@]}"; do
          i=$((i + 1)); printf '  "%s": %d%s\n' "$name" "${STATUS[$name]}" "$([ $i -lt ${#ORDER[@]} ] && echo ,)"
      done; echo "}"; } >"$OUT/status.json"
}

environment() {  # for the record only: never fails the run
    { nvidia-smi; "$JAVA" -version
      python3 -c 'import torch, timm; print("torch", torch.__version__, "cuda", torch.version.cuda, "timm", timm.__version__)'
      env | grep -E '^(JVIT_|CUDA_|LD_LIBRARY_PATH)'; } >"$OUT/env.txt" 2>&1
    cat "$OUT/env.txt"
    return 0
}

devices() {
    vit devices >"$OUT/devices.txt" 2>&1
    if ! grep -q '^cuda:0 ' "$OUT/devices.txt"; then
        # jvit's own search did not find NVRTC (or cuBLAS): take them from torch's wheels and try again.
        echo "jvit found no usable CUDA device on its own:"; cat "$OUT/devices.txt"
        eval "$($PY libraries | sed 's/^/export /')"
        echo "with the libraries next to torch: JVIT_NVRTC=${JVIT_NVRTC:-} JVIT_CUBLAS=${JVIT_CUBLAS:-}"
        vit devices >"$OUT/devices.txt" 2>&1
    fi
    cat "$OUT/devices.txt"
    grep -q '^cuda:0 ' "$OUT/devices.txt"
}

tests() {  # JUnit's launcher takes no wildcard in its class path: every jar by name
    local jars
    jars=$(printf '%s:' "$GPU"/lib/*.jar)
    "$JAVA" "${JVM[@]}" -Xmx16g -jar "$GPU/junit/junit-platform-console-standalone.jar" execute \
        --class-path "$GPU/test-classes/kernels:$GPU/test-classes/runtime:$GPU/test-classes/vit:${jars%:}" \
        --select-package jvit.runtime.cuda --select-class jvit.vit.model.CudaViTTest --select-class jvit.vit.model.CudaCublasViTTest \
        --reports-dir "$OUT/junit" --details tree --disable-banner --fail-if-no-tests >"$OUT/tests.txt" 2>&1
    local code=$?
    tail -20 "$OUT/tests.txt"
    return $code
}

kernels() {
    : >"$OUT/kernels.jsonl"
    local common=(--device cuda:0 --json --warmup 3 --runs 10)
    for gemm in jvit cublas; do
        vit bench kernel matmul --m 4096 --n 4096 --k 4096 --gemm "$gemm" "${common[@]}" >>"$OUT/kernels.jsonl" || return 1
        vit bench kernel matmul --m 12608 --n 3072 --k 768 --gemm "$gemm" "${common[@]}" >>"$OUT/kernels.jsonl" || return 1
    done
    vit bench kernel layernorm --rows 12608 --dim 768 "${common[@]}" >>"$OUT/kernels.jsonl" &&
    vit bench kernel softmax --rows 12608 --dim 1000 "${common[@]}" >>"$OUT/kernels.jsonl" &&
    vit bench kernel attention --batch 64 "${common[@]}" >>"$OUT/kernels.jsonl" &&
    vit bench kernel gelu --elements 38731776 "${common[@]}" >>"$OUT/kernels.jsonl"
}

torch_side() {
    $PY torch "$WORK/model" "$WORK/images.npy" "$OUT/logits-torch.npy" "$OUT/torch-bench.json" --batch 64 --runs 20 --warmup 5
}

forward() {  # forward NAME DEVICE [GEMM]: jvit's logits for the same images, to logits-jvit-NAME.npy
    JVIT_JAVA_OPTS="-Djvit.cuda.gemm=${3:-jvit}" vit forward --model "$WORK/model" --input "$WORK/images.npy" \
        --output "$OUT/logits-jvit-$1.npy" --device "$2" --batch 64
}

model() {  # model GEMM: jvit's forward throughput on cuda:0
    JVIT_JAVA_OPTS="-Djvit.cuda.gemm=$1" vit bench model --model "$WORK/model" --batch 64 --device cuda:0 --json \
        --warmup 5 --runs 20 | sed "s/^{/{\"gemm\":\"$1\",/" | tee -a "$OUT/model.jsonl"
}

no_gpu_devices() {  # java listed, and CUDA's absence explained in one line
    vit devices >"$OUT/devices.txt" 2>&1 || return 1
    cat "$OUT/devices.txt"
    grep -q '^java ' "$OUT/devices.txt" && grep -q '^cuda: not available: ' "$OUT/devices.txt"
}

no_gpu_forward() {  # the demo model's logits on java for two images of 0.5 (an .npy written by hand)
    local h="{'descr': '<f4', 'fortran_order': False, 'shape': (2, 1, 28, 28), }"
    { printf '\x93NUMPY\x01\x00\x76\x00%s%*s\n' "$h" $((117 - ${#h})) ''
      for _ in $(seq 1568); do printf '\x00\x00\x00\x3f'; done; } >"$WORK/x.npy"
    vit forward --model "$ROOT/models/demo-random" --device java --input "$WORK/x.npy" --output "$OUT/logits-java.npy" &&
        [ "$(stat -c %s "$OUT/logits-java.npy")" = 208 ]
}

no_gpu_tests() {  # every CUDA test skipped, each for the missing driver, none failed
    tests
    grep -q 'tests successful' "$OUT/tests.txt" && grep -qi 'no cuda: libcuda.so.1' "$OUT/tests.txt" &&
        grep -Eq '\[ +0 tests failed +\]' "$OUT/tests.txt"
}

: >"$OUT/log.txt"; : >"$OUT/model.jsonl"
if [ $NO_GPU = 1 ]; then
    step java-version "$JAVA" -version
    step devices no_gpu_devices
    step forward-java no_gpu_forward
    step tests no_gpu_tests
    write_status
    for name in "${ORDER[@]}"; do [ "${STATUS[$name]}" -eq 0 ] || { echo "run.sh --no-gpu: $name failed; see $OUT/log.txt" >&2; exit 1; }; done
    echo "run.sh --no-gpu: the kit starts, lists devices, runs a forward pass on java and skips the CUDA tests cleanly"
    exit 0
fi
step environment environment
step devices devices || { write_status; echo "run.sh: no CUDA device; see $OUT/devices.txt" >&2; exit 1; }
step tests tests
step kernels kernels
if step torch torch_side; then
    step forward-cuda-jvit forward cuda0-jvit cuda:0 jvit
    step forward-cuda-cublas forward cuda0-cublas cuda:0 cublas
    step forward-java forward java java
    step agreement $PY compare "$OUT/logits-torch.npy" "$OUT"/logits-jvit-*.npy "$OUT/agreement.json"
    step model-jvit model jvit
    step model-cublas model cublas
fi
write_status
$PY summary "$OUT" >/dev/null
cat "$OUT/summary.md"
for name in "${ORDER[@]}"; do [ "${STATUS[$name]}" -eq 0 ] || exit 1; done
