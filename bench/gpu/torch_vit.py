#!/usr/bin/env python3
"""The PyTorch side of bench/gpu/run.sh: the peer that jvit's CUDA backend is measured against.

  torch_vit.py torch MODEL_DIR IMAGES.npy LOGITS.npy BENCH.json [--batch 64] [--runs 20] [--warmup 5]
      timm's vit_base_patch16_224 with random weights (seeded), written to MODEL_DIR as
      model.safetensors + config.json for jvit; random normalised images to IMAGES.npy; PyTorch
      eager float32 (no TF32) logits to LOGITS.npy, and its forward throughput to BENCH.json.
  torch_vit.py compare REFERENCE.npy OTHER.npy... AGREEMENT.json
      how far each OTHER's logits are from REFERENCE's; exit 1 when one is too far.
  torch_vit.py libraries
      JVIT_NVRTC=... and JVIT_CUBLAS=... lines for the NVIDIA wheels this Python has, if any.
  torch_vit.py summary OUTDIR
      OUTDIR/summary.md from the JSON results run.sh wrote there.
"""
import glob
import json
import os
import statistics
import struct
import sys
import time

import numpy as np

ARCH = "vit_base_patch16_224"
# Relative L2 distance of two float32 implementations' logits: summation order differs, nothing else.
MAX_RELATIVE_ERROR = 1e-3


def save_safetensors(path, tensors):
    """The safetensors format (8-byte header length, JSON header, raw little-endian data), float32."""
    header, blobs, offset = {}, [], 0
    for name, t in tensors.items():
        data = t.detach().cpu().float().contiguous().numpy().tobytes()
        header[name] = {"dtype": "F32", "shape": list(t.shape), "data_offsets": [offset, offset + len(data)]}
        blobs.append(data)
        offset += len(data)
    header["__metadata__"] = {"format": "pt"}
    text = json.dumps(header, separators=(",", ":")).encode()
    text += b" " * (-len(text) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(text)))
        f.write(text)
        for data in blobs:
            f.write(data)


def median_seconds(fn, warmup, runs):
    import torch
    for _ in range(warmup):
        fn()
    torch.cuda.synchronize()
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        torch.cuda.synchronize()
        times.append(time.perf_counter() - start)
    return statistics.median(times), min(times), max(times)


def torch_side(model_dir, images_path, logits_path, bench_path, batch=64, runs=20, warmup=5):
    import timm
    import torch
    torch.backends.cuda.matmul.allow_tf32 = False  # float32 GEMMs, as jvit's
    torch.backends.cudnn.allow_tf32 = False  # the patch embedding is a cuDNN convolution
    torch.manual_seed(0)
    model = timm.create_model(ARCH, pretrained=False).eval()

    os.makedirs(model_dir, exist_ok=True)
    save_safetensors(os.path.join(model_dir, "model.safetensors"), model.state_dict())
    pretrained_cfg = getattr(model, "pretrained_cfg", None) or getattr(model, "default_cfg", {})  # timm < 0.9: default_cfg
    config = {"architecture": ARCH, "num_classes": model.num_classes, "global_pool": "token",
              "pretrained_cfg": {k: v for k, v in pretrained_cfg.items() if isinstance(v, (int, float, str, list, tuple))}}
    with open(os.path.join(model_dir, "config.json"), "w") as f:
        json.dump(config, f, indent=1)

    images = torch.randn(batch, 3, 224, 224, generator=torch.Generator().manual_seed(1))
    np.save(images_path, images.numpy())

    model = model.cuda()
    with torch.inference_mode():
        on_device = images.cuda()
        np.save(logits_path, model(on_device).float().cpu().numpy())
        # jvit's execution copies the images in and the logits out every time: so does this one.
        with_copies = median_seconds(lambda: model(images.cuda()).cpu(), warmup, runs)
        device_only = median_seconds(lambda: model(on_device), warmup, runs)
    result = {
        "model": ARCH + " (timm, random weights)",
        "device": torch.cuda.get_device_name(0),
        "batch": batch,
        "images_per_s": round(batch / with_copies[0], 2),
        "median_ms": round(with_copies[0] * 1e3, 3),
        "min_ms": round(with_copies[1] * 1e3, 3),
        "max_ms": round(with_copies[2] * 1e3, 3),
        "images_per_s_device_only": round(batch / device_only[0], 2),
        "median_ms_device_only": round(device_only[0] * 1e3, 3),
        "runs": runs,
        "torch": torch.__version__,
        "timm": timm.__version__,
        "cuda": torch.version.cuda,
        "fused_attention": bool(getattr(model.blocks[0].attn, "fused_attn", False)),
        "tf32": False,
    }
    with open(bench_path, "w") as f:
        json.dump(result, f, indent=1)
    print(json.dumps(result))


def compare(reference_path, others, out_path):
    reference = np.load(reference_path).astype(np.float64)
    results, ok = {}, True
    for path in others:
        other = np.load(path).astype(np.float64)
        if other.shape != reference.shape:
            results[os.path.basename(path)] = {"error": f"shape {other.shape}, expected {reference.shape}"}
            ok = False
            continue
        relative = float(np.linalg.norm(other - reference) / np.linalg.norm(reference))
        entry = {
            "relative_error": relative,
            "max_abs_diff": float(np.abs(other - reference).max()),
            "max_abs_logit": float(np.abs(reference).max()),
            "top1_agreement": float((other.argmax(1) == reference.argmax(1)).mean()),
            "ok": relative <= MAX_RELATIVE_ERROR,
        }
        ok &= entry["ok"]
        results[os.path.basename(path)] = entry
    report = {"reference": os.path.basename(reference_path), "max_relative_error": MAX_RELATIVE_ERROR, "results": results}
    with open(out_path, "w") as f:
        json.dump(report, f, indent=1)
    print(json.dumps(report, indent=1))
    return 0 if ok else 1


def libraries():
    """NVRTC and cuBLAS from the NVIDIA wheels next to torch (nvidia/cuda_nvrtc/lib, nvidia/cublas/lib, nvidia/cu13/lib)."""
    import site
    roots = site.getsitepackages() + [site.getusersitepackages()]
    for variable, name in (("JVIT_NVRTC", "libnvrtc.so.*"), ("JVIT_CUBLAS", "libcublas.so.*")):
        found = sorted(f for root in roots for f in glob.glob(os.path.join(root, "nvidia", "*", "lib", name)))
        if found:
            print(f"{variable}={found[-1]}")
    return 0


def read_json_lines(path):
    if not os.path.exists(path):
        return []
    with open(path) as f:
        return [json.loads(line) for line in f if line.strip().startswith("{")]


def summary(out):
    def load(name):
        path = os.path.join(out, name)
        return json.load(open(path)) if os.path.exists(path) else None

    lines = ["# jvit on CUDA: checks and benchmarks", ""]
    status = load("status.json") or {}
    lines += ["## Steps", "", "| step | status |", "|---|---|"]
    lines += [f"| {step} | {'ok' if code == 0 else f'FAILED ({code})'} |" for step, code in status.items()]

    torch_bench = load("torch-bench.json")
    models = read_json_lines(os.path.join(out, "model.jsonl"))
    if torch_bench or models:
        lines += ["", "## ViT-B/16 224², float32 forward, batch 64 (images in and logits out every run)", "",
                  "| implementation | images/s | ms per batch (median) |", "|---|---|---|"]
        for m in models:
            lines.append(f"| jvit {m['device']} gemm={m.get('gemm', 'jvit')} | {m['images_per_s']} | {m['median_ms']} |")
        if torch_bench:
            lines.append(f"| PyTorch {torch_bench['torch']} eager (timm {torch_bench['timm']}, fused attention "
                         f"{torch_bench['fused_attention']}) | {torch_bench['images_per_s']} | {torch_bench['median_ms']} |")
            lines.append(f"| PyTorch, images already on the GPU | {torch_bench['images_per_s_device_only']} "
                         f"| {torch_bench['median_ms_device_only']} |")
        for m in models:
            lines.append("")
            lines.append(f"jvit gemm={m.get('gemm', 'jvit')} time by operator (ms): {m.get('profile_ms')}")

    agreement = load("agreement.json")
    if agreement:
        lines += ["", f"## Logits against {agreement['reference']} (same weights, same images)", "",
                  "| logits | relative L2 error | max abs diff | top-1 agreement | ok |", "|---|---|---|---|---|"]
        for name, r in agreement["results"].items():
            if "error" in r:
                lines.append(f"| {name} | {r['error']} | | | no |")
            else:
                lines.append(f"| {name} | {r['relative_error']:.2e} | {r['max_abs_diff']:.2e} | {r['top1_agreement']:.4f} "
                             f"| {'yes' if r['ok'] else 'NO'} |")

    kernels = read_json_lines(os.path.join(out, "kernels.jsonl"))
    if kernels:
        lines += ["", "## Kernels on cuda:0", "", "| op | shape | GFLOP/s | GB/s | ms (median) |", "|---|---|---|---|---|"]
        for k in kernels:
            lines.append(f"| {k['op']} | {k['shape']} | {k['gflops']} | {k['gbps']} | {k['median_ms']} |")

    text = "\n".join(lines) + "\n"
    with open(os.path.join(out, "summary.md"), "w") as f:
        f.write(text)
    print(text)
    return 0


def main(argv):
    if len(argv) >= 5 and argv[0] == "torch":
        options = dict(zip(argv[5::2], argv[6::2]))
        torch_side(*argv[1:5], batch=int(options.get("--batch", 64)), runs=int(options.get("--runs", 20)),
                   warmup=int(options.get("--warmup", 5)))
        return 0
    if len(argv) >= 4 and argv[0] == "compare":
        return compare(argv[1], argv[2:-1], argv[-1])
    if argv == ["libraries"]:
        return libraries()
    if len(argv) == 2 and argv[0] == "summary":
        return summary(argv[1])
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
