#!/usr/bin/env python3
"""Trains digits-vit: a tiny vision transformer that reads handwritten digits.

Run from the repository root (or through `bash training/run.sh digits`):

    python training/train_digits_vit.py [--out DIR]

Data: scikit-learn's 8 × 8 handwritten digits (1,797 pictures shipped inside the package), split
80 / 20 with a fixed seed and stratified by class. Each picture is drawn as dark ink on white
(value v of 0..16 → grey 255 − 255·v/16) and goes through the model's own image processor (PIL
bilinear resize to 16 × 16, rescale, normalise), exactly the path a picture takes in the core.
Half of each batch is the digits drawn at 64 × 64 instead (each pixel repeated) and shrunk to
16 × 16 by the same processor, as a digit drawn on a canvas is; training adds small shifts (−2..2
pixels of the 16 × 16 input) and brightness changes, so a drawn digit need not sit exactly where
the data set's digits sit.

Writes into trained/digits-vit/ (or DIR): config.json, model.safetensors (F32),
preprocessor_config.json, eval.json (accuracy on the held-out fifth, as 8 × 8 pictures and drawn
at 64 × 64; per class; the confusion matrix), training-log.json. Seeds are fixed and everything runs on one thread, so a rerun gives
the same weights.
"""

import argparse
import hashlib
import json
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))

from decoder_common import ROOT, one_core, relative, write_json  # noqa: E402
from vision_common import pixel_values, processor  # noqa: E402

import torch  # noqa: E402
from sklearn.datasets import load_digits  # noqa: E402
from sklearn.model_selection import train_test_split  # noqa: E402
from transformers import ViTConfig, ViTForImageClassification  # noqa: E402

SEED = 13
SIDE = 16
EPOCHS = 80
BATCH = 64
LEARNING_RATE = 2e-3
LABELS = [str(d) for d in range(10)]


def digit_rgba(values):
    """An 8 × 8 digit (0..16, ink high) as dark ink on white, RGBA uint8."""
    grey = np.rint(255 - values.reshape(8, 8) * 255 / 16).astype(np.uint8)
    return np.dstack([grey, grey, grey, np.full((8, 8), 255, np.uint8)])


def data():
    digits = load_digits()
    train_x, test_x, train_y, test_y = train_test_split(
        digits.data, digits.target, test_size=0.2, random_state=SEED, stratify=digits.target)
    return (train_x, train_y), (test_x, test_y)


def model_config():
    return ViTConfig(image_size=SIDE, patch_size=4, hidden_size=48, num_hidden_layers=3, num_attention_heads=4,
                     intermediate_size=96, hidden_act="gelu", layer_norm_eps=1e-6, hidden_dropout_prob=0.0,
                     attention_probs_dropout_prob=0.0, id2label=dict(enumerate(LABELS)),
                     label2id={n: i for i, n in enumerate(LABELS)}, attn_implementation="eager")


def the_processor():
    return processor("vit", size={"height": SIDE, "width": SIDE}, image_mean=[0.5] * 3, image_std=[0.5] * 3)


def enlarged(rgba, side=64):
    """The picture drawn larger: each pixel repeated (nearest neighbour), as a digit drawn on a
    canvas is larger than the model's input and gets shrunk."""
    reps = side // rgba.shape[0]
    return np.repeat(np.repeat(rgba, reps, axis=0), reps, axis=1)


def inputs(proc, pictures, large=False):
    """The model's inputs for 8 × 8 digits, or for the same digits drawn at 64 × 64."""
    return torch.cat([pixel_values(proc, enlarged(digit_rgba(p)) if large else digit_rgba(p)) for p in pictures])


def augment(batch, generator):
    """Shifts of −2..2 pixels (white comes in at the edges) and a brightness change of the ink."""
    white = batch.amax()
    out = torch.full_like(batch, float(white))
    for i in range(len(batch)):
        dy, dx = (int(v) for v in torch.randint(-2, 3, (2,), generator=generator))
        src = batch[i, :, max(0, -dy):SIDE - max(0, dy), max(0, -dx):SIDE - max(0, dx)]
        out[i, :, max(0, dy):max(0, dy) + src.shape[1], max(0, dx):max(0, dx) + src.shape[2]] = src
    ink = 0.8 + 0.4 * torch.rand(len(batch), 1, 1, 1, generator=generator)
    return white - (white - out) * ink


def accuracy(model, x, y):
    model.eval()
    with torch.no_grad():
        predicted = model(pixel_values=x).logits.argmax(-1)
    return predicted, float((predicted == y).float().mean())


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--out", default=str(ROOT / "trained" / "digits-vit"))
    out = Path(parser.parse_args().out)
    one_core()
    torch.manual_seed(SEED)
    generator = torch.Generator().manual_seed(SEED)
    proc = the_processor()
    (train_x, train_y), (test_x, test_y) = data()
    train_inputs, test_inputs = inputs(proc, train_x), inputs(proc, test_x)
    train_large, test_large = inputs(proc, train_x, large=True), inputs(proc, test_x, large=True)
    train_labels, test_labels = torch.tensor(train_y), torch.tensor(test_y)

    model = ViTForImageClassification(model_config())
    optimiser = torch.optim.AdamW(model.parameters(), lr=LEARNING_RATE, weight_decay=0.05)
    steps = EPOCHS * ((len(train_inputs) + BATCH - 1) // BATCH)
    schedule = torch.optim.lr_scheduler.OneCycleLR(optimiser, max_lr=LEARNING_RATE, total_steps=steps, pct_start=0.1)
    log, started = [], time.time()
    for epoch in range(EPOCHS):
        model.train()
        order = torch.randperm(len(train_inputs), generator=generator)
        total = 0.0
        for start in range(0, len(order), BATCH):
            index = order[start:start + BATCH]
            large = torch.rand(len(index), 1, 1, 1, generator=generator) < 0.5
            batch = torch.where(large, train_large[index], train_inputs[index])
            logits = model(pixel_values=augment(batch, generator)).logits
            loss = torch.nn.functional.cross_entropy(logits, train_labels[index])
            optimiser.zero_grad()
            loss.backward()
            optimiser.step()
            schedule.step()
            total += float(loss.detach()) * len(index)
        if epoch % 10 == 9 or epoch == EPOCHS - 1:
            _, test_accuracy = accuracy(model, test_inputs, test_labels)
            log.append({"epoch": epoch + 1, "loss": round(total / len(order), 4), "test_accuracy": round(test_accuracy, 4)})
            print(log[-1], flush=True)
    seconds = time.time() - started

    predicted, test_accuracy = accuracy(model, test_inputs, test_labels)
    _, train_accuracy = accuracy(model, train_inputs, train_labels)
    _, large_accuracy = accuracy(model, test_large, test_labels)
    confusion = np.zeros((10, 10), dtype=int)
    for truth, guess in zip(test_y, predicted.numpy()):
        confusion[truth, guess] += 1
    out.mkdir(parents=True, exist_ok=True)
    model.save_pretrained(out)
    proc.save_pretrained(out)
    weights = (out / "model.safetensors").read_bytes()
    evaluation = {
        "data": "scikit-learn load_digits: 1,797 pictures of 8 × 8, split 80 / 20 stratified (random_state 13)",
        "test_accuracy_is": "held-out 8 × 8 digits; test_accuracy_drawn_large: the same digits drawn at 64 × 64 (each pixel repeated) and shrunk by the image processor",
        "train_count": len(train_y),
        "test_count": len(test_y),
        "test_accuracy": round(test_accuracy, 4),
        "test_accuracy_drawn_large": round(large_accuracy, 4),
        "train_accuracy": round(train_accuracy, 4),
        "per_class_test_accuracy": {LABELS[c]: round(float(confusion[c, c] / confusion[c].sum()), 4) for c in range(10)},
        "confusion": confusion.tolist(),
        "parameters": sum(p.numel() for p in model.parameters()),
        "weights_bytes": len(weights),
        "weights_sha256": hashlib.sha256(weights).hexdigest(),
    }
    write_json(out / "eval.json", evaluation, indent=1)
    write_json(out / "training-log.json", {"seed": SEED, "epochs": EPOCHS, "batch": BATCH, "learning_rate": LEARNING_RATE,
                                           "seconds": round(seconds, 1), "log": log}, indent=1)
    print(f"{relative(out)}: test accuracy {test_accuracy:.4f} ({len(test_y)} pictures), train {train_accuracy:.4f}, "
          f"{evaluation['parameters']} parameters, {len(weights)} bytes, {seconds:.0f} s")


if __name__ == "__main__":
    main()
