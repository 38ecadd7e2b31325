"""The small decoder's data: English-like stories, repeated random token sequences, echoes.

Everything is generated from a seed, so training and evaluation data are reproducible and the
evaluation's held-out data (another seed) is drawn independently of the training stream.

Stories are short paragraphs built from a small grammar (its words, sentence templates and lists
are in decoder_grammar.json). Each one has two characters, one with an ordinary name and one
with an invented name made of random syllables (several tokens long), who come back in later
sentences: copying a name seen earlier is what an induction head does in ordinary text. A share
of the sentences are runs of days, months, numbers or letters, whose next item follows from the
one before it.

Repeated sequences are the classic induction task: `<|endoftext|>`, then L random token ids,
then the same L ids again. The first copy cannot be predicted; the second can, by looking up
where the current token appeared before and reading the token that followed it.

Echoes are triples (x, y, x) of random ids: predicting the second x needs exactly the token
before the current one, which a single first-layer head can fetch.
"""

import json
import random
from pathlib import Path

# The grammar's words, templates and lists, shared with the Rust test of the named heads.
GRAMMAR = json.loads((Path(__file__).resolve().parent / "decoder_grammar.json").read_text())
LISTS = [(kind["items"], kind["wrap"]) for kind in GRAMMAR["lists"]]
LIST_SHARE = GRAMMAR["list_share"]


def invented_name(rng):
    low, high = GRAMMAR["syllables_per_invented_name"]
    name = "".join(rng.choice(GRAMMAR["syllables"]) for _ in range(rng.randint(low, high)))
    return name.capitalize()


def sentence(rng, a, b):
    """One sentence about the characters a and b."""
    g = GRAMMAR
    fields = {"adj": rng.choice(g["adjectives"]), "adj2": rng.choice(g["adjectives"]),
              "noun": rng.choice(g["nouns"]), "noun2": rng.choice(g["nouns"]),
              "place": rng.choice(g["places"]), "prep": rng.choice(g["prepositions"]),
              "verb": rng.choice(g["verbs"]), "rest": rng.choice(g["intransitive"])}
    fields["x"], fields["y"] = (a, b) if rng.random() < 0.5 else (b, a)
    fields["time"] = rng.choice(g["times"])
    return rng.choice(g["templates"]).format(**fields)


def list_sentence(rng):
    """A run of days, months, number words, digits or letters, in order, from a random start.
    Each item follows from the one before it, so these reward looking one token back."""
    items, wrap = LISTS[rng.randrange(len(LISTS))]
    count = rng.randint(*GRAMMAR["list_length"])
    if wrap:
        start = rng.randrange(len(items))
        run = [items[(start + i) % len(items)] for i in range(count)]
    else:
        count = min(count, len(items))
        start = rng.randrange(len(items) - count + 1)
        run = items[start:start + count]
    return ", ".join(run) + "."


def story(rng):
    """A paragraph of 3–7 sentences about two characters."""
    a, b = rng.choice(GRAMMAR["names"]), invented_name(rng)
    if rng.random() < 0.5:
        a, b = b, a
    parts = []
    for _ in range(rng.randint(*GRAMMAR["sentences_per_story"])):
        parts.append(list_sentence(rng) if rng.random() < LIST_SHARE else sentence(rng, a, b))
    return " ".join(parts)


def stories(seed, count):
    rng = random.Random(seed)
    return [story(rng) for _ in range(count)]


def repeated_sequence(rng, token_ids, length):
    """`length` distinct random ids from `token_ids`, twice."""
    first = rng.sample(token_ids, length)
    return first + first


class StoryStream:
    """Windows of `size` ids cut from stories packed end to end, each story followed by
    `<|endoftext|>`."""

    def __init__(self, tokenizer, seed, end_of_text, pool=20000):
        self.rng = random.Random(seed)
        self.stories = [tokenizer.encode(t).ids + [end_of_text] for t in stories(seed + 1, pool)]
        self.buffer = []

    def window(self, size):
        while len(self.buffer) < size:
            self.buffer.extend(self.rng.choice(self.stories))
        out, self.buffer = self.buffer[:size], self.buffer[size:]
        return out

    def batch(self, batch_size, size):
        return [self.window(size) for _ in range(batch_size)]


def repeat_batch(rng, token_ids, end_of_text, batch_size, length, context):
    """`batch_size` sequences `<|endoftext|> r r` of `length` random ids each, and for each a
    random first position so that the sequence fits in `context` positions: short sequences
    placed anywhere train every position without distracting tokens around them."""
    size = 1 + 2 * length
    rows = [[end_of_text] + repeated_sequence(rng, token_ids, length) for _ in range(batch_size)]
    starts = [rng.randint(0, context - size) for _ in range(batch_size)]
    return rows, starts


def echo_batch(rng, token_ids, end_of_text, batch_size, triples, context):
    """`batch_size` sequences `<|endoftext|> a b a c d c …` of `triples` random triples
    (x, y, x): the third of each triple is the token two back, i.e. the one just before the
    current token. Only those predictions count, and no earlier-context statistic helps, so a
    first-layer head learns to look at the previous token. Random first positions as above."""
    size = 1 + 3 * triples
    rows = []
    for _ in range(batch_size):
        row = [end_of_text]
        for _ in range(triples):
            x, y = rng.sample(token_ids, 2)
            row += [x, y, x]
        rows.append(row)
    starts = [rng.randint(0, context - size) for _ in range(batch_size)]
    return rows, starts
