"""Helpers shared by the vision scripts (fixtures, training, evaluation).

Pictures go through transformers' PIL image processor (the reference the Rust core matches to the
byte: transparency composited onto white, PIL's resize, centre crop, rescale, normalise); a
model's outputs are recorded with eager attention; the attention rollout (Abnar & Zuidema 2020)
is computed directly in NumPy, as the independent reference of the core's.
"""

import numpy as np
import torch
from PIL import Image
from transformers.models.deit.image_processing_pil_deit import DeiTImageProcessorPil
from transformers.models.vit.image_processing_pil_vit import ViTImageProcessorPil

from decoder_common import rounded


def processor(kind, **settings):
    """The PIL image processor of a model family, with `settings` (size, resample, …)."""
    cls = DeiTImageProcessorPil if kind == "deit" else ViTImageProcessorPil
    return cls(do_convert_rgb=True, **settings)


def pixel_values(proc, rgba):
    """The model's input for an H × W × 4 uint8 array: 1 × 3 × S × S float32."""
    image = Image.fromarray(np.ascontiguousarray(rgba, dtype=np.uint8), "RGBA")
    return torch.tensor(np.asarray(proc(images=image)["pixel_values"][0]))[None]


def rollout(attentions):
    """Attention rollout from [layer][head][query][key]: per layer, the heads' mean A, then
    (A + I) / 2 (rows still sum to 1), multiplied through the layers. Returns the product after
    each layer, [layer][query][key]."""
    result, products = None, []
    for layer in attentions:
        a = np.asarray(layer, dtype=np.float64).mean(axis=0)
        a = 0.5 * a + 0.5 * np.eye(a.shape[0])
        result = a if result is None else a @ result
        products.append(result)
    return products


def record(model, proc, rgba, labels):
    """What the Rust core is compared with on one picture."""
    values = pixel_values(proc, rgba)
    with torch.no_grad():
        out = model(pixel_values=values, output_attentions=True)
    attentions = [a[0].numpy() for a in out.attentions]
    logits = out.logits[0]
    probabilities = torch.softmax(logits.double(), dim=-1)
    order = sorted(range(len(probabilities)), key=lambda i: (-float(probabilities[i]), i))[:5]
    return {
        "width": int(rgba.shape[1]),
        "height": int(rgba.shape[0]),
        "rgba": rgba.reshape(-1).tolist(),
        "pixel_values": rounded(values[0].reshape(-1).tolist()),
        "attentions": rounded([a.tolist() for a in attentions]),
        "rollout": rounded([r.tolist() for r in rollout(attentions)]),
        "top": [{"index": i, "label": labels[i], "probability": rounded(float(probabilities[i]))} for i in order],
    }
