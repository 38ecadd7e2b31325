"""Inference for the encoder–decoder models written from docs/trained-models.md alone, in NumPy.

It shares no code with seq2seq.py (tokenizer included) so that agreement between the two
checks the documentation as much as the weights: the evaluation's self-check runs every
fixture input through both. Computation is in float32, one sequence at a time, like the
Rust core.
"""

import json
from pathlib import Path

import numpy as np
from safetensors.numpy import load_file

WS = {chr(c) for c in [9, 10, 11, 12, 13, 32, 0x85, 0xA0, 0x1680, *range(0x2000, 0x200B), 0x2028, 0x2029,
                       0x202F, 0x205F, 0x3000]}
PUNCT = set("!\"#$%&()*+,-./:;<=>?@[\\]^_`{|}~")


def tokenize(cfg, source_vocab, text):
    """Source pieces and ids (with the final <eos>), as the documentation describes."""
    text = text.lower()
    if cfg["source_tokenizer"] == "words":
        text = "".join(" " if ch in PUNCT else ("'" if ch == "\u2019" else ch) for ch in text)
    words = "".join(" " if ch in WS else ch for ch in text).split(" ")
    words = [w for w in words if w]
    pieces = list(" ".join(words)) if cfg["source_tokenizer"] == "chars" else words
    pieces = pieces[: cfg["max_source_length"] - 1]
    index = {t: i for i, t in enumerate(source_vocab)}
    return pieces, [index.get(p, cfg["unk_id"]) for p in pieces] + [cfg["eos_id"]]


def sigmoid(x):
    return 1.0 / (1.0 + np.exp(-x))


def softmax(x, axis=-1):
    e = np.exp(x - x.max(axis=axis, keepdims=True))
    return e / e.sum(axis=axis, keepdims=True)


def gru_cell(x, h, w_ih, w_hh, b_ih, b_hh):
    H = h.shape[0]
    gi = w_ih @ x + b_ih
    gh = w_hh @ h + b_hh
    r = sigmoid(gi[:H] + gh[:H])
    z = sigmoid(gi[H:2 * H] + gh[H:2 * H])
    n = np.tanh(gi[2 * H:] + r * gh[2 * H:])
    return (1 - z) * n + z * h


def layer_norm(x, g, b, eps):
    mu = x.mean(-1, keepdims=True)
    var = ((x - mu) ** 2).mean(-1, keepdims=True)
    return (x - mu) / np.sqrt(var + eps) * g + b


class Model:
    def __init__(self, folder):
        folder = Path(folder)
        self.cfg = json.loads((folder / "config.json").read_text())
        v = json.loads((folder / "vocab.json").read_text())
        self.source_vocab, self.target_vocab = v["source"], v["target"]
        self.w = {k: t.astype(np.float32) for k, t in load_file(str(folder / "model.safetensors")).items()}


# ---------------------------------------------------------------------------------------------
# GRU encoder–decoder
# ---------------------------------------------------------------------------------------------

def gru_trace(m, ids):
    w, cfg = m.w, m.cfg
    x = w["src_embedding.weight"][ids]
    He = cfg["encoder_hidden_size"]
    S = len(ids)
    fwd, bwd = np.zeros((S, He), np.float32), np.zeros((S, He), np.float32)
    h = np.zeros(He, np.float32)
    for j in range(S):
        h = gru_cell(x[j], h, w["encoder.weight_ih_l0"], w["encoder.weight_hh_l0"], w["encoder.bias_ih_l0"],
                     w["encoder.bias_hh_l0"])
        fwd[j] = h
    h = np.zeros(He, np.float32)
    for j in reversed(range(S)):
        h = gru_cell(x[j], h, w["encoder.weight_ih_l0_reverse"], w["encoder.weight_hh_l0_reverse"],
                     w["encoder.bias_ih_l0_reverse"], w["encoder.bias_hh_l0_reverse"])
        bwd[j] = h
    ann = np.concatenate([fwd, bwd], 1)                       # [S, 2He]
    fixed = np.concatenate([fwd[S - 1], bwd[0]])              # [2He]
    s = np.tanh(w["init_state.weight"] @ fixed + w["init_state.bias"])
    attention = cfg["attention"] == "additive"
    if attention:
        keys = ann @ w["attn_key.weight"].T + w["attn_key.bias"]   # [S, A]
    prev, steps = cfg["bos_id"], []
    for _ in range(cfg["max_output_length"]):
        if attention:
            e = np.tanh(w["attn_query.weight"] @ s + keys) @ w["attn_v.weight"][0]
            alpha = softmax(e)
            c = alpha @ ann
        else:
            alpha, c = None, fixed
        s = gru_cell(np.concatenate([w["tgt_embedding.weight"][prev], c]), s, w["decoder.weight_ih"],
                     w["decoder.weight_hh"], w["decoder.bias_ih"], w["decoder.bias_hh"])
        p = softmax(w["output.weight"] @ np.concatenate([s, c]) + w["output.bias"])
        prev = int(np.argmax(p))
        steps.append((prev, p, alpha))
        if prev == cfg["eos_id"]:
            break
    return steps, {}


# ---------------------------------------------------------------------------------------------
# Transformer encoder–decoder
# ---------------------------------------------------------------------------------------------

def positions(n, d):
    pe = np.zeros((n, d), np.float64)
    for p in range(n):
        for i in range(0, d, 2):
            a = p / 10000.0 ** (i / d)
            pe[p, i], pe[p, i + 1] = np.sin(a), np.cos(a)
    return pe.astype(np.float32)


def mha(w, prefix, xq, xkv, h, causal):
    d = xq.shape[1]
    dk = d // h
    q = xq @ w[prefix + ".q.weight"].T + w[prefix + ".q.bias"]
    k = xkv @ w[prefix + ".k.weight"].T + w[prefix + ".k.bias"]
    v = xkv @ w[prefix + ".v.weight"].T + w[prefix + ".v.bias"]
    out = np.zeros_like(q)
    weights = []
    for i in range(h):
        cols = slice(i * dk, (i + 1) * dk)
        sc = q[:, cols] @ k[:, cols].T / np.float32(np.sqrt(dk))
        if causal:
            sc = np.where(np.tril(np.ones(sc.shape, bool)), sc, -np.inf)
        a = softmax(sc)
        weights.append(a)
        out[:, cols] = a @ v[:, cols]
    return out @ w[prefix + ".o.weight"].T + w[prefix + ".o.bias"], np.stack(weights)


def ffn(w, prefix, x):
    return np.maximum(x @ w[prefix + ".fc1.weight"].T + w[prefix + ".fc1.bias"], 0) @ w[prefix + ".fc2.weight"].T \
        + w[prefix + ".fc2.bias"]


def transformer_decode(m, tgt_in, mem):
    w, cfg = m.w, m.cfg
    d, h, eps = cfg["d_model"], cfg["num_heads"], cfg["layer_norm_eps"]
    y = w["tgt_embedding.weight"][tgt_in] * np.float32(np.sqrt(d)) + positions(len(tgt_in), d)
    selfs, crosses = [], []
    for i in range(cfg["decoder_layers"]):
        p = f"decoder_layers.{i}"
        a, ws = mha(w, p + ".self_attn", layer_norm(y, w[p + ".ln1.weight"], w[p + ".ln1.bias"], eps),
                    layer_norm(y, w[p + ".ln1.weight"], w[p + ".ln1.bias"], eps), h, True)
        y = y + a
        c, wc = mha(w, p + ".cross_attn", layer_norm(y, w[p + ".ln2.weight"], w[p + ".ln2.bias"], eps), mem, h, False)
        y = y + c
        y = y + ffn(w, p + ".ffn", layer_norm(y, w[p + ".ln3.weight"], w[p + ".ln3.bias"], eps))
        selfs.append(ws)
        crosses.append(wc)
    y = layer_norm(y, w["decoder_norm.weight"], w["decoder_norm.bias"], eps)
    return softmax(y @ w["output.weight"].T + w["output.bias"]), np.stack(selfs), np.stack(crosses)


def transformer_trace(m, ids):
    w, cfg = m.w, m.cfg
    d, h, eps = cfg["d_model"], cfg["num_heads"], cfg["layer_norm_eps"]
    x = w["src_embedding.weight"][ids] * np.float32(np.sqrt(d)) + positions(len(ids), d)
    enc = []
    for i in range(cfg["encoder_layers"]):
        p = f"encoder_layers.{i}"
        hN = layer_norm(x, w[p + ".ln1.weight"], w[p + ".ln1.bias"], eps)
        a, wa = mha(w, p + ".attn", hN, hN, h, False)
        x = x + a
        x = x + ffn(w, p + ".ffn", layer_norm(x, w[p + ".ln2.weight"], w[p + ".ln2.bias"], eps))
        enc.append(wa)
    mem = layer_norm(x, w["encoder_norm.weight"], w["encoder_norm.bias"], eps)
    tgt = [cfg["bos_id"]]
    for _ in range(cfg["max_output_length"]):
        p, _, _ = transformer_decode(m, tgt, mem)
        tgt.append(int(np.argmax(p[-1])))
        if tgt[-1] == cfg["eos_id"]:
            break
    p, selfs, crosses = transformer_decode(m, tgt[:-1], mem)
    steps = [(tgt[t + 1], p[t], crosses[:, :, t, :]) for t in range(len(tgt) - 1)]
    return steps, {"encoder_self_attention": np.stack(enc).tolist(), "decoder_self_attention": selfs.tolist()}


def trace(m, text):
    """The fixture's fields for one input (unrounded), computed from the documented equations."""
    pieces, ids = tokenize(m.cfg, m.source_vocab, text)
    steps, extra = (transformer_trace if m.cfg["architecture"] == "transformer" else gru_trace)(m, ids)
    out = [t for t, _, _ in steps]
    result = {"source": {"tokens": pieces + ["<eos>"], "ids": ids}, "output": {"ids": out}, "steps": []}
    for tok, p, att in steps:
        p = p.astype(np.float64)
        top = np.lexsort((np.arange(len(p)), -p))[:10].tolist()
        step = {"token_id": tok, "top_ids": top, "top_probs": [float(p[i]) for i in top], "probs_by_id": p}
        if att is not None:
            step["cross_attention"] = np.asarray(att, np.float64).tolist()
        result["steps"].append(step)
    result.update(extra)
    return result
