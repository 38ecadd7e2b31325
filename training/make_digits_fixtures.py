#!/usr/bin/env python3
"""Reference fixtures of the trained digits-vit and of the attention rollout on a text encoder.

Run from the repository root (or through `bash training/run.sh digits`), after
training/train_digits_vit.py:

    python training/make_digits_fixtures.py

Writes
  tests/fixtures/trained/digits-vit.json   for held-out digits (8 × 8, as the model was trained)
      two of them drawn larger (nearest-neighbour to 64 × 64, a canvas's size class) and
      a 96 × 80 picture with a transparent background: their RGBA bytes, transformers' top-5
      classes, every attention map and the NumPy rollout
  tests/fixtures/vision/text-rollout.json  the rollout of the tiny BERT's reference attentions
      (tests/fixtures/model/tiny-bert/expected.json, made by transformers) for each of its texts,
      computed in NumPy: the core's rollout is one function for pictures and text
"""

import json
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))

from decoder_common import ROOT, one_core, rounded, write_json  # noqa: E402
from train_digits_vit import LABELS, data, digit_rgba, enlarged  # noqa: E402
from vision_common import processor, record, rollout  # noqa: E402

import torch  # noqa: E402
from transformers import ViTForImageClassification  # noqa: E402

MODEL = ROOT / "trained" / "digits-vit"


def transparent(rgba, height, width):
    """The digit drawn in the middle of a larger transparent picture (the page's canvas may have
    no background): ink opaque, paper fully transparent."""
    big = enlarged(rgba, 64)
    out = np.zeros((height, width, 4), dtype=np.uint8)
    top, left = (height - 64) // 2, (width - 64) // 2
    ink = 255 - big[..., 0]
    out[top:top + 64, left:left + 64, :3] = 0
    out[top:top + 64, left:left + 64, 3] = ink
    return out


def main():
    one_core()
    model = ViTForImageClassification.from_pretrained(MODEL, attn_implementation="eager").eval()
    settings = json.loads((MODEL / "preprocessor_config.json").read_text())
    proc = processor("vit", size=settings["size"], image_mean=settings["image_mean"], image_std=settings["image_std"])
    _, (test_x, test_y) = data()
    chosen = [int(np.flatnonzero(test_y == digit)[0]) for digit in range(10)]
    pictures = []
    for i in chosen:
        rgba = digit_rgba(test_x[i])
        sizes = [("8x8", rgba)] + ([("64x64", enlarged(rgba, 64))] if test_y[i] in (2, 7) else [])
        for name, picture in sizes:
            entry = record(model, proc, picture, LABELS)
            entry.update(name=f"test digit {test_y[i]} ({name})", truth=str(test_y[i]))
            pictures.append(entry)
    entry = record(model, proc, transparent(digit_rgba(test_x[chosen[3]]), 80, 96), LABELS)
    entry.update(name="test digit 3 on a transparent 96 x 80 picture", truth="3")
    pictures.append(entry)
    # Every picture keeps its classes; three keep every attention map and the rollout as well.
    for n, entry in enumerate(pictures):
        del entry["pixel_values"]
        if n not in (0, 3, len(pictures) - 1):
            del entry["attentions"], entry["rollout"]
    write_json(ROOT / "tests" / "fixtures" / "trained" / "digits-vit.json", {"model": "digits-vit", "pictures": pictures})
    right = sum(p["top"][0]["label"] == p["truth"] for p in pictures)
    print(f"digits-vit fixture: {len(pictures)} pictures, {right} predicted right by transformers")

    bert = json.loads((ROOT / "tests" / "fixtures" / "model" / "tiny-bert" / "expected.json").read_text())
    cases = [{"text": c["text"], "rollout": rounded([r.tolist() for r in rollout(c["attentions"])])} for c in bert["cases"]]
    write_json(ROOT / "tests" / "fixtures" / "vision" / "text-rollout.json", {"model": "tiny-bert", "cases": cases})
    print(f"text rollout: {len(cases)} texts of the tiny BERT")


if __name__ == "__main__":
    main()
