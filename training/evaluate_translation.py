"""Evaluate the translation models on held-out generated test data; write eval.json and README.md.

    bash training/env.sh training/evaluate_translation.py                 # all six
    bash training/env.sh training/evaluate_translation.py --task dates --arch gru
    bash training/env.sh training/evaluate_translation.py --self-check    # only check the fixtures

Measures, for trained/<task>-<arch>/:
* exact match of greedy decoding (dates: by input style; grammar: by English length bucket);
* alignment checks (teacher-forced on the reference translation, so the decoder step that
  writes a given target token is known): dates — at the step writing the year's first digit the
  largest cross-attention weight lies on a character of the year, at the steps writing the two
  month digits on the month's word or number; grammar — for every noun–adjective pair, the step
  writing the French adjective attends most to the English adjective and the step writing the
  French noun to the English noun. For the Transformer every layer and head is measured.

The self-check re-runs every fixture input in tests/fixtures/trained/ through the committed
weights, twice: with the PyTorch model and with the independent NumPy implementation of the
documented equations (reference_numpy.py), and asserts both reproduce the fixture.
"""

import argparse
import json
import sys
from pathlib import Path

import numpy as np
import torch

sys.path.insert(0, str(Path(__file__).resolve().parent))
import data_dates  # noqa: E402
import data_grammar  # noqa: E402
import reference_numpy  # noqa: E402
from seq2seq import EOS, PAD, count_parameters, load_model, one_core, write_json  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
TASKS = ["dates", "grammar"]
ARCHS = ["gru-additive", "gru", "transformer"]
EVAL_SEED = 20261129
DATES_PER_STYLE = 500
GRAMMAR_PER_BUCKET = 250
DATES_ALIGNMENT_PER_STYLE = 20      # 240 held-out dates for the alignment check
GRAMMAR_ALIGNMENT_SENTENCES = 1000  # the first 1000 test sentences (all length buckets)
FIXTURE_DIR = ROOT / "tests" / "fixtures" / "trained"
TRAINED = ROOT / "trained"


def test_set(task):
    if task == "dates":
        exs = data_dates.make_set(EVAL_SEED, "test", DATES_PER_STYLE)
        for ex in exs:
            ex["target_tokens"] = list(ex["target"])
            ex["group"] = ex["style"]
        return exs
    exs = data_grammar.make_set(EVAL_SEED, "test", GRAMMAR_PER_BUCKET)
    for ex in exs:
        ex["group"] = data_grammar.bucket_of(len(ex["source_tokens"]))
    return exs


def encode_batch(exs, cfg, vocab):
    srcs = [vocab.encode_source(cfg["source_tokenizer"], ex["source"], cfg["max_source_length"]) for ex in exs]
    n = max(len(s) for s in srcs)
    src = torch.tensor([s + [PAD] * (n - len(s)) for s in srcs], dtype=torch.long)
    return src, torch.tensor([len(s) for s in srcs])


def greedy_all(model, cfg, vocab, exs, batch=200):
    """Greedy output token lists (up to the first <eos>) and whether <eos> came in time."""
    order = sorted(range(len(exs)), key=lambda i: len(exs[i]["source"]))
    outputs = [None] * len(exs)
    for b in range(0, len(order), batch):
        idx = order[b:b + batch]
        src, src_len = encode_batch([exs[i] for i in idx], cfg, vocab)
        ids, _, _ = model.greedy(src, src_len, cfg["max_output_length"])
        for row, i in zip(ids.tolist(), idx):
            ended = EOS in row
            row = row[: row.index(EOS)] if ended else row
            outputs[i] = ([vocab.target[t] for t in row], ended)
    return outputs


def forced_attention(model, cfg, vocab, exs, batch=100):
    """Cross-attention with the reference target forced, per example: array [T, S] (GRU) or
    [T, L, h, S] (Transformer), cut to the example's true lengths."""
    out = []
    for b in range(0, len(exs), batch):
        chunk = exs[b:b + batch]
        src, src_len = encode_batch(chunk, cfg, vocab)
        tgts = [vocab.encode_target_tokens(ex["target_tokens"]) for ex in chunk]
        n = max(len(t) for t in tgts)
        forced = torch.tensor([t + [PAD] * (n - len(t)) for t in tgts], dtype=torch.long)
        _, att, _ = model.greedy(src, src_len, cfg["max_output_length"], forced=forced)
        for k, ex in enumerate(chunk):
            out.append(att[k, : len(tgts[k]), ..., : int(src_len[k])].numpy())
    return out


def alignment_dates(model, cfg, vocab, exs):
    rows = []  # per example: list of (check name, attention [..., S] at the step, allowed positions)
    picks = [ex for s in data_dates.STYLES for ex in [e for e in exs if e["style"] == s][:DATES_ALIGNMENT_PER_STYLE]]
    atts = forced_attention(model, cfg, vocab, picks)
    for ex, att in zip(picks, atts):
        # generated dates have no runs of spaces: character i of the text is source token i
        assert len(vocab.encode_source("chars", ex["source"], 99)) == len(ex["source"]) + 1
        year = set(range(*ex["year_span"]))
        month = set(range(*ex["month_span"]))
        rows.append([("year_first_digit", att[0], year), ("month_first_digit", att[5], month),
                     ("month_second_digit", att[6], month)])
    return len(picks), rows


def grammar_alignment_inputs(exs):
    """The test sentences the grammar alignment checks measure: evenly spread over the test set."""
    return exs[:: max(1, len(exs) // GRAMMAR_ALIGNMENT_SENTENCES)][:GRAMMAR_ALIGNMENT_SENTENCES]


def alignment_grammar(model, cfg, vocab, exs):
    picks = grammar_alignment_inputs(exs)
    atts = forced_attention(model, cfg, vocab, picks)
    rows = []
    for ex, att in zip(picks, atts):
        checks = []
        for m in ex["marks"]:
            kind = "after" if m["order"] == "after" else "before"
            checks.append((f"{kind}:adjective", att[m["fr_adj"]], {m["en_adj"]}))
            checks.append((f"{kind}:noun", att[m["fr_noun"]], {m["en_noun"]}))
        rows.append(checks)
    return len(picks), rows


def summarise_alignment(arch, n_inputs, rows, task):
    """Fractions of checks whose largest weight falls in the allowed positions."""
    if arch == "gru":
        return {"applicable": False, "note": "no attention: the decoder only sees the fixed-length encoder vector"}

    def fractions(select):
        hits, counts = {}, {}
        for checks in rows:
            for name, att, allowed in checks:
                ok = int(np.argmax(select(att))) in allowed
                hits[name] = hits.get(name, 0) + ok
                counts[name] = counts.get(name, 0) + 1
        return {k: round(hits[k] / counts[k], 4) for k in sorted(hits)}, counts

    def pair_fractions(select):
        """Grammar: a pair counts when both its adjective step and its noun step pass."""
        res = {}
        for order in ("after", "before"):
            ok = n = 0
            for checks in rows:
                names = [c for c in checks if c[0].startswith(order)]
                for i in range(0, len(names), 2):
                    a = int(np.argmax(select(names[i][1]))) in names[i][2]
                    b = int(np.argmax(select(names[i + 1][1]))) in names[i + 1][2]
                    ok += a and b
                    n += 1
            res[f"{order}:pair"] = round(ok / max(1, n), 4)
        return res

    result = {"applicable": True, "inputs": n_inputs, "method": "teacher-forced on the reference translation; "
              "a check passes when the source position with the largest cross-attention weight is an allowed one"}
    if arch == "gru-additive":
        fr, counts = fractions(lambda a: a)
        if task == "grammar":
            fr.update(pair_fractions(lambda a: a))
        result["checks"] = counts
        result["fractions"] = fr
        return result
    L, H = next(checks for checks in rows if checks)[0][1].shape[:2]
    heads = []
    for layer in range(L):
        for head in range(H):
            fr, counts = fractions(lambda a, layer=layer, head=head: a[layer, head])
            if task == "grammar":
                fr.update(pair_fractions(lambda a, layer=layer, head=head: a[layer, head]))
            heads.append({"layer": layer, "head": head, "fractions": fr})
    for layer in range(L):
        fr, _ = fractions(lambda a, layer=layer: a[layer].mean(0))
        if task == "grammar":
            fr.update(pair_fractions(lambda a, layer=layer: a[layer].mean(0)))
        heads.append({"layer": layer, "head": "mean", "fractions": fr})
    result["checks"] = counts
    result["by_head"] = heads
    best = {}
    for name in heads[0]["fractions"]:
        top = max((h for h in heads if h["head"] != "mean"), key=lambda h: h["fractions"][name])
        best[name] = {"layer": top["layer"], "head": top["head"], "fraction": top["fractions"][name]}
    result["best_head"] = best
    result["best_head_by_role"] = best_role_heads(heads, task)
    result["head_names"] = name_heads(heads, task)
    return result


ROLES = {
    "dates": {"year": ["year_first_digit"], "month": ["month_first_digit", "month_second_digit"]},
    "grammar": {"adjective": ["after:adjective", "before:adjective"], "noun": ["after:noun", "before:noun"],
                "crossing noun–adjective pairs": ["after:pair"]},
}


def role_score(h, checks):
    """A head's score for a role: its lowest fraction over the role's checks."""
    return min(h["fractions"][c] for c in checks)


def best_role_heads(heads, task):
    out = {}
    for role, checks in ROLES[task].items():
        top = max((h for h in heads if h["head"] != "mean"), key=lambda h: role_score(h, checks))
        out[role] = {"layer": top["layer"], "head": top["head"], "score": role_score(top, checks), "checks": checks}
    return out


NAMING_ROLES = {"dates": ["year", "month"], "grammar": ["adjective", "noun"]}


def name_heads(heads, task):
    """Names for heads from what they were measured to do: the roles (year/month, adjective/noun)
    whose checks all reach 0.8."""
    names = {}
    for h in heads:
        if h["head"] == "mean":
            continue
        found = [role for role in NAMING_ROLES[task] if role_score(h, ROLES[task][role]) >= 0.8]
        key = f"layer {h['layer']} head {h['head']}"
        if not found:
            names[key] = "no measured alignment role"
        elif task == "dates":
            names[key] = "reads the " + " and the ".join(found)
        else:
            names[key] = "aligns " + " and ".join(r + "s" for r in found)
    return names


def evaluate(task, arch, write=True):
    one_core()
    folder = TRAINED / f"{task}-{arch}"
    model, cfg, vocab = load_model(folder)
    exs = test_set(task)
    outs = greedy_all(model, cfg, vocab, exs)
    groups, overall = {}, [0, 0]
    failures = []
    for ex, (toks, ended) in zip(exs, outs):
        ok = ended and toks == ex["target_tokens"]
        ref = ex["target_tokens"]
        g = groups.setdefault(ex["group"], [0, 0, 0.0])
        g[0] += ok
        g[1] += 1
        # token accuracy: reference positions holding the same token in the output
        g[2] += sum(a == b for a, b in zip(toks, ref)) / len(ref)
        overall[0] += ok
        overall[1] += 1
        if not ok and len(failures) < 8:
            failures.append({"source": ex["source"], "expected": ex["target"],
                             "got": vocab.decode_target(cfg["target_tokenizer"], [vocab.target_index[t] for t in toks])})
    order = data_dates.STYLES if task == "dates" else [f"{lo}-{hi}" for lo, hi in data_grammar.BUCKETS]
    by = {k: {"exact_match": round(groups[k][0] / groups[k][1], 4),
              "token_accuracy": round(groups[k][2] / groups[k][1], 4), "n": groups[k][1]} for k in order}
    if arch == "gru":
        n_in, rows = 0, []
    elif task == "dates":
        n_in, rows = alignment_dates(model, cfg, vocab, exs)
    else:
        n_in, rows = alignment_grammar(model, cfg, vocab, exs)
    align = summarise_alignment(arch, n_in, rows, task)
    log = json.loads((folder / "training.json").read_text())
    sizes = {k: v for k, v in cfg.items() if k.endswith(("_size", "_layers", "heads", "d_model", "_length"))}
    result = {
        "task": task, "architecture": arch,
        "training_seed": cfg["training"]["seed"], "evaluation_seed": EVAL_SEED,
        "parameters": count_parameters(model), "weights_bytes": (folder / "model.safetensors").stat().st_size,
        "sizes": sizes,
        "training": {"steps": cfg["training"]["steps"], "batch_size": cfg["training"]["batch_size"],
                     "examples_seen": cfg["training"]["steps"] * cfg["training"]["batch_size"],
                     "cpu_seconds": log.get("cpu_seconds"), "wall_seconds": log["seconds"],
                     "final_loss": log["log"][-1]["loss"]},
        "decoding": {"method": "greedy", "max_output_length": cfg["max_output_length"]},
        "test_examples": overall[1],
        "exact_match": round(overall[0] / overall[1], 4),
        ("by_style" if task == "dates" else "by_length"): by,
        "alignment": align,
        "sample_failures": failures,
    }
    if write:
        write_json(folder / "eval.json", result)
        write_readme(folder, cfg, result)
    return result


def pct(x):
    return f"{100 * x:.1f}%"


def write_readme(folder, cfg, r):
    task, arch = r["task"], r["architecture"]
    lines = [f"# {task}-{arch}", "", cfg["description"], "",
             "Weights: `model.safetensors` (F32), layout and equations in the repository's "
             "`docs/trained-models.md` (section \"Encoder–decoder models\").", "",
             *([f"It is the baseline for `{task}-gru-additive`: the same encoder, decoder and output layer, "
                "sizes and training examples; only the attention is missing (the context is the encoder's "
                "final vector at every step).", ""] if arch == "gru" else []),
             "## How it was made", "", "```sh",
             "bash training/run.sh translation      # all six models, evaluation and fixtures",
             cfg["training"]["command"],
             f"bash training/env.sh training/evaluate_translation.py --task {task} --arch {arch}",
             "```", "",
             f"Seed {r['training_seed']}; {r['training']['steps']} steps of {r['training']['batch_size']} generated "
             f"examples ({r['training']['examples_seen']:,} in all), {r['training']['cpu_seconds']:.0f} s of CPU time on one "
             f"thread ({r['training']['wall_seconds']:.0f} s wall-clock on a shared two-core machine); "
             f"{r['parameters']:,} parameters ({r['weights_bytes'] / 1e6:.2f} MB). "
             f"Test data: seed {r['evaluation_seed']}, disjoint from training by construction "
             f"({'calendar days' if task == 'dates' else 'English sentences'} are assigned to splits by a hash).", "",
             "## Numbers", "",
             f"Exact match of greedy decoding (at most {r['decoding']['max_output_length']} output tokens) "
             f"over {r['test_examples']} test examples: **{pct(r['exact_match'])}**.", ""]
    key = "by_style" if task == "dates" else "by_length"
    lines += [f"| {'style' if task == 'dates' else 'English words'} | exact match | token accuracy | n |",
              "| --- | ---: | ---: | ---: |"]
    for k, v in r[key].items():
        lines.append(f"| {k} | {pct(v['exact_match'])} | {pct(v['token_accuracy'])} | {v['n']} |")
    lines += ["", "Token accuracy: the share of reference positions where the output has the same token."]
    lines += ["", "### Alignment", ""]
    a = r["alignment"]
    if not a["applicable"]:
        lines.append("Nothing to measure: " + a["note"] + ".")
    elif arch == "gru-additive":
        lines.append(f"Over {a['inputs']} held-out inputs, fraction of decoder steps whose largest attention "
                     "weight is on the expected source token(s):")
        lines.append("")
        for k, v in a["fractions"].items():
            lines.append(f"- {k}: {pct(v)}")
    else:
        lines.append(f"Over {a['inputs']} held-out inputs, best cross-attention head per check "
                     "(layers and heads count from 0):")
        lines.append("")
        for k, v in a["best_head"].items():
            lines.append(f"- {k}: layer {v['layer']} head {v['head']}, {pct(v['fraction'])}")
        lines += ["", "Best head per role (score = its lowest fraction over the role's checks):", ""]
        for role, v in a["best_head_by_role"].items():
            lines.append(f"- {role}: layer {v['layer']} head {v['head']}, {pct(v['score'])}")
        named = [f"{k}: {v}" for k, v in a["head_names"].items() if v != "no measured alignment role"]
        if named:
            lines += ["", "Heads named by what they were measured to do (every check of a role ≥ 80%): "
                      + "; ".join(named) + "."]
    lines += ["", "Full numbers: `eval.json`.", ""]
    (folder / "README.md").write_text("\n".join(lines), encoding="utf-8")


# --------------------------------------------------------------------------------------------
# Self-check against the fixtures
# --------------------------------------------------------------------------------------------

def close(a, b, rtol=2e-5, atol=2e-6):
    a, b = np.asarray(a, dtype=np.float64), np.asarray(b, dtype=np.float64)
    return a.shape == b.shape and bool(np.all(np.abs(a - b) <= atol + rtol * np.abs(b)))


def self_check(names=None):
    """Re-run each fixture input with the committed weights (PyTorch and NumPy) and compare."""
    import make_translation_fixtures as mk
    one_core()
    names = names or {f"{t}-{a}" for t in TASKS for a in ARCHS}
    files = sorted(f for f in FIXTURE_DIR.glob("*.json") if f.stem in names)
    assert files, f"no translation fixtures in {FIXTURE_DIR}"
    for f in files:
        fx = json.loads(f.read_text())
        folder = TRAINED / f.stem
        model, cfg, vocab = load_model(folder)
        ref = reference_numpy.Model(folder)
        for case in fx["cases"]:
            for who, got in (("torch", mk.trace(model, cfg, vocab, case["input"])),
                             ("numpy", reference_numpy.trace(ref, case["input"]))):
                assert got["source"]["ids"] == case["source"]["ids"], (f.stem, who, "source ids")
                assert got["output"]["ids"] == case["output"]["ids"], (f.stem, who, case["input"], "output ids")
                for s_got, s_fx in zip(got["steps"], case["steps"]):
                    assert s_got["top_ids"] == s_fx["top_ids"] or close(
                        [s_got["probs_by_id"][i] for i in s_fx["top_ids"]], s_fx["top_probs"]), (f.stem, who, "top ids")
                    assert close(s_got["top_probs"], s_fx["top_probs"]), (f.stem, who, "top probabilities")
                    if "cross_attention" in s_fx:
                        assert close(s_got["cross_attention"], s_fx["cross_attention"]), (f.stem, who, "cross-attention")
                for key in ("encoder_self_attention", "decoder_self_attention"):
                    if key in case:
                        assert close(got[key], case[key]), (f.stem, who, key)
        print(f"  self-check {f.stem}: {len(fx['cases'])} inputs reproduced by PyTorch and NumPy")


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--task", choices=TASKS)
    ap.add_argument("--arch", choices=ARCHS)
    ap.add_argument("--self-check", action="store_true", help="only check the fixtures")
    ap.add_argument("--trained", default=None, help="folder holding the <task>-<arch> model folders (default trained/)")
    args = ap.parse_args()
    global TRAINED
    if args.trained:
        TRAINED = Path(args.trained)
    if not args.self_check:
        for task in ([args.task] if args.task else TASKS):
            for arch in ([args.arch] if args.arch else ARCHS):
                r = evaluate(task, arch)
                key = "by_style" if task == "dates" else "by_length"
                detail = ", ".join(f"{k} {pct(v['exact_match'])}" for k, v in r[key].items())
                print(f"{task}-{arch}: exact match {pct(r['exact_match'])} ({detail})", flush=True)
                a = r["alignment"]
                if a["applicable"]:
                    print("  alignment:", json.dumps(a.get("fractions") or a["best_head"]), flush=True)
    if args.self_check:
        names = None
        if args.task or args.arch:
            names = {f"{t}-{a}" for t in ([args.task] if args.task else TASKS) for a in ([args.arch] if args.arch else ARCHS)}
        self_check(names)


if __name__ == "__main__":
    main()
