"""The captioner: a ViT encoder (transformers' ViTModel, no pooler) and the Transformer decoder of
seq2seq.py (pre-norm causal self-attention, cross-attention over the encoder's output, sinusoidal
positions), with the pictures' preprocessing, greedy captioning and file I/O.

The encoder's output M is the ViT's last hidden state after its final layer norm: [CLS] and the
64 patches. The decoder reads it exactly as the translation Transformer reads its encoder's
output, so the core composes its two existing pieces (src/model/vit/, src/model/seq2seq/).

Files (the core's layout, docs/trained-models.md): config.json (`model_type:
vision-encoder-decoder`, the ViT's config under `encoder`, the decoder's sizes and ids under
`decoder`), model.safetensors (F32; the ViT's tensors under `vit.`, the decoder's named as the
translation Transformer's: `tgt_embedding.weight`, `decoder_layers.N.…`, `decoder_norm.…`,
`output.…`), vocab.json (`{"target": [...]}`), preprocessor_config.json.
"""

import json
import math
from pathlib import Path

import numpy as np
import torch
import torch.nn as nn
from transformers import ViTConfig, ViTModel

from scenes import CANVAS, MAX_WORDS, VOCABULARY
from seq2seq import BOS, EOS, PAD, DecoderLayer, sinusoidal, write_json
from vision_common import processor

SIDE = 32
PATCH = 4
D_MODEL = 48
HEADS = 4
ENCODER_LAYERS = 2
DECODER_LAYERS = 1
FFN = 96
MAX_OUTPUT = MAX_WORDS + 1


def vit_config():
    return ViTConfig(image_size=SIDE, patch_size=PATCH, hidden_size=D_MODEL, num_hidden_layers=ENCODER_LAYERS,
                     num_attention_heads=HEADS, intermediate_size=FFN, hidden_act="gelu", layer_norm_eps=1e-6,
                     hidden_dropout_prob=0.0, attention_probs_dropout_prob=0.0, attn_implementation="eager")


def decoder_config():
    return {
        "target_vocab_size": len(VOCABULARY),
        "pad_id": PAD,
        "bos_id": BOS,
        "eos_id": EOS,
        "max_output_length": MAX_OUTPUT,
        "d_model": D_MODEL,
        "num_heads": HEADS,
        "decoder_layers": DECODER_LAYERS,
        "ffn_size": FFN,
        "ffn_activation": "relu",
        "norm_placement": "pre",
        "final_layer_norm": True,
        "layer_norm_eps": 1e-5,
        "positions": "sinusoidal",
        "embedding_scale": "sqrt_d_model",
        "tied_embeddings": False,
    }


def the_processor():
    return processor("vit", size={"height": SIDE, "width": SIDE}, image_mean=[0.5] * 3, image_std=[0.5] * 3)


def pixel_batch(proc, pictures):
    """RGBA uint8 pictures (H × W × 4) → N × 3 × 32 × 32 float32, through the image processor."""
    from PIL import Image
    images = [Image.fromarray(np.ascontiguousarray(p), "RGBA") for p in pictures]
    return torch.tensor(np.stack(proc(images=images)["pixel_values"]))


class Captioner(nn.Module):
    def __init__(self):
        super().__init__()
        d = D_MODEL
        self.vit = ViTModel(vit_config(), add_pooling_layer=False)
        self.scale = math.sqrt(d)
        self.tgt_embedding = nn.Embedding(len(VOCABULARY), d, padding_idx=PAD)
        nn.init.normal_(self.tgt_embedding.weight, std=d ** -0.5)
        with torch.no_grad():
            self.tgt_embedding.weight[PAD].zero_()
        self.decoder_layers = nn.ModuleList(DecoderLayer(d, HEADS, FFN, 1e-5) for _ in range(DECODER_LAYERS))
        self.decoder_norm = nn.LayerNorm(d, eps=1e-5)
        self.output = nn.Linear(d, len(VOCABULARY))
        self.register_buffer("pe", sinusoidal(MAX_OUTPUT + 1, d), persistent=False)

    def encode(self, pixels):
        out = self.vit(pixel_values=pixels, output_attentions=True)
        return out.last_hidden_state, out.attentions

    def decode(self, tgt_in, memory):
        """Logits [B, T, V], and per layer the causal and cross weights [B, h, T, ·]."""
        T = tgt_in.shape[1]
        self_mask = torch.ones(T, T, dtype=torch.bool).tril().unsqueeze(0)
        cross_mask = torch.ones(1, T, memory.shape[1], dtype=torch.bool)
        y = self.tgt_embedding(tgt_in) * self.scale + self.pe[:T]
        selfs, crosses = [], []
        for layer in self.decoder_layers:
            y, ws, wc = layer(y, memory, self_mask, cross_mask)
            selfs.append(ws)
            crosses.append(wc)
        return self.output(self.decoder_norm(y)), selfs, crosses

    def forward(self, pixels, tgt_in):
        return self.decode(tgt_in, self.encode(pixels)[0])[0]

    @torch.no_grad()
    def greedy(self, pixels):
        """Greedy captions of a batch: ids [B, T] (each row up to and including <eos>, then PAD),
        the full pass's logits [B, T, V] and cross-attention [B, L, h, T, S]."""
        memory, _ = self.encode(pixels)
        B = pixels.shape[0]
        tgt_in = torch.full((B, 1), BOS, dtype=torch.long)
        done = torch.zeros(B, dtype=torch.bool)
        for _ in range(MAX_OUTPUT):
            logits, _, _ = self.decode(tgt_in, memory)
            nxt = logits[:, -1].argmax(-1)
            nxt = torch.where(done, torch.full_like(nxt, PAD), nxt)
            tgt_in = torch.cat([tgt_in, nxt.unsqueeze(1)], 1)
            done |= nxt == EOS
            if bool(done.all()):
                break
        logits, _, crosses = self.decode(tgt_in[:, :-1], memory)
        return tgt_in[:, 1:], logits, torch.stack(crosses, 1)


def words_of(ids):
    """The words of one caption's ids, up to <eos>."""
    words = []
    for i in ids:
        if int(i) == EOS or int(i) == PAD:
            break
        words.append(VOCABULARY[int(i)])
    return words


def caption_ids(words):
    return [VOCABULARY.index(w) for w in words] + [EOS]


def config_json(description, seed, command):
    encoder = vit_config().to_dict()
    for key in ("attn_implementation", "_attn_implementation_autoset", "id2label", "label2id", "architectures"):
        encoder.pop(key, None)
    encoder["model_type"] = "vit"
    return {
        "model_type": "vision-encoder-decoder",
        "description": description,
        "encoder": encoder,
        "decoder": decoder_config(),
        "canvas": CANVAS,
        "training": {"seed": seed, "command": command},
    }


def save(folder, model, proc, config):
    """The files of the folder; the ViT's tensors carry transformers' own names (as its
    save_pretrained writes them) under `vit.`."""
    import tempfile
    from safetensors.torch import load_file, save_file
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        model.vit.save_pretrained(tmp)
        tensors = {f"vit.{k}": v for k, v in load_file(str(Path(tmp) / "model.safetensors")).items()}
    for k, v in model.state_dict().items():
        if not k.startswith("vit."):
            tensors[k] = v.detach().to(torch.float32).contiguous()
    save_file(tensors, str(folder / "model.safetensors"), metadata={"format": "pt"})
    write_json(folder / "config.json", config, indent=2)
    write_json(folder / "vocab.json", {"target": VOCABULARY}, indent=None)
    proc.save_pretrained(folder)


def load(folder):
    """A saved captioner, its ViT read back by transformers from its own layout."""
    import tempfile
    from safetensors.torch import load_file, save_file
    folder = Path(folder)
    assert json.loads((folder / "vocab.json").read_text())["target"] == VOCABULARY
    tensors = load_file(str(folder / "model.safetensors"))
    model = Captioner()
    with tempfile.TemporaryDirectory() as tmp:
        save_file({k[4:]: v for k, v in tensors.items() if k.startswith("vit.")}, str(Path(tmp) / "model.safetensors"))
        vit_config().save_pretrained(tmp)
        model.vit = ViTModel.from_pretrained(tmp, add_pooling_layer=False, attn_implementation="eager")
    missing, unexpected = model.load_state_dict({k: v for k, v in tensors.items() if not k.startswith("vit.")}, strict=False)
    assert not unexpected and all(k.startswith("vit.") for k in missing), (missing, unexpected)
    model.eval()
    return model
