#!/usr/bin/env python3
"""Trains shapes-captioner: a ViT encoder and a Transformer decoder with cross-attention that
describes generated scenes of two shapes ("a red circle above a blue square").

Run from the repository root (or through `bash training/run.sh captioner`):

    python training/train_captioner.py [--out DIR]

Data (training/scenes.py): scenes drawn on a 64 × 64 canvas from seed 1 (training); seed 2
gives the validation scenes that choose the attention the evaluation measures, seed 3 the
held-out test scenes (training/evaluate_captioner.py). Every picture goes through the model's
own image processor (PIL bilinear resize to 32 × 32, rescale, normalise), the path a picture
takes in the core. Seeds are fixed and everything runs on one thread, so a rerun gives the same
weights.

Writes into trained/shapes-captioner/ (or DIR): config.json, model.safetensors, vocab.json,
preprocessor_config.json, training-log.json.
"""

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from decoder_common import ROOT, one_core, relative  # noqa: E402
from scenes import caption, render, scenes  # noqa: E402
from seq2seq import BOS, PAD, write_json  # noqa: E402

import torch  # noqa: E402

from captioner import MAX_OUTPUT, Captioner, caption_ids, config_json, pixel_batch, save, the_processor, words_of  # noqa: E402

SEED = 1
TRAIN_SCENES = 16000
VALIDATION_SCENES = 400
STEPS = 3000
BATCH = 64
LEARNING_RATE = 2e-3
DESCRIPTION = ("Describes a picture of two shapes (\"a red circle above a blue square\") word by word: a ViT encoder "
               "(2 layers × 4 heads, 4 × 4-pixel patches) and a Transformer decoder (1 layer × 4 heads) whose "
               "cross-attention looks at the patches of the object it names.")
COMMAND = "bash training/env.sh training/train_captioner.py"


def dataset(proc, seed, count):
    objects = scenes(seed, count)
    pixels = torch.cat([pixel_batch(proc, [render(o) for o in objects[i:i + 500]]) for i in range(0, count, 500)])
    targets = torch.full((count, MAX_OUTPUT), PAD, dtype=torch.long)
    for i, o in enumerate(objects):
        ids = caption_ids(caption(o))
        targets[i, :len(ids)] = torch.tensor(ids)
    return objects, pixels, targets


def exact(model, objects, pixels):
    ids, _, _ = model.greedy(pixels)
    return sum(words_of(row) == caption(o) for row, o in zip(ids, objects)) / len(objects)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--out", default=str(ROOT / "trained" / "shapes-captioner"))
    out = Path(parser.parse_args().out)
    one_core()
    torch.manual_seed(SEED)
    generator = torch.Generator().manual_seed(SEED)
    proc = the_processor()
    started = time.time()
    _, train_pixels, train_targets = dataset(proc, SEED, TRAIN_SCENES)
    val_objects, val_pixels, _ = dataset(proc, 2, VALIDATION_SCENES)
    print(f"data ready in {time.time() - started:.0f} s", flush=True)

    model = Captioner()
    optimiser = torch.optim.AdamW(model.parameters(), lr=LEARNING_RATE, weight_decay=0.01)
    schedule = torch.optim.lr_scheduler.OneCycleLR(optimiser, max_lr=LEARNING_RATE, total_steps=STEPS, pct_start=0.1)
    log, total, seen = [], 0.0, 0
    for step in range(STEPS):
        model.train()
        index = torch.randint(0, TRAIN_SCENES, (BATCH,), generator=generator)
        targets = train_targets[index]
        tgt_in = torch.cat([torch.full((BATCH, 1), BOS, dtype=torch.long), targets[:, :-1]], 1)
        logits = model(train_pixels[index], tgt_in)
        loss = torch.nn.functional.cross_entropy(logits.reshape(-1, logits.shape[-1]), targets.reshape(-1), ignore_index=PAD)
        optimiser.zero_grad()
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        optimiser.step()
        schedule.step()
        total, seen = total + float(loss.detach()), seen + 1
        if step % 500 == 499 or step == STEPS - 1:
            model.eval()
            log.append({"step": step + 1, "loss": round(total / seen, 4), "validation_exact": round(exact(model, val_objects, val_pixels), 4)})
            total, seen = 0.0, 0
            print(log[-1], f"{time.time() - started:.0f} s", flush=True)
    seconds = time.time() - started
    model.eval()
    save(out, model, proc, config_json(DESCRIPTION, SEED, COMMAND))
    write_json(out / "training-log.json", {"seed": SEED, "train_scenes": TRAIN_SCENES, "steps": STEPS, "batch": BATCH,
                                           "learning_rate": LEARNING_RATE, "seconds": round(seconds, 1), "log": log}, indent=1)
    print(f"{relative(out)}: {sum(p.numel() for p in model.parameters())} parameters, {seconds:.0f} s")


if __name__ == "__main__":
    main()
