#!/usr/bin/env python3
"""Start-up of jvit's Python peers on the job `vit classify IMAGE` does: load the model, read and
preprocess one image, one forward pass, print the top class. bench/startup.sh times the whole
process, interpreter start and imports included.

  startup_peer.py pytorch MODEL_DIR IMAGE         timm's VisionTransformer from the directory (torch_peer.py's loader)
  startup_peer.py onnxruntime MODEL_DIR IMAGE     MODEL_DIR/model.onnx, exported beforehand by `export`
  startup_peer.py export MODEL_DIR                writes MODEL_DIR/model.onnx (batch 1) for the onnxruntime case
  startup_peer.py vit-b16 DIR                     a ViT-B/16 with timm's random initialisation, as jvit reads it
"""
import json
import os
import sys

import numpy as np


def preprocess(model_dir, image):
    """Resize to the model's size and normalise as its preprocessor_config.json says (Hugging Face's keys)."""
    from PIL import Image
    with open(os.path.join(model_dir, "config.json")) as f:
        config = json.load(f)
    p = {}
    if os.path.exists(os.path.join(model_dir, "preprocessor_config.json")):
        with open(os.path.join(model_dir, "preprocessor_config.json")) as f:
            p = json.load(f)
    size = config.get("image_size", 224)
    channels = config.get("num_channels", 3)
    img = Image.open(image).convert("L" if channels == 1 else "RGB").resize((size, size), Image.BICUBIC)
    x = np.asarray(img, np.float32).reshape(size, size, channels) / 255
    mean = np.asarray(p.get("image_mean", [0.5] * channels), np.float32)
    std = np.asarray(p.get("image_std", [0.5] * channels), np.float32)
    return np.ascontiguousarray(((x - mean) / std).transpose(2, 0, 1)[None])


def labels(model_dir):
    with open(os.path.join(model_dir, "config.json")) as f:
        return json.load(f).get("id2label", {})


def main(argv):
    if argv[0] == "pytorch":
        import torch
        from torch_peer import build
        model, _ = build(argv[1])
        with torch.inference_mode():
            logits = model(torch.from_numpy(preprocess(argv[1], argv[2]))).numpy()
    elif argv[0] == "onnxruntime":
        import onnxruntime as ort
        options = ort.SessionOptions()
        options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
        options.intra_op_num_threads = os.cpu_count()
        session = ort.InferenceSession(os.path.join(argv[1], "model.onnx"), options, providers=["CPUExecutionProvider"])
        logits = session.run(None, {session.get_inputs()[0].name: preprocess(argv[1], argv[2])})[0]
    elif argv[0] == "export":
        import contextlib
        import torch
        from torch_peer import build
        model, _ = build(argv[1])
        with open(os.path.join(argv[1], "config.json")) as f:
            config = json.load(f)
        size, channels = config.get("image_size", 224), config.get("num_channels", 3)
        with torch.inference_mode(), contextlib.redirect_stdout(sys.stderr):
            torch.onnx.export(model, (torch.zeros(1, channels, size, size),), os.path.join(argv[1], "model.onnx"),
                              input_names=["images"], output_names=["logits"], dynamo=True, external_data=False)
        return 0
    elif argv[0] == "vit-b16":
        import timm
        import torch
        from safetensors.torch import save_file
        torch.manual_seed(0)
        model = timm.create_model("vit_base_patch16_224", pretrained=False)
        os.makedirs(argv[1], exist_ok=True)
        save_file({k: v.contiguous() for k, v in model.state_dict().items()}, os.path.join(argv[1], "model.safetensors"),
                  metadata={"format": "pt"})
        config = {"image_size": 224, "patch_size": 16, "num_channels": 3, "hidden_size": 768, "num_hidden_layers": 12,
                  "num_attention_heads": 12, "intermediate_size": 3072, "hidden_act": "gelu", "layer_norm_eps": 1e-6,
                  "qkv_bias": True, "model_type": "vit", "architectures": ["ViTForImageClassification"],
                  "id2label": {str(i): f"LABEL_{i}" for i in range(1000)}}
        with open(os.path.join(argv[1], "config.json"), "w") as f:
            json.dump(config, f)
        return 0
    else:
        print(__doc__, file=sys.stderr)
        return 2
    top = int(logits[0].argmax())
    print(f"{argv[2]}  {labels(argv[1]).get(str(top), top)}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
