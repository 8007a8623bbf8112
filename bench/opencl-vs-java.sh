#!/usr/bin/env bash
# ViT-B/16 forward (224², batch 8) and the kernels on an OpenCL device beside the java device,
# alternating in one run (the machine is shared and noisy: each round runs every measurement on
# both devices back to back, and medians of the rounds are compared), with the floors they are measured
# against: FLOPs over the peak at the measured clock, bytes over the copy bandwidth measured here.
# Writes bench/results/DATE-opencl-DEVICE.md (DEVICE: pocl, or the id, for opencl:0 on PoCL).
#
# Usage: bench/opencl-vs-java.sh [--device opencl:N (opencl:0)] [rounds (3)]
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
device=opencl:0
if [ "${1:-}" = --device ]; then
    device=${2:?"opencl-vs-java: --device needs an OpenCL device id (opencl:0, ...)"}
    shift 2
fi
rounds=${1:-3}

. "$root/tornado-env.sh"
jvit_java_env
[ -n "$JVIT_JDK" ] || { echo "opencl-vs-java: no JDK >= 22 found; set JAVA_HOME" >&2; exit 1; }
python3 -c 'import numpy' 2>/dev/null || { echo "opencl-vs-java: python3 with numpy is needed (the bandwidth probe)" >&2; exit 1; }

ROOT=$root
. "$root/bin/jvit-build.sh"
jvit_bench_jar
jar=$JVIT_BENCH_JAR
peer=("$JAVA_HOME/bin/java" "${JVIT_JVM_FLAGS[@]}" -cp "$jar" jvit.bench.MatmulVsPeer)
device_name=$("${peer[@]}" describe --device "$device") || { echo "opencl-vs-java: no device $device (see bin/vit devices)" >&2; exit 1; }
java_name=$("${peer[@]}" describe --device java)

# Copy bandwidth, read + write, both cores (two threads, NumPy releases the GIL while copying):
# a working set the size of a layernorm's (L3) and one far above the L3 (memory). Best of 20.
bandwidth() {
    python3 - "$1" <<'PY'
import sys, threading, time
import numpy as np
total, threads = int(float(sys.argv[1]) * 2**20), 2
n = total // 4 // threads
src = [np.ones(n, np.float32) for _ in range(threads)]
dst = [np.empty(n, np.float32) for _ in range(threads)]
best = 0
for _ in range(20):
    start, end = threading.Barrier(threads + 1), threading.Barrier(threads + 1)
    def copy(i):
        start.wait()
        for _ in range(5): np.copyto(dst[i], src[i])
        end.wait()
    workers = [threading.Thread(target=copy, args=(i,)) for i in range(threads)]
    for w in workers: w.start()
    start.wait(); t0 = time.perf_counter(); end.wait(); t1 = time.perf_counter()
    for w in workers: w.join()
    best = max(best, 5 * 2 * n * 4 * threads / (t1 - t0) / 1e9)
print(f"{best:.1f}")
PY
}

# A measurement's JSON line; a run that fails is tried once more (a JVM here once died of a
# segmentation fault, in a java-device model run, leaving no hs_err file).
measure() {
    local line
    line=$("$@") || { echo "opencl-vs-java: '$*' failed; once more" >&2; line=$("$@"); }
    echo "$line"
}

data=$(mktemp) clocks=$(mktemp)
trap 'rm -f "$data" "$clocks"' EXIT
kernels=("matmul --layout nt" "matmul --layout nn" attention layernorm softmax gelu)
for r in $(seq "$rounds"); do
    "${peer[@]}" clock 2>/dev/null >> "$clocks"
    echo "round $r" >&2
    for d in "$device" java; do
        measure bin/vit bench model --preset vit_base_patch16_224 --batch 8 --device "$d" --runs 10 --warmup 3 --json \
            | sed "s/^/$r model /" >> "$data"
    done
    for k in "${kernels[@]}"; do
        for d in "$device" java; do
            # shellcheck disable=SC2086 # the kernel's name and options
            measure bin/vit bench kernel $k --device "$d" --runs 30 --warmup 5 --json | sed "s/^/$r kernel /" >> "$data"
        done
    done
done
clock=$(sort -g "$clocks" | tail -1)
l3_bandwidth=$(bandwidth 9.25)
memory_bandwidth=$(bandwidth 512)
jdk=$("$JAVA_HOME/bin/java" -version 2>&1 | head -1)
side=${device%:0}
side=${side//:/}
[ "$side" = opencl ] && [[ "$device_name" == *"Portable Computing Language"* ]] && side=pocl
out=bench/results/$(date +%F)-opencl-$side.md
mkdir -p bench/results
python3 - "$data" "$rounds" "$clock" "$l3_bandwidth" "$memory_bandwidth" "$jdk" "$device" "$device_name" "$java_name" > "$out" <<'PY'
import datetime, json, re, statistics, subprocess, sys
path, rounds, clock, l3_bw, mem_bw, jdk, device, device_name, java_name = sys.argv[1:]
clock, l3_bw, mem_bw = float(clock), float(l3_bw), float(mem_bw)
rows = []
for line in open(path):
    r, kind, text = line.split(" ", 2)
    rows.append((int(r), kind, json.loads(text)))
lscpu = subprocess.run(["lscpu"], capture_output=True, text=True).stdout
field = lambda name: (re.search(rf"^{name}:\s*(.+)$", lscpu, re.M) or [None, "?"])[1].strip()
cores = int(subprocess.run(["nproc"], capture_output=True, text=True).stdout)
lanes = 16 if "avx512f" in field("Flags") else 8
peak = cores * 2 * lanes * 2 * clock  # GFLOP/s: cores × 2 FMA pipes × lanes × 2 flops × GHz
l3_bytes = 32 * 2**20

def models(dev):
    return [j for _, kind, j in rows if kind == "model" and j["device"] == dev]

def kernels(dev, name):
    return [j for _, kind, j in rows if kind == "kernel" and j["device"] == dev and key(j) == name]

def key(j):
    return j["op"] + (" " + ("A·Bᵀ" if j["shape"]["layout"] == "nt" else "A·B") if j["op"] == "matmul" else "")

def med(values):
    return statistics.median(values)

def round_ratio(pairs):
    # median over rounds of this device's figure / java's; pairs: (round, device, figure)
    figure = {(r, d): v for r, d, v in pairs}
    return med([figure[(r, device)] / figure[(r, "java")] for r, d, _ in pairs if d == "java" and (r, device) in figure])

print(f"# ViT-B/16 and the kernels on `{device}` beside `java` ({datetime.date.today()})\n")
print(f"Written by `bench/opencl-vs-java.sh --device {device}`: {rounds} rounds, each running every measurement on "
      f"`{device}` then at once on `java`; figures are medians over the rounds (each round's figure a median of its runs). "
      "Ratios are given both as the ratio of those medians and as the median of each round's ratio, which holds better "
      "when another job takes a core for a while (it slows both halves of a round alike).\n")

m = models(device)[0]
flop_per_image = m["gflops"] * m["median_ms"] / 1e3 / m["batch"]
print("## Floor\n")
print(f"Peak = {cores} cores × 2 FMA pipes × {lanes} float lanes × 2 flops × {clock:.2f} GHz (the clock measured here: "
      f"one core, a chain of dependent adds, best of the rounds) = **{peak:.0f} GFLOP/s**. Copy bandwidth measured here "
      f"(NumPy `copyto`, two threads, read + write, best of 20): **{l3_bw:.0f} GB/s** for 9 MiB, which stays in the "
      f"32 MiB L3, and **{mem_bw:.0f} GB/s** for 512 MiB, from memory.\n")
print(f"- ViT-B/16 forward: {flop_per_image:.1f} GFLOP an image, so at most **{peak / flop_per_image:.1f} images/s**.")
floors = {}
for name in sorted({key(j) for _, kind, j in rows if kind == "kernel"}):
    j = kernels(device, name)[0]
    seconds = j["median_ms"] / 1e3
    flops, size = j["gflops"] * seconds * 1e9, j["gbps"] * seconds * 1e9
    if name.startswith("matmul") or name == "attention":
        floors[name] = flops / 1e9 / peak
        print(f"- {name} {j['shape']}: {flops / 1e9:.2f} GFLOP, floor **{floors[name] * 1e3:.2f} ms** at the peak.")
    else:
        bw = l3_bw if size <= l3_bytes else mem_bw
        floors[name] = size / 1e9 / bw
        where = "the L3" if size <= l3_bytes else "memory"
        print(f"- {name} {j['shape']}: {size / 2**20:.1f} MiB read and written once, floor **{floors[name] * 1e3:.3f} ms** "
              f"at {bw:.0f} GB/s ({where}).")
print()

print("## Machine\n")
print(f"- CPU: {field('Model name')}, {cores} cores, L2 {field('L2 cache')}, L3 {field('L3 cache')}, "
      f"{'AVX-512' if lanes == 16 else 'AVX2'}; shared with other jobs")
print(f"- `{device}`: {device_name}")
print(f"- `java`: {java_name}")
print(f"- JDK: {jdk}\n")

print("## ViT-B/16 forward, 224², batch 8\n")
print("`bin/vit bench model --preset vit_base_patch16_224 --batch 8 --runs 10 --warmup 3` (random weights, "
      "memory-mapped from a safetensors file).\n")
print(f"| device | images/s | spread | GFLOP/s | % of peak | % of floor (images/s) | batch latency | peak resident |")
print("|---|---|---|---|---|---|---|---|")
ips = {}
for dev in (device, "java"):
    ms = models(dev)
    ips[dev] = med([j["images_per_s"] for j in ms])
    g = med([j["gflops"] for j in ms])
    print(f"| `{dev}` | **{ips[dev]:.2f}** | {min(j['images_per_s'] for j in ms):.2f}–{max(j['images_per_s'] for j in ms):.2f} "
          f"| {g:.0f} | {100 * g / peak:.0f}% | {100 * ips[dev] / (peak / flop_per_image):.0f}% "
          f"| {med([j['median_ms'] for j in ms]):.0f} ms | {med([j['peak_rss_mib'] for j in ms]):.0f} MiB |")
model_pairs = [(r, j["device"], j["images_per_s"]) for r, kind, j in rows if kind == "model"]
print(f"\n`{device}` / `java`: **{ips[device] / ips['java']:.2f}×** (median of the rounds' ratios: {round_ratio(model_pairs):.2f}×).\n")
print("Time by operator, one profiled run per round (median over the rounds, ms):\n")
ops = list(models(device)[0]["profile_ms"].keys())
print("| device | " + " | ".join(ops) + " |")
print("|---|" + "---|" * len(ops))
for dev in (device, "java"):
    ms = models(dev)
    print(f"| `{dev}` | " + " | ".join(f"{med([j['profile_ms'].get(o, 0) for j in ms]):.1f}" for o in ops) + " |")
print()

print("## Kernels\n")
print("`bin/vit bench kernel NAME --runs 30 --warmup 5` at its default sizes: one task in a graph whose inputs stay on "
      "the device, timed per execution (launch and wait included, which small kernels feel).\n")
print(f"| kernel | shape | `{device}` ms | GFLOP/s | GB/s | % of floor | `java` ms | GFLOP/s | GB/s | % of floor | `{device}` / `java` | rounds' ratios |")
print("|---|---|---|---|---|---|---|---|---|---|---|---|")
for name in floors:
    cells = []
    times = {}
    for dev in (device, "java"):
        ks = kernels(dev, name)
        times[dev] = med([j["median_ms"] for j in ks])
        cells += [f"{times[dev]:.3f}", f"{med([j['gflops'] for j in ks]):.1f}", f"{med([j['gbps'] for j in ks]):.1f}",
                  f"{100 * floors[name] * 1e3 / times[dev]:.0f}%"]
    shape = ", ".join(f"{k} {v}" for k, v in kernels(device, name)[0]["shape"].items() if k != "layout")
    speed_pairs = [(r, j["device"], 1 / j["median_ms"]) for r, kind, j in rows if kind == "kernel" and key(j) == name]
    print(f"| {name} | {shape} | " + " | ".join(cells) + f" | **{times['java'] / times[device]:.2f}×** | {round_ratio(speed_pairs):.2f}× |")
print(f"\n(`{device}` / `java` is the speed ratio: above 1, `{device}` is faster.)\n")

print("Raw JSON lines (round, kind, result):\n\n```")
for line in open(path):
    print(line.rstrip())
print("```")
PY
cat "$out"
echo "wrote $out" >&2
