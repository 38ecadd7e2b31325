#!/usr/bin/env python3
"""What the core's captioner is checked against: held-out scenes and what PyTorch computes.

    python training/make_captioner_fixtures.py

Writes into tests/fixtures/trained/:

* shapes-captioner-scenes.png: the first SCENES test scenes (seed 3, never trained on), 64 × 64
  each, ten to a row, as the core reads them;
* shapes-scene.png: the first of them alone (the command-line test's picture);
* shapes-captioner.json: per scene its sentence and which patches show which object; for the
  first REFERENCE scenes, their RGBA bytes (for the wasm test, which reads no PNG), PyTorch's
  greedy caption (ids) and every cross-attention map
  [layer][head][word][token] ([CLS] first), and the evaluation's reading of the attention, so
  that tests/trained_captioner.rs recomputes eval.json's two numbers with the core.
"""

import json
import sys
from pathlib import Path

import numpy as np
from PIL import Image

sys.path.insert(0, str(Path(__file__).resolve().parent))

from decoder_common import ROOT, one_core, relative, rounded  # noqa: E402
from scenes import CANVAS, caption, object_patches, render, scenes  # noqa: E402
from seq2seq import write_json  # noqa: E402

from captioner import load, pixel_batch, the_processor, words_of  # noqa: E402

SCENES = 200
REFERENCE = 4
COLUMNS = 10
TEST_SEED = 3


def main():
    one_core()
    folder = ROOT / "trained" / "shapes-captioner"
    out = ROOT / "tests" / "fixtures" / "trained"
    model, proc = load(folder), the_processor()
    evaluation = json.loads((folder / "eval.json").read_text())
    objects = scenes(TEST_SEED, SCENES)
    pictures = [render(o) for o in objects]
    sheet = np.full((CANVAS * (SCENES // COLUMNS), CANVAS * COLUMNS, 4), 255, np.uint8)
    for i, picture in enumerate(pictures):
        r, c = divmod(i, COLUMNS)
        sheet[r * CANVAS:(r + 1) * CANVAS, c * CANVAS:(c + 1) * CANVAS] = picture
    Image.fromarray(sheet, "RGBA").save(out / "shapes-captioner-scenes.png", optimize=True)
    Image.fromarray(pictures[0], "RGBA").save(out / "shapes-scene.png", optimize=True)

    ids, _, attention = model.greedy(pixel_batch(proc, pictures[:REFERENCE]))
    references = []
    for row, a, picture in zip(ids, attention.numpy(), pictures):
        words = words_of(row)
        steps = len(words) + 1  # <eos> included
        references.append({
            "rgba": picture.reshape(-1).tolist(),
            "ids": [int(i) for i in row[:steps]],
            "words": words,
            "cross_attentions": rounded(a[:, :, :steps, :].tolist()),
        })
    fixture = {
        "note": "made by training/make_captioner_fixtures.py from trained/shapes-captioner (held-out scenes, seed 3)",
        "sheet": {"file": "shapes-captioner-scenes.png", "side": CANVAS, "columns": COLUMNS, "count": SCENES},
        "attention": evaluation["attention"],
        "scenes": [{"caption": caption(o), "objects": [[x["colour"], x["shape"]] for x in o], "patches": object_patches(o)}
                   for o in objects],
        "references": references,
    }
    write_json(out / "shapes-captioner.json", fixture, indent=None)
    print(f"{relative(out / 'shapes-captioner.json')}: {SCENES} scenes, {REFERENCE} with PyTorch's cross-attention")


if __name__ == "__main__":
    main()
