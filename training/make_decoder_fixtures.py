#!/usr/bin/env python3
"""Reference fixtures for decoder models (GPT-2, Llama) and byte-level BPE tokenization.

Run from the repository root (or through `bash training/run.sh decoder-fixtures`):

    python training/make_decoder_fixtures.py

Writes into tests/fixtures/decoder/:
  tokenizer.json          a byte-level BPE tokenizer laid out like GPT-2's, trained here on a
                          multilingual text written in this script (vocabulary ~1,000)
  tokenizer_corpus.json   >= 200 strings with the ids, tokens and UTF-16 offsets it gives
  tiny-gpt2/              random GPT-2 (2 layers, 4 heads, d 64, 64 positions), F32
  tiny-gpt2-f16/          the same model rounded to F16 and stored without the `transformer.`
                          prefix (the layout of the original GPT-2 checkpoints)
  tiny-llama/             random Llama (2 layers, 4 query heads, 2 key-value heads, d 64, RoPE
                          theta 500,000, untied output matrix), F32
  tiny-llama-bf16/        the same model rounded to BF16, its config with a top-level `rope_theta`
  */expected.json         transformers' eager outputs: every attention map, top-10 logits, the
                          last hidden state's first numbers, greedy generations
  README.md               what made them: command, seed, library versions, attention statistics

Weights are redrawn much wider than the libraries' default initialisation, so every head's
attention is peaked and an implementation with a wrong detail (scale, mask, RoPE, GQA grouping,
norm) fails the comparison instead of passing on near-uniform weights.
"""

import random
import shutil
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from decoder_common import (END_OF_TEXT, ROOT, WEIGHT_STD, encoding_record, load_tokenizer, one_core,  # noqa: E402
                            relative, rounded, top_k, train_byte_bpe, versions, widen, write_json)

import torch  # noqa: E402
from safetensors.torch import save_file  # noqa: E402
from transformers import GPT2Config, GPT2LMHeadModel, LlamaConfig, LlamaForCausalLM  # noqa: E402

OUT = ROOT / "tests" / "fixtures" / "decoder"
SEED = 1234
VOCAB_SIZE = 1000
ADDED_TOKENS = [("<|pad|>", True), ("<|user|>", False)]
CONTEXT = 64
HIDDEN_NUMBERS = 8
GENERATED = 24
STEPS_RECORDED = 3

# ── the text the fixture tokenizer learns from ───────────────────────────────────────────────

PARAGRAPHS = [
    "The playground shows how attention works. Each token looks back at the tokens before it, "
    "and the weights say how much of each one it takes. Don't worry: it's only a few numbers!",
    "A decoder predicts the next token from the ones it has seen. It can't look ahead, so its "
    "attention is causal: the first token only sees itself, the last one sees everything.",
    "I'll write it down, you'll read it, and we'll all agree that they've done well. She'd say "
    "it's fine; he's sure that we're right.",
    "Numbers: 0 1 2 3 4 5 6 7 8 9 10 42 100 256 1024 2048 65536 3.14159 2.71828 1,000,000 "
    "-17 +23 1e-5 0x7f 2024-05-17 12:30:45.",
    "Le chat dort sur le canapé. L'été dernier, nous sommes allés à la mer. Où est la gare ? "
    "Ça coûte très cher, n'est-ce pas ?",
    "Der schnelle braune Fuchs springt über den faulen Hund. Grüße aus München, Straße 12! "
    "Äpfel, Öl und Übung machen den Meister.",
    "El niño comió una manzana. ¿Dónde está la biblioteca? ¡Qué día tan bonito! "
    "Mañana iremos a la montaña con mi señora.",
    "Привет, как дела? Москва — столица России. Я люблю читать книги и пить чай.",
    "Η γλώσσα είναι όμορφη. Καλημέρα, κόσμε! Ο ήλιος λάμπει πάνω από τη θάλασσα.",
    "東京は日本の首都です。今日はいい天気ですね。私は本を読むのが好きです。",
    "我们今天学习注意力机制。这个模型很小，但是它可以预测下一个词。北京欢迎你！",
    "한국어도 조금 있습니다. 안녕하세요, 만나서 반갑습니다. 서울은 큰 도시입니다.",
    "مرحبا بالعالم. اللغة العربية تكتب من اليمين إلى اليسار. شكرا جزيلا لكم.",
    "שלום עולם. עברית נכתבת מימין לשמאל. תודה רבה!",
    "नमस्ते दुनिया। यह एक छोटा सा वाक्य है। धन्यवाद!",
    "Emoji everywhere 😀 😂 🥰 😎 🤔 👍 👍🏻 👍🏽 👍🏿 🙏 🔥 ✨ 🎉 🌍 🚀 ❤️ 👨‍👩‍👧‍👦 👩‍💻 🏳️‍🌈 🇫🇷 🇯🇵",
    "def attention(q, k, v):\n    scores = q @ k.T / math.sqrt(k.shape[-1])\n"
    "    return softmax(scores) @ v\n",
    "fn main() {\n\tlet x: Vec<u32> = (0..10).collect();\n\tprintln!(\"{:?}\", x);\n}\n",
    "<html><body class=\"page\"><p>Hello &amp; welcome</p></body></html>",
    "Visit https://example.com/docs/attention?lang=en&v=2#heads or mail info@example.org.",
    "Tabs\tseparate\tcolumns\tlike\tthis, and   runs   of   spaces   stay   together.",
    "Combining marks: e\u0301 a\u0308 n\u0303 o\u0302; precomposed: é ä ñ ô. Zalgo: Z\u0335a\u0336l\u0337g\u0338o.",
    "Math: ∑ xᵢ² ≤ ∞, α + β = γ, ∫ f(x) dx, √2 ≈ 1.414, ½ + ¼ = ¾.",
    "Quotes “like this” and ‘this’, «guillemets», „German“ — and an ellipsis…",
]

WORDS = ["attention", "token", "model", "layer", "head", "query", "key", "value", "softmax",
         "weights", "the", "a", "and", "of", "to", "in", "is", "it", "that", "was", "for", "on",
         "with", "as", "at", "by", "this", "from", "they", "we", "say", "her", "she", "or",
         "will", "my", "one", "all", "would", "there", "their", "what", "so", "up", "out", "if",
         "about", "who", "get", "which", "go", "me", "when", "make", "can", "like", "time",
         "just", "him", "know", "take", "people", "into", "year", "your", "good", "some",
         "could", "them", "see", "other", "than", "then", "now", "look", "only", "come", "its",
         "over", "think", "also", "back", "after", "use", "two", "how", "our", "work", "first",
         "well", "way", "even", "new", "want", "because", "any", "these", "give", "day", "most"]


def training_texts(seed):
    """The paragraphs several times over, plus generated sentences of common words."""
    rng = random.Random(seed)
    texts = []
    for _ in range(6):
        texts.extend(PARAGRAPHS)
    for _ in range(600):
        words = [rng.choice(WORDS) for _ in range(rng.randint(4, 14))]
        if rng.random() < 0.3:
            words[0] = words[0].capitalize()
        sentence = " ".join(words) + rng.choice([".", ".", "!", "?", ",", ":"])
        if rng.random() < 0.2:
            sentence += rng.choice(["\n", "\n\n", "\t", "  "])
        texts.append(sentence)
    return texts


# ── the tokenizer corpus ─────────────────────────────────────────────────────────────────────

HANDWRITTEN = [
    "", " ", "  ", "   ", "\t", "\n", "\n\n", "\r\n", " \t \n ", "a", "A", "0", ".",
    "Hello, world!", "Hello world", " Hello world", "Hello world ", "  Hello  world  ",
    "hello   world", "the  quick   brown    fox", "trailing spaces   ", "   leading spaces",
    "don't", "Don't", "DON'T", "I'll", "I'm", "you're", "they've", "we'd", "she's", "it's",
    "can't won't shouldn't", "'s 's' 'll' ''", "rock 'n' roll", "O'Brien's café's",
    "I'M SHOUTING", "Y'all'd've", "don’t (curly apostrophe)",
    "tab\tseparated\tvalues", "\tindented", "\t\tdouble tab", "line one\nline two",
    "para one\n\npara two", "windows\r\nline", "mixed \t\n whitespace", "end with newline\n",
    "space before newline \n next", "spaces then tab  \tx",
    "12345", "3.14159", "1,000,000", "-42 +7", "1e-10", "0x1F", "2024-05-17", "12:30:45",
    "phone 555-0123", "version v1.2.3-beta", "year 1999 and 2000", "7 8 9", "1234567890123",
    "東京は日本の首都です。", "今日はいい天気ですね", "我们今天学习注意力机制。", "北京欢迎你",
    "한국어 텍스트", "カタカナとひらがな", "中文English混合mixed", "日本" * 10,
    "مرحبا بالعالم", "اللغة العربية", "שלום עולם", "עברית and English", "١٢٣ ٤٥٦",
    "नमस्ते दुनिया", "Привет, мир!", "Καλημέρα κόσμε", "Straße Grüße München",
    "¿Dónde está? ¡Olé!", "Ça va? L'été à Noël", "ภาษาไทย", "Tiếng Việt có dấu",
    "e\u0301", "a\u0308o\u0308u\u0308", "n\u0303", "Zalgo Z\u0335a\u0336l\u0337g\u0338o",
    "e" + "\u0301" * 8, "precomposed é vs decomposed e\u0301", "\u0301 leading mark",
    "😀", "😀😀😀", "👍", "👍🏽", "👍🏻👍🏼👍🏽👍🏾👍🏿", "👨‍👩‍👧‍👦", "👩‍💻 codes", "🏳️‍🌈", "🇫🇷🇯🇵",
    "❤️", "❤", "I ❤️ attention 🤖", "emoji 🚀 in 🔥 text ✨", " 😀 leading space emoji",
    "👨🏽‍🚀 astronaut", "🧑‍🤝‍🧑", "#️⃣ 1️⃣", "🫠🥲", "😀 " * 6,
    "https://example.com", "https://example.com/path/to/page?query=1&x=y#frag",
    "http://localhost:8080/index.html", "mailto:someone@example.org", "www.example.org/a_b-c",
    "def f(x):\n    return x * 2\n", "fn main() { println!(\"hi\"); }", "x = [1, 2, 3]",
    "if (a && b || !c) { return; }", "<div class=\"a\">text</div>", "SELECT * FROM t WHERE id = 1;",
    "a->b => c :: d", "snake_case camelCase PascalCase kebab-case", "#include <stdio.h>",
    "// comment\n/* block */", "    four spaces indent", "{\"key\": \"value\", \"n\": 1}",
    "<|endoftext|>", "<|endoftext|><|endoftext|>", "Hello<|endoftext|>world",
    " <|endoftext|> ", "text <|endoftext|>", "<|endoftext|> text", "<|endoftext|",
    "|endoftext|>", "<|ENDOFTEXT|>", "<|pad|>", "a<|pad|>b", "<|user|>", "<|user|> hi",
    "hi <|user|>", "<|user|><|pad|><|endoftext|>", "<|user|>Hello<|endoftext|>",
    "<| user |>", "<|endoftext|>😀<|user|>東京",
    "Punctuation!?.,;:'\"()[]{}<>@#$%^&*-_=+\\|/~`", "...", "!!!???", "---", "a.b.c", "(x)",
    "“quotes” ‘single’ «guillemets»", "em—dash en–dash", "ellipsis…", "€100 £20 ¥500 $5",
    "∑ ∫ √ ∞ ≤ ≥ ≠", "½ ¾ ² ³", "ﬁ ﬂ ligatures", "ＡＢＣ１２３ fullwidth", "\u00a0nbsp\u00a0",
    "zero\u200bwidth", "join\u200dner", "\ufeffbom", "soft\u00adhyphen", "\u3000ideographic space",
    "private \ue000 use", "replacement \ufffd char", "𝐀𝐁𝐂 math bold", "𠀀 ext B", "𝄞 music",
    "The animal didn't cross the street because it was too tired.",
    "Attention is all you need.", "A decoder predicts the next token.",
    "supercalifragilisticexpialidocious", "pneumonoultramicroscopicsilicovolcanoconiosis",
    "a" * 60, "ab" * 30, "aaaa bbbb aaaa bbbb", "The the THE tHe",
]


def generated_strings(count, seed):
    rng = random.Random(seed)
    pools = [
        "abcdefghijklmnopqrstuvwxyz", "ABCDEFGHIJKLMNOPQRSTUVWXYZ", "0123456789", " \t\n",
        ".,;:!?'\"()[]{}-_/\\@#$%^&*+=<>|~`", "àáâãäåçèéêëìíîïñòóôõöùúûüýÿÀÉÎÕÜ",
        "αβγδεζηθικλμνξοπρστυφχψω", "абвгдежзийклмнопрстуфхцчшщъыьэюя",
        "的一是不了人我在有他这中大来上国个到说们为子和你地出道也时年", "あいうえおかきくけこアイウエオ",
        "가나다라마바사아자차카타파하", "😀😂🥰😎🤔👍🙏🔥✨🎉🌍🚀🍕⚽", "\u0300\u0301\u0302\u0303\u0308",
        "שלוםעולםمرحبابالعالم", "🏻🏼🏽🏾🏿\u200d\ufe0f",
    ]
    specials = [END_OF_TEXT] + [content for content, _ in ADDED_TOKENS]
    out = []
    for _ in range(count):
        parts = []
        for _ in range(rng.randint(1, 10)):
            roll = rng.random()
            if roll < 0.45:
                word = rng.choice(WORDS)
                parts.append(word.upper() if rng.random() < 0.15 else word)
            elif roll < 0.5:
                parts.append(rng.choice(specials))
            elif roll < 0.55:
                parts.append(rng.choice(["'s", "'t", "'re", "'ll", "'ve", "'m", "'d"]))
            else:
                pool = rng.choice(pools)
                parts.append("".join(rng.choice(pool) for _ in range(rng.randint(1, 6))))
            parts.append(rng.choice([" ", " ", " ", "", "  ", "\n", "\t", ", "]))
        text = "".join(parts)
        if rng.random() < 0.2:
            text = " " * rng.randint(1, 3) + text
        out.append(text)
    return out


def make_tokenizer():
    tokenizer = train_byte_bpe(training_texts(SEED), VOCAB_SIZE, ADDED_TOKENS)
    tokenizer.save(str(OUT / "tokenizer.json"))
    return load_tokenizer(OUT / "tokenizer.json")


def make_corpus(tokenizer):
    texts = HANDWRITTEN + PARAGRAPHS + generated_strings(100, SEED + 1)
    cases = [encoding_record(tokenizer, text) for text in texts]
    for case in cases:
        # Round trip: the byte-level decoder gives the text back for every string.
        assert tokenizer.decode(case["ids"], skip_special_tokens=False) == case["text"], case["text"]
    write_json(OUT / "tokenizer_corpus.json", {
        "tokenizer": "tokenizer.json",
        "offsets": "UTF-16 code units into text, [start, end) per token; converted from the "
                   "code-point offsets of the tokenizers library. A token holding part of a "
                   "character's UTF-8 bytes gets the whole character's span, as the library gives it.",
        "cases": cases,
    })
    return len(cases)


# ── random tiny models ───────────────────────────────────────────────────────────────────────



def round_to(model, dtype):
    with torch.no_grad():
        for param in model.parameters():
            param.copy_(param.to(dtype).to(torch.float32))


def gpt2_model(vocab_size, eos):
    config = GPT2Config(vocab_size=vocab_size, n_positions=CONTEXT, n_embd=64, n_layer=2,
                        n_head=4, bos_token_id=eos, eos_token_id=eos, pad_token_id=eos,
                        resid_pdrop=0.0, embd_pdrop=0.0, attn_pdrop=0.0)
    model = GPT2LMHeadModel(config)
    widen(model, SEED + 10)
    return model


def llama_model(vocab_size, eos):
    config = LlamaConfig(vocab_size=vocab_size, hidden_size=64, intermediate_size=128,
                         num_hidden_layers=2, num_attention_heads=4, num_key_value_heads=2,
                         max_position_embeddings=CONTEXT, rms_norm_eps=1e-5, rope_theta=500000.0,
                         tie_word_embeddings=False, bos_token_id=eos, eos_token_id=eos,
                         pad_token_id=eos)
    model = LlamaForCausalLM(config)
    widen(model, SEED + 20)
    return model


def save_folder(model, folder, dtype, bare_gpt2=False, legacy_rope=False):
    """Saves config.json, model.safetensors and tokenizer.json in the Hugging Face layout."""
    if folder.exists():
        shutil.rmtree(folder)
    folder.mkdir(parents=True)
    model.config.dtype = {torch.float32: "float32", torch.float16: "float16",
                          torch.bfloat16: "bfloat16"}[dtype]
    if bare_gpt2:
        # The original GPT-2 checkpoints name tensors without the `transformer.` prefix and
        # leave the output matrix out (it is the token embedding).
        tensors = {k: v.detach().to(dtype).contiguous()
                   for k, v in model.transformer.state_dict().items()}
        save_file(tensors, str(folder / "model.safetensors"), metadata={"format": "pt"})
        model.config.architectures = ["GPT2LMHeadModel"]
        model.config.save_pretrained(folder)
    else:
        copy = type(model)(model.config)
        copy.load_state_dict(model.state_dict())
        copy.to(dtype).save_pretrained(folder)
    if legacy_rope:
        import json
        config = json.loads((folder / "config.json").read_text())
        rope = config.pop("rope_parameters")
        assert rope == {"rope_theta": 500000.0, "rope_type": "default"}, rope
        config["rope_theta"] = rope["rope_theta"]
        (folder / "config.json").write_text(json.dumps(config, indent=2, sort_keys=True) + "\n")
    shutil.copy(OUT / "tokenizer.json", folder / "tokenizer.json")
    generation = folder / "generation_config.json"
    if generation.exists():
        generation.unlink()


def load_folder(folder, cls):
    model = cls.from_pretrained(str(folder), dtype=torch.float32, attn_implementation="eager")
    return model.eval()


def forward(model, ids):
    with torch.no_grad():
        out = model(input_ids=torch.tensor([ids]), output_attentions=True, output_hidden_states=True)
    attentions = torch.stack([a[0] for a in out.attentions])  # [layer][head][query][key]
    return out.logits[0], attentions, out.hidden_states[-1][0]


FIXTURE_TEXTS = [
    "I ❤️ attention 🤖, don't you? 👍🏽👨‍👩‍👧‍👦",
    "東京は日本の首都です。我们今天学习注意力机制。",
    "tabs\tand\tcolumns\t1\t2\t3\nnext line",
    "   leading spaces and trailing ones  ",
    "Hello<|endoftext|> world <|user|> again",
]

PROMPTS = [
    "The playground shows how attention works.",
    "東京は日本の",
    "def attention(q, k, v):\n   ",
    " I'll",
]


def long_text(tokenizer, limit):
    """A paragraph cut at the last word that keeps it within `limit` tokens."""
    words = (PARAGRAPHS[0] + " " + PARAGRAPHS[1] + " " + PARAGRAPHS[3]).split(" ")
    text = ""
    for word in words:
        candidate = (text + " " + word) if text else word
        if len(tokenizer.encode(candidate).ids) > limit:
            break
        text = candidate
    return text


def attention_stats(attentions, min_keys=8):
    """Mean and minimum of each row's largest weight, over rows with at least `min_keys` keys."""
    maxima = []
    for layer in attentions:
        for head in layer:
            for query, row in enumerate(head):
                if query + 1 >= min_keys:
                    maxima.append(max(row[: query + 1]))
    return {"rows": len(maxima), "mean_max": sum(maxima) / len(maxima), "min_max": min(maxima),
            "uniform_would_be_at_most": 1.0 / min_keys}


def generation_record(model, tokenizer, prompt):
    record = encoding_record(tokenizer, prompt)
    ids = record["ids"]
    with torch.no_grad():
        out = model.generate(torch.tensor([ids]), attention_mask=torch.ones(1, len(ids), dtype=torch.long),
                             do_sample=False, max_new_tokens=GENERATED, output_scores=True,
                             return_dict_in_generate=True, pad_token_id=model.config.eos_token_id)
    sequence = out.sequences[0].tolist()
    new = sequence[len(ids):]
    # Greedy choices must not hinge on rounding: the best logit leads the second by a margin.
    margins = [float(torch.topk(scores[0], 2).values.diff().abs()) for scores in out.scores]
    assert min(margins) > 1e-3, (prompt, min(margins))
    steps = []
    for step in range(min(STEPS_RECORDED, len(new))):
        prefix = sequence[: len(ids) + step]
        logits, attentions, _ = forward(model, prefix)
        probs = torch.softmax(logits[-1], dim=-1)
        # The cached generation path and a full forward pass must agree.
        cached = torch.softmax(out.scores[step][0], dim=-1)
        assert torch.allclose(probs, cached, atol=1e-5), (prompt, step)
        assert int(probs.argmax()) == new[step]
        steps.append({
            "position": len(prefix) - 1,
            "attentions": rounded(attentions[:, :, -1, :].tolist()),  # [layer][head][key]
            "top10_probs": top_k(probs),
        })
    record.update({
        "max_new_tokens": GENERATED,
        "generated_ids": new,
        "stopped_at_end_of_text": len(new) < GENERATED,
        "generated_text": tokenizer.decode(new, skip_special_tokens=False),
        "smallest_top2_logit_margin": rounded(min(margins)),
        "steps": steps,
    })
    return record


def model_fixture(name, model, tokenizer, texts):
    cases, maxima = [], []
    for text in texts:
        record = encoding_record(tokenizer, text)
        assert 0 < len(record["ids"]) <= CONTEXT, (text, len(record["ids"]))
        logits, attentions, hidden = forward(model, record["ids"])
        record["attentions"] = rounded(attentions.tolist())
        record["top10_logits"] = top_k(logits[-1])
        record["last_hidden_first"] = rounded(hidden[:, :HIDDEN_NUMBERS].tolist())
        cases.append(record)
        maxima.append(attentions.tolist())
    generations = [generation_record(model, tokenizer, prompt) for prompt in PROMPTS]
    stats = attention_stats([layer for case in maxima for layer in case])
    return {"model": name, "cases": cases, "generation": generations}, stats


def largest_difference(a, b):
    """The largest attention difference between two fixtures of the same texts."""
    worst = 0.0
    for x, y in zip(a["cases"], b["cases"]):
        assert x["ids"] == y["ids"]
        diff = (torch.tensor(x["attentions"]) - torch.tensor(y["attentions"])).abs().max()
        worst = max(worst, float(diff))
    return worst


def main():
    one_core()
    torch.manual_seed(SEED)
    if OUT.exists():
        shutil.rmtree(OUT)
    OUT.mkdir(parents=True)
    tokenizer = make_tokenizer()
    n_cases = make_corpus(tokenizer)
    vocab_size = tokenizer.get_vocab_size()
    eos = tokenizer.token_to_id(END_OF_TEXT)
    texts = FIXTURE_TEXTS + [long_text(tokenizer, CONTEXT - 2)]

    gpt2 = gpt2_model(vocab_size, eos)
    llama = llama_model(vocab_size, eos)
    plans = [
        ("tiny-gpt2", gpt2, torch.float32, GPT2LMHeadModel, {}),
        ("tiny-gpt2-f16", gpt2, torch.float16, GPT2LMHeadModel, {"bare_gpt2": True}),
        ("tiny-llama", llama, torch.float32, LlamaForCausalLM, {}),
        ("tiny-llama-bf16", llama, torch.bfloat16, LlamaForCausalLM, {"legacy_rope": True}),
    ]
    stats, fixtures = {}, {}
    for name, model, dtype, cls, options in plans:
        folder = OUT / name
        save_folder(model, folder, dtype, **options)
        loaded = load_folder(folder, cls)
        if cls is LlamaForCausalLM:
            assert loaded.config.rope_parameters["rope_theta"] == 500000.0, name
        fixture, stats[name] = model_fixture(name, loaded, tokenizer, texts)
        fixture["stored_dtype"] = str(dtype).replace("torch.", "")
        write_json(folder / "expected.json", fixture)
        fixtures[name] = fixture
        size = (folder / "expected.json").stat().st_size
        assert size < 1_000_000, f"{name}/expected.json is {size} bytes"
    # The rounded copies are the same models: their attention differs only by rounding.
    differences = {
        "tiny-gpt2-f16": largest_difference(fixtures["tiny-gpt2"], fixtures["tiny-gpt2-f16"]),
        "tiny-llama-bf16": largest_difference(fixtures["tiny-llama"], fixtures["tiny-llama-bf16"]),
    }

    write_readme(n_cases, vocab_size, stats, fixtures, differences)
    total = sum(p.stat().st_size for p in OUT.rglob("*") if p.is_file())
    print(f"wrote {n_cases} tokenizer cases and {len(plans)} models to {relative(OUT)} "
          f"({total / 1e6:.2f} MB)")
    for name, s in stats.items():
        print(f"  {name}: mean of the largest weight per row {s['mean_max']:.3f} "
              f"(min {s['min_max']:.3f}) over {s['rows']} rows with >= 8 keys")


def write_readme(n_cases, vocab_size, stats, fixtures, differences):
    v = versions()
    lines = [
        "# Decoder fixtures",
        "",
        "Reference outputs for GPT-2 and Llama inference and for byte-level BPE tokenization,",
        "computed by Hugging Face `transformers` (eager attention) and `tokenizers`. Generated —",
        "do not edit by hand. Made by",
        "",
        "```sh",
        "bash training/run.sh decoder-fixtures     # = python training/make_decoder_fixtures.py",
        "```",
        "",
        f"with seed {SEED}, on one thread, with torch {v['torch']}, transformers {v['transformers']}, "
        f"tokenizers {v['tokenizers']}, safetensors {v['safetensors']}.",
        "",
        "## Files",
        "",
        f"- `tokenizer.json`: byte-level BPE, {vocab_size} ids, trained by the script on its own "
        "multilingual text. Model `BPE` (no unknown token, no dropout); pre-tokenizer `ByteLevel` with "
        "`add_prefix_space: false` and `use_regex: true` (GPT-2's splitting regex); decoder "
        "`ByteLevel`; post-processor `ByteLevel` with `trim_offsets: false` (adds no tokens). Added "
        f"tokens: `{END_OF_TEXT}` (special, id 0), "
        + ", ".join(f"`{c}` ({'special' if s else 'not special'}, id {tok_id(c)})" for c, s in ADDED_TOKENS)
        + "; all with `normalized: false`, no strip flags.",
        f"- `tokenizer_corpus.json`: {n_cases} strings (empty, whitespace runs, tabs, newlines, "
        "contractions, digits, CJK, Arabic, Hebrew, Devanagari, combining marks, emoji with skin "
        "tones and ZWJ sequences, URLs, code, the added tokens typed in text) with `ids`, `tokens` "
        "(byte-level symbols, as in the vocabulary) and `offsets`. **Offsets are UTF-16 code "
        "units**, `[start, end)` into `text`, converted from the library's code-point offsets; a "
        "token that holds only part of a character's UTF-8 bytes gets that whole character's span, "
        "so neighbouring tokens' spans may overlap.",
        "- `tiny-gpt2/`: `GPT2LMHeadModel`, 2 layers, 4 heads, n_embd 64, n_positions 64, "
        "`gelu_new`, layer-norm eps 1e-5, output matrix tied to `wte` (not stored). Tensors named "
        "`transformer.…`, F32.",
        "- `tiny-gpt2-f16/`: the same model with every weight rounded to F16, stored in F16 under "
        "the original GPT-2 checkpoints' names, **without** the `transformer.` prefix. Its "
        "`expected.json` is computed in F32 from the F16 weights.",
        "- `tiny-llama/`: `LlamaForCausalLM`, 2 layers, 4 query heads and 2 key-value heads "
        "(grouped-query attention: query heads 0–1 use key-value head 0, heads 2–3 head 1), "
        "hidden 64, head_dim 16, intermediate 128 (SiLU-gated MLP), RMSNorm eps 1e-5, RoPE theta "
        "500000 (default rope type, rotate-half layout), no biases, **untied** output matrix "
        "(`lm_head.weight` is stored). The config names theta inside `rope_parameters` (as "
        "transformers 5 writes it). F32.",
        "- `tiny-llama-bf16/`: the same model rounded to and stored in BF16; its `config.json` "
        "has a top-level `rope_theta` instead (the layout of older checkpoints).",
        "",
        "No BOS token is added to any input: the ids are exactly what `tokenizer.json` gives.",
        "",
        "## expected.json",
        "",
        "- `cases`: for each text, `ids`, `tokens`, `offsets` (UTF-16), `attentions` "
        "[layer][head][query][key] (causal, so keys after the query are 0), `top10_logits` "
        "(`ids`, `values`) at the last position, and `last_hidden_first`: the first "
        f"{HIDDEN_NUMBERS} numbers of every position's last hidden state, after the final norm "
        "(`ln_f` / `norm`), [position][number].",
        f"- `generation`: for each prompt, `model.generate(do_sample=False, max_new_tokens={GENERATED})` "
        "(greedy; it would stop early at `<|endoftext|>`, `stopped_at_end_of_text` says whether it "
        f"did): `generated_ids` (new tokens only) and, for the first {STEPS_RECORDED} steps, the "
        "newest query's attention `attentions` [layer][head][key] at `position` and `top10_probs` "
        "(softmax of that position's logits, `ids` and `values`).",
        "- Numbers are rounded to 7 significant digits.",
        "",
        "## Why the weights are wide",
        "",
        f"Every matrix and embedding is drawn from N(0, {WEIGHT_STD}²), norm weights uniformly from "
        "1 ± 0.1, biases from N(0, 0.05²): with the libraries' default initialisation (std 0.02) "
        "every head is nearly uniform, and an implementation that gets the scale, the mask, the "
        "positions or the head grouping wrong would still match. Measured on the fixture texts, "
        "the largest weight of each attention row with at least 8 keys (uniform would be ≤ 0.125):",
        "",
        "| model | rows | mean of row maxima | smallest row maximum |",
        "| --- | ---: | ---: | ---: |",
    ]
    for name, s in stats.items():
        lines.append(f"| {name} | {s['rows']} | {s['mean_max']:.3f} | {s['min_max']:.3f} |")
    lines += [
        "",
        "The rounded copies differ from their F32 originals by at most "
        + " and ".join(f"{d:.4f} ({name})" for name, d in differences.items())
        + " in any attention weight. Every greedy step's best logit leads the second by more "
        "than 0.001 (`smallest_top2_logit_margin`), so a correct implementation picks the same "
        "tokens.",
        "",
        "Texts with attention maps (token counts):",
        "",
    ]
    for case in fixtures["tiny-gpt2"]["cases"]:
        lines.append(f"- {len(case['ids'])} tokens: `{case['text'][:60]!r}`"
                     + ("…" if len(case["text"]) > 60 else ""))
    (OUT / "README.md").write_text("\n".join(lines) + "\n", encoding="utf-8")


def tok_id(content):
    return load_tokenizer(OUT / "tokenizer.json").token_to_id(content)


if __name__ == "__main__":
    main()
