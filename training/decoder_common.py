"""Helpers shared by the decoder scripts (fixtures, training, evaluation).

Byte-level BPE tokenizers laid out like GPT-2's, JSON written compactly, numbers rounded to
seven significant digits, and token offsets converted to UTF-16 code units (what JavaScript
strings and the Rust core index).
"""

import hashlib
import json
import os
from pathlib import Path

os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

import torch  # noqa: E402
from tokenizers import (AddedToken, Tokenizer, decoders, models, pre_tokenizers,  # noqa: E402
                        processors, trainers)

ROOT = Path(__file__).resolve().parent.parent
DIGITS = 7
END_OF_TEXT = "<|endoftext|>"


def one_core():
    """Every script computes on one thread: results do not depend on the machine's core count."""
    torch.set_num_threads(1)
    try:
        torch.set_num_interop_threads(1)
    except RuntimeError:
        pass  # already set in this process


def train_byte_bpe(texts, vocab_size, added_tokens=()):
    """A GPT-2-style byte-level BPE tokenizer trained on `texts`.

    ByteLevel pre-tokenizer with GPT-2's splitting regex and no prefix space, the 256 byte
    symbols as the initial alphabet, `<|endoftext|>` as the special token (id 0), and
    `added_tokens` ((content, special) pairs) appended after training, at the end of the ids.
    """
    tokenizer = Tokenizer(models.BPE())
    tokenizer.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False, use_regex=True)
    tokenizer.decoder = decoders.ByteLevel()
    tokenizer.post_processor = processors.ByteLevel(trim_offsets=False)
    trainer = trainers.BpeTrainer(
        vocab_size=vocab_size,
        min_frequency=2,
        special_tokens=[END_OF_TEXT],
        initial_alphabet=pre_tokenizers.ByteLevel.alphabet(),
        show_progress=False,
    )
    tokenizer.train_from_iterator(texts, trainer=trainer)
    for content, special in added_tokens:
        token = AddedToken(content, special=special, normalized=False)
        if special:
            tokenizer.add_special_tokens([token])
        else:
            tokenizer.add_tokens([token])
    tokenizer.no_truncation()
    tokenizer.no_padding()
    return tokenizer


def load_tokenizer(path):
    tokenizer = Tokenizer.from_file(str(path))
    tokenizer.no_truncation()
    tokenizer.no_padding()
    return tokenizer


def utf16_offsets(text, offsets):
    """Code-point offsets (as the Python bindings give them) to UTF-16 code-unit offsets."""
    prefix = [0]
    for ch in text:
        prefix.append(prefix[-1] + (2 if ord(ch) > 0xFFFF else 1))
    return [[prefix[a], prefix[b]] for a, b in offsets]


def encoding_record(tokenizer, text):
    enc = tokenizer.encode(text)
    return {
        "text": text,
        "ids": enc.ids,
        "tokens": enc.tokens,
        "offsets": utf16_offsets(text, enc.offsets),
    }


def rounded(values):
    """Nested lists of numbers rounded to DIGITS significant digits."""
    if isinstance(values, (list, tuple)):
        return [rounded(v) for v in values]
    return float(f"{float(values):.{DIGITS}g}")


def top_k(vector, k=10):
    values, ids = torch.topk(vector, k)
    return {"ids": ids.tolist(), "values": rounded(values.tolist())}


def write_json(path, value, indent=None):
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    if indent is None:
        text = json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    else:
        text = json.dumps(value, ensure_ascii=False, indent=indent)
    path.write_text(text + "\n", encoding="utf-8")


def sha256(path):
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def versions():
    import safetensors
    import tokenizers
    import transformers
    return {
        "torch": torch.__version__,
        "transformers": transformers.__version__,
        "tokenizers": tokenizers.__version__,
        "safetensors": safetensors.__version__,
    }


def relative(path):
    """A path as the repository names it (for messages and generated docs)."""
    try:
        return str(Path(path).resolve().relative_to(ROOT))
    except ValueError:
        return str(path)


# Random reference models are drawn wider than transformers' default (std 0.02), whose heads are
# nearly uniform and would let a wrong implementation pass.
WEIGHT_STD = 0.3


def widen(model, seed):
    """Redraws every parameter: matrices and embeddings from N(0, WEIGHT_STD²), norm weights
    (LayerNorm or RMSNorm) uniformly in 1 ± 0.1, biases (norm biases too) from N(0, 0.05²)."""
    generator = torch.Generator().manual_seed(seed)
    with torch.no_grad():
        for name, param in model.named_parameters():
            is_norm = "ln_" in name or "norm" in name
            if is_norm and name.endswith("weight"):
                value = 1.0 + 0.2 * (torch.rand(param.shape, generator=generator) - 0.5)
            elif name.endswith("bias"):
                value = 0.05 * torch.randn(param.shape, generator=generator)
            else:
                value = WEIGHT_STD * torch.randn(param.shape, generator=generator)
            param.copy_(value)
