"""Write tests/fixtures/trained/grammar-alignment.json: held-out grammar sentences for the
crosswise alignment test (tests/seq2seq_alignment.rs).

The sentences are the evaluation's own: its test split (seed EVAL_SEED, disjoint from training by
a hash of the English sentence) and, of those, the ones its alignment checks measure; this
fixture keeps SENTENCES of them spread evenly, among those of at most MAX_WORDS English words
(so that the test runs in seconds in a debug build) with at least one adjective that French
puts after its noun ("the black cat" → "le chat noir"). For each: the English words, the
reference French tokens and text, and every noun–adjective pair with its positions in both
(word indices; the source's <eos> comes after the last word, the target's after the last token)
and whether French puts the adjective before or after the noun. No weights are read.

    bash training/run.sh grammar-alignment
"""

import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import evaluate_translation  # noqa: E402

SENTENCES = 50
MAX_WORDS = 13
OUT = evaluate_translation.FIXTURE_DIR / "grammar-alignment.json"


def main():
    picks = evaluate_translation.grammar_alignment_inputs(evaluate_translation.test_set("grammar"))
    crossing = [ex for ex in picks
                if len(ex["source_tokens"]) <= MAX_WORDS and any(m["order"] == "after" for m in ex["marks"])]
    chosen = crossing[:: max(1, len(crossing) // SENTENCES)][:SENTENCES]
    doc = {
        "evaluation_seed": evaluate_translation.EVAL_SEED,
        "sentences": [{
            "source": ex["source"],
            "source_words": ex["source_tokens"],
            "target": ex["target"],
            "target_tokens": ex["target_tokens"],
            "pairs": [{"order": m["order"], "en_adjective": m["en_adj"], "en_noun": m["en_noun"],
                       "fr_adjective": m["fr_adj"], "fr_noun": m["fr_noun"]} for m in ex["marks"]],
        } for ex in chosen],
    }
    lines = [json.dumps(s, ensure_ascii=False) for s in doc["sentences"]]
    OUT.write_text(f'{{"evaluation_seed": {doc["evaluation_seed"]}, "sentences": [\n' + ",\n".join(lines) + "\n]}\n",
                   encoding="utf-8")
    pairs = sum(1 for s in doc["sentences"] for p in s["pairs"] if p["order"] == "after")
    print(f"{OUT.relative_to(evaluate_translation.ROOT)}: {len(chosen)} sentences, {pairs} crossing pairs")


if __name__ == "__main__":
    main()
