"""Train one translation model: `--task dates|grammar`, `--arch gru-additive|gru|transformer`.

Training data is generated on the fly from the seed (every step draws fresh examples of the
training split, so there is no fixed training set to overfit); sizes, steps and learning rates
are fixed per task and architecture below. The result goes to trained/<task>-<arch>/:
config.json, vocab.json, model.safetensors and training.json (loss curve, time, SHA-256 of
the weights). The evaluation script then
adds eval.json and README.md.

Same seed → same weights: the data generator is Python's `random.Random` seeded by a string,
torch is seeded with `torch.manual_seed(seed)` and runs on one thread.
"""

import argparse
import hashlib
import math
import random
import sys
import time
from pathlib import Path

import torch
import torch.nn.functional as F

sys.path.insert(0, str(Path(__file__).resolve().parent))
import data_dates  # noqa: E402
import data_grammar  # noqa: E402
from seq2seq import (BOS, EOS, PAD, Vocab, build_model, count_parameters, one_core, save_model,  # noqa: E402
                     write_json)

ROOT = Path(__file__).resolve().parent.parent

TASKS = {
    "dates": {
        "source_tokenizer": "chars", "target_tokenizer": "chars",
        "max_source_length": 48, "max_output_length": 12,
        "description": {
            "gru-additive": "Dates written by people → ISO 8601, character by character: GRU encoder–decoder with additive (Bahdanau) attention.",
            "gru": "Dates written by people → ISO 8601, character by character: GRU encoder–decoder without attention (one fixed-length vector).",
            "transformer": "Dates written by people → ISO 8601, character by character: a small Transformer encoder–decoder (2+2 layers, 4 heads).",
        },
    },
    "grammar": {
        "source_tokenizer": "words", "target_tokenizer": "words",
        "max_source_length": 48, "max_output_length": 64,
        "description": {
            "gru-additive": "Generated English → simplified French, word by word: GRU encoder–decoder with additive (Bahdanau) attention.",
            "gru": "Generated English → simplified French, word by word: GRU encoder–decoder without attention (one fixed-length vector).",
            "transformer": "Generated English → simplified French, word by word: a small Transformer encoder–decoder (2+2 layers, 4 heads).",
        },
    },
}

# Sizes and training schedules.
GRU_SIZES = {
    "dates": {"embedding_size": 32, "encoder_hidden_size": 64, "decoder_hidden_size": 128, "attention_size": 64},
    "grammar": {"embedding_size": 64, "encoder_hidden_size": 64, "decoder_hidden_size": 128, "attention_size": 64},
}
TRANSFORMER_SIZES = {
    "dates": {"d_model": 64, "num_heads": 4, "encoder_layers": 2, "decoder_layers": 2, "ffn_size": 256},
    "grammar": {"d_model": 64, "num_heads": 4, "encoder_layers": 2, "decoder_layers": 2, "ffn_size": 256},
}
SCHEDULE = {  # steps, batch size, peak learning rate
    ("dates", "gru-additive"): (1500, 64, 3e-3),
    ("dates", "gru"): (1500, 64, 3e-3),
    ("dates", "transformer"): (1500, 64, 2e-3),
    ("grammar", "gru-additive"): (4000, 64, 3e-3),
    ("grammar", "gru"): (4000, 64, 3e-3),
    ("grammar", "transformer"): (4000, 64, 1.5e-3),
}
WARMUP_FRACTION = 0.05
CLIP = 1.0


def make_config(task, arch, seed, vocab):
    t = TASKS[task]
    cfg = {
        "model_type": "seq2seq",
        "architecture": arch,
        "task": task,
        "description": t["description"][arch],
        "source_tokenizer": t["source_tokenizer"],
        "target_tokenizer": t["target_tokenizer"],
        "lowercase": True,
        "pad_id": PAD, "bos_id": BOS, "eos_id": EOS, "unk_id": 3,
        "source_vocab_size": len(vocab.source),
        "target_vocab_size": len(vocab.target),
        "max_source_length": t["max_source_length"],
        "max_output_length": t["max_output_length"],
        "dtype": "float32",
    }
    if arch == "transformer":
        cfg.update(TRANSFORMER_SIZES[task])
        cfg.update({"ffn_activation": "relu", "norm_placement": "pre", "final_layer_norm": True,
                    "layer_norm_eps": 1e-5, "positions": "sinusoidal", "embedding_scale": "sqrt_d_model",
                    "tied_embeddings": False})
    else:
        cfg.update(GRU_SIZES[task])
        cfg.update({"encoder_bidirectional": True, "attention": "additive" if arch == "gru-additive" else "none",
                    "gate_order": "r,z,n"})
        if arch == "gru":
            del cfg["attention_size"]
    steps, batch, lr = SCHEDULE[(task, arch)]
    cfg["training"] = {"seed": seed, "steps": steps, "batch_size": batch, "optimizer": "Adam",
                       "peak_learning_rate": lr, "warmup_fraction": WARMUP_FRACTION,
                       "schedule": "linear warm-up, then cosine decay to 5% of the peak",
                       "gradient_clip_norm": CLIP, "loss": "cross-entropy over target tokens incl. <eos>",
                       "command": f"bash training/env.sh training/train_translation.py --task {task} --arch {arch} --seed {seed}"}
    return cfg


def make_vocab(task):
    if task == "dates":
        return Vocab.build(data_dates.SOURCE_CHARS, data_dates.TARGET_CHARS)
    return Vocab.build(data_grammar.source_words(), data_grammar.target_words())


def draw_example(task, rng):
    if task == "dates":
        ex = data_dates.sample(rng, "train")
        return ex["source"], list(ex["target"])
    ex = data_grammar.sample(rng, "train")
    return ex["source"], ex["target_tokens"]


def pad(seqs):
    n = max(len(s) for s in seqs)
    return torch.tensor([s + [PAD] * (n - len(s)) for s in seqs], dtype=torch.long)


def batches(task, cfg, vocab, rng, batch_size, pool=16):
    """Endless batches; each pool of `pool` batches is sorted by target length (less padding)."""
    kind = cfg["source_tokenizer"]
    while True:
        exs = []
        for _ in range(batch_size * pool):
            src_text, tgt_tokens = draw_example(task, rng)
            exs.append((vocab.encode_source(kind, src_text, cfg["max_source_length"]),
                        vocab.encode_target_tokens(tgt_tokens)))
        exs.sort(key=lambda e: (len(e[1]), len(e[0])))
        chunks = [exs[i:i + batch_size] for i in range(0, len(exs), batch_size)]
        rng.shuffle(chunks)
        for chunk in chunks:
            src = pad([s for s, _ in chunk])
            src_len = torch.tensor([len(s) for s, _ in chunk])
            tgt_out = pad([t for _, t in chunk])
            tgt_in = pad([[BOS] + t[:-1] for _, t in chunk])
            yield src, src_len, tgt_in, tgt_out


def learning_rate(step, steps, peak):
    warm = max(1, int(steps * WARMUP_FRACTION))
    if step < warm:
        return peak * (step + 1) / warm
    t = (step - warm) / max(1, steps - warm)
    return peak * (0.05 + 0.95 * 0.5 * (1 + math.cos(math.pi * t)))


def train(task, arch, seed, steps=None, out=None, log_every=100):
    one_core()
    torch.manual_seed(seed)
    vocab = make_vocab(task)
    cfg = make_config(task, arch, seed, vocab)
    if steps is not None:
        cfg["training"]["steps"] = steps
    steps, batch, lr = cfg["training"]["steps"], cfg["training"]["batch_size"], cfg["training"]["peak_learning_rate"]
    model = build_model(cfg)
    n_params = count_parameters(model)
    print(f"{task}-{arch}: {n_params} parameters ({n_params * 4 / 1e6:.2f} MB in F32), {steps} steps of {batch}",
          flush=True)
    opt = torch.optim.Adam(model.parameters(), lr=lr)
    rng = random.Random(f"{task}/train/{seed}")
    data = batches(task, cfg, vocab, rng, batch)
    log, start, cpu_start, run_loss, run_n = [], time.time(), time.process_time(), 0.0, 0
    model.train()
    for step in range(steps):
        src, src_len, tgt_in, tgt_out = next(data)
        for g in opt.param_groups:
            g["lr"] = learning_rate(step, steps, lr)
        logits = model(src, src_len, tgt_in)
        loss = F.cross_entropy(logits.reshape(-1, logits.shape[-1]), tgt_out.reshape(-1), ignore_index=PAD)
        opt.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), CLIP)
        opt.step()
        run_loss += loss.item()
        run_n += 1
        if (step + 1) % log_every == 0 or step + 1 == steps:
            elapsed, cpu = time.time() - start, time.process_time() - cpu_start
            log.append({"step": step + 1, "loss": round(run_loss / run_n, 5), "seconds": round(elapsed, 1),
                        "cpu_seconds": round(cpu, 1)})
            print(f"  step {step + 1:5d}  loss {run_loss / run_n:.4f}  {elapsed:6.1f}s ({cpu:.1f}s CPU)", flush=True)
            run_loss, run_n = 0.0, 0
    model.eval()
    seconds, cpu = time.time() - start, time.process_time() - cpu_start
    out = Path(out) if out else ROOT / "trained" / f"{task}-{arch}"
    save_model(out, model, cfg, vocab)
    digest = hashlib.sha256((out / "model.safetensors").read_bytes()).hexdigest()
    write_json(out / "training.json", {"parameters": n_params, "seconds": round(seconds, 1),
                                       "cpu_seconds": round(cpu, 1), "weights_sha256": digest, "log": log}, indent=1)
    print(f"  saved {out} ({seconds:.0f}s, {cpu:.0f}s CPU)", flush=True)
    return model, cfg, vocab


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--task", required=True, choices=sorted(TASKS))
    ap.add_argument("--arch", required=True, choices=["gru-additive", "gru", "transformer"])
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--steps", type=int, default=None, help="override the number of steps (for quick checks)")
    ap.add_argument("--out", default=None, help="output folder (default trained/<task>-<arch>)")
    ap.add_argument("--check", action="store_true",
                    help="train into a temporary folder and compare the weights' SHA-256 with trained/<task>-<arch>/")
    args = ap.parse_args()
    if args.check:
        import tempfile
        committed = ROOT / "trained" / f"{args.task}-{args.arch}" / "model.safetensors"
        with tempfile.TemporaryDirectory() as tmp:
            train(args.task, args.arch, args.seed, args.steps, tmp)
            fresh = hashlib.sha256((Path(tmp) / "model.safetensors").read_bytes()).hexdigest()
        old = hashlib.sha256(committed.read_bytes()).hexdigest()
        same = fresh == old
        print(f"{args.task}-{args.arch}: retrained weights {'are identical to' if same else 'DIFFER from'} "
              f"{committed.relative_to(ROOT)} (SHA-256 {fresh[:16]}…)")
        sys.exit(0 if same else 1)
    train(args.task, args.arch, args.seed, args.steps, args.out)


if __name__ == "__main__":
    main()
