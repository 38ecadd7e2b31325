#!/usr/bin/env python3
"""Reference attention flow (Abnar & Zuidema 2020) for the core's `flow`, computed with networkx.

Run from the repository root (or through `bash training/run.sh flow-fixtures`):

    python training/make_flow_fixtures.py

Reads attention maps that transformers computed, already committed: the tiny BERT's three texts
(tests/fixtures/model/tiny-bert/expected.json), the random tiny ViT's five pictures
(tests/fixtures/vision/tiny-vit/expected.json) and the trained digits-vit's pictures that keep
their maps (tests/fixtures/trained/digits-vit.json). For each, per layer l: the heads' mean A_l,
then (A_l + I) / 2 as the capacities of the edges from every token after layer l to every token
after layer l - 1; the flow of input token j into token i after layer l is networkx's maximum
flow (Edmonds-Karp) from (l, i) to (0, j), each row divided by its sum. Writes
tests/fixtures/vision/flow.json: per case its model, its text or picture, and the flow
[layer][query][key].
"""

import json
import sys
from pathlib import Path

import networkx as nx
import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))

from decoder_common import ROOT, rounded, write_json  # noqa: E402

FIXTURES = ROOT / "tests" / "fixtures"


def flow(attentions):
    """Attention flow after each layer from [layer][head][query][key]: [layer][query][key]."""
    layers = [0.5 * np.asarray(layer, dtype=np.float64).mean(axis=0) + 0.5 * np.eye(len(layer[0])) for layer in attentions]
    t = layers[0].shape[0]
    graph = nx.DiGraph()
    for l, a in enumerate(layers, start=1):
        for i in range(t):
            for j in range(t):
                if a[i, j] > 0:
                    graph.add_edge((l, i), (l - 1, j), capacity=float(a[i, j]))
    out = []
    for l in range(1, len(layers) + 1):
        rows = []
        for i in range(t):
            values = np.array([nx.maximum_flow_value(graph, (l, i), (0, j), flow_func=nx.algorithms.flow.edmonds_karp)
                               for j in range(t)])
            rows.append(values / values.sum())
        out.append(np.array(rows))
    return out


def main():
    cases = []
    bert = json.loads((FIXTURES / "model" / "tiny-bert" / "expected.json").read_text())
    for c in bert["cases"]:
        cases.append({"model": "tiny-bert", "text": c["text"], "flow": rounded([f.tolist() for f in flow(c["attentions"])])})
    vit = json.loads((FIXTURES / "vision" / "tiny-vit" / "expected.json").read_text())
    for name, p in vit["images"].items():
        cases.append({"model": "tiny-vit", "picture": name, "width": p["width"], "height": p["height"], "rgba": p["rgba"],
                      "flow": rounded([f.tolist() for f in flow(p["attentions"])])})
    digits = json.loads((FIXTURES / "trained" / "digits-vit.json").read_text())
    for p in digits["pictures"]:
        if "attentions" in p:
            cases.append({"model": "digits-vit", "picture": p["name"], "width": p["width"], "height": p["height"], "rgba": p["rgba"],
                          "flow": rounded([f.tolist() for f in flow(p["attentions"])])})
    write_json(FIXTURES / "vision" / "flow.json", {"cases": cases})
    print(f"attention flow: {len(cases)} cases")


if __name__ == "__main__":
    main()
