#!/usr/bin/env bash
# jvit's matmul on a device vs NumPy/OpenBLAS `a @ b`, float32 2048×2048×2048, measured
# alternately in one run (the machine is shared and noisy: rounds alternate jvit and NumPy, each
# side warmed up, and medians of round medians are compared). Writes
# bench/results/DATE-matmul-2048-DEVICE-vs-numpy.md (DEVICE: java, opencl for opencl:0, opencl1, ...).
#
# Usage: bench/matmul-vs-numpy.sh [--device java|opencl:N (java)] [rounds (5)] [seconds per side per round (6)]
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
device=java
if [ "${1:-}" = --device ]; then
    device=${2:?"matmul-vs-numpy: --device needs a device id (java, opencl:0, ...)"}
    shift 2
fi
rounds=${1:-5}
seconds=${2:-6}
n=2048
side=${device%:0}
side=${side//:/}

. "$root/tornado-env.sh"
jvit_java_env
[ -n "$JVIT_JDK" ] || { echo "matmul-vs-numpy: no JDK >= 22 found; set JAVA_HOME" >&2; exit 1; }
python3 -c 'import numpy' 2>/dev/null || { echo "matmul-vs-numpy: python3 with numpy is needed" >&2; exit 1; }

ROOT=$root
. "$root/bin/jvit-build.sh"
jvit_bench_jar
jar=$JVIT_BENCH_JAR
java=("$JAVA_HOME/bin/java" "${JVIT_JVM_FLAGS[@]}" -cp "$jar" jvit.bench.MatmulVsPeer)

# NumPy's side of a round: same output format as MatmulVsPeer.
numpy_round() {
    python3 - "$n" "$seconds" <<'PY'
import sys, time
import numpy as np
n, seconds = int(sys.argv[1]), float(sys.argv[2])
rng = np.random.default_rng(1)
a = rng.uniform(-1, 1, (n, n)).astype(np.float32)
b = rng.uniform(-1, 1, (n, n)).astype(np.float32)
for name, rhs in (("a@b", b), ("a@b.T", b.T)):
    warm = time.perf_counter() + seconds / 3
    while time.perf_counter() < warm:
        a @ rhs
    gflops, end = [], time.perf_counter() + seconds
    while time.perf_counter() < end or len(gflops) < 3:
        start = time.perf_counter()
        a @ rhs
        gflops.append(2 * n**3 / (time.perf_counter() - start) / 1e9)
    print(f"{name} {np.median(gflops):.1f} {len(gflops)}")
PY
}

data=$(mktemp) clocks=$(mktemp)
trap 'rm -f "$data" "$clocks"' EXIT
device_name=$("${java[@]}" describe --device "$device") || { echo "matmul-vs-numpy: no device $device (see bin/vit devices)" >&2; exit 1; }
for r in $(seq "$rounds"); do
    "${java[@]}" clock 2>/dev/null >> "$clocks"
    "${java[@]}" --device "$device" "$n" "$seconds" 2>/dev/null | sed "s/^/$r jvit /" | tee -a "$data" >&2
    numpy_round | sed "s/^/$r numpy /" | tee -a "$data" >&2
done
# Other jobs only ever slow the probe down: the fastest round is the clock.
clock=$(sort -g "$clocks" | tail -1)
jdk=$("$JAVA_HOME/bin/java" -version 2>&1 | head -1)
blas_core=$(OPENBLAS_VERBOSE=2 python3 -c 'import numpy as np; a = np.ones((64, 64), np.float32); a @ a' 2>&1 | sed -n 's/^Core: //p' | head -1)
out=bench/results/$(date +%F)-matmul-2048-$side-vs-numpy.md
mkdir -p bench/results
python3 - "$data" "$n" "$rounds" "$seconds" "$clock" "$jdk" "${blas_core:-unknown}" "$device" "$device_name" > "$out" <<'PY'
import re, subprocess, sys, statistics, datetime
import numpy as np
path, n, rounds, seconds, clock, jdk, blas_core, device, device_name = sys.argv[1:]
label = "Java" if device == "java" else f"`{device}`"
n, clock = int(n), float(clock)
rows = [line.split() for line in open(path) if line.strip()]
lscpu = subprocess.run(["lscpu"], capture_output=True, text=True).stdout
field = lambda name: (re.search(rf"^{name}:\s*(.+)$", lscpu, re.M) or [None, "?"])[1].strip()
cores = int(subprocess.run(["nproc"], capture_output=True, text=True).stdout)
nominal = float(re.search(r"cpu MHz\s*:\s*([\d.]+)", open("/proc/cpuinfo").read()).group(1)) / 1000
lanes = 16 if "avx512f" in field("Flags") else 8
blas = np.show_config(mode="dicts")["Build Dependencies"]["blas"]
flops = 2 * n**3
per_cycle = cores * 2 * lanes * 2  # cores × 2 FMA pipes × lanes × 2 flops
peak_nominal, peak_measured = per_cycle * nominal, per_cycle * clock

def stats(side, layout):
    v = [float(r[3]) for r in rows if r[1] == side and r[2] == layout]
    return statistics.median(v), min(v), max(v)

def round_ratio(layout):
    # Each round's jvit / NumPy: another job that takes a core for a while slows both halves of a round alike.
    side = {(r[0], r[1]): float(r[3]) for r in rows if r[2] == layout}
    return statistics.median(side[(k, "jvit")] / side[(k, "numpy")] for k, s in side if s == "jvit")

print(f"# Matmul {n}³ float32: {label} vs NumPy ({datetime.date.today()})\n")
print(f"Written by `bench/matmul-vs-numpy.sh --device {device}`.\n")
print("## Floor\n")
print(f"{n}³ multiply-adds: 2·{n}³ = {flops / 1e9:.2f} GFLOP. Peak = {cores} cores × 2 FMA pipes × "
      f"{lanes} float lanes × 2 flops = {per_cycle} flops a cycle:\n")
print(f"- at the nominal clock ({nominal:.2f} GHz, /proc/cpuinfo): {peak_nominal:.0f} GFLOP/s, "
      f"floor **{flops / 1e9 / peak_nominal * 1e3:.1f} ms**;")
print(f"- at the clock measured here ({clock:.2f} GHz: one core, a chain of dependent adds, `MatmulVsPeer clock`, best of the rounds): "
      f"{peak_measured:.0f} GFLOP/s, floor **{flops / 1e9 / peak_measured * 1e3:.1f} ms**. "
      "This is the one that binds: the cores run well above nominal.\n")
print("## Machine\n")
print(f"- CPU: {field('Model name')}, {cores} cores, L2 {field('L2 cache')}, L3 {field('L3 cache')}, "
      f"{'AVX-512' if lanes == 16 else 'AVX2'}")
print(f"- Device: `{device}`, {device_name}")
print(f"- JDK: {jdk}")
config = " ".join(blas.get("openblas configuration", "").split())
print(f"- NumPy {np.__version__}, {blas.get('name')} {blas.get('version')} ({config}); "
      f"kernels OpenBLAS chose at run time: {blas_core}")
print(f"- Threads: all {cores} cores on both sides")
if lanes == 16 and blas_core in ("Haswell", "Zen"):
    print(f"- Note: OpenBLAS runs its 256-bit ({blas_core}) kernels on this AVX-512 CPU, so its own ceiling "
          "is half the peak above; jvit's kernels use 512-bit vectors.")
print()
print("## Result\n")
print(f"{rounds} rounds, each running {label} then NumPy for {seconds} s per layout after a warm-up of a third of that; "
      "a round's figure is the median over its calls, the table gives the median of the rounds and their spread. "
      "jvit's side is one matmul task in a graph whose inputs stay on the device, timed per execution.\n")
print(f"| layout | {label} GFLOP/s | spread | NumPy GFLOP/s | spread | {label} / NumPy | median of the rounds' ratios | {label} % of measured peak |")
print("|---|---|---|---|---|---|---|---|")
for layout in ("a@b", "a@b.T"):
    j, jlo, jhi = stats("jvit", layout)
    p, plo, phi = stats("numpy", layout)
    print(f"| `{layout}` | **{j:.0f}** | {jlo:.0f}–{jhi:.0f} | {p:.0f} | {plo:.0f}–{phi:.0f} | **{j / p:.2f}** | {round_ratio(layout):.2f} "
          f"| {100 * j / peak_measured:.0f}% |")
print("\nRaw round medians (round, side, layout, GFLOP/s, calls):\n\n```")
for r in rows:
    print(" ".join(r))
print("```")
PY
cat "$out"
echo "wrote $out" >&2
