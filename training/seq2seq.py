"""Encoder–decoder models for the translation tasks, tokenizers, greedy decoding and file I/O.

Three architectures, all written with plain torch ops so the arithmetic is the documented one
(docs/trained-models.md, section "Encoder–decoder models"):

* `gru-additive`: bidirectional GRU encoder, GRU decoder with additive (Bahdanau) attention.
* `gru`: the same encoder and decoder, the context being the fixed final encoder vector.
* `transformer`: pre-norm Transformer encoder–decoder with sinusoidal positions.
"""

import json
import math
from pathlib import Path

import torch
import torch.nn as nn

PAD, BOS, EOS, UNK = 0, 1, 2, 3
SPECIALS = ["<pad>", "<bos>", "<eos>", "<unk>"]

# Unicode White_Space (what Rust's char::is_whitespace accepts).
WHITE_SPACE = set(chr(c) for c in [*range(0x09, 0x0E), 0x20, 0x85, 0xA0, 0x1680, *range(0x2000, 0x200B),
                                   0x2028, 0x2029, 0x202F, 0x205F, 0x3000])
# ASCII punctuation that separates words in word mode (every printable ASCII symbol but the apostrophe).
WORD_PUNCTUATION = set("!\"#$%&()*+,-./:;<=>?@[\\]^_`{|}~")


def one_core():
    torch.set_num_threads(1)
    try:
        torch.set_num_interop_threads(1)
    except RuntimeError:
        pass


# --------------------------------------------------------------------------------------------
# Tokenizers
# --------------------------------------------------------------------------------------------

def split_white_space(text):
    words, cur = [], ""
    for ch in text:
        if ch in WHITE_SPACE:
            if cur:
                words.append(cur)
            cur = ""
        else:
            cur += ch
    if cur:
        words.append(cur)
    return words


def source_pieces(kind, text):
    """The source text cut into tokens (strings), before the vocabulary lookup."""
    text = text.lower()
    if kind == "chars":
        return list(" ".join(split_white_space(text)))
    text = text.replace("\u2019", "'")
    text = "".join(" " if ch in WORD_PUNCTUATION else ch for ch in text)
    return split_white_space(text)


class Vocab:
    def __init__(self, source, target):
        self.source, self.target = list(source), list(target)
        self.source_index = {t: i for i, t in enumerate(self.source)}
        self.target_index = {t: i for i, t in enumerate(self.target)}

    @classmethod
    def build(cls, source_tokens, target_tokens):
        return cls(SPECIALS + list(source_tokens), SPECIALS + list(target_tokens))

    def encode_source(self, kind, text, max_len):
        """Token ids of the source: pieces looked up (unknown → <unk>), cut to max_len − 1, then <eos>."""
        pieces = source_pieces(kind, text)[: max_len - 1]
        return [self.source_index.get(p, UNK) for p in pieces] + [EOS]

    def encode_target_tokens(self, tokens):
        return [self.target_index[t] for t in tokens] + [EOS]

    def decode_target(self, kind, ids):
        toks = [self.target[i] for i in ids if i not in (PAD, BOS, EOS)]
        if kind == "chars":
            return "".join(toks)
        text = ""
        for i, t in enumerate(toks):
            text += t
            if i + 1 < len(toks) and not t.endswith("'"):
                text += " "
        return text


# --------------------------------------------------------------------------------------------
# GRU encoder–decoder (with or without additive attention)
# --------------------------------------------------------------------------------------------

class GRUSeq2Seq(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        self.cfg = cfg
        E, He, H = cfg["embedding_size"], cfg["encoder_hidden_size"], cfg["decoder_hidden_size"]
        D = 2 * He  # annotation size (forward and backward states concatenated)
        self.attention = cfg["attention"] == "additive"
        self.src_embedding = nn.Embedding(cfg["source_vocab_size"], E, padding_idx=PAD)
        self.encoder = nn.GRU(E, He, batch_first=True, bidirectional=True)
        self.init_state = nn.Linear(D, H)
        self.tgt_embedding = nn.Embedding(cfg["target_vocab_size"], E, padding_idx=PAD)
        self.decoder = nn.GRUCell(E + D, H)
        if self.attention:
            A = cfg["attention_size"]
            self.attn_query = nn.Linear(H, A, bias=False)
            self.attn_key = nn.Linear(D, A)
            self.attn_v = nn.Linear(A, 1, bias=False)
        self.output = nn.Linear(H + D, cfg["target_vocab_size"])

    def encode(self, src, src_len):
        """Annotations [B, S, 2He], fixed vector [B, 2He], key projections or None."""
        emb = self.src_embedding(src)
        packed = nn.utils.rnn.pack_padded_sequence(emb, src_len.cpu(), batch_first=True, enforce_sorted=False)
        out, h_n = self.encoder(packed)
        out, _ = nn.utils.rnn.pad_packed_sequence(out, batch_first=True, total_length=src.shape[1])
        fixed = torch.cat([h_n[0], h_n[1]], dim=-1)  # forward state after the last token, backward after the first
        keys = self.attn_key(out) if self.attention else None
        return out, fixed, keys

    def step(self, prev, s, ann, fixed, keys, mask):
        """One decoder step. Returns logits [B, V], new state [B, H], attention weights [B, S] or None."""
        if self.attention:
            scores = self.attn_v(torch.tanh(self.attn_query(s).unsqueeze(1) + keys)).squeeze(-1)
            scores = scores.masked_fill(~mask, float("-inf"))
            alpha = torch.softmax(scores, dim=-1)
            context = torch.bmm(alpha.unsqueeze(1), ann).squeeze(1)
        else:
            alpha, context = None, fixed
        s = self.decoder(torch.cat([self.tgt_embedding(prev), context], dim=-1), s)
        return torch.cat([s, context], dim=-1), s, alpha

    def forward(self, src, src_len, tgt_in):
        ann, fixed, keys = self.encode(src, src_len)
        mask = src != PAD
        s = torch.tanh(self.init_state(fixed))
        feats = []
        for t in range(tgt_in.shape[1]):
            f, s, _ = self.step(tgt_in[:, t], s, ann, fixed, keys, mask)
            feats.append(f)
        return self.output(torch.stack(feats, dim=1))

    @torch.no_grad()
    def greedy(self, src, src_len, max_len, forced=None):
        """Greedy decoding of a batch; with `forced` [B, T] (targets incl. <eos>) the previous token
        is the forced one (teacher forcing) and T steps are run. Returns ids [B, T], attention
        [B, T, S] (or None) and probabilities [B, T, V]."""
        ann, fixed, keys = self.encode(src, src_len)
        mask = src != PAD
        B = src.shape[0]
        s = torch.tanh(self.init_state(fixed))
        prev = torch.full((B,), BOS, dtype=torch.long)
        ids, alphas, probs = [], [], []
        done = torch.zeros(B, dtype=torch.bool)
        steps = forced.shape[1] if forced is not None else max_len
        for t in range(steps):
            f, s, alpha = self.step(prev, s, ann, fixed, keys, mask)
            p = torch.softmax(self.output(f), dim=-1)
            nxt = p.argmax(dim=-1)
            ids.append(nxt)
            probs.append(p)
            if alpha is not None:
                alphas.append(alpha)
            prev = forced[:, t] if forced is not None else nxt
            done |= nxt == EOS
            if forced is None and bool(done.all()):
                break
        return (torch.stack(ids, 1), torch.stack(alphas, 1) if alphas else None, torch.stack(probs, 1))


# --------------------------------------------------------------------------------------------
# Transformer encoder–decoder (pre-norm, sinusoidal positions)
# --------------------------------------------------------------------------------------------

def sinusoidal(n, d):
    """PE[p, 2i] = sin(p / 10000^(2i/d)), PE[p, 2i+1] = cos(p / 10000^(2i/d))."""
    pos = torch.arange(n, dtype=torch.float64).unsqueeze(1)
    i2 = torch.arange(0, d, 2, dtype=torch.float64)
    angle = pos / torch.pow(10000.0, i2 / d)
    pe = torch.zeros(n, d, dtype=torch.float64)
    pe[:, 0::2] = torch.sin(angle)
    pe[:, 1::2] = torch.cos(angle)
    return pe.float()


class MultiHeadAttention(nn.Module):
    def __init__(self, d, heads):
        super().__init__()
        self.h, self.dk = heads, d // heads
        self.q, self.k, self.v, self.o = (nn.Linear(d, d) for _ in range(4))

    def forward(self, x, mem, mask):
        """x [B, Tq, d] queries, mem [B, Tk, d] keys/values, mask [B or 1, Tq, Tk] True = allowed.
        Returns output [B, Tq, d] and weights [B, h, Tq, Tk]."""
        B, Tq, _ = x.shape
        Tk = mem.shape[1]
        q = self.q(x).view(B, Tq, self.h, self.dk).transpose(1, 2)
        k = self.k(mem).view(B, Tk, self.h, self.dk).transpose(1, 2)
        v = self.v(mem).view(B, Tk, self.h, self.dk).transpose(1, 2)
        scores = q @ k.transpose(-1, -2) / math.sqrt(self.dk)
        scores = scores.masked_fill(~mask.unsqueeze(1), float("-inf"))
        w = torch.softmax(scores, dim=-1)
        out = (w @ v).transpose(1, 2).reshape(B, Tq, self.h * self.dk)
        return self.o(out), w


class FeedForward(nn.Module):
    def __init__(self, d, f):
        super().__init__()
        self.fc1, self.fc2 = nn.Linear(d, f), nn.Linear(f, d)

    def forward(self, x):
        return self.fc2(torch.relu(self.fc1(x)))


class EncoderLayer(nn.Module):
    def __init__(self, d, heads, f, eps):
        super().__init__()
        self.ln1, self.attn = nn.LayerNorm(d, eps=eps), MultiHeadAttention(d, heads)
        self.ln2, self.ffn = nn.LayerNorm(d, eps=eps), FeedForward(d, f)

    def forward(self, x, mask):
        h = self.ln1(x)
        a, w = self.attn(h, h, mask)
        x = x + a
        return x + self.ffn(self.ln2(x)), w


class DecoderLayer(nn.Module):
    def __init__(self, d, heads, f, eps):
        super().__init__()
        self.ln1, self.self_attn = nn.LayerNorm(d, eps=eps), MultiHeadAttention(d, heads)
        self.ln2, self.cross_attn = nn.LayerNorm(d, eps=eps), MultiHeadAttention(d, heads)
        self.ln3, self.ffn = nn.LayerNorm(d, eps=eps), FeedForward(d, f)

    def forward(self, y, mem, self_mask, cross_mask):
        h = self.ln1(y)
        a, ws = self.self_attn(h, h, self_mask)
        y = y + a
        c, wc = self.cross_attn(self.ln2(y), mem, cross_mask)
        y = y + c
        return y + self.ffn(self.ln3(y)), ws, wc


class TransformerSeq2Seq(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        self.cfg = cfg
        d, h, f, eps = cfg["d_model"], cfg["num_heads"], cfg["ffn_size"], cfg["layer_norm_eps"]
        self.scale = math.sqrt(d)
        self.src_embedding = nn.Embedding(cfg["source_vocab_size"], d, padding_idx=PAD)
        self.tgt_embedding = nn.Embedding(cfg["target_vocab_size"], d, padding_idx=PAD)
        self.encoder_layers = nn.ModuleList(EncoderLayer(d, h, f, eps) for _ in range(cfg["encoder_layers"]))
        self.encoder_norm = nn.LayerNorm(d, eps=eps)
        self.decoder_layers = nn.ModuleList(DecoderLayer(d, h, f, eps) for _ in range(cfg["decoder_layers"]))
        self.decoder_norm = nn.LayerNorm(d, eps=eps)
        self.output = nn.Linear(d, cfg["target_vocab_size"])
        # embeddings start at std 1/√d, so that after the √d scale they are as large as the positions
        for emb in (self.src_embedding, self.tgt_embedding):
            nn.init.normal_(emb.weight, std=d ** -0.5)
            with torch.no_grad():
                emb.weight[PAD].zero_()
        n = max(cfg["max_source_length"], cfg["max_output_length"]) + 1
        self.register_buffer("pe", sinusoidal(n, d), persistent=False)

    def encode(self, src):
        mask = (src != PAD).unsqueeze(1).expand(-1, src.shape[1], -1)
        x = self.src_embedding(src) * self.scale + self.pe[: src.shape[1]]
        ws = []
        for layer in self.encoder_layers:
            x, w = layer(x, mask)
            ws.append(w)
        return self.encoder_norm(x), ws

    def decode(self, tgt_in, mem, src):
        T = tgt_in.shape[1]
        self_mask = torch.ones(T, T, dtype=torch.bool).tril().unsqueeze(0)
        cross_mask = (src != PAD).unsqueeze(1).expand(-1, T, -1)
        y = self.tgt_embedding(tgt_in) * self.scale + self.pe[:T]
        wss, wcs = [], []
        for layer in self.decoder_layers:
            y, ws, wc = layer(y, mem, self_mask, cross_mask)
            wss.append(ws)
            wcs.append(wc)
        return self.output(self.decoder_norm(y)), wss, wcs

    def forward(self, src, src_len, tgt_in):
        mem, _ = self.encode(src)
        return self.decode(tgt_in, mem, src)[0]

    @torch.no_grad()
    def greedy(self, src, src_len, max_len, forced=None):
        """Same contract as GRUSeq2Seq.greedy; attention is cross-attention [B, T, L, h, S]."""
        mem, _ = self.encode(src)
        B = src.shape[0]
        bos = torch.full((B, 1), BOS, dtype=torch.long)
        if forced is not None:
            tgt_in = torch.cat([bos, forced], 1)
        else:
            tgt_in = bos
            done = torch.zeros(B, dtype=torch.bool)
            for _ in range(max_len):
                logits, _, _ = self.decode(tgt_in, mem, src)
                nxt = logits[:, -1].argmax(-1)
                tgt_in = torch.cat([tgt_in, nxt.unsqueeze(1)], 1)
                done |= nxt == EOS
                if bool(done.all()):
                    break
        # one full pass over every step's input: identical to the step-by-step pass (causal mask)
        logits, _, wcs = self.decode(tgt_in[:, :-1], mem, src)
        p = torch.softmax(logits, -1)
        att = torch.stack(wcs, 1).permute(0, 3, 1, 2, 4)  # [B, L, h, T, S] → [B, T, L, h, S]
        return p.argmax(-1), att, p


def build_model(cfg):
    if cfg["architecture"] == "transformer":
        return TransformerSeq2Seq(cfg)
    return GRUSeq2Seq(cfg)


def count_parameters(model):
    return sum(p.numel() for p in model.parameters())


# --------------------------------------------------------------------------------------------
# Files
# --------------------------------------------------------------------------------------------

def tensors_for_export(model):
    """Name → contiguous F32 tensor, exactly the names documented (the state_dict's names)."""
    return {k: v.detach().to(torch.float32).contiguous() for k, v in model.state_dict().items()}


def save_model(folder, model, cfg, vocab):
    from safetensors.torch import save_file
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    save_file(tensors_for_export(model), str(folder / "model.safetensors"), metadata={"format": "pt"})
    write_json(folder / "config.json", cfg, indent=2)
    write_json(folder / "vocab.json", {"source": vocab.source, "target": vocab.target}, indent=None)


def load_model(folder):
    from safetensors.torch import load_file
    folder = Path(folder)
    cfg = json.loads((folder / "config.json").read_text())
    v = json.loads((folder / "vocab.json").read_text())
    model = build_model(cfg)
    model.load_state_dict(load_file(str(folder / "model.safetensors")))
    model.eval()
    return model, cfg, Vocab(v["source"], v["target"])


def write_json(path, obj, indent=2):
    text = json.dumps(obj, indent=indent, ensure_ascii=False)
    Path(path).write_text(text + "\n", encoding="utf-8")
