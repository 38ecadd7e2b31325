#!/usr/bin/env python3
"""Trains the small decoder whose heads a lesson can name: trained/gpt2-2l-induction/.

A GPT-2-layout model (2 layers × 4 heads, d_model 64, context 128) learns next-token
prediction on generated stories and repeated random token sequences (training/decoder_data.py).
Two layers are the fewest that can form an induction head: a previous-token head in the first
layer writes "the token before me was X" into each position, and a head in the second layer
matches the current token against that to find where it came before, then copies what followed.

Three kinds of batches (SCHEDULE says which step gets which):
  story   windows of packed stories, loss at every position
  repeat  `<|endoftext|> r r` with L random ids, short (L from 4, growing to 40 by the end) and
          each placed at a random first position (position_ids), so every position is trained
          without unrelated tokens around; loss on the second copy only. Short contexts make
          induction appear much sooner than long packed windows do.
  echo    triples (x, y, x) of random ids, loss on the second x only: a one-layer task that
          needs exactly the previous token, added once induction has formed to sharpen the
          previous-token heads.

Run from the repository root (or `bash training/run.sh decoder`, which also evaluates):

    python training/train_decoder.py            # writes trained/gpt2-2l-induction/
    python training/train_decoder.py --check    # trains again in a temporary folder and
                                                # compares the weights' SHA-256 with the saved ones

One thread, fixed seeds, deterministic algorithms: the same seed gives the same bytes.
"""

import argparse
import json
import math
import random
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from decoder_common import (END_OF_TEXT, ROOT, load_tokenizer, one_core, relative, sha256,  # noqa: E402
                            train_byte_bpe, versions, write_json)
from decoder_data import LIST_SHARE, StoryStream, echo_batch, repeat_batch, repeated_sequence, stories  # noqa: E402

import torch  # noqa: E402
from transformers import GPT2Config, GPT2LMHeadModel  # noqa: E402

NAME = "gpt2-2l-induction"
OUT = ROOT / "trained" / NAME

SEED = 2024
VOCAB_SIZE = 1024
TOKENIZER_STORIES = 6000
CONTEXT = 128
LAYERS, HEADS, D_MODEL = 2, 4, 64
INIT_STD = 0.1             # GPT-2's 0.02 suits d_model 768; 0.1 ≈ 1/√64 here
STEPS = 5000
# What each step trains on, by the fraction of the steps done; within a phase the kinds take
# turns. Stories and repeated sequences alternate until the induction head has formed (around
# 45% of the steps); echoes (training/decoder_data.py: echo_batch) then join in, twice as often,
# to sharpen the first layer's previous-token heads. Echoes from the start lead elsewhere: the
# second layer then learns a shifted variant (attending two tokens after the earlier
# occurrence and reading the token before it through a previous-token head).
SCHEDULE = [(0.55, ["story", "repeat"]), (1.0, ["story", "repeat", "echo", "echo"])]
KINDS = ["echo", "repeat", "story"]
STORY_BATCH = 16           # windows of CONTEXT + 1 ids
REPEAT_BATCH = 32          # sequences <|endoftext|> r r, each at a random first position
REPEAT_LENGTHS = (4, 16)   # L drawn per batch; the upper end grows to REPEAT_LONGEST by the end
REPEAT_LONGEST = 40
ECHO_BATCH = 32
ECHO_TRIPLES = 10
WARMUP = 100
PEAK_LR = 3e-3
FINAL_LR_FRACTION = 0.05
WEIGHT_DECAY = 0.01
LOG_EVERY = 100


def build_tokenizer(folder):
    tokenizer = train_byte_bpe(stories(SEED + 2, TOKENIZER_STORIES), VOCAB_SIZE)
    tokenizer.save(str(folder / "tokenizer.json"))
    return load_tokenizer(folder / "tokenizer.json")


def build_model(vocab_size, end_of_text):
    config = GPT2Config(
        vocab_size=vocab_size, n_positions=CONTEXT, n_embd=D_MODEL, n_layer=LAYERS, n_head=HEADS,
        resid_pdrop=0.0, embd_pdrop=0.0, attn_pdrop=0.0, initializer_range=INIT_STD,
        bos_token_id=end_of_text, eos_token_id=end_of_text, pad_token_id=end_of_text,
    )
    config._attn_implementation = "sdpa"
    torch.manual_seed(SEED)
    return GPT2LMHeadModel(config)


def learning_rate(step, steps):
    if step < WARMUP:
        return PEAK_LR * (step + 1) / WARMUP
    progress = (step - WARMUP) / max(1, steps - WARMUP)
    cosine = 0.5 * (1 + math.cos(math.pi * progress))
    return PEAK_LR * (FINAL_LR_FRACTION + (1 - FINAL_LR_FRACTION) * cosine)


def batch_kind(step, steps):
    kinds = kind_names(step, steps)
    return kinds[step % len(kinds)]


def kind_names(step, steps):
    for end, kinds in SCHEDULE:
        if step < end * steps:
            return kinds
    return SCHEDULE[-1][1]


def longest_repeat(step, steps):
    return round(REPEAT_LENGTHS[1] + (REPEAT_LONGEST - REPEAT_LENGTHS[1]) * step / max(1, steps - 1))


def story_loss(model, batch):
    inputs = batch[:, :-1]
    logits = model(input_ids=inputs, attention_mask=torch.ones_like(inputs)).logits
    return torch.nn.functional.cross_entropy(logits.reshape(-1, logits.shape[-1]), batch[:, 1:].reshape(-1))


def repeat_loss(model, rows, starts, length):
    """Next-token loss from the last token of the first copy on: the first copy is random and
    cannot be learnt (nor can the first prediction counted here, the start of the second copy;
    every later one can, by induction)."""
    batch = torch.tensor(rows)
    inputs = batch[:, :-1]
    positions = torch.tensor(starts)[:, None] + torch.arange(inputs.shape[1])[None, :]
    logits = model(input_ids=inputs, position_ids=positions, attention_mask=torch.ones_like(inputs)).logits
    second = slice(length, inputs.shape[1])
    return torch.nn.functional.cross_entropy(logits[:, second].reshape(-1, logits.shape[-1]),
                                             batch[:, length + 1:].reshape(-1))


def echo_loss(model, rows, starts):
    """Loss on the third token of each triple only (predicted at the triple's second token)."""
    batch = torch.tensor(rows)
    inputs = batch[:, :-1]
    positions = torch.tensor(starts)[:, None] + torch.arange(inputs.shape[1])[None, :]
    logits = model(input_ids=inputs, position_ids=positions, attention_mask=torch.ones_like(inputs)).logits
    at = torch.arange(2, inputs.shape[1], 3)  # the y of each triple, predicting the second x
    return torch.nn.functional.cross_entropy(logits[:, at].reshape(-1, logits.shape[-1]),
                                             batch[:, at + 1].reshape(-1))


def probe(model, probe_repeats, probe_stories):
    """Cheap progress numbers for the log: top-1 accuracy on a repeat's second copy, the best
    previous-token score on stories and the best induction score (mean weights)."""
    model.config._attn_implementation = "eager"
    with torch.no_grad():
        rows = torch.tensor(probe_repeats)
        length = (rows.shape[1] - 1) // 2
        out = model(input_ids=rows, attention_mask=torch.ones_like(rows), output_attentions=True)
        i = torch.arange(length - 1)
        accuracy = (out.logits[:, 1 + length + i].argmax(-1) == rows[:, 2 + i]).float().mean().item()
        induction = [round(float(a[:, :, 1 + length + i, 2 + i].mean(dim=(0, 2)).max()), 2) for a in out.attentions]
        previous, count = None, 0
        for ids in probe_stories:
            one = torch.tensor([ids])
            att = model(input_ids=one, attention_mask=torch.ones_like(one), output_attentions=True).attentions
            q = torch.arange(1, len(ids))
            scores = torch.stack([a[0][:, q, q - 1].sum(-1) for a in att])
            previous = scores if previous is None else previous + scores
            count += len(q)
    model.config._attn_implementation = "sdpa"
    return accuracy, [round(float(x), 2) for x in (previous / count).max(dim=1).values], induction


def train(folder, steps=STEPS):
    one_core()
    torch.use_deterministic_algorithms(True)
    folder.mkdir(parents=True, exist_ok=True)
    tokenizer = build_tokenizer(folder)
    end = tokenizer.token_to_id(END_OF_TEXT)
    story_stream = StoryStream(tokenizer, SEED + 3, end)
    repeat_rng = random.Random(SEED + 4)
    token_ids = [i for i in range(tokenizer.get_vocab_size()) if i != end]
    probe_rng = random.Random(SEED + 5)
    probe_repeats = [[end] + repeated_sequence(probe_rng, token_ids, 30) for _ in range(16)]
    probe_stories = [tokenizer.encode(t).ids[:CONTEXT] for t in stories(SEED + 6, 20)]
    model = build_model(tokenizer.get_vocab_size(), end)
    decay = [p for n, p in model.named_parameters() if p.dim() >= 2]
    no_decay = [p for n, p in model.named_parameters() if p.dim() < 2]
    optimizer = torch.optim.AdamW(
        [{"params": decay, "weight_decay": WEIGHT_DECAY}, {"params": no_decay, "weight_decay": 0.0}],
        lr=PEAK_LR, betas=(0.9, 0.98), eps=1e-8,
    )
    model.train()
    log, tokens_seen, started = [], 0, time.time()
    sums, counts = dict.fromkeys(KINDS, 0.0), dict.fromkeys(KINDS, 0)
    for step in range(steps):
        for group in optimizer.param_groups:
            group["lr"] = learning_rate(step, steps)
        kind = batch_kind(step, steps)
        if kind == "echo":
            rows, starts = echo_batch(repeat_rng, token_ids, end, ECHO_BATCH, ECHO_TRIPLES, CONTEXT)
            loss = echo_loss(model, rows, starts)
            tokens_seen += ECHO_BATCH * 3 * ECHO_TRIPLES
        elif kind == "story":
            loss = story_loss(model, torch.tensor(story_stream.batch(STORY_BATCH, CONTEXT + 1)))
            tokens_seen += STORY_BATCH * CONTEXT
        else:
            length = repeat_rng.randint(REPEAT_LENGTHS[0], longest_repeat(step, steps))
            rows, starts = repeat_batch(repeat_rng, token_ids, end, REPEAT_BATCH, length, CONTEXT)
            loss = repeat_loss(model, rows, starts, length)
            tokens_seen += REPEAT_BATCH * 2 * length
        optimizer.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        optimizer.step()
        sums[kind] += loss.item()
        counts[kind] += 1
        if (step + 1) % LOG_EVERY == 0:
            accuracy, previous, induction = probe(model, probe_repeats, probe_stories)
            entry = {"step": step + 1, "phase": kind_names(step, steps)}
            entry.update({f"{k}_loss": round(sums[k] / counts[k], 4) for k in KINDS if counts[k]})
            entry.update({
                     "repeat_accuracy": round(accuracy, 3), "best_previous_token_per_layer": previous,
                     "best_induction_per_layer": induction, "seconds": round(time.time() - started, 1)})
            log.append(entry)
            sums, counts = dict.fromkeys(KINDS, 0.0), dict.fromkeys(KINDS, 0)
            losses = "  ".join(f"{k} loss {entry[k + '_loss']:.3f}" for k in KINDS if k + "_loss" in entry)
            print(f"step {entry['step']:5d}  {losses}  repeat acc {accuracy:.3f}  prev {previous}  "
                  f"induction {induction}  {entry['seconds']:.0f} s", flush=True)
    seconds = time.time() - started

    model.eval()
    model.config._attn_implementation = "eager"
    model.save_pretrained(folder)  # config.json + model.safetensors (F32)
    generation = folder / "generation_config.json"
    if generation.exists():
        generation.unlink()
    weights_hash = sha256(folder / "model.safetensors")
    write_json(folder / "training.json", {
        "model": NAME,
        "seed": SEED,
        "command": "bash training/run.sh decoder",
        "architecture": {"model_type": "gpt2", "layers": LAYERS, "heads": HEADS, "d_model": D_MODEL,
                         "context": CONTEXT, "vocab_size": tokenizer.get_vocab_size(),
                         "parameters": sum(p.numel() for p in model.parameters())},
        "init_std": INIT_STD,
        "data": {"tokenizer_stories": TOKENIZER_STORIES, "story_pool": len(story_stream.stories),
                 "list_share": LIST_SHARE, "story_batch": STORY_BATCH,
                 "repeat_batch": REPEAT_BATCH,
                 "repeat_lengths": [REPEAT_LENGTHS[0], REPEAT_LENGTHS[1], REPEAT_LONGEST],
                 "echo_batch": ECHO_BATCH, "echo_triples": ECHO_TRIPLES,
                 "schedule": [{"until_fraction": end, "kinds": kinds} for end, kinds in SCHEDULE]},
        "optimiser": {"name": "AdamW", "peak_lr": PEAK_LR, "warmup": WARMUP,
                      "schedule": "cosine", "final_lr_fraction": FINAL_LR_FRACTION,
                      "weight_decay": WEIGHT_DECAY, "betas": [0.9, 0.98], "clip": 1.0},
        "steps": steps,
        "tokens_seen": tokens_seen,
        "seconds": round(seconds, 1),
        "threads": torch.get_num_threads(),
        "loss_log": log,
        "weights_sha256": weights_hash,
        "versions": versions(),
    }, indent=1)
    print(f"trained {NAME} in {seconds:.0f} s; model.safetensors sha256 {weights_hash}")
    return weights_hash


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--check", action="store_true",
                        help="train into a temporary folder and compare with the saved weights")
    parser.add_argument("--trial", type=int, metavar="STEPS",
                        help="try the settings for STEPS steps in a temporary folder (saves nothing)")
    args = parser.parse_args()
    if args.trial:
        with tempfile.TemporaryDirectory() as tmp:
            train(Path(tmp) / NAME, steps=args.trial)
        return
    if not args.check:
        if OUT.exists():
            for name in ["model.safetensors", "config.json", "tokenizer.json", "training.json"]:
                (OUT / name).unlink(missing_ok=True)
        train(OUT)
        print(f"wrote {relative(OUT)}")
        return
    saved = OUT / "model.safetensors"
    if not saved.exists():
        sys.exit(f"{relative(saved)} is missing: run `bash training/run.sh decoder` first")
    with tempfile.TemporaryDirectory() as tmp:
        again = train(Path(tmp) / NAME)
        tokenizer_same = (Path(tmp) / NAME / "tokenizer.json").read_bytes() == (OUT / "tokenizer.json").read_bytes()
    expected = sha256(saved)
    print(json.dumps({"saved": expected, "retrained": again, "tokenizer_identical": tokenizer_same}))
    if again != expected or not tokenizer_same:
        sys.exit("retraining gave different weights or tokenizer")
    print("same seed, same weights: identical model.safetensors and tokenizer.json")


if __name__ == "__main__":
    main()
