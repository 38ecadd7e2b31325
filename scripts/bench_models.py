"""Models for the wasm benchmark's comparison with onnxruntime-web (scripts/bench-wasm.mjs).

    bash training/env.sh scripts/bench_models.py

1. Makes a GPT-2-small-shaped decoder with random weights (12 layers, 12 heads, width 768,
   vocabulary 50257, context 1024; seed 0) in the Hugging Face layout the core loads, with F16
   weights, and a byte-level BPE tokenizer of 50257 ids trained on generated text:
   bench-models/gpt2-small-random/ (skipped when it is there), and a ViT-Base-shaped image
   classifier with random weights (224 × 224 pictures in 16-pixel patches, 12 layers, 12 heads,
   width 768, 1000 classes; seed 0) in transformers' ViTForImageClassification layout with its
   preprocessor_config.json, F16 weights: bench-models/vit-base-random/ (skipped when it is there).
2. Writes an ONNX graph of each benchmarked model from the same safetensors the core loads,
   every layer's attention probabilities among its outputs (so both engines hand back every
   map), to bench-models/onnx/:
   - minilm.onnx (models/all-MiniLM-L6-v2, F32): `input_ids` [1, T] → `pooled` [1, 384] (the
     mean of the last layer's token vectors at unit length, as the core pools) and
     `attentions.i` [1, 12, T, T] for each of the 6 layers;
   - gpt2-2l-induction.onnx (trained/gpt2-2l-induction) and gpt2-small-random.onnx: `input_ids`
     [1, n] and, per layer, `past_key.i` / `past_value.i` [1, heads, P, head width] (P = 0 for a
     forward pass) → `logits` [1, vocabulary] of the last position, `present_key.i` /
     `present_value.i` [1, heads, P + n, head width] (the key/value cache, fed back as the next
     step's past) and `attentions.i` [1, heads, n, P + n] (zeros above the causal diagonal);
   - digits-vit.onnx (trained/digits-vit) and vit-base-random.onnx: `pixel_values` [1, 3, S, S]
     (the image processor's output) → `logits` [1, classes] of the class token and
     `attentions.i` [1, heads, T, T] for each layer (T: [CLS] and the patches).

The graphs are written out node by node with the `onnx` package from the safetensors' arrays:
F32 everywhere (F16 weights are widened exactly), opset 17, IR version 10.
"""

import json
import math
import sys
from pathlib import Path

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper
from safetensors.numpy import load_file, save_file

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "training"))
from decoder_common import END_OF_TEXT, one_core, train_byte_bpe  # noqa: E402

OUT = ROOT / "bench-models"
MINILM = ROOT / "models" / "all-MiniLM-L6-v2"
TRAINED = ROOT / "trained" / "gpt2-2l-induction"
RANDOM = OUT / "gpt2-small-random"
DIGITS_VIT = ROOT / "trained" / "digits-vit"
RANDOM_VIT = OUT / "vit-base-random"
OPSET = 17
# onnxruntime-web 1.30 reads IR versions up to 13 (the onnx package writes 14 by default).
IR_VERSION = 10

GPT2_SMALL = {"n_layer": 12, "n_head": 12, "n_embd": 768, "vocab_size": 50257, "n_positions": 1024}
# Initial standard deviations: GPT-2's 0.02, the attention's projections wider so its heads are
# peaked rather than uniform (differences between two engines show on peaked maps).
STD = 0.02
STD_ATTENTION = 0.05

VIT_BASE = {"image_size": 224, "patch_size": 16, "hidden_size": 768, "num_hidden_layers": 12, "num_attention_heads": 12,
            "intermediate_size": 3072, "classes": 1000}

# English words (the benchmark texts are made of them) and syllables for the tokenizer's corpus.
WORDS = ("the teacher asked students to read story about small dog that ran across busy street because it wanted "
         "find its way back home before rain started again a an and of in on with for was is were said looked "
         "saw big little old new good day night time one two three cat bird tree house water sun").split()
SYLLABLES = [c + v for c in "bcdfghjklmnprstvwz" for v in ("a", "e", "i", "o", "u", "ai", "ou", "ee")]


def tokenizer_corpus(rng):
    """Generated text for the random model's tokenizer: the benchmark's words and made-up ones."""
    for _ in range(200):
        yield " ".join(rng.choice(WORDS, size=500))
    for _ in range(1000):
        counts = rng.integers(1, 5, size=800)
        yield " ".join("".join(rng.choice(SYLLABLES, size=n)) for n in counts)


def make_random_gpt2(folder):
    """The GPT-2-small-shaped model with random weights (seed 0), F16, in the Hugging Face layout."""
    rng = np.random.default_rng(0)
    c = GPT2_SMALL
    d, ff = c["n_embd"], 4 * c["n_embd"]
    tokenizer = train_byte_bpe(tokenizer_corpus(rng), c["vocab_size"])
    size = tokenizer.get_vocab_size()
    if size != c["vocab_size"]:
        raise SystemExit(f"the generated tokenizer has {size} ids, not {c['vocab_size']}: add text to its corpus")

    def normal(*shape, std=STD):
        return rng.normal(0.0, std, size=shape).astype(np.float16)

    tensors = {"transformer.wte.weight": normal(c["vocab_size"], d), "transformer.wpe.weight": normal(c["n_positions"], d)}
    for i in range(c["n_layer"]):
        at = f"transformer.h.{i}."
        for norm in ("ln_1", "ln_2"):
            tensors[at + norm + ".weight"] = np.ones(d, np.float16)
            tensors[at + norm + ".bias"] = np.zeros(d, np.float16)
        for name, shape, std in (("attn.c_attn", (d, 3 * d), STD_ATTENTION), ("attn.c_proj", (d, d), STD),
                                 ("mlp.c_fc", (d, ff), STD), ("mlp.c_proj", (ff, d), STD)):
            tensors[at + name + ".weight"] = normal(*shape, std=std)
            tensors[at + name + ".bias"] = normal(shape[1], std=STD)
    tensors["transformer.ln_f.weight"] = np.ones(d, np.float16)
    tensors["transformer.ln_f.bias"] = np.zeros(d, np.float16)
    folder.mkdir(parents=True, exist_ok=True)
    save_file(tensors, str(folder / "model.safetensors"), metadata={"format": "pt"})
    tokenizer.save(str(folder / "tokenizer.json"))
    eos = tokenizer.token_to_id(END_OF_TEXT)
    config = {
        "model_type": "gpt2", "architectures": ["GPT2LMHeadModel"], **c, "n_inner": None,
        "activation_function": "gelu_new", "layer_norm_epsilon": 1e-5, "scale_attn_weights": True,
        "scale_attn_by_inverse_layer_idx": False, "tie_word_embeddings": True, "bos_token_id": eos,
        "eos_token_id": eos, "dtype": "float16",
    }
    (folder / "config.json").write_text(json.dumps(config, indent=2) + "\n")
    print(f"wrote {folder.relative_to(ROOT)}: random weights (seed 0), F16, tokenizer of {size} ids")


def make_random_vit(folder):
    """The ViT-Base-shaped classifier with random weights (seed 0), F16, in transformers' layout:
    norms at 1 and 0, every other tensor N(0, 0.02²) but the queries' and keys' N(0, 0.05²), so the
    heads are peaked rather than uniform."""
    rng = np.random.default_rng(0)
    c = VIT_BASE
    d, ff, p, classes = c["hidden_size"], c["intermediate_size"], c["patch_size"], c["classes"]
    tokens = (c["image_size"] // p) ** 2 + 1

    def normal(*shape, std=STD):
        return rng.normal(0.0, std, size=shape).astype(np.float16)

    tensors = {
        "vit.embeddings.cls_token": normal(1, 1, d),
        "vit.embeddings.position_embeddings": normal(1, tokens, d),
        "vit.embeddings.patch_embeddings.projection.weight": normal(d, 3, p, p),
        "vit.embeddings.patch_embeddings.projection.bias": normal(d),
    }
    for i in range(c["num_hidden_layers"]):
        at = f"vit.encoder.layer.{i}."
        for norm in ("layernorm_before", "layernorm_after"):
            tensors[at + norm + ".weight"] = np.ones(d, np.float16)
            tensors[at + norm + ".bias"] = np.zeros(d, np.float16)
        for name, shape, std in (("attention.attention.query", (d, d), STD_ATTENTION), ("attention.attention.key", (d, d), STD_ATTENTION),
                                 ("attention.attention.value", (d, d), STD), ("attention.output.dense", (d, d), STD),
                                 ("intermediate.dense", (ff, d), STD), ("output.dense", (d, ff), STD)):
            tensors[at + name + ".weight"] = normal(*shape, std=std)
            tensors[at + name + ".bias"] = normal(shape[0], std=STD)
    tensors["vit.layernorm.weight"] = np.ones(d, np.float16)
    tensors["vit.layernorm.bias"] = np.zeros(d, np.float16)
    tensors["classifier.weight"] = normal(classes, d)
    tensors["classifier.bias"] = normal(classes)
    folder.mkdir(parents=True, exist_ok=True)
    save_file(tensors, str(folder / "model.safetensors"), metadata={"format": "pt"})
    labels = {str(i): f"class {i}" for i in range(classes)}
    config = {
        "model_type": "vit", "architectures": ["ViTForImageClassification"], "image_size": c["image_size"],
        "patch_size": p, "num_channels": 3, "hidden_size": d, "num_hidden_layers": c["num_hidden_layers"],
        "num_attention_heads": c["num_attention_heads"], "intermediate_size": ff, "hidden_act": "gelu",
        "layer_norm_eps": 1e-12, "qkv_bias": True, "id2label": labels, "label2id": {v: int(k) for k, v in labels.items()},
        "dtype": "float16",
    }
    (folder / "config.json").write_text(json.dumps(config, indent=2) + "\n")
    preprocessor = {
        "do_convert_rgb": True, "do_normalize": True, "do_rescale": True, "do_resize": True,
        "image_mean": [0.5, 0.5, 0.5], "image_std": [0.5, 0.5, 0.5], "image_processor_type": "ViTImageProcessor",
        "resample": 2, "rescale_factor": 1 / 255, "size": {"height": c["image_size"], "width": c["image_size"]},
    }
    (folder / "preprocessor_config.json").write_text(json.dumps(preprocessor, indent=2) + "\n")
    print(f"wrote {folder.relative_to(ROOT)}: random weights (seed 0), F16")


class Graph:
    """An ONNX graph written node by node: every call returns its output's name."""

    def __init__(self):
        self.nodes, self.initializers, self.inputs, self.outputs = [], [], [], []
        self.count = 0

    def name(self, hint):
        self.count += 1
        return f"{hint}_{self.count}"

    def const(self, value, hint="c", dtype=np.float32):
        name = self.name(hint)
        self.initializers.append(numpy_helper.from_array(np.asarray(value, dtype=dtype), name))
        return name

    def op(self, op_type, *inputs, outputs=1, out=None, **attributes):
        names = [out] if out else [self.name(op_type.lower()) for _ in range(outputs)]
        self.nodes.append(helper.make_node(op_type, list(inputs), names, **attributes))
        return names[0] if outputs == 1 else names

    def input(self, name, elem, shape):
        self.inputs.append(helper.make_tensor_value_info(name, elem, shape))
        return name

    def output(self, name, shape):
        self.outputs.append(helper.make_tensor_value_info(name, TensorProto.FLOAT, shape))

    def save(self, path, doc):
        graph = helper.make_graph(self.nodes, path.stem, self.inputs, self.outputs, self.initializers)
        model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", OPSET)], ir_version=IR_VERSION,
                                  producer_name="bench_models.py", doc_string=doc)
        onnx.checker.check_model(model)
        path.parent.mkdir(parents=True, exist_ok=True)
        onnx.save(model, str(path))
        print(f"wrote {path.relative_to(ROOT)} ({path.stat().st_size / 2**20:.1f} MiB)")

    # Building blocks.
    def linear(self, x, weight, bias):
        """x · W + b with W as [in, out]."""
        return self.op("Add", self.op("MatMul", x, self.const(weight, "w")), self.const(bias, "b"))

    def layer_norm(self, x, gamma, beta, eps):
        return self.op("LayerNormalization", x, self.const(gamma, "gamma"), self.const(beta, "beta"), axis=-1, epsilon=eps)

    def heads(self, x, heads, dh):
        """[1, n, heads·dh] → [1, heads, n, dh]."""
        return self.op("Transpose", self.op("Reshape", x, self.const([1, -1, heads, dh], "shape", np.int64)), perm=[0, 2, 1, 3])

    def merge_heads(self, x, width):
        """[1, heads, n, dh] → [1, n, heads·dh]."""
        return self.op("Reshape", self.op("Transpose", x, perm=[0, 2, 1, 3]), self.const([1, -1, width], "shape", np.int64))

    def attention(self, q, k, v, scale, mask, probabilities):
        """softmax(q·kᵀ·scale, masked) as the output `probabilities`, then its product with v."""
        scores = self.op("Mul", self.op("MatMul", q, self.op("Transpose", k, perm=[0, 1, 3, 2])), self.const(scale, "scale"))
        if mask is not None:
            scores = self.op("Where", mask, self.const(-np.inf, "minus_inf"), scores)
        self.op("Softmax", scores, out=probabilities, axis=-1)
        return self.op("MatMul", probabilities, v)

    def gelu_erf(self, x):
        inner = self.op("Erf", self.op("Mul", x, self.const(1 / math.sqrt(2), "r")))
        return self.op("Mul", self.op("Mul", x, self.const(0.5, "half")), self.op("Add", inner, self.const(1.0, "one")))

    def gelu_tanh(self, x):
        cube = self.op("Mul", self.op("Mul", x, x), x)
        inner = self.op("Add", x, self.op("Mul", cube, self.const(0.044715, "k")))
        t = self.op("Tanh", self.op("Mul", inner, self.const(math.sqrt(2 / math.pi), "k")))
        return self.op("Mul", self.op("Mul", x, self.const(0.5, "half")), self.op("Add", t, self.const(1.0, "one")))

    def dim(self, x, axis):
        """The size of `x` along `axis`, as an int64 scalar."""
        return self.op("Squeeze", self.op("Shape", x, start=axis, end=axis + 1), self.const([0], "axes", np.int64))


def f32(tensors, name):
    return tensors[name].astype(np.float32)


def export_minilm(path):
    config = json.loads((MINILM / "config.json").read_text())
    t = load_file(str(MINILM / "model.safetensors"))
    d, heads, eps = config["hidden_size"], config["num_attention_heads"], config["layer_norm_eps"]
    dh = d // heads
    g = Graph()
    ids = g.input("input_ids", TensorProto.INT64, [1, "T"])
    n = g.op("Unsqueeze", g.dim(ids, 1), g.const([0], "axes", np.int64))
    positions = g.op("Slice", g.const(f32(t, "embeddings.position_embeddings.weight"), "positions"), g.const([0], "zero", np.int64), n)
    x = g.op("Gather", g.const(f32(t, "embeddings.word_embeddings.weight"), "words"), ids)
    x = g.op("Add", g.op("Add", x, positions), g.const(f32(t, "embeddings.token_type_embeddings.weight")[0], "type0"))
    x = g.layer_norm(x, f32(t, "embeddings.LayerNorm.weight"), f32(t, "embeddings.LayerNorm.bias"), eps)
    for i in range(config["num_hidden_layers"]):
        at = f"encoder.layer.{i}."
        qkv_w = np.concatenate([f32(t, at + f"attention.self.{p}.weight").T for p in ("query", "key", "value")], axis=1)
        qkv_b = np.concatenate([f32(t, at + f"attention.self.{p}.bias") for p in ("query", "key", "value")])
        q, k, v = g.op("Split", g.linear(x, qkv_w, qkv_b), g.const([d, d, d], "split", np.int64), outputs=3, axis=-1)
        name = f"attentions.{i}"
        context = g.attention(g.heads(q, heads, dh), g.heads(k, heads, dh), g.heads(v, heads, dh), 1 / math.sqrt(dh), None, name)
        g.output(name, [1, heads, "T", "T"])
        out = g.linear(g.merge_heads(context, d), f32(t, at + "attention.output.dense.weight").T,
                       f32(t, at + "attention.output.dense.bias"))
        x = g.layer_norm(g.op("Add", out, x), f32(t, at + "attention.output.LayerNorm.weight"),
                         f32(t, at + "attention.output.LayerNorm.bias"), eps)
        h = g.gelu_erf(g.linear(x, f32(t, at + "intermediate.dense.weight").T, f32(t, at + "intermediate.dense.bias")))
        out = g.linear(h, f32(t, at + "output.dense.weight").T, f32(t, at + "output.dense.bias"))
        x = g.layer_norm(g.op("Add", out, x), f32(t, at + "output.LayerNorm.weight"), f32(t, at + "output.LayerNorm.bias"), eps)
    mean = g.op("ReduceMean", x, axes=[1], keepdims=0)
    g.op("Div", mean, g.op("ReduceL2", mean, axes=[1], keepdims=1), out="pooled")
    g.output("pooled", [1, d])
    g.save(path, "all-MiniLM-L6-v2 (F32): pooled embedding and every layer's attention probabilities")


def export_gpt2(folder, path):
    config = json.loads((folder / "config.json").read_text())
    t = load_file(str(folder / "model.safetensors"))
    t = {name.removeprefix("transformer."): value for name, value in t.items()}
    layers, heads, d, eps = config["n_layer"], config["n_head"], config["n_embd"], config["layer_norm_epsilon"]
    dh = d // heads
    g = Graph()
    ids = g.input("input_ids", TensorProto.INT64, [1, "n"])
    past = [(g.input(f"past_key.{i}", TensorProto.FLOAT, [1, heads, "P", dh]),
             g.input(f"past_value.{i}", TensorProto.FLOAT, [1, heads, "P", dh])) for i in range(layers)]
    n, p = g.dim(ids, 1), g.dim(past[0][0], 2)
    total = g.op("Add", p, n)
    one = g.const(1, "one", np.int64)
    positions = g.op("Range", p, total, one)
    # Query i sits at position P + i and sees keys 0 ..= P + i: the mask is true where a key is later.
    mask = g.op("Greater", g.op("Range", g.const(0, "zero", np.int64), total, one),
                g.op("Unsqueeze", positions, g.const([1], "axes", np.int64)))
    wte = g.const(f32(t, "wte.weight"), "wte")
    x = g.op("Add", g.op("Gather", wte, ids), g.op("Gather", g.const(f32(t, "wpe.weight"), "wpe"), positions))
    for i in range(layers):
        at = f"h.{i}."
        h = g.layer_norm(x, f32(t, at + "ln_1.weight"), f32(t, at + "ln_1.bias"), eps)
        q, k, v = g.op("Split", g.linear(h, f32(t, at + "attn.c_attn.weight"), f32(t, at + "attn.c_attn.bias")),
                       g.const([d, d, d], "split", np.int64), outputs=3, axis=-1)
        keys = g.op("Concat", past[i][0], g.heads(k, heads, dh), axis=2, out=f"present_key.{i}")
        values = g.op("Concat", past[i][1], g.heads(v, heads, dh), axis=2, out=f"present_value.{i}")
        g.output(keys, [1, heads, "P_plus_n", dh])
        g.output(values, [1, heads, "P_plus_n", dh])
        name = f"attentions.{i}"
        context = g.attention(g.heads(q, heads, dh), keys, values, 1 / math.sqrt(dh), mask, name)
        g.output(name, [1, heads, "n", "P_plus_n"])
        x = g.op("Add", x, g.linear(g.merge_heads(context, d), f32(t, at + "attn.c_proj.weight"), f32(t, at + "attn.c_proj.bias")))
        h = g.layer_norm(x, f32(t, at + "ln_2.weight"), f32(t, at + "ln_2.bias"), eps)
        h = g.gelu_tanh(g.linear(h, f32(t, at + "mlp.c_fc.weight"), f32(t, at + "mlp.c_fc.bias")))
        x = g.op("Add", x, g.linear(h, f32(t, at + "mlp.c_proj.weight"), f32(t, at + "mlp.c_proj.bias")))
    x = g.layer_norm(x, f32(t, "ln_f.weight"), f32(t, "ln_f.bias"), eps)
    last = g.op("Gather", x, g.op("Sub", n, one), axis=1)
    # Tied embeddings: the logits are the last hidden state against every token's embedding.
    g.op("Gemm", last, wte, transB=1, out="logits")
    g.output("logits", [1, config["vocab_size"]])
    g.save(path, f"{folder.name}: next-token logits, the key/value cache and every layer's attention probabilities")


def export_vit(folder, path):
    """A ViT classifier (model_type vit, pre-norm layers, [CLS] classified) from its safetensors."""
    config = json.loads((folder / "config.json").read_text())
    t = load_file(str(folder / "model.safetensors"))
    t = {name.removeprefix("vit."): value for name, value in t.items()}
    d, heads, p, s = config["hidden_size"], config["num_attention_heads"], config["patch_size"], config["image_size"]
    eps, dh, classes = config["layer_norm_eps"], d // heads, t["classifier.weight"].shape[0]
    tokens = (s // p) ** 2 + 1
    g = Graph()
    pixels = g.input("pixel_values", TensorProto.FLOAT, [1, 3, s, s])
    # The patch embedding is a convolution whose kernel and stride are the patch.
    x = g.op("Conv", pixels, g.const(f32(t, "embeddings.patch_embeddings.projection.weight"), "patch"),
             g.const(f32(t, "embeddings.patch_embeddings.projection.bias"), "patch_bias"), kernel_shape=[p, p], strides=[p, p])
    x = g.op("Transpose", g.op("Reshape", x, g.const([1, d, -1], "shape", np.int64)), perm=[0, 2, 1])
    x = g.op("Concat", g.const(f32(t, "embeddings.cls_token"), "cls"), x, axis=1)
    x = g.op("Add", x, g.const(f32(t, "embeddings.position_embeddings"), "positions"))
    for i in range(config["num_hidden_layers"]):
        at = f"encoder.layer.{i}."
        h = g.layer_norm(x, f32(t, at + "layernorm_before.weight"), f32(t, at + "layernorm_before.bias"), eps)
        qkv_w = np.concatenate([f32(t, at + f"attention.attention.{n}.weight").T for n in ("query", "key", "value")], axis=1)
        qkv_b = np.concatenate([f32(t, at + f"attention.attention.{n}.bias") for n in ("query", "key", "value")])
        q, k, v = g.op("Split", g.linear(h, qkv_w, qkv_b), g.const([d, d, d], "split", np.int64), outputs=3, axis=-1)
        name = f"attentions.{i}"
        context = g.attention(g.heads(q, heads, dh), g.heads(k, heads, dh), g.heads(v, heads, dh), 1 / math.sqrt(dh), None, name)
        g.output(name, [1, heads, tokens, tokens])
        x = g.op("Add", x, g.linear(g.merge_heads(context, d), f32(t, at + "attention.output.dense.weight").T,
                                    f32(t, at + "attention.output.dense.bias")))
        h = g.layer_norm(x, f32(t, at + "layernorm_after.weight"), f32(t, at + "layernorm_after.bias"), eps)
        h = g.gelu_erf(g.linear(h, f32(t, at + "intermediate.dense.weight").T, f32(t, at + "intermediate.dense.bias")))
        x = g.op("Add", x, g.linear(h, f32(t, at + "output.dense.weight").T, f32(t, at + "output.dense.bias")))
    x = g.layer_norm(x, f32(t, "layernorm.weight"), f32(t, "layernorm.bias"), eps)
    cls = g.op("Gather", x, g.const(0, "zero", np.int64), axis=1)
    g.op("Gemm", cls, g.const(f32(t, "classifier.weight"), "classifier"), g.const(f32(t, "classifier.bias"), "classifier_bias"),
         transB=1, out="logits")
    g.output("logits", [1, classes])
    g.save(path, f"{folder.name}: the class token's logits and every layer's attention probabilities")


def main():
    one_core()
    if not (RANDOM / "model.safetensors").exists():
        make_random_gpt2(RANDOM)
    if not (RANDOM_VIT / "model.safetensors").exists():
        make_random_vit(RANDOM_VIT)
    onnx_dir = OUT / "onnx"
    export_minilm(onnx_dir / "minilm.onnx")
    export_gpt2(TRAINED, onnx_dir / "gpt2-2l-induction.onnx")
    export_gpt2(RANDOM, onnx_dir / "gpt2-small-random.onnx")
    export_vit(DIGITS_VIT, onnx_dir / "digits-vit.onnx")
    export_vit(RANDOM_VIT, onnx_dir / "vit-base-random.onnx")


if __name__ == "__main__":
    main()
