#!/usr/bin/env python3
"""Reference fixtures for vision transformers (ViT, DeiT).

Run from the repository root (or through `bash training/run.sh vision-fixtures`):

    python training/make_vision_fixtures.py

Writes into tests/fixtures/vision/:
  tiny-vit/    random ViT classifier (32 × 32 pictures in 8-pixel patches, 2 layers, 4 heads,
               d 32, 5 classes), bilinear resize to 32 × 32, F32
  tiny-deit/   random DeiT classifier with a distillation token and its two heads (24 × 24 in
               6-pixel patches, 2 layers, 2 heads, d 24, 3 classes): bicubic resize to 28 × 28,
               then the centre 24 × 24, F32
  tiny-deit-cls/  DeiTForImageClassification: the same kind of model with its distillation token
               but one classifier, on [CLS] only (24 × 24 in 6-pixel patches, 2 layers, 3 heads,
               d 24, 4 classes): bicubic resize to 26 × 26, then the centre 24 × 24, F32
  */expected.json  for pictures at the model's size, larger, smaller, half transparent and grey
               (RGBA bytes): the pixel values transformers' PIL image processor makes, every
               attention map [layer][head][query][key] with eager attention, the attention
               rollout computed in NumPy, the five most probable classes

Weights are redrawn much wider than the default initialisation (N(0, 0.3²), norm weights in
1 ± 0.1), so every head's attention is peaked and a wrong detail fails the comparison.
"""

import shutil
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))

from decoder_common import ROOT, one_core, widen, write_json  # noqa: E402
from vision_common import processor, record  # noqa: E402

import torch  # noqa: E402
from transformers import (DeiTConfig, DeiTForImageClassification, DeiTForImageClassificationWithTeacher,  # noqa: E402
                          ViTConfig, ViTForImageClassification)

OUT = ROOT / "tests" / "fixtures" / "vision"
SEED = 2024




def pictures(side, rng):
    """RGBA pictures: at the model's size, larger and smaller (not square), with transparency,
    and grey. Smooth gradients plus noise, so resizing matters and every patch differs."""
    def picture(h, w, alpha=None, grey=False):
        y, x = np.mgrid[0:h, 0:w]
        base = np.stack([x * 255 / max(w - 1, 1), y * 255 / max(h - 1, 1), (x + y) * 127 / max(h + w - 2, 1)], -1)
        rgb = np.clip(base + rng.normal(0, 60, (h, w, 3)), 0, 255)
        if grey:
            rgb = np.repeat(rgb.mean(-1, keepdims=True), 3, -1)
        a = np.full((h, w, 1), 255) if alpha is None else alpha
        return np.concatenate([rgb, a], -1).astype(np.uint8)
    return {
        "model-size": picture(side, side),
        "larger": picture(side * 2 + 7, side + 11),
        "smaller": picture(side // 2 + 1, side - 5),
        "transparent": picture(side, side + 3, alpha=rng.integers(0, 256, (side, side + 3, 1))),
        "grey": picture(side + 5, side + 5, grey=True),
    }


def write(name, model, proc, labels, seed):
    folder = OUT / name
    shutil.rmtree(folder, ignore_errors=True)
    model.save_pretrained(folder)
    proc.save_pretrained(folder)
    rng = np.random.default_rng(seed)
    side = model.config.image_size
    images = {key: record(model, proc, rgba, labels) for key, rgba in pictures(side, rng).items()}
    write_json(folder / "expected.json", {"images": images})
    peaks = [max(max(row) for row in head) for image in images.values() for layer in image["attentions"] for head in layer]
    print(f"{name}: {len(images)} pictures, median of the heads' largest weights {np.median(peaks):.2f}")


def main():
    one_core()
    torch.manual_seed(SEED)
    labels = ["circle", "square", "triangle", "star", "moon"]
    config = ViTConfig(image_size=32, patch_size=8, hidden_size=32, num_hidden_layers=2, num_attention_heads=4,
                       intermediate_size=64, hidden_act="gelu", layer_norm_eps=1e-6,
                       id2label=dict(enumerate(labels)), label2id={n: i for i, n in enumerate(labels)},
                       attn_implementation="eager")
    vit = ViTForImageClassification(config).eval()
    widen(vit, SEED + 1)
    write("tiny-vit", vit, processor("vit", size={"height": 32, "width": 32}), labels, SEED + 2)

    labels = ["red", "green", "blue"]
    config = DeiTConfig(image_size=24, patch_size=6, hidden_size=24, num_hidden_layers=2, num_attention_heads=2,
                        intermediate_size=48, hidden_act="gelu", layer_norm_eps=1e-12,
                        id2label=dict(enumerate(labels)), label2id={n: i for i, n in enumerate(labels)},
                        attn_implementation="eager")
    deit = DeiTForImageClassificationWithTeacher(config).eval()
    widen(deit, SEED + 3)
    proc = processor("deit", size={"height": 28, "width": 28}, crop_size={"height": 24, "width": 24},
                     image_mean=[0.485, 0.456, 0.406], image_std=[0.229, 0.224, 0.225])
    write("tiny-deit", deit, proc, labels, SEED + 4)

    # DeiT without a teacher: [DIST] is still in the sequence, but only [CLS] is classified.
    labels = ["north", "east", "south", "west"]
    config = DeiTConfig(image_size=24, patch_size=6, hidden_size=24, num_hidden_layers=2, num_attention_heads=3,
                        intermediate_size=48, hidden_act="gelu", layer_norm_eps=1e-12,
                        id2label=dict(enumerate(labels)), label2id={n: i for i, n in enumerate(labels)},
                        attn_implementation="eager")
    deit = DeiTForImageClassification(config).eval()
    widen(deit, SEED + 5)
    proc = processor("deit", size={"height": 26, "width": 26}, crop_size={"height": 24, "width": 24},
                     image_mean=[0.5, 0.5, 0.5], image_std=[0.5, 0.5, 0.5])
    write("tiny-deit-cls", deit, proc, labels, SEED + 6)


if __name__ == "__main__":
    main()
