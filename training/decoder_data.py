"""The small decoder's data: English-like stories, repeated random token sequences, echoes.

Everything is generated from a seed, so training and evaluation data are reproducible and the
evaluation's held-out data (another seed) is drawn independently of the training stream.

Stories are short paragraphs built from a small grammar. Each one has two characters, one
with an ordinary name and one with an invented name made of random syllables (several tokens
long), who come back in later sentences: copying a name seen earlier is what an induction head
does in ordinary text. A share of the sentences are runs of days, months, numbers or letters,
whose next item follows from the one before it.

Repeated sequences are the classic induction task: `<|endoftext|>`, then L random token ids,
then the same L ids again. The first copy cannot be predicted; the second can, by looking up
where the current token appeared before and reading the token that followed it.

Echoes are triples (x, y, x) of random ids: predicting the second x needs exactly the token
before the current one, which a single first-layer head can fetch.
"""

import random

NAMES = ["Anna", "Ben", "Carla", "David", "Emma", "Felix", "Grace", "Hugo", "Iris", "Jack",
         "Lena", "Max", "Nora", "Omar", "Paula", "Sam", "Tara", "Victor", "Wendy", "Yusuf"]
SYLLABLES = ["ka", "zo", "mi", "ru", "te", "vo", "la", "shi", "nu", "pe", "dra", "go", "fi",
             "xa", "bel", "tor", "qui", "mo", "sa", "ren", "ul", "bri", "ko", "yas"]
ADJECTIVES = ["small", "big", "red", "blue", "green", "old", "young", "happy", "sad", "quiet",
              "loud", "bright", "dark", "warm", "cold", "tired", "clever", "brave", "kind",
              "tall", "short", "new", "yellow", "soft"]
NOUNS = ["cat", "dog", "bird", "fox", "horse", "fish", "book", "ball", "box", "cup", "apple",
         "tree", "flower", "boat", "car", "house", "key", "letter", "hat", "song", "cake",
         "lamp", "chair", "river", "kite", "coin", "map", "robot", "teacher", "farmer"]
PLACES = ["park", "garden", "kitchen", "school", "market", "forest", "beach", "library",
          "station", "village", "city", "hill", "lake", "shop", "room", "bridge"]
VERBS = ["saw", "found", "took", "liked", "painted", "carried", "watched", "opened", "helped",
         "followed", "washed", "lost", "kept", "made", "brought", "heard"]
INTRANSITIVE = ["slept", "laughed", "waited", "sang", "ran", "smiled", "danced", "listened",
                "worked", "played", "rested", "cried"]
PREPOSITIONS = ["in", "near", "behind", "under", "next to", "outside", "inside", "across"]
TIMES = ["In the morning", "At noon", "Later", "That evening", "The next day", "After lunch",
         "On Monday", "Before dinner", "One day", "Soon"]
DAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
NUMBERS = ["one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten"]


LIST_SHARE = 0.4


def invented_name(rng):
    name = "".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 3)))
    return name.capitalize()


def sentence(rng, a, b):
    """One sentence about the characters a and b."""
    adj, adj2 = rng.choice(ADJECTIVES), rng.choice(ADJECTIVES)
    noun, noun2 = rng.choice(NOUNS), rng.choice(NOUNS)
    place, prep = rng.choice(PLACES), rng.choice(PREPOSITIONS)
    verb, rest = rng.choice(VERBS), rng.choice(INTRANSITIVE)
    x, y = (a, b) if rng.random() < 0.5 else (b, a)
    templates = [
        f"{x} {verb} a {adj} {noun} {prep} the {place}.",
        f"The {adj} {noun} {verb} the {noun2}.",
        f"{x} gave the {noun} to {y}.",
        f"Then {x} went to the {place} with {y}.",
        f"The {noun} was {adj} and {adj2}.",
        f"{rng.choice(TIMES)}, {x} {rest} {prep} the {place}.",
        f"Where is the {noun}? It is {prep} the {place}.",
        f"{x} said, \"I like the {adj} {noun}.\"",
        f"{x} and {y} {rest} in the {place}.",
        f"{y} asked {x} about the {noun}, and {x} {verb} it.",
        f"{x} has a {adj} {noun} and {y} has a {adj2} {noun2}.",
    ]
    return rng.choice(templates)


NUMBER_WORDS = NUMBERS + ["eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen",
                          "seventeen", "eighteen", "nineteen", "twenty"]
LETTERS = [chr(c) for c in range(ord("A"), ord("Z") + 1)]
MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August",
          "September", "October", "November", "December"]


def list_sentence(rng):
    """A run of days, months, number words, digits or letters, in order, from a random start.
    Each item follows from the one before it, so these reward looking one token back."""
    kind = rng.randrange(5)
    if kind == 0:
        items, wrap = DAYS, True
    elif kind == 1:
        items, wrap = MONTHS, True
    elif kind == 2:
        items, wrap = NUMBER_WORDS, False
    elif kind == 3:
        items, wrap = [str(n) for n in range(1, 41)], False
    else:
        items, wrap = LETTERS, False
    count = rng.randint(3, 12)
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
    a, b = rng.choice(NAMES), invented_name(rng)
    if rng.random() < 0.5:
        a, b = b, a
    parts = []
    for _ in range(rng.randint(3, 7)):
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
