"""Write tests/fixtures/trained/<task>-<arch>.json from the committed weights.

For each of five inputs: the source tokens (text and ids, <eos> included), the greedy output
(ids with the final <eos>, tokens, text) and for every decoder step the cross-attention weights
(one vector over source tokens for the attention GRU, [layer][head][source] for the
Transformer, absent for the GRU without attention) and the ten most probable next tokens (ids
and probabilities, most probable first, ties by lower id). For the Transformer also the encoder
self-attention [layer][head][query][key] and the decoder self-attention [layer][head][step][step]
of the final full pass (decoder inputs <bos>, y1, …, y(T−1)). Numbers have 7 significant digits.
"""

import json
import sys
from pathlib import Path

import numpy as np
import torch

sys.path.insert(0, str(Path(__file__).resolve().parent))
from seq2seq import BOS, EOS, load_model, one_core, source_pieces  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
FIXTURE_DIR = ROOT / "tests" / "fixtures" / "trained"
TOP = 10

INPUTS = {
    "dates": ["29 November 2026", "Sunday, 29th of November 2026", "NOV 29 26", "3/3/1999", "2026.11.29"],
    "grammar": ["I see him.", "the black cat does not see the small dog",
                "my sister often looks at the new blue car that the teacher buys",
                "the happy children and their father walk to the old castle because they want the green apples",
                "we like the purple house"],
}


def top_k(p):
    """Indices of the k largest probabilities, larger first, equal ones by lower id."""
    order = np.lexsort((np.arange(len(p)), -p))
    return order[:TOP].tolist()


@torch.no_grad()
def trace(model, cfg, vocab, text):
    """Everything a fixture holds for one input, unrounded (plus all probabilities per step)."""
    kind = cfg["source_tokenizer"]
    ids = vocab.encode_source(kind, text, cfg["max_source_length"])
    pieces = source_pieces(kind, text)[: cfg["max_source_length"] - 1]
    src = torch.tensor([ids])
    out_ids, att, probs = model.greedy(src, torch.tensor([len(ids)]), cfg["max_output_length"])
    out = out_ids[0].tolist()
    if EOS in out:
        out = out[: out.index(EOS) + 1]
    T = len(out)
    steps = []
    for t in range(T):
        p = probs[0, t].numpy().astype(np.float64)
        top = top_k(p)
        step = {"token_id": out[t], "token": vocab.target[out[t]], "top_ids": top,
                "top_probs": [float(p[i]) for i in top], "probs_by_id": p}
        if att is not None:
            step["cross_attention"] = att[0, t].numpy().astype(np.float64).tolist()
        steps.append(step)
    result = {
        "input": text,
        "source": {"tokens": pieces + ["<eos>"], "ids": ids},
        "output": {"ids": out, "tokens": [vocab.target[i] for i in out],
                   "text": vocab.decode_target(cfg["target_tokenizer"], out)},
        "steps": steps,
    }
    if cfg["architecture"] == "transformer":
        mem, enc_w = model.encode(src)
        tgt_in = torch.tensor([[BOS] + out[:-1]])
        _, dec_w, _ = model.decode(tgt_in, mem, src)
        result["encoder_self_attention"] = torch.stack(enc_w, 1)[0].numpy().astype(np.float64).tolist()
        result["decoder_self_attention"] = torch.stack(dec_w, 1)[0].numpy().astype(np.float64).tolist()
    return result


def round7(x):
    if isinstance(x, list):
        return [round7(v) for v in x]
    if isinstance(x, float):
        return float(f"{x:.7g}")
    return x


def fixture_case(tr):
    case = {k: v for k, v in tr.items() if k != "steps"}
    case["steps"] = [{k: round7(v) for k, v in s.items() if k != "probs_by_id"} for s in tr["steps"]]
    for key in ("encoder_self_attention", "decoder_self_attention"):
        if key in case:
            case[key] = round7(case[key])
    return case


def write_fixture(task, arch):
    name = f"{task}-{arch}"
    model, cfg, vocab = load_model(ROOT / "trained" / name)
    doc = {
        "model": name, "task": task, "architecture": arch,
        "weights": f"trained/{name}/model.safetensors",
        "max_output_length": cfg["max_output_length"],
        "about": "Greedy decoding of each input with the committed weights; per step the cross-attention "
                 + ("[layer][head][source]" if arch == "transformer" else "[source]" if arch == "gru-additive" else "(none: no attention)")
                 + " and the 10 most probable next tokens; numbers rounded to 7 significant digits. "
                   "Layout and equations: docs/trained-models.md.",
        "cases": [fixture_case(trace(model, cfg, vocab, text)) for text in INPUTS[task]],
    }
    FIXTURE_DIR.mkdir(parents=True, exist_ok=True)
    path = FIXTURE_DIR / f"{name}.json"
    path.write_text(json.dumps(doc, ensure_ascii=False, separators=(",", ":")) + "\n", encoding="utf-8")
    print(f"  {path.relative_to(ROOT)}: {path.stat().st_size / 1000:.0f} KB; "
          + "; ".join(f"{c['input']!r} → {c['output']['text']!r}" for c in doc["cases"]), flush=True)


def main():
    one_core()
    tasks = sys.argv[1:] or ["dates", "grammar"]
    for task in tasks:
        for arch in ["gru-additive", "gru", "transformer"]:
            write_fixture(task, arch)


if __name__ == "__main__":
    main()
