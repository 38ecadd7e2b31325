#!/usr/bin/env python3
"""Measures the trained decoder's heads on held-out data and names them from the measurement.

Run from the repository root after training (`bash training/run.sh decoder` does both):

    python training/evaluate_decoder.py

Loads trained/gpt2-2l-induction/ with transformers (eager attention) and writes
  trained/gpt2-2l-induction/eval.json    every head's scores, the accuracies, the seeds
  trained/gpt2-2l-induction/heads.json   the heads the measurement names, one line each
  trained/gpt2-2l-induction/README.md    the model card (command, seed, data, numbers)
  tests/fixtures/trained/gpt2-2l-induction.json
                                         inputs (text, and a repeated random sequence given as
                                         ids) with every attention [layer][head][query][key]
                                         and the top-10 next-token probabilities, for the Rust
                                         implementation to match

Scores, per head, are mean attention weights:
  previous token  on held-out stories, weight on the key just before the query (query ≥ 1)
  first token     on held-out stories, weight on key 0 (query ≥ 1)
  current token   on held-out stories, weight on the query's own key (query ≥ 1)
  duplicate token on repeated random sequences, at the second copy, weight on the earlier
                  occurrence of the same token
  induction       on repeated random sequences, at the second copy, weight on the token that
                  followed the earlier occurrence (its "target"); with the fraction of those
                  queries whose largest weight is on the target
  earlier_occurrence_+d  (reported, not used for names) at the second copy, weight on the key
                  d positions after the earlier occurrence (0 is the duplicate, +1 the target)
Each head is named after its highest-scoring pattern when that score reaches NAME_THRESHOLD.
"""

import random
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from decoder_common import (END_OF_TEXT, ROOT, encoding_record, load_tokenizer, one_core,  # noqa: E402
                            relative, rounded, sha256, top_k, versions, write_json)
from decoder_data import repeated_sequence, stories  # noqa: E402
from train_decoder import NAME, OUT, SEED as TRAIN_SEED  # noqa: E402

import json  # noqa: E402

import torch  # noqa: E402
from transformers import GPT2LMHeadModel  # noqa: E402

EVAL_SEED = 777
HELD_OUT_STORIES = 300
REPEATS = 200
REPEAT_LENGTH = 40
NAME_THRESHOLD = 0.4
OFFSETS = (-1, 0, 1, 2, 3)   # keys around the earlier occurrence, reported for the second copy
FIXTURE = ROOT / "tests" / "fixtures" / "trained" / f"{NAME}.json"

PATTERNS = {
    "previous token": "attends to the token just before the current one",
    "first token": "rests on the first token of the text",
    "current token": "attends to the current token itself",
    "duplicate token": "attends to an earlier occurrence of the current token",
    "induction": "attends to the token that followed the current token's earlier occurrence, "
                 "so the model can predict a repeat",
}
SCORE_KEYS = {"previous token": "previous_token", "first token": "first_token",
              "current token": "current_token", "duplicate token": "duplicate_token",
              "induction": "induction"}

FIXTURE_TEXTS = [
    "Korumi gave the cat to Anna. Then Korumi went to the park with Anna.",
    "The small dog saw a red ball near the river.",
    "Monday, Tuesday, Wednesday,",
    "Where is the key? It is under the",
]
PROMPTS = [
    "Anna saw a",
    "Monday, Tuesday,",
    "Velashi found a blue kite in the garden. Later, Vela",
    "The old farmer",
]


def load_model():
    model = GPT2LMHeadModel.from_pretrained(str(OUT), dtype=torch.float32, attn_implementation="eager")
    return model.eval()


def run(model, ids):
    with torch.no_grad():
        out = model(input_ids=torch.tensor([ids]), output_attentions=True)
    return out.logits[0], torch.stack([a[0] for a in out.attentions])  # [layer][head][q][k]


def story_scores(model, tokenizer, texts):
    """Previous-, first- and current-token scores per head, and next-token accuracy."""
    layers, heads = model.config.n_layer, model.config.n_head
    prev = torch.zeros(layers, heads)
    first = torch.zeros(layers, heads)
    current = torch.zeros(layers, heads)
    queries = correct = 0
    for text in texts:
        ids = tokenizer.encode(text).ids[: model.config.n_positions]
        logits, att = run(model, ids)
        q = torch.arange(1, len(ids))
        prev += att[:, :, q, q - 1].sum(-1)
        first += att[:, :, q, 0].sum(-1)
        current += att[:, :, q, q].sum(-1)
        queries += len(q)
        correct += int((logits[:-1].argmax(-1) == torch.tensor(ids[1:])).sum())
    predictions = sum(len(tokenizer.encode(t).ids[: model.config.n_positions]) - 1 for t in texts)
    return {"previous_token": prev / queries, "first_token": first / queries,
            "current_token": current / queries}, correct / predictions


def repeat_scores(model, sequences, length):
    """Induction and duplicate-token scores per head on `<|endoftext|> r r`, and the model's
    top-1 accuracy on each copy."""
    layers, heads = model.config.n_layer, model.config.n_head
    induction = torch.zeros(layers, heads)
    induction_argmax = torch.zeros(layers, heads)
    duplicate = torch.zeros(layers, heads)
    offsets = {d: torch.zeros(layers, heads) for d in OFFSETS}
    first_hits = second_hits = 0
    count = 0
    for ids in sequences:
        logits, att = run(model, ids)
        i = torch.arange(length)
        query = 1 + length + i          # second copy of r[i]
        earlier = 1 + i                 # first copy of r[i]
        target = 2 + i                  # what followed it
        rows = att[:, :, query, :]      # [layer][head][i][key]
        induction += rows[:, :, i, target].sum(-1)
        duplicate += rows[:, :, i, earlier].sum(-1)
        induction_argmax += (rows.argmax(-1) == target).float().sum(-1)
        for d in OFFSETS:
            keep = (earlier + d >= 0) & (earlier + d <= query)
            offsets[d] += rows[:, :, i[keep], (earlier + d)[keep]].sum(-1)
        count += length
        # Predictions of r[i + 1] from r[i]: in the first copy (positions 1..L-1) and the second.
        predicted = logits.argmax(-1)
        truth = torch.tensor(ids)
        first_pos = torch.arange(1, length)
        second_pos = torch.arange(1 + length, 2 * length)
        first_hits += int((predicted[first_pos] == truth[first_pos + 1]).sum())
        second_hits += int((predicted[second_pos] == truth[second_pos + 1]).sum())
    n_pred = len(sequences) * (length - 1)
    return ({"induction": induction / count, "induction_argmax_fraction": induction_argmax / count,
             "duplicate_token": duplicate / count,
             **{f"earlier_occurrence_{d:+d}": offsets[d] / count for d in OFFSETS}},
            {"first_copy": first_hits / n_pred, "second_copy": second_hits / n_pred})


def held_out_sequences(tokenizer, end, count, length, seed):
    rng = random.Random(seed)
    token_ids = [i for i in range(tokenizer.get_vocab_size()) if i != end]
    return [[end] + repeated_sequence(rng, token_ids, length) for _ in range(count)]


def name_heads(scores, layers, heads):
    named = []
    for layer in range(layers):
        for head in range(heads):
            pattern = max(PATTERNS, key=lambda p: float(scores[SCORE_KEYS[p]][layer, head]))
            score = float(scores[SCORE_KEYS[pattern]][layer, head])
            if score < NAME_THRESHOLD:
                continue
            named.append({"layer": layer, "head": head, "name": pattern, "score": round(score, 3),
                          "description": describe(pattern, score, scores, layer, head)})
    return named


def describe(pattern, score, scores, layer, head):
    percent = f"{100 * score:.0f}%"
    if pattern == "previous token":
        return f"Attends to the token just before the current one ({percent} of its weight on average over held-out stories)."
    if pattern == "first token":
        return f"Rests on the first token of the text ({percent} of its weight on average over held-out stories): a default when nothing else matters."
    if pattern == "current token":
        return f"Attends to the current token itself ({percent} of its weight on average over held-out stories)."
    if pattern == "duplicate token":
        return f"When a token appears again, attends to its earlier occurrence ({percent} of its weight at the second copy of a repeated random sequence)."
    argmax = float(scores["induction_argmax_fraction"][layer, head])
    return (f"Induction: when a token appears again, attends to the token that followed it last "
            f"time ({percent} of its weight, the top key at {100 * argmax:.0f}% of positions in the "
            f"second copy of a repeated random sequence), so the model can continue the repeat.")


def fixture(model, tokenizer, end):
    cases = []
    for text in FIXTURE_TEXTS:
        record = encoding_record(tokenizer, text)
        logits, att = run(model, record["ids"])
        record["attentions"] = rounded(att.tolist())
        record["top10_probs"] = top_k(torch.softmax(logits[-1], dim=-1))
        cases.append(record)
    for seed, length in [(EVAL_SEED + 100, 12), (EVAL_SEED + 101, 20)]:
        ids = held_out_sequences(tokenizer, end, 1, length, seed)[0]
        logits, att = run(model, ids)
        cases.append({
            "ids": ids,
            "tokens": [tokenizer.id_to_token(i) for i in ids],
            "note": f"<|endoftext|>, then {length} random ids, then the same {length} ids again",
            "attentions": rounded(att.tolist()),
            "top10_probs": top_k(torch.softmax(logits[-1], dim=-1)),
        })
    write_json(FIXTURE, {
        "model": NAME,
        "folder": f"trained/{NAME}",
        "computed_by": "transformers GPT2LMHeadModel, eager attention, F32",
        "cases": cases,
    })


def greedy(model, tokenizer, prompt, new_tokens=12):
    ids = tokenizer.encode(prompt).ids
    with torch.no_grad():
        out = model.generate(torch.tensor([ids]), attention_mask=torch.ones(1, len(ids), dtype=torch.long),
                             do_sample=False, max_new_tokens=new_tokens,
                             pad_token_id=model.config.eos_token_id)
    return tokenizer.decode(out[0, len(ids):].tolist(), skip_special_tokens=False)


def main():
    one_core()
    torch.manual_seed(EVAL_SEED)
    model = load_model()
    tokenizer = load_tokenizer(OUT / "tokenizer.json")
    end = tokenizer.token_to_id(END_OF_TEXT)
    layers, heads = model.config.n_layer, model.config.n_head

    texts = stories(EVAL_SEED, HELD_OUT_STORIES)
    s_scores, story_accuracy = story_scores(model, tokenizer, texts)
    sequences = held_out_sequences(tokenizer, end, REPEATS, REPEAT_LENGTH, EVAL_SEED + 1)
    r_scores, repeat_accuracy = repeat_scores(model, sequences, REPEAT_LENGTH)
    scores = {**s_scores, **r_scores}

    named = name_heads(scores, layers, heads)
    per_head = []
    for layer in range(layers):
        for head in range(heads):
            entry = {"layer": layer, "head": head}
            entry.update({k: round(float(v[layer, head]), 4) for k, v in scores.items()})
            names = [n["name"] for n in named if n["layer"] == layer and n["head"] == head]
            entry["name"] = names[0] if names else None
            per_head.append(entry)

    prev_best = max(per_head, key=lambda h: h["previous_token"])
    ind_best = max(per_head, key=lambda h: h["induction"])
    criteria = {
        "previous_token_head": prev_best["previous_token"] >= 0.5,
        "induction_head": ind_best["induction_argmax_fraction"] >= 0.5,
        "predicts_the_repeat": repeat_accuracy["second_copy"] > 0.5 > repeat_accuracy["first_copy"],
    }
    samples = {prompt: greedy(model, tokenizer, prompt) for prompt in PROMPTS}
    training = json.loads((OUT / "training.json").read_text())
    result = {
        "model": NAME,
        "training_seed": TRAIN_SEED,
        "evaluation_seed": EVAL_SEED,
        "held_out": {
            "stories": HELD_OUT_STORIES,
            "story_tokens": sum(len(tokenizer.encode(t).ids) for t in texts),
            "repeated_sequences": REPEATS,
            "repeat_length": REPEAT_LENGTH,
            "layout": "<|endoftext|> r_0..r_{L-1} r_0..r_{L-1}, r distinct random ids (any but <|endoftext|>)",
        },
        "accuracy": {
            "stories_next_token_top1": round(story_accuracy, 4),
            "repeat_first_copy_top1": round(repeat_accuracy["first_copy"], 4),
            "repeat_second_copy_top1": round(repeat_accuracy["second_copy"], 4),
            "chance": round(1 / (tokenizer.get_vocab_size() - 1), 5),
        },
        "best": {
            "previous_token": {"layer": prev_best["layer"], "head": prev_best["head"],
                               "score": prev_best["previous_token"]},
            "induction": {"layer": ind_best["layer"], "head": ind_best["head"],
                          "score": ind_best["induction"],
                          "argmax_fraction": ind_best["induction_argmax_fraction"]},
        },
        "criteria": criteria,
        "name_threshold": NAME_THRESHOLD,
        "heads": per_head,
        "greedy_samples": samples,
        "weights_sha256": sha256(OUT / "model.safetensors"),
        "versions": versions(),
    }
    write_json(OUT / "eval.json", result, indent=1)
    write_json(OUT / "heads.json", {"model": NAME, "source": "eval.json", "heads": named}, indent=1)
    fixture(model, tokenizer, end)
    write_card(result, named, training)

    print(f"stories: next-token top-1 {story_accuracy:.3f}; repeats: first copy "
          f"{repeat_accuracy['first_copy']:.3f}, second copy {repeat_accuracy['second_copy']:.3f}")
    for h in per_head:
        print(f"  L{h['layer']} H{h['head']}: prev {h['previous_token']:.3f}  first {h['first_token']:.3f}  "
              f"current {h['current_token']:.3f}  dup {h['duplicate_token']:.3f}  "
              f"induction {h['induction']:.3f} (argmax {h['induction_argmax_fraction']:.3f})  -> {h['name']}")
    for prompt, text in samples.items():
        print(f"  {prompt!r} -> {text!r}")
    print(f"wrote {relative(OUT / 'eval.json')}, heads.json, README.md and {relative(FIXTURE)}")
    if not all(criteria.values()):
        sys.exit(f"criteria not met: {criteria}")


def echo_span(schedule):
    """Which steps see echo batches, in words, from the training schedule."""
    spans, start = [], 0.0
    for phase in schedule:
        if "echo" in phase["kinds"]:
            spans.append(f"from {100 * start:.0f}% to {100 * phase['until_fraction']:.0f}% of the steps")
        start = phase["until_fraction"]
    return ", ".join(spans) or "not used"


def write_card(result, named, training):
    arch = training["architecture"]
    acc = result["accuracy"]
    size = (OUT / "model.safetensors").stat().st_size
    lines = [
        f"# {NAME}",
        "",
        "A small GPT-2-layout decoder trained by this project so that its attention heads show",
        "patterns a lesson can point to: a **previous-token head** in the first layer and an",
        "**induction head** in the second, found and named by measurement (`heads.json`).",
        "",
        "## Files",
        "",
        f"- `config.json`, `model.safetensors` (F32, {size / 1e6:.2f} MB, {arch['parameters']:,} "
        "parameters, tensors named `transformer.…`, output matrix tied to the token embedding), "
        "`tokenizer.json` (byte-level BPE like GPT-2's, trained on the stories): the ordinary "
        "Hugging Face layout, `model_type: gpt2`.",
        "- `training.json`: the training run (seed, settings, loss every 100 steps, time, SHA-256 "
        "of the weights).",
        "- `eval.json`: every head's scores on held-out data, the accuracies, the seeds.",
        "- `heads.json`: the named heads, with a one-line description each.",
        "",
        "## Rebuild",
        "",
        "```sh",
        "bash training/run.sh decoder          # train (training/train_decoder.py), then evaluate",
        "bash training/run.sh decoder-check    # train again elsewhere and compare the weights",
        "```",
        "",
        f"Training seed {result['training_seed']}, evaluation seed {result['evaluation_seed']}; one "
        f"thread; {training['steps']} steps ({training['tokens_seen']:,} tokens) in "
        f"{training['seconds']:.0f} s on a shared two-core machine. Final losses: stories "
        f"{training['loss_log'][-1].get('story_loss', float('nan')):.3f}, repeats (second copy) "
        f"{training['loss_log'][-1].get('repeat_loss', float('nan')):.3f}.",
        "",
        "## Model",
        "",
        f"GPT-2 architecture: {arch['layers']} layers × {arch['heads']} heads, d_model "
        f"{arch['d_model']}, context {arch['context']}, vocabulary {arch['vocab_size']} "
        "(`<|endoftext|>` is id 0), `gelu_new`, no dropout. AdamW (peak learning rate "
        f"{training['optimiser']['peak_lr']}, {training['optimiser']['warmup']} warm-up steps, "
        "cosine decay), gradients clipped at 1.",
        "",
        "## Data (generated, `training/decoder_data.py`)",
        "",
        "- **Stories**: short paragraphs from a small English grammar (names, adjectives, nouns, "
        f"places, a few verb forms); {100 * training['data']['list_share']:.0f}% of the sentences "
        "are runs of days, months, number words, numbers or letters. Each story has one ordinary "
        "name and one invented name of random syllables, which recur: copying a name seen before "
        "is induction in ordinary text. Trained in windows of 129 ids, loss at every position.",
        "- **Repeated random sequences**: `<|endoftext|>`, then L distinct random token ids, then "
        f"the same ids again, L from {training['data']['repeat_lengths'][0]} to "
        f"{training['data']['repeat_lengths'][1]} at first and up to "
        f"{training['data']['repeat_lengths'][2]} by the end; each sequence starts at a random "
        "position (position ids), so short sequences train every position. Loss on the second "
        "copy only (the first is random).",
        f"- **Echoes** ({echo_span(training['data']['schedule'])}): triples (x, y, x) of random "
        "ids, loss on the second x only, which needs exactly the token before the current one: "
        "they sharpen the previous-token heads.",
        "- Turn order of the steps: " + "; then ".join(
            ", ".join(phase["kinds"]) + f" (until {100 * phase['until_fraction']:.0f}% of the steps)"
            for phase in training["data"]["schedule"]) + ".",
        "",
        "## Measured heads (held-out data)",
        "",
        f"{result['held_out']['stories']} new stories ({result['held_out']['story_tokens']:,} "
        f"tokens) and {result['held_out']['repeated_sequences']} new repeated sequences of "
        f"{result['held_out']['repeat_length']} random ids, from the evaluation seed. Scores are "
        "mean attention weights (definitions in `training/evaluate_decoder.py`); a head is named "
        f"after its best pattern when that score is at least {NAME_THRESHOLD}.",
        "",
        "| layer | head | previous token | first token | current token | duplicate token | induction | induction top-key share | name |",
        "| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |",
    ]
    for h in result["heads"]:
        lines.append(f"| {h['layer']} | {h['head']} | {h['previous_token']:.3f} | {h['first_token']:.3f} | "
                     f"{h['current_token']:.3f} | {h['duplicate_token']:.3f} | {h['induction']:.3f} | "
                     f"{h['induction_argmax_fraction']:.3f} | {h['name'] or '—'} |")
    lines += [
        "",
        "Named heads:",
        "",
    ]
    for n in named:
        lines.append(f"- layer {n['layer']}, head {n['head']} — **{n['name']}** ({n['score']:.2f}): "
                     f"{n['description']}")
    lines += [
        "",
        "## Criteria",
        "",
        "| criterion | measured | met |",
        "| --- | --- | --- |",
        f"| a previous-token head: mean weight on the previous token ≥ 0.5 on held-out stories | "
        f"best {result['best']['previous_token']['score']:.3f} (layer {result['best']['previous_token']['layer']}, "
        f"head {result['best']['previous_token']['head']}) | {'yes' if result['criteria']['previous_token_head'] else 'no'} |",
        f"| an induction head: the induction target is the top key at ≥ 50% of second-copy queries | "
        f"best {result['best']['induction']['argmax_fraction']:.3f} (layer {result['best']['induction']['layer']}, "
        f"head {result['best']['induction']['head']}) | {'yes' if result['criteria']['induction_head'] else 'no'} |",
        f"| the model predicts the repeat: top-1 accuracy > 0.5 on the second copy, < 0.5 on the first | "
        f"{acc['repeat_second_copy_top1']:.3f} vs {acc['repeat_first_copy_top1']:.3f} | "
        f"{'yes' if result['criteria']['predicts_the_repeat'] else 'no'} |",
        "",
        "## Accuracy",
        "",
        "| | top-1 next-token accuracy |",
        "| --- | ---: |",
        f"| held-out stories | {acc['stories_next_token_top1']:.3f} |",
        f"| repeated sequences, first copy (unpredictable; chance {acc['chance']:.4f}) | {acc['repeat_first_copy_top1']:.3f} |",
        f"| repeated sequences, second copy (the repeat) | {acc['repeat_second_copy_top1']:.3f} |",
        "",
        "Greedy continuations (12 tokens):",
        "",
    ]
    for prompt, text in result["greedy_samples"].items():
        lines.append(f"- `{prompt}` → `{text}`")
    lines += [
        "",
        "## Reproducibility",
        "",
        "Training uses fixed seeds for the data, the tokenizer and the initial weights, one "
        "thread and deterministic algorithms, so the same seed gives the same bytes. "
        "`bash training/run.sh decoder-check` trains again in a temporary folder and compares the "
        "SHA-256 of `model.safetensors` and the bytes of `tokenizer.json` with the committed ones. "
        f"SHA-256 of `model.safetensors`: `{result['weights_sha256']}`.",
        "",
        f"Made with torch {result['versions']['torch']}, transformers {result['versions']['transformers']}, "
        f"tokenizers {result['versions']['tokenizers']}. Another version of torch may round "
        "differently and give other bytes (and slightly other numbers).",
        "",
        "## Limits",
        "",
        "A teaching model: it knows only the stories' small vocabulary and grammar, and text "
        "unlike them gets arbitrary continuations. The reference outputs for an implementation "
        f"to match are in `tests/fixtures/trained/{NAME}.json`.",
    ]
    (OUT / "README.md").write_text("\n".join(lines) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
