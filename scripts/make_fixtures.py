#!/usr/bin/env python3
"""Reference fixtures for tests/golden.rs, computed by PyTorch in float64.

Writes tests/fixtures/torch/{sdpa,mha,additive}.json. The fixtures are committed, so the tests
need no PyTorch; run this script again only to change or add cases:

    python3 scripts/make_fixtures.py

Inputs are drawn in float32 (so the Rust side reads exactly the same numbers) and every
reference result is computed in float64. Conventions the Rust side must follow:

- Boolean masks are stored with true = allowed (PyTorch's scaled_dot_product_attention
  convention). nn.MultiheadAttention uses the opposite (true = blocked) for attn_mask and
  key_padding_mask; the script converts before storing.
- nn.MultiheadAttention stores projection weights as (out, in); the fixtures store them as
  (in, out), the layout of the Rust core (y = x · W).
- NaN (PyTorch's result for a query whose keys are all masked, in some versions) is stored as
  null.
"""

import json
import math
from pathlib import Path

import torch
import torch.nn.functional as F

OUT = Path(__file__).resolve().parent.parent / "tests" / "fixtures" / "torch"
GEN = torch.Generator().manual_seed(20240611)


def randn(*shape):
    """Standard normal numbers, rounded to float32, as float64."""
    return torch.randn(*shape, generator=GEN, dtype=torch.float32).to(torch.float64)


def listify(t):
    """Nested lists; NaN becomes None (JSON null)."""
    if t.dim() == 0:
        x = t.item()
        return None if isinstance(x, float) and math.isnan(x) else x
    return [listify(row) for row in t]


def reference_weights(scores, allowed):
    """Softmax over allowed keys, written out (rows with no allowed key come out NaN)."""
    if allowed is not None:
        scores = scores.masked_fill(~allowed, float("-inf"))
    return torch.softmax(scores, dim=-1)


def sdpa_case(name, t_q, t_k, d, d_v, mask=None, causal=False, scale=None):
    q, k, v = randn(t_q, d), randn(t_k, d), randn(t_k, d_v)
    output = F.scaled_dot_product_attention(q, k, v, attn_mask=mask, is_causal=causal, scale=scale)
    allowed = mask
    if causal:
        allowed = torch.ones(t_q, t_k, dtype=torch.bool).tril()
    factor = 1 / math.sqrt(d) if scale is None else scale
    weights = reference_weights(q @ k.T * factor, allowed)
    written_out = weights @ v
    finite = ~written_out.isnan().any(dim=-1)
    assert torch.allclose(output[finite], written_out[finite], atol=1e-12), name
    return {
        "name": name,
        "q": listify(q),
        "k": listify(k),
        "v": listify(v),
        "mask": None if mask is None else listify(mask),
        "causal": causal,
        "scale": scale,
        "weights": listify(weights),
        "output": listify(output),
    }


def sdpa_cases():
    random_mask = torch.rand(5, 7, generator=GEN) > 0.4
    random_mask[:, 0] = True  # every query keeps at least one key
    fully_masked = torch.ones(3, 4, dtype=torch.bool)
    fully_masked[1] = False
    return [
        sdpa_case("self 4x4 d8", 4, 4, 8, 8),
        sdpa_case("cross 3x6 d4 dv5", 3, 6, 4, 5),
        sdpa_case("single key", 2, 1, 3, 2),
        sdpa_case("self 12x12 d16", 12, 12, 16, 16),
        sdpa_case("boolean mask 5x7", 5, 7, 6, 3, mask=random_mask),
        sdpa_case("causal 6x6", 6, 6, 8, 4, causal=True),
        sdpa_case("causal cross 4x7", 4, 7, 5, 5, causal=True),
        sdpa_case("custom scale 0.3", 5, 5, 4, 4, scale=0.3),
        sdpa_case("custom scale 2 with mask", 5, 7, 6, 3, mask=random_mask, scale=2.0),
        sdpa_case("fully masked row", 3, 4, 4, 2, mask=fully_masked),
    ]


def mha_case(name, t_q, t_k, embed, heads, cross=False, key_padding=None, attn_blocked=None):
    layer = torch.nn.MultiheadAttention(embed, heads, bias=False, batch_first=True, dtype=torch.float64)
    with torch.no_grad():
        layer.in_proj_weight.copy_(randn(3 * embed, embed) / math.sqrt(embed))
        layer.out_proj.weight.copy_(randn(embed, embed) / math.sqrt(embed))
    x_q = randn(t_q, embed)
    x_kv = randn(t_k, embed) if cross else x_q
    output, weights = layer(
        x_q[None],
        x_kv[None],
        x_kv[None],
        key_padding_mask=None if key_padding is None else key_padding[None],
        attn_mask=attn_blocked,
        need_weights=True,
        average_attn_weights=False,
    )
    allowed = torch.ones(t_q, t_k, dtype=torch.bool)
    if key_padding is not None:
        allowed &= ~key_padding[None, :]
    if attn_blocked is not None:
        allowed &= ~attn_blocked
    w_q, w_k, w_v = layer.in_proj_weight.detach().chunk(3)
    return {
        "name": name,
        "heads": heads,
        "x_q": listify(x_q),
        "x_kv": listify(x_kv),
        "w_q": listify(w_q.T),
        "w_k": listify(w_k.T),
        "w_v": listify(w_v.T),
        "w_o": listify(layer.out_proj.weight.detach().T),
        "allowed": None if key_padding is None and attn_blocked is None else listify(allowed),
        "weights": listify(weights[0].detach()),
        "output": listify(output[0].detach()),
    }


def mha_cases():
    padding = torch.tensor([False, False, False, False, True, True])
    blocked = torch.ones(5, 5, dtype=torch.bool).triu(1)  # causal, as PyTorch's "blocked" mask
    return [
        mha_case("self 5 tokens, 1 head", 5, 5, 8, 1),
        mha_case("self 5 tokens, 2 heads", 5, 5, 8, 2),
        mha_case("self 7 tokens, 4 heads", 7, 7, 16, 4),
        mha_case("cross 4x6, 4 heads", 4, 6, 12, 4, cross=True),
        mha_case("cross 3x6, key padding", 3, 6, 8, 2, cross=True, key_padding=padding),
        mha_case("self 5 tokens, causal attn_mask, 8 heads", 5, 5, 16, 8, attn_blocked=blocked),
    ]


def additive_case(name, t_q, t_k, d_q, d_k, d_a, d_v, allowed=None):
    q, k, v = randn(t_q, d_q), randn(t_k, d_k), randn(t_k, d_v)
    w_q, w_k, v_a = randn(d_q, d_a), randn(d_k, d_a), randn(d_a)
    # score[i, j] = v_a · tanh(q_i W_q + k_j W_k), written out with broadcasting.
    hidden = torch.tanh((q @ w_q)[:, None, :] + (k @ w_k)[None, :, :])
    scores = hidden @ v_a
    weights = reference_weights(scores, allowed)
    return {
        "name": name,
        "q": listify(q),
        "k": listify(k),
        "v": listify(v),
        "w_q": listify(w_q),
        "w_k": listify(w_k),
        "v_a": listify(v_a),
        "mask": None if allowed is None else listify(allowed),
        "scores": listify(scores),
        "weights": listify(weights),
        "output": listify(weights @ v),
    }


def additive_cases():
    allowed = torch.rand(4, 5, generator=GEN) > 0.5
    allowed[:, 2] = True
    return [
        additive_case("self 5x5, d_a 6", 5, 5, 4, 4, 6, 3),
        additive_case("cross 3x7, different widths", 3, 7, 5, 3, 4, 2),
        additive_case("masked 4x5", 4, 5, 4, 4, 4, 4, allowed=allowed),
    ]


def main():
    OUT.mkdir(parents=True, exist_ok=True)
    meta = {"torch": torch.__version__, "dtype": "float64"}
    for name, cases in [("sdpa", sdpa_cases()), ("mha", mha_cases()), ("additive", additive_cases())]:
        path = OUT / f"{name}.json"
        path.write_text(json.dumps({"generator": meta, "cases": cases}, separators=(",", ":")) + "\n")
        print(f"{path.relative_to(OUT.parent.parent.parent)}: {len(cases)} cases, {path.stat().st_size} bytes")


if __name__ == "__main__":
    main()
