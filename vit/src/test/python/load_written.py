"""Loads model directories jvit wrote with the library their config.json names, as a user would, for PeerCheckTest.

For each DIR: a Hugging Face config is loaded by the class its "architectures" names
(ViTForImageClassification, DeiTForImageClassification and ...WithTeacher, Dinov2ForImageClassification) with from_pretrained, which must match
every tensor of the file and every one the model has (no missing, unexpected or mis-shaped key); a timm config by timm.create_model(architecture, **model_args) and load_state_dict(strict=True).
The logits on DIR/images.npy, computed in float64, go to DIR/logits.npy.

    python load_written.py DIR...
"""
import json
import sys

import numpy as np
import safetensors.torch
import timm
import torch
import transformers

for directory in sys.argv[1:]:
    with open(f"{directory}/config.json") as f:
        config = json.load(f)
    if "architecture" in config:
        model = timm.create_model(config["architecture"], pretrained=False, **config.get("model_args", {}))
        model.load_state_dict(safetensors.torch.load_file(f"{directory}/model.safetensors"), strict=True)
        forward = lambda m, x: m(x)
    else:
        model_class = getattr(transformers, config.get("architectures", ["ViTForImageClassification"])[0])
        model, info = model_class.from_pretrained(directory, output_loading_info=True)
        problems = {k: v for k, v in info.items() if v}
        if problems:
            sys.exit(f"{directory}: transformers did not match every tensor: {problems}")
        forward = lambda m, x: m(pixel_values=x).logits
    images = torch.from_numpy(np.load(f"{directory}/images.npy")).double()
    with torch.no_grad():
        logits = forward(model.double().eval(), images)
    np.save(f"{directory}/logits.npy", logits.numpy())
