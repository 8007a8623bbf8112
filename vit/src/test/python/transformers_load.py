"""Loads model directories jvit wrote with transformers, as a user would, for PeerCheckTest.

For each DIR: ViTForImageClassification.from_pretrained(DIR) must match every tensor of the file and
every one the model has (no missing, unexpected or mis-shaped key); its logits on DIR/images.npy,
computed in float64, go to DIR/logits.npy.

    python transformers_load.py DIR...
"""
import sys

import numpy as np
import torch
import transformers

for directory in sys.argv[1:]:
    model, info = transformers.ViTForImageClassification.from_pretrained(directory, output_loading_info=True)
    problems = {k: v for k, v in info.items() if v}
    if problems:
        sys.exit(f"{directory}: transformers did not match every tensor: {problems}")
    images = torch.from_numpy(np.load(f"{directory}/images.npy")).double()
    with torch.no_grad():
        logits = model.double().eval()(pixel_values=images).logits
    np.save(f"{directory}/logits.npy", logits.numpy())
