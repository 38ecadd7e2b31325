"""PyTorch's side of scripts/bench-train.mjs: training steps per second, eager mode on the CPU,
for the same model and batch as the core's default `reverse` training (an encoder-decoder
Transformer, pre-norm, 1 + 1 layers, 2 heads, d_model 32, feed-forward 128, ReLU, 14 tokens,
sinusoidal positions; batches of 32 sources of 9 tokens and targets of 9), with the same step:
forward, cross-entropy, backward, gradient-norm clipping at 1, Adam with warm-up.

    bash training/env.sh scripts/bench_train.py [--steps 200] [--threads 1]

Prints one JSON line: {"steps", "seconds", "stepsPerSecond", "threads", "parameters", "torch"}.
"""

import argparse
import json
import math
import time

import torch
from torch import nn

D, HEADS, FFN, VOCAB, LAYERS, BATCH, SOURCE, TARGET = 32, 2, 128, 14, 1, 32, 9, 9


def sinusoidal(length, d):
    pe = torch.zeros(length, d)
    for t in range(length):
        for j in range(d):
            angle = t / 10000.0 ** (2 * (j // 2) / d)
            pe[t, j] = math.sin(angle) if j % 2 == 0 else math.cos(angle)
    return pe


class Attention(nn.Module):
    def __init__(self, causal):
        super().__init__()
        self.q, self.k, self.v, self.o = (nn.Linear(D, D) for _ in range(4))
        self.causal = causal

    def forward(self, xq, xkv):
        b, tq, _ = xq.shape
        tk = xkv.shape[1]
        dh = D // HEADS

        def split(t, n):
            return t.view(b, n, HEADS, dh).transpose(1, 2)

        q, k, v = split(self.q(xq), tq), split(self.k(xkv), tk), split(self.v(xkv), tk)
        scores = q @ k.transpose(-1, -2) / math.sqrt(dh)
        if self.causal:
            scores = scores.masked_fill(torch.ones(tq, tk, dtype=torch.bool).triu(1), float("-inf"))
        return self.o((scores.softmax(-1) @ v).transpose(1, 2).reshape(b, tq, D))


class Layer(nn.Module):
    def __init__(self, decoder):
        super().__init__()
        self.ln1, self.attn = nn.LayerNorm(D), Attention(causal=decoder)
        self.cross = (nn.LayerNorm(D), Attention(causal=False)) if decoder else None
        if decoder:
            self.ln_cross, self.cross_attn = self.cross
        self.ln_ffn = nn.LayerNorm(D)
        self.ffn = nn.Sequential(nn.Linear(D, FFN), nn.ReLU(), nn.Linear(FFN, D))

    def forward(self, x, memory=None):
        h = self.ln1(x)
        x = x + self.attn(h, h)
        if self.cross is not None:
            x = x + self.cross_attn(self.ln_cross(x), memory)
        return x + self.ffn(self.ln_ffn(x))


class Model(nn.Module):
    def __init__(self):
        super().__init__()
        self.src, self.tgt = nn.Embedding(VOCAB, D), nn.Embedding(VOCAB, D)
        self.encoder = nn.ModuleList(Layer(False) for _ in range(LAYERS))
        self.decoder = nn.ModuleList(Layer(True) for _ in range(LAYERS))
        self.encoder_norm, self.decoder_norm = nn.LayerNorm(D), nn.LayerNorm(D)
        self.output = nn.Linear(D, VOCAB)
        self.register_buffer("pe", sinusoidal(max(SOURCE, TARGET), D))

    def forward(self, source, inputs):
        x = self.src(source) * math.sqrt(D) + self.pe[:SOURCE]
        for layer in self.encoder:
            x = layer(x)
        memory = self.encoder_norm(x)
        y = self.tgt(inputs) * math.sqrt(D) + self.pe[:TARGET]
        for layer in self.decoder:
            y = layer(y, memory)
        return self.output(self.decoder_norm(y))


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--steps", type=int, default=200)
    parser.add_argument("--threads", type=int, default=1)
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    torch.manual_seed(1)
    model = Model()
    optimizer = torch.optim.Adam(model.parameters(), lr=5e-3, betas=(0.9, 0.98), eps=1e-9)
    schedule = torch.optim.lr_scheduler.LambdaLR(optimizer, lambda t: min((t + 1) / 50, math.sqrt(50 / (t + 1))))
    batches = [(torch.randint(4, VOCAB, (BATCH, SOURCE)), torch.randint(4, VOCAB, (BATCH, TARGET)), torch.randint(4, VOCAB, (BATCH, TARGET)))
               for _ in range(16)]

    def step(i):
        source, inputs, targets = batches[i % len(batches)]
        loss = nn.functional.cross_entropy(model(source, inputs).reshape(-1, VOCAB), targets.reshape(-1))
        optimizer.zero_grad(set_to_none=True)
        loss.backward()
        nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        optimizer.step()
        schedule.step()

    for i in range(20):
        step(i)
    start = time.perf_counter()
    for i in range(args.steps):
        step(i)
    seconds = time.perf_counter() - start
    print(json.dumps({"steps": args.steps, "seconds": seconds, "stepsPerSecond": args.steps / seconds, "threads": args.threads,
                      "parameters": sum(p.numel() for p in model.parameters()),
                      "torch": torch.__version__}))


if __name__ == "__main__":
    main()
