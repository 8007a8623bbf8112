#!/usr/bin/env python3
"""jvit's ViT peer: a float32 ViT forward pass in NumPy, pre-norm as timm's VisionTransformer, on a
model directory jvit wrote (config.json and model.safetensors as Hugging Face's
ViTForImageClassification has them) and images in an .npy file. Writes the logits of the last run as .npy and prints one JSON
object: NumPy and BLAS versions, and the nanoseconds of each timed forward pass.

Usage: numpy_vit.py --model DIR --images X.npy --logits Y.npy [--warmup W] [--runs R]
"""
import argparse
import json
import os

import numpy as np

from numpy_peer import describe, timed

F = np.float32


def load_safetensors(path):
    """The float32 tensors of a safetensors file, each in its own aligned array."""
    with open(path, "rb") as f:
        data = f.read()
    size = int.from_bytes(data[:8], "little")
    header = json.loads(data[8:8 + size])
    tensors = {}
    for name, info in header.items():
        if name == "__metadata__":
            continue
        if info["dtype"] != "F32":
            raise SystemExit(f"{path}: {name} is {info['dtype']}; this peer reads F32 only")
        start, end = info["data_offsets"]
        array = np.frombuffer(data, "<f4", (end - start) // 4, 8 + size + start)
        tensors[name] = array.reshape(info["shape"]).copy()
    return tensors


def timm_names(w, layers):
    """Hugging Face's ViTForImageClassification names as timm's, with query, key and value fused into qkv."""
    if "patch_embed.proj.weight" in w:
        return w
    out = {"patch_embed.proj." + k: w["vit.embeddings.patch_embeddings.projection." + k] for k in ("weight", "bias")}
    out["cls_token"] = w["vit.embeddings.cls_token"]
    out["pos_embed"] = w["vit.embeddings.position_embeddings"]
    parts = {"norm1": "layernorm_before", "attn.proj": "attention.output.dense", "norm2": "layernorm_after",
             "mlp.fc1": "intermediate.dense", "mlp.fc2": "output.dense"}
    for i in range(layers):
        hf = f"vit.encoder.layer.{i}."
        for k in ("weight", "bias"):
            for timm, name in parts.items():
                out[f"blocks.{i}.{timm}.{k}"] = w[hf + name + "." + k]
            qkv = [hf + "attention.attention." + n + "." + k for n in ("query", "key", "value")]
            if qkv[0] in w:
                out[f"blocks.{i}.attn.qkv.{k}"] = np.concatenate([w[n] for n in qkv])
    for k in ("weight", "bias"):
        out["norm." + k] = w["vit.layernorm." + k]
        out["head." + k] = w["classifier." + k]
    return out


def erf(x):
    """Abramowitz & Stegun 7.1.26 (|error| < 1.5e-7): NumPy has no erf of its own."""
    t = F(1) / (F(1) + F(0.3275911) * np.abs(x))
    poly = t * (F(0.254829592) + t * (F(-0.284496736) + t * (F(1.421413741) + t * (F(-1.453152027) + t * F(1.061405429)))))
    return np.sign(x) * (F(1) - poly * np.exp(-x * x))


def gelu(x):
    return F(0.5) * x * (F(1) + erf(x * F(1 / np.sqrt(2))))


def layer_norm(x, weight, bias, eps):
    mean = x.mean(-1, keepdims=True)
    centred = x - mean
    var = (centred * centred).mean(-1, keepdims=True)
    return centred / np.sqrt(var + F(eps)) * weight + bias


def softmax(x):
    e = np.exp(x - x.max(-1, keepdims=True))
    return e / e.sum(-1, keepdims=True)


def linear(x, w, name):
    y = x @ w[name + ".weight"].T
    return y + w[name + ".bias"] if name + ".bias" in w else y


def forward(images, w, c):
    batch, channels, size, _ = images.shape
    p, h, heads = c["patch_size"], c["hidden_size"], c["num_attention_heads"]
    eps, grid, d = c["layer_norm_eps"], size // p, h // heads
    patches = images.reshape(batch, channels, grid, p, grid, p).transpose(0, 2, 4, 1, 3, 5).reshape(batch, grid * grid, -1)
    x = patches @ w["patch_embed.proj.weight"].reshape(h, -1).T + w["patch_embed.proj.bias"]
    cls = np.broadcast_to(w["cls_token"].reshape(1, 1, h), (batch, 1, h))
    x = np.concatenate([cls, x], axis=1) + w["pos_embed"].reshape(1, -1, h)
    tokens = x.shape[1]
    for i in range(c["num_hidden_layers"]):
        b = f"blocks.{i}."
        y = layer_norm(x, w[b + "norm1.weight"], w[b + "norm1.bias"], eps)
        qkv = linear(y, w, b + "attn.qkv").reshape(batch, tokens, 3, heads, d).transpose(2, 0, 3, 1, 4)
        scores = qkv[0] @ qkv[1].transpose(0, 1, 3, 2) * F(1 / np.sqrt(d))
        attended = (softmax(scores) @ qkv[2]).transpose(0, 2, 1, 3).reshape(batch, tokens, h)
        x = x + linear(attended, w, b + "attn.proj")
        y = layer_norm(x, w[b + "norm2.weight"], w[b + "norm2.bias"], eps)
        x = x + linear(gelu(linear(y, w, b + "mlp.fc1")), w, b + "mlp.fc2")
    cls = layer_norm(x[:, 0], w["norm.weight"], w["norm.bias"], eps)
    return linear(cls, w, "head")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", required=True)
    parser.add_argument("--images", required=True)
    parser.add_argument("--logits", required=True)
    parser.add_argument("--warmup", type=int, default=2)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    with open(os.path.join(args.model, "config.json")) as f:
        config = json.load(f)
    weights = timm_names(load_safetensors(os.path.join(args.model, "model.safetensors")), config["num_hidden_layers"])
    images = np.load(args.images).astype(F)
    out = {}
    nanos = timed(lambda: out.update(logits=forward(images, weights, config)), args.warmup, args.runs)
    np.save(args.logits, out["logits"].astype(F))
    print(json.dumps({**describe(), "nanos": nanos}))


if __name__ == "__main__":
    main()
