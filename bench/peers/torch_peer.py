#!/usr/bin/env python3
"""jvit's PyTorch and ONNX Runtime peers: a ViT forward pass on the weights and images jvit wrote.

The model directory is one jvit wrote or reads: Hugging Face's config.json keys with timm's tensor
names (what `vit train` and the benchmarks write: built as a timm VisionTransformer), timm's own
config.json (`architecture`, `model_args`), or Hugging Face's tensor names (loaded by transformers).
Every tensor must load (strict). `--engine pytorch` runs it eagerly (float32, torch's threads);
`--engine onnxruntime` exports it to ONNX once (fixed batch) and runs it with every graph
optimisation on and one intra-op thread per core.

It is a server, so that alternating rounds need not pay Python's start-up each time: after loading
and `--warmup` untimed runs it writes the logits of a run as .npy and prints one JSON line (the
versions and threads), then for each line N read from stdin times N runs and prints
{"nanos": [...]}; it exits at the end of stdin.

Usage: torch_peer.py --engine pytorch|onnxruntime --model DIR --images X.npy --logits Y.npy [--warmup W]
"""
import argparse
import contextlib
import json
import os
import sys
import time

import numpy as np


def load_state(path):
    from safetensors.torch import load_file
    return load_file(path)


def timm_model(config, state):
    """A timm VisionTransformer of the config's shape, with the checkpoint's tensors (all of them)."""
    import functools

    import timm
    import torch
    from timm.models.vision_transformer import VisionTransformer
    if "architecture" in config:
        args = dict(config.get("model_args", {}))
        args.setdefault("num_classes", config.get("num_classes", 1000))
        model = timm.create_model(config["architecture"], pretrained=False, **args)
    else:
        if config.get("hidden_act", "gelu") != "gelu":
            raise SystemExit(f"hidden_act {config['hidden_act']}: this peer builds timm's GELU (erf) ViT only")
        hidden = config["hidden_size"]
        model = VisionTransformer(
            img_size=config["image_size"], patch_size=config["patch_size"], in_chans=config.get("num_channels", 3),
            embed_dim=hidden, depth=config["num_hidden_layers"], num_heads=config["num_attention_heads"],
            mlp_ratio=config["intermediate_size"] / hidden, qkv_bias=config.get("qkv_bias", True),
            num_classes=len(config.get("id2label", {})) or state["head.weight"].shape[0],
            norm_layer=functools.partial(torch.nn.LayerNorm, eps=config.get("layer_norm_eps", 1e-12)))
    model.load_state_dict(state, strict=True)
    return model


class HfLogits:
    """transformers' ViTForImageClassification, returning the logits tensor (what ONNX export needs)."""

    def __init__(self, directory):
        from transformers import AutoModelForImageClassification
        self.model, info = AutoModelForImageClassification.from_pretrained(
            directory, attn_implementation="sdpa", output_loading_info=True)
        # transformers fills a missing tensor with random values and only warns: refuse instead (strict).
        problems = {k: sorted(map(str, v)) for k, v in info.items() if v}
        if problems:
            raise SystemExit(f"transformers did not load every tensor of {directory} exactly: {problems}")

    def module(self):
        import torch

        class Logits(torch.nn.Module):
            def __init__(self, inner):
                super().__init__()
                self.inner = inner

            def forward(self, pixel_values):
                return self.inner(pixel_values=pixel_values).logits

        return Logits(self.model)


def build(directory):
    with open(os.path.join(directory, "config.json")) as f:
        config = json.load(f)
    state = load_state(os.path.join(directory, "model.safetensors"))
    if any(name.startswith(("vit.", "deit.", "dinov2.")) for name in state):
        return HfLogits(directory).module().eval(), "transformers"
    return timm_model(config, state).eval(), "timm"


def pytorch_runner(model, images):
    import torch
    x = torch.from_numpy(images)

    def run():
        with torch.inference_mode():
            return model(x).numpy()

    return run, {"threads": torch.get_num_threads()}


def onnxruntime_runner(model, images, onnx_path):
    import onnxruntime as ort
    import torch
    if not os.path.exists(onnx_path):
        # the exporter prints its progress on stdout, which is this server's answers
        with torch.inference_mode(), contextlib.redirect_stdout(sys.stderr):
            torch.onnx.export(model, (torch.from_numpy(images),), onnx_path, input_names=["images"], output_names=["logits"],
                              dynamo=True, external_data=False)
    options = ort.SessionOptions()
    options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
    options.intra_op_num_threads = os.cpu_count()
    session = ort.InferenceSession(onnx_path, options, providers=["CPUExecutionProvider"])
    name = session.get_inputs()[0].name

    def run():
        return session.run(None, {name: images})[0]

    return run, {"threads": os.cpu_count(), "onnx_opset": _opset(onnx_path)}


def _opset(path):
    import onnx
    return max(o.version for o in onnx.load(path, load_external_data=False).opset_import if o.domain in ("", "ai.onnx"))


def versions(engine, library):
    import torch
    out = {"engine": engine, "torch": torch.__version__.split("+")[0], "library": library}
    if library == "timm":
        import timm
        out["timm"] = timm.__version__
    else:
        import transformers
        out["transformers"] = transformers.__version__
    if engine == "onnxruntime":
        import onnxruntime
        out["onnxruntime"] = onnxruntime.__version__
    return out


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--engine", required=True, choices=["pytorch", "onnxruntime"])
    parser.add_argument("--model", required=True)
    parser.add_argument("--images", required=True)
    parser.add_argument("--logits", required=True)
    parser.add_argument("--warmup", type=int, default=2)
    args = parser.parse_args()
    images = np.ascontiguousarray(np.load(args.images).astype(np.float32))
    model, library = build(args.model)
    if args.engine == "pytorch":
        run, facts = pytorch_runner(model, images)
    else:
        run, facts = onnxruntime_runner(model, images, os.path.splitext(args.logits)[0] + f"-b{images.shape[0]}.onnx")
    for _ in range(args.warmup):
        run()
    np.save(args.logits, run().astype(np.float32))
    print(json.dumps({**versions(args.engine, library), **facts}), flush=True)
    for line in sys.stdin:
        nanos = []
        for _ in range(int(line)):
            start = time.perf_counter_ns()
            run()
            nanos.append(time.perf_counter_ns() - start)
        print(json.dumps({"nanos": nanos}), flush=True)


if __name__ == "__main__":
    main()
