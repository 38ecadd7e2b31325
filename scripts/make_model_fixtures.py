#!/usr/bin/env python3
"""Writes the reference fixtures of the pretrained-model tests into tests/fixtures/model/.

Needs torch, transformers and tokenizers (the Hugging Face reference implementation); the tests
that read the fixtures do not. Run from the repository root:

    python3 scripts/make_model_fixtures.py models/all-MiniLM-L6-v2

Writes
  tokenizer_corpus.json   >= 200 varied strings with the tokens, ids and UTF-16 offsets that the
                          model's tokenizer.json gives (truncation and padding off)
  minilm.json             for a few sentences: tokens, ids, offsets, every attention map
                          [layer][head][query][key] and the pooled sentence embedding, computed by
                          transformers with eager attention
  tiny-*/                 randomly initialised small encoders (config.json, vocab.txt,
                          model.safetensors in F32, F16 or BF16) and expected.json with the
                          same outputs, for architectures and sizes the default model does not cover
"""

import json
import random
import sys
from pathlib import Path

import torch
from safetensors.torch import save_file
from tokenizers import BertWordPieceTokenizer, Tokenizer
from transformers import (BertConfig, BertForMaskedLM, BertModel, DistilBertConfig,
                          DistilBertModel)

OUT = Path("tests/fixtures/model")
DIGITS = 7

SENTENCES = [
    "The animal didn't cross the street because it was too tired.",
    "Attention is all you need.",
    "Café naïve résumé — déjà vu!",
    "東京は日本の首都です。",
    "I ❤️ transformers 🤖, don't you?",
    "The quick brown fox jumps over the lazy dog; then it sleeps.",
    "unbelievably antidisestablishmentarianism",
    "x = [MASK] + 42 * y (see https://example.org/a?b=c)",
]

TINY_SENTENCES = [
    "the cat sat on the mat.",
    "a dog, a bird and the sea!",
    "unknown words like zyzzyva € 42 stay",
]


def utf16_offsets(text, offsets):
    """Code-point offsets (as Python gives them) to UTF-16 code-unit offsets."""
    prefix = [0]
    for ch in text:
        prefix.append(prefix[-1] + (2 if ord(ch) > 0xFFFF else 1))
    return [[prefix[a], prefix[b]] for a, b in offsets]


def rounded(values):
    if isinstance(values, list):
        return [rounded(v) for v in values]
    return float(f"{values:.{DIGITS}g}")


def encoding_record(tokenizer, text):
    enc = tokenizer.encode(text)
    return {
        "text": text,
        "tokens": enc.tokens,
        "ids": enc.ids,
        "offsets": utf16_offsets(text, enc.offsets),
    }


def run_reference(model, ids):
    with torch.no_grad():
        out = model(input_ids=torch.tensor([ids]), output_attentions=True)
    hidden = out.last_hidden_state[0]
    pooled = torch.nn.functional.normalize(hidden.mean(dim=0), p=2, dim=0)
    attentions = torch.stack([a[0] for a in out.attentions])  # [layer][head][query][key]
    return rounded(attentions.tolist()), rounded(pooled.tolist())


def load_tokenizer(path):
    tokenizer = Tokenizer.from_file(str(path))
    tokenizer.no_truncation()
    tokenizer.no_padding()
    return tokenizer


# ── (c) the tokenizer corpus ─────────────────────────────────────────────────────────────────

HANDWRITTEN = [
    "", " ", "\t\n\r", "Hello, world!", "HELLO World", "don't stop-believing...",
    "Ünïcödé àccénts: crème brûlée, São Paulo, Zürich, Ångström, Øresund",
    "Straße groß ß ẞ", "İstanbul ıi", "ΟΔΟΣ Σίσυφος ς", "Привет, мир! ЁЖИК",
    "中文分词测试：你好，世界。", "日本語のテキストとカタカナ、ひらがな", "한국어 텍스트 입니다",
    "Emoji 😀😃😄 👍🏽 👨‍👩‍👧‍👦 🇫🇷 ❤️ 🥲 🫠", "Combining: e\u0301 a\u0308 o\u0303 n\u0303 i\u0307",
    "Zalgo t\u0337\u0321e\u0334x\u0335t\u0336", "RTL: שלום עולם, مرحبا بالعالم، ١٢٣",
    "mixed עברית and English", "Control\u0000chars\u0001here\u007f\u0085and\u200bzero\u200dwidth\ufeffbom",
    "tab\tnew\nline\rreturn\u000bvtab\u000cff", "nbsp\u00a0thin\u2009ideo\u3000space\u2028line",
    "a" * 99, "b" * 100, "c" * 101, "pneumonoultramicroscopicsilicovolcanoconiosis",
    "supercalifragilisticexpialidocious " * 3, "x" * 250 + " short",
    "Punctuation!?.,;:'\"()[]{}<>@#$%^&*-_=+\\|/~`", "«quotes» „German“ ‘single’ “double” ‹›",
    "dashes – — ‒ ― and ellipsis … and bullets • ·", "¿Qué? ¡Olé! 「括弧」『二重』【隅付き】",
    "Numbers 3.14159 1,000,000 -42 +7 1e-10 0x1F 007 ½ ¾ ² ³ ①②", "Dates 2024-01-31 12:30:00Z 31/12/1999",
    "Money $100 €50 £20 ¥1000 ₹500 ₿0.5", "Math ∑ ∫ √ ∞ ≤ ≥ ≠ ± × ÷ π θ",
    "URL https://www.example.com/path?query=value&x=1#frag", "email someone@example.org, @handle #hashtag",
    "code: fn main() { println!(\"hi\"); } // comment", "def f(x): return x**2 if x > 0 else -x",
    "SELECT * FROM table WHERE id = 1;", "<div class=\"a\">html &amp; entities</div>",
    "snake_case camelCase PascalCase kebab-case SCREAMING_CASE", "path/to/file.txt C:\\Windows\\System32",
    "[CLS] [SEP] [MASK] [PAD] [UNK] literal special tokens", "[cls] lowercase [mask] not special",
    "a[MASK]b[SEP]c", "[MASK][MASK] [ MASK ]", "The [UNK] token and ##suffix", "##ing ## #",
    "Ligatures ﬁ ﬂ ﬀ and fullwidth ＡＢＣ１２３", "Superscript x² subscript H₂O ™ © ®",
    "Greek αβγδε and Coptic ⲁⲃⲅ", "Thai ภาษาไทย Lao ພາສາລາວ", "Devanagari नमस्ते दुनिया",
    "Tamil வணக்கம் Bengali হ্যালো", "Armenian Բարեւ Georgian გამარჯობა", "Amharic ሰላም Cherokee ᏣᎳᎩ",
    "Mongolian ᠮᠣᠩᠭᠣᠯ Tibetan བོད་ཡིག", "Khmer ភាសាខ្មែរ Myanmar မြန်မာ",
    "Private use \ue000\uf8ff and surrogate-free \U0010fffd", "Replacement char \ufffd here",
    "Unassigned \u0378 \U000e0001 tags \U000e0041", "Variation selectors ︎ ️ \U000e0100",
    "Old Italic 𐌀𐌁 Gothic 𐌰𐌱 Cuneiform 𒀀", "Math bold 𝐀𝐁𝐂 𝕏 𝔸", "CJK ext B 𠀀𠀁 compat 﨎 豈",
    "Hangul jamo ᄀᄁ halfwidth ｶﾀｶﾅ", "CJK ext E edges \U0002b81f\U0002b820\U0002b91f\U0002b920\U0002ceaf", "Musical 𝄞 𝄢 cards 🂡 dominos 🀰",
    "   leading and trailing spaces   ", "multiple     internal      spaces",
    "CAPS LOCK IS ON", "MiXeD cAsE wOrDs", "re-entry co-operate e-mail",
    "It's Ο'Brien's café's", "I'm, you're, they've, we'd, she'll", "can't won't shouldn't",
    "U.S.A. e.g. i.e. etc. Mr. Dr.", "9/11 24/7 50% 3:30pm #1 No.5",
    "A sentence with an unusual word: floccinaucinihilipilification.",
    "Transformers use self-attention; BERT is bidirectional.",
    "🙂", "😀" * 20, "é" * 120, "日本" * 30, "a" + "\u0301" * 30,
]


def generated_strings(count, seed=12345):
    rng = random.Random(seed)
    pools = [
        "abcdefghijklmnopqrstuvwxyz", "ABCDEFGHIJKLMNOPQRSTUVWXYZ", "0123456789",
        " \t\n", ".,;:!?'\"()[]{}-_/\\@#$%^&*+=<>|~`", "àáâãäåçèéêëìíîïñòóôõöùúûüýÿÀÉÎÕÜ",
        "αβγδεζηθικλμνξοπρστυφχψωΑΒΓΔ", "абвгдежзийклмнопрстуфхцчшщъыьэюяАБВ",
        "的一是不了人我在有他这中大来上国个到说们为子和你地出道也时年", "あいうえおかきくけこアイウエオ",
        "가나다라마바사아자차카타파하", "😀😂🥰😎🤔👍🙏🔥✨🎉🌍🚀🍕⚽",
        "\u0300\u0301\u0302\u0303\u0308\u0327", "\u200b\u200c\u200d\u2060\ufeff\u00ad",
        "שלוםעולםمرحبابالعالم", "€£¥₹©®™°±×÷∞≈≠≤≥", "ﬁﬂＡＢＣ１２３①②",
    ]
    words = ["the", "attention", "model", "token", "embedding", "playing", "unhappiness",
             "transformer", "query", "keys", "values", "softmax", "layer", "head"]
    out = []
    for _ in range(count):
        parts = []
        for _ in range(rng.randint(1, 12)):
            if rng.random() < 0.4:
                word = rng.choice(words)
                parts.append(word.upper() if rng.random() < 0.2 else word)
            else:
                pool = rng.choice(pools)
                parts.append("".join(rng.choice(pool) for _ in range(rng.randint(1, 8))))
            parts.append(rng.choice([" ", " ", "", "\n", ", "]))
        out.append("".join(parts))
    return out


def make_corpus(model_dir):
    tokenizer = load_tokenizer(model_dir / "tokenizer.json")
    corpus = HANDWRITTEN + SENTENCES + generated_strings(150)
    records = [encoding_record(tokenizer, text) for text in corpus]
    write_json(OUT / "tokenizer_corpus.json", {"tokenizer": "all-MiniLM-L6-v2", "cases": records})
    return len(records)


# ── (a) the default model ────────────────────────────────────────────────────────────────────

def make_minilm(model_dir):
    tokenizer = load_tokenizer(model_dir / "tokenizer.json")
    model = BertModel.from_pretrained(str(model_dir), attn_implementation="eager").eval()
    cases = []
    for text in SENTENCES:
        record = encoding_record(tokenizer, text)
        record["attentions"], record["pooled"] = run_reference(model, record["ids"])
        cases.append(record)
    write_json(OUT / "minilm.json", {"model": "all-MiniLM-L6-v2", "cases": cases})


# ── (b) tiny random encoders ─────────────────────────────────────────────────────────────────

def tiny_vocab(model_dir):
    """The special tokens, every single character the tiny sentences need (plain and ##), and a
    few whole words and pieces, taken from the default model's vocabulary."""
    full = [line.rstrip("\n") for line in open(model_dir / "vocab.txt", encoding="utf-8")]
    keep = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]
    letters = "abcdefghijklmnopqrstuvwxyz"
    keep += list(letters) + ["##" + c for c in letters] + list(".,!?'-")
    keep += ["the", "cat", "sat", "on", "mat", "dog", "bird", "and", "sea", "words", "like",
             "stay", "un", "##know", "##n", "a", "##s"]
    seen, vocab = set(), []
    for token in keep:
        if token not in seen and token in full:
            seen.add(token)
            vocab.append(token)
    return vocab


def randomize(model, seed):
    """Large random weights, so attention is far from uniform and errors would show."""
    generator = torch.Generator().manual_seed(seed)
    with torch.no_grad():
        for name, param in model.named_parameters():
            noise = torch.randn(param.shape, generator=generator)
            if "LayerNorm" in name or "layer_norm" in name:
                param.copy_((1.0 if name.endswith("weight") else 0.0) + 0.2 * noise)
            else:
                param.copy_(0.5 * noise)


def round_to(model, dtype):
    """Rounds every weight to `dtype` so the reference computes with what the file stores."""
    with torch.no_grad():
        for param in model.parameters():
            param.copy_(param.to(dtype).to(torch.float32))


TINY = [
    # name, architecture, sizes, stored dtype
    ("tiny-bert", "bert", dict(hidden_size=32, num_hidden_layers=2, num_attention_heads=4,
                               intermediate_size=64, hidden_act="gelu"), torch.float32),
    ("tiny-bert-mlm-f16", "bert-mlm", dict(hidden_size=24, num_hidden_layers=3, num_attention_heads=2,
                                           intermediate_size=40, hidden_act="gelu_new"), torch.float16),
    ("tiny-distilbert-bf16", "distilbert", dict(dim=30, n_layers=2, n_heads=3, hidden_dim=48,
                                                activation="relu"), torch.bfloat16),
]


def make_tiny(model_dir, seed):
    vocab = tiny_vocab(model_dir)
    for offset, (name, kind, sizes, dtype) in enumerate(TINY):
        folder = OUT / name
        folder.mkdir(parents=True, exist_ok=True)
        (folder / "vocab.txt").write_text("\n".join(vocab) + "\n", encoding="utf-8")
        tokenizer = BertWordPieceTokenizer(str(folder / "vocab.txt"), lowercase=True)
        if kind == "distilbert":
            config = DistilBertConfig(vocab_size=len(vocab), max_position_embeddings=40, **sizes)
        else:
            config = BertConfig(vocab_size=len(vocab), max_position_embeddings=40, type_vocab_size=2, **sizes)
        config._attn_implementation = "eager"
        if kind == "distilbert":
            model = encoder = DistilBertModel(config)
        elif kind == "bert-mlm":
            model = BertForMaskedLM(config)
            encoder = model.bert
        else:
            model = encoder = BertModel(config)
        randomize(model, seed + offset)
        round_to(model, dtype)
        model.eval()
        cases = []
        for text in TINY_SENTENCES:
            record = encoding_record(tokenizer, text)
            record["attentions"], record["pooled"] = run_reference(encoder, record["ids"])
            cases.append(record)
        # The encoder's tensors only (a masked-LM head ties its decoder to the word embeddings).
        tensors = {k: v.detach().to(dtype).contiguous() for k, v in model.state_dict().items()
                   if v.dtype.is_floating_point and not k.startswith("cls.")}
        save_file(tensors, str(folder / "model.safetensors"), metadata={"format": "pt"})
        saved = json.loads(config.to_json_string())
        saved["architectures"] = [type(model).__name__]
        (folder / "config.json").write_text(json.dumps(saved, indent=2, sort_keys=True) + "\n")
        write_json(folder / "expected.json", {"model": name, "cases": cases})


def write_json(path, value):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(value, ensure_ascii=False, separators=(",", ":")) + "\n", encoding="utf-8")


def main():
    if len(sys.argv) != 2:
        sys.exit("usage: make_model_fixtures.py MODEL_DIR   (e.g. models/all-MiniLM-L6-v2)")
    model_dir = Path(sys.argv[1])
    if not (model_dir / "model.safetensors").is_file():
        sys.exit(f"{model_dir} has no model.safetensors: run scripts/fetch-model.sh first")
    torch.manual_seed(0)
    cases = make_corpus(model_dir)
    make_minilm(model_dir)
    make_tiny(model_dir, seed=7)
    total = sum(p.stat().st_size for p in OUT.rglob("*") if p.is_file())
    print(f"wrote {cases} tokenizer cases, {len(SENTENCES)} MiniLM sentences and {len(TINY)} tiny "
          f"encoders to {OUT} ({total / 1e6:.2f} MB)")


if __name__ == "__main__":
    main()
