"""Reference gradients of one whole training step, for tests/train_fixtures.rs.

The core trains its Transformers with backward passes written by hand (crates/train). This script
builds the same two models in PyTorch, in float64 — an encoder-decoder (the project's seq2seq
Transformer: pre-norm, sinusoidal positions, embeddings times sqrt(d)) and a decoder-only model
(GPT-2's: learned positions, output tied to the token embedding) — with seeded weights, runs one
batch through each and lets autograd compute the gradient of the mean cross-entropy. It writes,
per model, tests/fixtures/train/<name>.safetensors (every parameter as "param:<slot>" and its
gradient as "grad:<slot>", named and oriented as the core's parameter slots: a linear map's weight
is d_in x d_out, y = x W + b) and <name>.json (the sizes, the batch and the loss).

    bash training/env.sh training/make_train_fixtures.py
"""

import json
import math
import os

import torch
from safetensors.torch import save_file

torch.set_num_threads(1)
torch.manual_seed(20261130)
DT = torch.float64
OUT = os.path.join(os.path.dirname(__file__), "..", "tests", "fixtures", "train")
EPS = 1e-5


class Params:
    """Parameters by slot name, in the order the core's layout adds them."""

    def __init__(self):
        self.p = {}

    def add(self, name, shape, kind):
        if kind == "ones":
            t = 1.0 + 0.3 * torch.randn(shape, dtype=DT)
        elif kind == "zeros":
            t = 0.3 * torch.randn(shape, dtype=DT)
        else:
            t = torch.randn(shape, dtype=DT) / math.sqrt(shape[0])
        self.p[name] = t.requires_grad_()

    def linear(self, name, d_in, d_out):
        self.add(f"{name}.weight", (d_in, d_out), "normal")
        self.add(f"{name}.bias", (d_out,), "zeros")

    def norm(self, name, d):
        self.add(f"{name}.weight", (d,), "ones")
        self.add(f"{name}.bias", (d,), "zeros")

    def __getitem__(self, name):
        return self.p[name]


def linear(P, x, name):
    return x @ P[f"{name}.weight"] + P[f"{name}.bias"]


def norm(P, x, name):
    return torch.nn.functional.layer_norm(x, (x.shape[-1],), P[f"{name}.weight"], P[f"{name}.bias"], EPS)


def attention(P, xq, xkv, name, heads, causal):
    b, tq, d = xq.shape
    tk = xkv.shape[1]
    dh = d // heads

    def split(t, n):
        return t.view(b, n, heads, dh).transpose(1, 2)

    q, k, v = split(linear(P, xq, f"{name}.q"), tq), split(linear(P, xkv, f"{name}.k"), tk), split(linear(P, xkv, f"{name}.v"), tk)
    scores = q @ k.transpose(-1, -2) / math.sqrt(dh)
    if causal:
        scores = scores.masked_fill(torch.ones(tq, tk, dtype=torch.bool).triu(1), float("-inf"))
    context = (scores.softmax(-1) @ v).transpose(1, 2).reshape(b, tq, d)
    return linear(P, context, f"{name}.o")


def mlp(P, x, name):
    return linear(P, torch.relu(linear(P, x, f"{name}.fc1")), f"{name}.fc2")


def sinusoidal(length, d):
    pe = torch.zeros(length, d, dtype=DT)
    for t in range(length):
        for j in range(d):
            angle = t / 10000.0 ** (2 * (j // 2) / d)
            pe[t, j] = math.sin(angle) if j % 2 == 0 else math.cos(angle)
    return pe


def cross_entropy(logits, targets):
    flat = logits.reshape(-1, logits.shape[-1])
    keep = [i for i, t in enumerate(targets) if t is not None]
    return torch.nn.functional.cross_entropy(flat[keep], torch.tensor([targets[i] for i in keep]))


def encoder_decoder():
    spec = dict(architecture="encoder-decoder", d_model=8, heads=2, encoder_layers=2, decoder_layers=2, ffn=16,
                source_vocab=7, target_vocab=6, max_positions=5)
    d, h, f = spec["d_model"], spec["heads"], spec["ffn"]
    P = Params()
    P.add("src_embedding.weight", (spec["source_vocab"], d), "normal")
    P.add("tgt_embedding.weight", (spec["target_vocab"], d), "normal")
    for l in range(spec["encoder_layers"]):
        at = f"encoder_layers.{l}"
        P.norm(f"{at}.ln1", d)
        for m in "qkvo":
            P.linear(f"{at}.attn.{m}", d, d)
        P.norm(f"{at}.ln2", d)
        P.linear(f"{at}.ffn.fc1", d, f)
        P.linear(f"{at}.ffn.fc2", f, d)
    P.norm("encoder_norm", d)
    for l in range(spec["decoder_layers"]):
        at = f"decoder_layers.{l}"
        P.norm(f"{at}.ln1", d)
        for m in "qkvo":
            P.linear(f"{at}.self_attn.{m}", d, d)
        P.norm(f"{at}.ln2", d)
        for m in "qkvo":
            P.linear(f"{at}.cross_attn.{m}", d, d)
        P.norm(f"{at}.ln3", d)
        P.linear(f"{at}.ffn.fc1", d, f)
        P.linear(f"{at}.ffn.fc2", f, d)
    P.norm("decoder_norm", d)
    P.linear("output", d, spec["target_vocab"])

    source = [[4, 5, 6, 2], [6, 6, 4, 2], [5, 4, 3, 2]]
    inputs = [[1, 5, 4, 3], [1, 4, 4, 5], [1, 3, 5, 4]]
    targets = [5, 4, 3, 2, 4, 4, 5, 2, 3, 5, 4, 2]
    scale = math.sqrt(d)
    x = P["src_embedding.weight"][torch.tensor(source)] * scale + sinusoidal(4, d)
    for l in range(spec["encoder_layers"]):
        at = f"encoder_layers.{l}"
        x = x + attention(P, norm(P, x, f"{at}.ln1"), norm(P, x, f"{at}.ln1"), f"{at}.attn", h, False)
        x = x + mlp(P, norm(P, x, f"{at}.ln2"), f"{at}.ffn")
    memory = norm(P, x, "encoder_norm")
    y = P["tgt_embedding.weight"][torch.tensor(inputs)] * scale + sinusoidal(4, d)
    for l in range(spec["decoder_layers"]):
        at = f"decoder_layers.{l}"
        hy = norm(P, y, f"{at}.ln1")
        y = y + attention(P, hy, hy, f"{at}.self_attn", h, True)
        y = y + attention(P, norm(P, y, f"{at}.ln2"), memory, f"{at}.cross_attn", h, False)
        y = y + mlp(P, norm(P, y, f"{at}.ln3"), f"{at}.ffn")
    logits = linear(P, norm(P, y, "decoder_norm"), "output")
    batch = dict(size=3, source=sum(source, []), source_len=4, input=sum(inputs, []), input_len=4, targets=targets)
    return spec, P, batch, cross_entropy(logits, targets)


def decoder_only():
    spec = dict(architecture="decoder-only", d_model=8, heads=2, encoder_layers=0, decoder_layers=2, ffn=16,
                source_vocab=7, target_vocab=7, max_positions=6)
    d, h, f = spec["d_model"], spec["heads"], spec["ffn"]
    P = Params()
    P.add("wte.weight", (spec["target_vocab"], d), "normal")
    P.add("wpe.weight", (spec["max_positions"], d), "normal")
    for l in range(spec["decoder_layers"]):
        at = f"h.{l}"
        P.norm(f"{at}.ln_1", d)
        for m in "qkvo":
            P.linear(f"{at}.attn.{m}", d, d)
        P.norm(f"{at}.ln_2", d)
        P.linear(f"{at}.mlp.fc1", d, f)
        P.linear(f"{at}.mlp.fc2", f, d)
    P.norm("ln_f", d)

    inputs = [[1, 2, 3, 6, 3], [4, 4, 1, 6, 1], [2, 5, 5, 6, 5]]
    targets = [None, None, None, 3, 2, None, None, None, 1, 4, None, None, None, 5, 5]
    y = P["wte.weight"][torch.tensor(inputs)] + P["wpe.weight"][:5]
    for l in range(spec["decoder_layers"]):
        at = f"h.{l}"
        hy = norm(P, y, f"{at}.ln_1")
        y = y + attention(P, hy, hy, f"{at}.attn", h, True)
        y = y + mlp(P, norm(P, y, f"{at}.ln_2"), f"{at}.mlp")
    logits = norm(P, y, "ln_f") @ P["wte.weight"].T
    batch = dict(size=3, source=[], source_len=0, input=sum(inputs, []), input_len=5, targets=targets)
    return spec, P, batch, cross_entropy(logits, targets)


def main():
    os.makedirs(OUT, exist_ok=True)
    for name, build in [("encoder_decoder", encoder_decoder), ("decoder_only", decoder_only)]:
        spec, P, batch, loss = build()
        loss.backward()
        tensors = {}
        for slot, t in P.p.items():
            tensors[f"param:{slot}"] = t.detach().contiguous()
            tensors[f"grad:{slot}"] = t.grad.detach().contiguous()
        save_file(tensors, os.path.join(OUT, f"{name}.safetensors"))
        meta = dict(spec=spec, batch=batch, loss=loss.item(), slots=list(P.p.keys()),
                    command="bash training/env.sh training/make_train_fixtures.py")
        with open(os.path.join(OUT, f"{name}.json"), "w") as f:
            json.dump(meta, f, indent=1)
            f.write("\n")
        print(f"{name}: loss {loss.item():.6f}, {sum(t.numel() for t in P.p.values())} parameters")


if __name__ == "__main__":
    main()
