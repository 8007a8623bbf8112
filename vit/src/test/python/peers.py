"""Small random ViTs made by timm and transformers, for jvit's peer check (PeerCheckTest).

Each variant is a model directory written by its library's own writer (timm.models.save_for_hf,
save_pretrained), with images.npy (float32 inputs) and logits.npy (PyTorch's logits computed in
float64 from the same float32 weights). variants.json lists them with what jvit must do: match the
logits, or refuse the model in one line holding the given words.

    python peers.py OUT_DIR [SEED]
"""
import json
import pathlib
import sys

import numpy as np
import timm
import torch
import transformers

OUT = pathlib.Path(sys.argv[1])
SEED = int(sys.argv[2]) if len(sys.argv) > 2 else 0
BATCH = 2
variants = []


def perturb(model):
    """Random init leaves LayerNorms at 1/0 and some tensors near zero: move every one, so each matters."""
    with torch.no_grad():
        for p in model.parameters():
            p.add_(torch.randn_like(p) * 0.2)
    return model.eval()


def record(name, model, directory, channels, size, forward, refused):
    """size: a side, or [height, width] as a transformers config may give it."""
    height, width = (size, size) if isinstance(size, int) else size
    images = torch.randn(BATCH, channels, height, width, dtype=torch.float32)
    np.save(directory / "images.npy", images.numpy())
    with torch.no_grad():
        logits = forward(model.double(), images.double())
    np.save(directory / "logits.npy", logits.numpy())
    variants.append({"name": name, "refused": refused})


def timm_variant(name, architecture, refused=None, input_size=None, **args):
    """A timm VisionTransformer: the architecture's registered model with args as its keyword arguments.
    input_size: images of another side than img_size (a dynamic_img_size model resamples its position embeddings)."""
    model = perturb(timm.create_model(architecture, pretrained=False, **args))
    directory = OUT / name
    timm.models.save_for_hf(model, directory, model_args=args, safe_serialization=True)
    size = input_size or args["img_size"]
    record(name, model, directory, args.get("in_chans", 3), size, lambda m, x: m(x), refused)


def hf_variant(name, model_class, config, refused=None):
    """A transformers model with its save_pretrained directory."""
    model = perturb(model_class(config))
    directory = OUT / name
    model.save_pretrained(directory)
    record(name, model, directory, config.num_channels, config.image_size, lambda m, x: m(pixel_values=x).logits, refused)


def timm_resampled(name, checkpoint_size, model_size, architecture="vit_tiny_patch16_224", **extra):
    """A checkpoint made at one image size, run at another: resampled as timm's loader does (checkpoint_filter_fn)."""
    made = perturb(timm.create_model(architecture, **dict(SMALL, img_size=checkpoint_size, **extra)))
    args = dict(SMALL, img_size=model_size, **extra)
    model = timm.create_model(architecture, **args)
    model.load_state_dict(timm.models.vision_transformer.checkpoint_filter_fn(made.state_dict(), model))
    directory = OUT / name
    timm.models.save_for_hf(made, directory, model_args=args, safe_serialization=True)
    record(name, model.eval(), directory, 3, model_size, lambda m, x: m(x), None)


def hf_resampled(name, checkpoint_size, model_size, model_class=transformers.ViTForImageClassification,
                 config_class=transformers.ViTConfig):
    """A checkpoint made at one image size, its config.json saying another: resampled as interpolate_pos_encoding does."""
    model = perturb(model_class(config_class(**dict(HF_SMALL, image_size=checkpoint_size))))
    directory = OUT / name
    model.save_pretrained(directory)
    config = json.loads((directory / "config.json").read_text())
    (directory / "config.json").write_text(json.dumps(dict(config, image_size=model_size)))
    record(name, model, directory, 3, model_size, lambda m, x: m(pixel_values=x, interpolate_pos_encoding=True).logits, None)


def hf_dinov2_cropped(name, args, checkpoint_size, crop):
    """A Dinov2 made at one size whose image processor crops to a smaller one: Dinov2 resamples its positions at every call."""
    model = perturb(transformers.Dinov2ForImageClassification(transformers.Dinov2Config(**dict(args, image_size=checkpoint_size))))
    directory = OUT / name
    model.save_pretrained(directory)
    transformers.BitImageProcessor(size={"shortest_edge": crop + 8}, crop_size={"height": crop, "width": crop}).save_pretrained(directory)
    record(name, model, directory, 3, crop, lambda m, x: m(pixel_values=x).logits, None)


SMALL = dict(img_size=32, patch_size=8, embed_dim=48, depth=2, num_heads=3, num_classes=5)
HF_SMALL = dict(hidden_size=48, num_hidden_layers=2, num_attention_heads=3, intermediate_size=96, image_size=32,
                patch_size=8, num_labels=5)


def main():
    torch.manual_seed(SEED)
    OUT.mkdir(parents=True, exist_ok=True)
    # Plain ViTs: both namings, with and without qkv bias, grey and RGB, another MLP ratio.
    timm_variant("timm-vit", "vit_tiny_patch16_224", **SMALL)
    timm_variant("timm-vit-grey-no-qkv-bias", "vit_small_patch32_384",
                 **dict(SMALL, in_chans=1, qkv_bias=False, mlp_ratio=3.0, img_size=40))
    timm_variant("timm-layerscale", "vit_tiny_patch16_224", **dict(SMALL, init_values=1e-5))
    # Prefix tokens: registers, positions on the patches only (both, as DINOv2's reg4 models), DeiT's distillation token.
    timm_variant("timm-registers", "vit_tiny_patch16_224", **dict(SMALL, reg_tokens=2))
    timm_variant("timm-no-embed-class", "vit_tiny_patch16_224", **dict(SMALL, no_embed_class=True))
    timm_variant("timm-registers-no-embed-class", "vit_tiny_patch16_224",
                 **dict(SMALL, reg_tokens=4, no_embed_class=True, init_values=1e-5))
    timm_variant("timm-distilled", "deit_tiny_distilled_patch16_224", **SMALL)
    hf_variant("hf-deit-distilled", transformers.DeiTForImageClassificationWithTeacher, transformers.DeiTConfig(**HF_SMALL))
    hf_variant("hf-deit", transformers.DeiTForImageClassification, transformers.DeiTConfig(**HF_SMALL))
    hf_variant("hf-vit", transformers.ViTForImageClassification, transformers.ViTConfig(**HF_SMALL))
    hf_variant("hf-vit-grey-no-qkv-bias", transformers.ViTForImageClassification,
               transformers.ViTConfig(**dict(HF_SMALL, num_channels=1, qkv_bias=False, layer_norm_eps=1e-6)))

    # Position embeddings resampled for another image size, each as its library does it.
    timm_resampled("timm-resampled-up", 32, 56)
    timm_resampled("timm-resampled-down", 56, 40)
    hf_resampled("hf-resampled-up", 32, 56)
    timm_resampled("timm-registers-resampled", 32, 56, reg_tokens=2)
    timm_resampled("timm-no-embed-class-resampled", 56, 40, reg_tokens=1, no_embed_class=True)
    timm_resampled("timm-distilled-resampled", 32, 56, "deit_tiny_distilled_patch16_224")
    hf_resampled("hf-deit-distilled-resampled", 32, 56, transformers.DeiTForImageClassificationWithTeacher, transformers.DeiTConfig)
    hf_resampled("hf-deit-resampled", 56, 40, transformers.DeiTForImageClassification, transformers.DeiTConfig)

    # Pooling: timm's global_pool past the class token, fc_norm by its default rule (on for avg, max, avgmax) or as given.
    timm_variant("timm-avg", "vit_tiny_patch16_224", **dict(SMALL, global_pool="avg"))
    timm_variant("timm-avg-no-fc-norm", "vit_tiny_patch16_224", **dict(SMALL, global_pool="avg", fc_norm=False))
    timm_variant("timm-max", "vit_tiny_patch16_224", **dict(SMALL, global_pool="max"))
    timm_variant("timm-avgmax", "vit_tiny_patch16_224", **dict(SMALL, global_pool="avgmax", init_values=0.1))
    timm_variant("timm-token-fc-norm", "vit_tiny_patch16_224", **dict(SMALL, fc_norm=True))
    # Dinov2: LayerScale, its names, the classifier on [class token, mean of patches]; at its size and cropped smaller.
    dinov2 = dict(HF_SMALL, mlp_ratio=2)
    del dinov2["intermediate_size"]
    hf_variant("hf-dinov2", transformers.Dinov2ForImageClassification, transformers.Dinov2Config(**dinov2))
    hf_dinov2_cropped("hf-dinov2-cropped", dinov2, 56, 40)

    timm_variant("timm-map", "vit_tiny_patch16_224", **dict(SMALL, global_pool="map", qkv_bias=False))
    timm_variant("timm-map-fc-norm", "vit_tiny_patch16_224", **dict(SMALL, global_pool="map", fc_norm=True, mlp_ratio=2.0))
    # GELU's other forms, CLIP's norm before the blocks, normed queries and keys, dynamic image sizes.
    timm_variant("timm-gelu-tanh", "vit_tiny_patch16_224", **dict(SMALL, act_layer="gelu_tanh"))
    timm_variant("timm-quick-gelu", "vit_tiny_patch16_224", **dict(SMALL, act_layer="quick_gelu"))
    timm_variant("timm-pre-norm", "vit_tiny_patch16_224", **dict(SMALL, pre_norm=True))
    timm_variant("timm-qk-norm", "vit_tiny_patch16_224", **dict(SMALL, qk_norm=True, act_layer="gelu_tanh"))
    timm_variant("timm-clip", "vit_base_patch16_clip_224", **dict(SMALL, embed_dim=48, num_heads=3))
    timm_variant("timm-clip-quickgelu-qk-norm", "vit_base_patch32_clip_quickgelu_224",
                 **dict(SMALL, embed_dim=48, num_heads=3, qk_norm=True))
    timm_variant("timm-dynamic-up", "vit_tiny_patch16_224", input_size=56, **dict(SMALL, dynamic_img_size=True))
    timm_variant("timm-dynamic-down", "vit_base_patch16_clip_224", input_size=24,
                 **dict(SMALL, embed_dim=48, num_heads=3, dynamic_img_size=True))
    hf_variant("hf-gelu-tanh", transformers.ViTForImageClassification,
               transformers.ViTConfig(**dict(HF_SMALL, hidden_act="gelu_pytorch_tanh")))
    hf_variant("hf-quick-gelu-listed-size", transformers.ViTForImageClassification,
               transformers.ViTConfig(**dict(HF_SMALL, hidden_act="quick_gelu", image_size=[32, 32])))
    hf_variant("hf-gelu-new", transformers.ViTForImageClassification, transformers.ViTConfig(**dict(HF_SMALL, hidden_act="gelu_new")))
    timm_variant("timm-map-gelu-tanh", "vit_tiny_patch16_224", **dict(SMALL, global_pool="map", act_layer="gelu_tanh"))

    # No class token (class_token=False): registers, if any, then the patches, pooled; positions on the registers unless
    # no_embed_class; resampled past the registers.
    timm_variant("timm-no-class-token-avg", "vit_tiny_patch16_224", **dict(SMALL, class_token=False, global_pool="avg"))
    timm_variant("timm-no-class-token-registers-avg", "vit_tiny_patch16_224",
                 **dict(SMALL, class_token=False, reg_tokens=2, no_embed_class=True, global_pool="avg"))
    timm_variant("timm-no-class-token-map", "vit_tiny_patch16_224", **dict(SMALL, class_token=False, global_pool="map"))
    timm_variant("timm-no-class-token-registers-map", "vit_tiny_patch16_224",
                 **dict(SMALL, class_token=False, reg_tokens=2, global_pool="map", fc_norm=True))
    timm_resampled("timm-no-class-token-registers-resampled", 32, 56, class_token=False, reg_tokens=3, global_pool="avgmax")

    # Not implemented: each must be refused by name, never run wrong.
    hf_variant("hf-fast-gelu", transformers.ViTForImageClassification, transformers.ViTConfig(**dict(HF_SMALL, hidden_act="gelu_fast")),
               "hidden_act 'gelu_fast' is not supported")
    hf_variant("hf-non-square", transformers.ViTForImageClassification,
               transformers.ViTConfig(**dict(HF_SMALL, image_size=[32, 40])), "square")
    hf_variant("hf-dinov2-swiglu", transformers.Dinov2ForImageClassification,
               transformers.Dinov2Config(**dict(dinov2, use_swiglu_ffn=True)), "use_swiglu_ffn")

    (OUT / "variants.json").write_text(json.dumps(variants, indent=2))


if __name__ == "__main__":
    main()
