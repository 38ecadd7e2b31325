//! A trained model as a model folder the project's loaders read (docs/trained-models.md): an
//! encoder–decoder in the `seq2seq` Transformer layout (`config.json`, `vocab.json`,
//! `model.safetensors`), a decoder-only model in GPT-2's (`config.json`, `tokenizer.json`,
//! `model.safetensors`). So `attn translate`/`attn generate`, the page and every view run a
//! trained model through the same inference code as a shipped one.
//!
//! The training maths keeps a linear map as `W` (`d_in × d_out`); the `seq2seq` layout stores
//! PyTorch's `nn.Linear` orientation (`d_out × d_in`), GPT-2's `Conv1D` the core's own, with Q, K
//! and V side by side in `c_attn`.

use attention_train::attention::Attention;
use attention_train::linear::Linear;
use attention_train::{Layout, Model};
use serde_json::{json, Value};

use super::tasks::Example;
use super::{TrainArchitecture, TrainSettings};
use crate::model::safetensors::{Dtype, SafeTensorsWriter};
use attention_train::Batch;

/// Adds one tensor (name, shape, values) to the weights file being written.
type Put<'p> = &'p mut dyn FnMut(&str, &[usize], &[f32]);

/// The files of a model folder, in memory.
#[derive(Debug, Clone, PartialEq)]
pub struct ModelFiles {
    pub config_json: String,
    /// An encoder–decoder's `vocab.json`.
    pub vocab_json: Option<String>,
    /// A decoder's `tokenizer.json`.
    pub tokenizer_json: Option<String>,
    pub safetensors: Vec<u8>,
}

impl ModelFiles {
    /// Writes the folder (created if missing).
    #[cfg(not(target_arch = "wasm32"))]
    pub fn write_to(&self, dir: &std::path::Path) -> std::io::Result<()> {
        std::fs::create_dir_all(dir)?;
        std::fs::write(dir.join("config.json"), &self.config_json)?;
        if let Some(vocab) = &self.vocab_json {
            std::fs::write(dir.join("vocab.json"), vocab)?;
        }
        if let Some(tokenizer) = &self.tokenizer_json {
            std::fs::write(dir.join("tokenizer.json"), tokenizer)?;
        }
        std::fs::write(dir.join("model.safetensors"), &self.safetensors)
    }
}

/// The tokens of a trained model, by id: an encoder–decoder's `<pad> <bos> <eos> <unk>` then the
/// task's alphabet (the same list for source and target); a decoder's `<|endoftext|>`, the
/// alphabet and the separator `=`.
#[derive(Debug, Clone, PartialEq)]
pub struct Vocabulary {
    tokens: Vec<String>,
    /// Id of the alphabet's first symbol.
    first: u32,
    architecture: TrainArchitecture,
}

const SEQ2SEQ_SPECIALS: [&str; 4] = ["<pad>", "<bos>", "<eos>", "<unk>"];
const BOS: u32 = 1;
const EOS: u32 = 2;
const END_OF_TEXT: &str = "<|endoftext|>";

impl Vocabulary {
    pub fn of(settings: &TrainSettings) -> Vocabulary {
        let alphabet = settings.task.alphabet().into_iter().map(String::from);
        match settings.architecture {
            TrainArchitecture::EncoderDecoder => Vocabulary {
                tokens: SEQ2SEQ_SPECIALS.iter().map(|s| s.to_string()).chain(alphabet).collect(),
                first: SEQ2SEQ_SPECIALS.len() as u32,
                architecture: settings.architecture,
            },
            TrainArchitecture::DecoderOnly => Vocabulary {
                tokens: std::iter::once(END_OF_TEXT.to_owned())
                    .chain(alphabet)
                    .chain(settings.task.separator().map(String::from))
                    .collect(),
                first: 1,
                architecture: settings.architecture,
            },
        }
    }

    pub fn len(&self) -> usize {
        self.tokens.len()
    }

    pub fn is_empty(&self) -> bool {
        self.tokens.is_empty()
    }

    pub fn tokens(&self) -> &[String] {
        &self.tokens
    }

    fn id(&self, c: char) -> u32 {
        let at = self.tokens.iter().position(|t| t.chars().eq(std::iter::once(c))).expect("a character of the task's alphabet");
        debug_assert!(at as u32 >= self.first);
        at as u32
    }

    fn ids(&self, text: &str) -> Vec<u32> {
        text.chars().map(|c| self.id(c)).collect()
    }

    /// The batch the model trains on: an encoder–decoder reads `prompt <eos>` and `<bos> answer`
    /// and predicts `answer <eos>`; a decoder-only model reads `prompt = answer` (without its last
    /// token) and predicts each answer token from the one before.
    pub fn batch(&self, settings: &TrainSettings, examples: &[Example]) -> Batch {
        let mut batch =
            Batch { size: examples.len(), source: Vec::new(), source_len: 0, input: Vec::new(), input_len: 0, targets: Vec::new() };
        for e in examples {
            let (prompt, answer) = (self.ids(&e.prompt), self.ids(&e.answer));
            match self.architecture {
                TrainArchitecture::EncoderDecoder => {
                    batch.source.extend(prompt.iter().copied().chain([EOS]));
                    batch.source_len = prompt.len() + 1;
                    batch.input.extend(std::iter::once(BOS).chain(answer.iter().copied()));
                    batch.input_len = answer.len() + 1;
                    batch.targets.extend(answer.iter().copied().chain([EOS]).map(Some));
                }
                TrainArchitecture::DecoderOnly => {
                    let separator = settings.task.separator().map(|c| self.id(c));
                    let sequence: Vec<u32> = prompt.iter().copied().chain(separator).chain(answer.iter().copied()).collect();
                    let answer_start = sequence.len() - answer.len();
                    batch.input.extend_from_slice(&sequence[..sequence.len() - 1]);
                    batch.input_len = sequence.len() - 1;
                    batch.targets.extend((1..sequence.len()).map(|i| (i >= answer_start).then_some(sequence[i])));
                }
            }
        }
        batch
    }
}

/// `config.json`, the vocabulary's file and `model.safetensors` of `values`, trained `steps` steps.
pub fn files(settings: &TrainSettings, model: &Model, vocabulary: &Vocabulary, values: &[f32], steps: usize) -> ModelFiles {
    let task = &settings.task;
    let spec = &model.spec;
    let training = json!({
        "trained_in": "attention-playground (attn train, or the page's training panel)",
        "task": task.kind.name(),
        "sequence_length": task.length,
        "vocabulary": task.vocabulary,
        "offset": task.offset,
        "seed": settings.seed,
        "steps": steps,
        "batch_size": settings.batch_size,
        "optimizer": "Adam (β₁ 0.9, β₂ 0.98, ε 1e-9), gradient norm clipped at 1",
        "peak_learning_rate": settings.learning_rate,
        "warmup_steps": settings.warmup,
        "loss": "cross-entropy over the answer tokens"
    });
    let mut writer = SafeTensorsWriter::new();
    let mut put = |name: &str, shape: &[usize], values: &[f32]| {
        writer.f32(name, Dtype::F32, shape, values).expect("shape and length agree");
    };
    let layout = &model.layout;
    match settings.architecture {
        TrainArchitecture::EncoderDecoder => {
            let description = format!(
                "{}: a Transformer encoder–decoder trained in the playground ({}+{} layers, {} heads, d_model {}), seed {}, step {steps}.",
                describe(settings),
                spec.encoder_layers,
                spec.decoder_layers,
                spec.heads,
                spec.d_model,
                settings.seed
            );
            let config = json!({
                "model_type": "seq2seq",
                "architecture": "transformer",
                "task": task.kind.name(),
                "description": description,
                "source_tokenizer": "chars",
                "target_tokenizer": "chars",
                "lowercase": true,
                "pad_id": 0, "bos_id": BOS, "eos_id": EOS, "unk_id": 3,
                "source_vocab_size": vocabulary.len(),
                "target_vocab_size": vocabulary.len(),
                "max_source_length": task.prompt_len() + 1,
                "max_output_length": task.answer_len() + 1,
                "dtype": "float32",
                "d_model": spec.d_model,
                "num_heads": spec.heads,
                "encoder_layers": spec.encoder_layers,
                "decoder_layers": spec.decoder_layers,
                "ffn_size": spec.ffn,
                "ffn_activation": "relu",
                "norm_placement": "pre",
                "final_layer_norm": true,
                "layer_norm_eps": spec.layer_norm_eps,
                "positions": match settings.positions {
                    super::TrainPositions::Sinusoidal => "sinusoidal",
                    super::TrainPositions::Learned => "learned",
                    super::TrainPositions::Rotary => "rotary",
                },
                "embedding_scale": "sqrt_d_model",
                "tied_embeddings": false,
                "training": training,
            });
            let linears = linears(model);
            for slot in layout.slots() {
                let data = &values[slot.range()];
                if let Some(linear) = linears.iter().find(|l| layout.slot(l.weight).offset == slot.offset) {
                    put(&slot.name, &[linear.d_out, linear.d_in], &transpose(data, linear.d_in, linear.d_out));
                } else if let Some(rows) = position_rows(&slot.name, task) {
                    // A learned table as long as the sequence the loader reads.
                    put(&slot.name, &[rows, spec.d_model], &data[..rows * spec.d_model]);
                } else {
                    put(&slot.name, &slot.shape, data);
                }
            }
            let vocab = json!({ "source": vocabulary.tokens(), "target": vocabulary.tokens() });
            ModelFiles {
                config_json: pretty(&config),
                vocab_json: Some(pretty(&vocab)),
                tokenizer_json: None,
                safetensors: writer.to_bytes(),
            }
        }
        TrainArchitecture::DecoderOnly => {
            let get = |id| &values[layout.slot(id).range()];
            let d = spec.d_model;
            put("wte.weight", &[vocabulary.len(), d], get(model.target_embedding.table));
            if let attention_train::embedding::Positions::Learned(slot) = model.positions {
                put("wpe.weight", &[spec.max_positions, d], get(slot));
            }
            let norm = |name: &str, n: &attention_train::layer_norm::LayerNorm, put: Put<'_>| {
                put(&format!("{name}.weight"), &[d], get(n.gamma));
                put(&format!("{name}.bias"), &[d], get(n.beta));
            };
            for (l, layer) in model.decoder.iter().enumerate() {
                let at = |part: &str| format!("h.{l}.{part}");
                norm(&at("ln_1"), &layer.ln1, &mut put);
                let (weight, bias) = fused_qkv(&layer.self_attention, values, layout);
                put(&at("attn.c_attn.weight"), &[d, 3 * d], &weight);
                put(&at("attn.c_attn.bias"), &[3 * d], &bias);
                conv1d(&at("attn.c_proj"), &layer.self_attention.o, values, layout, &mut put);
                norm(&at("ln_2"), &layer.ln_mlp, &mut put);
                conv1d(&at("mlp.c_fc"), &layer.mlp.fc1, values, layout, &mut put);
                conv1d(&at("mlp.c_proj"), &layer.mlp.fc2, values, layout, &mut put);
            }
            norm("ln_f", &model.decoder_norm, &mut put);
            let config = json!({
                "model_type": "gpt2",
                "architectures": ["GPT2LMHeadModel"],
                "description": format!(
                    "{}: a GPT-2-style decoder trained in the playground ({} layers, {} heads, d_model {}), seed {}, step {steps}.",
                    describe(settings), spec.decoder_layers, spec.heads, d, settings.seed
                ),
                "vocab_size": vocabulary.len(),
                "n_embd": d,
                "n_head": spec.heads,
                "n_layer": spec.decoder_layers,
                "n_inner": spec.ffn,
                "n_positions": spec.max_positions,
                "activation_function": "relu",
                "layer_norm_epsilon": spec.layer_norm_eps,
                "tie_word_embeddings": true,
                "scale_attn_weights": true,
                "scale_attn_by_inverse_layer_idx": false,
                "bos_token_id": 0,
                "eos_token_id": 0,
                "dtype": "float32",
                "training": training,
            });
            ModelFiles {
                config_json: pretty(&config),
                vocab_json: None,
                tokenizer_json: Some(pretty(&tokenizer(vocabulary))),
                safetensors: writer.to_bytes(),
            }
        }
    }
}

/// Rows of a learned position table in the `seq2seq` layout: `max_source_length` for the
/// source's, `max_output_length` for the target's.
fn position_rows(name: &str, task: &super::Task) -> Option<usize> {
    match name {
        "src_positions.weight" => Some(task.prompt_len() + 1),
        "tgt_positions.weight" => Some(task.answer_len() + 1),
        _ => None,
    }
}

/// The task in words: "Reverse 8 symbols of 10 (a–j)".
fn describe(settings: &TrainSettings) -> String {
    let task = &settings.task;
    let letters = |n: usize| format!("{} letters of {} (a–{})", task.length, n, char::from(b'a' + n as u8 - 1));
    match task.kind {
        super::TaskKind::Reverse => format!("Reverse {}", letters(task.vocabulary)),
        super::TaskKind::Sort => format!("Sort {}", letters(task.vocabulary)),
        super::TaskKind::CopyOffset => format!("Copy {} rotated by {}", letters(task.vocabulary), task.offset),
        super::TaskKind::Add => format!("Add two {}-digit numbers", task.length),
        super::TaskKind::Induction => format!("Continue a repeated sequence of {}", letters(task.vocabulary)),
    }
}

/// Every linear map of the model.
fn linears(model: &Model) -> Vec<&Linear> {
    fn attention(a: &Attention) -> [&Linear; 4] {
        [&a.q, &a.k, &a.v, &a.o]
    }
    let mut all = Vec::new();
    for layer in model.encoder.iter().chain(&model.decoder) {
        all.extend(attention(&layer.self_attention));
        if let Some((_, cross)) = &layer.cross {
            all.extend(attention(cross));
        }
        all.extend([&layer.mlp.fc1, &layer.mlp.fc2]);
    }
    all.extend(model.output.as_ref());
    all
}

fn transpose(data: &[f32], rows: usize, cols: usize) -> Vec<f32> {
    let mut t = vec![0.0; data.len()];
    for i in 0..rows {
        for j in 0..cols {
            t[j * rows + i] = data[i * cols + j];
        }
    }
    t
}

/// GPT-2's `c_attn`: `W_Q | W_K | W_V` side by side (`d × 3d`), and their biases.
fn fused_qkv(a: &Attention, values: &[f32], layout: &Layout) -> (Vec<f32>, Vec<f32>) {
    let d = a.q.d_in;
    let maps = [&a.q, &a.k, &a.v];
    let mut weight = Vec::with_capacity(3 * d * d);
    for row in 0..d {
        for m in maps {
            weight.extend_from_slice(&layout.get(values, m.weight)[row * m.d_out..(row + 1) * m.d_out]);
        }
    }
    let bias = maps.iter().flat_map(|m| layout.get(values, m.bias.expect("attention maps have biases")).iter().copied()).collect();
    (weight, bias)
}

/// A map as GPT-2's `Conv1D` (`d_in × d_out`, the orientation training keeps).
fn conv1d(name: &str, map: &Linear, values: &[f32], layout: &Layout, put: Put<'_>) {
    put(&format!("{name}.weight"), &[map.d_in, map.d_out], layout.get(values, map.weight));
    put(&format!("{name}.bias"), &[map.d_out], layout.get(values, map.bias.expect("the maps have biases")));
}

/// A byte-level BPE `tokenizer.json` with one token per symbol and no merges (every symbol is a
/// printable ASCII character, its own byte-level form).
fn tokenizer(vocabulary: &Vocabulary) -> Value {
    let vocab: serde_json::Map<String, Value> = vocabulary.tokens().iter().enumerate().map(|(i, t)| (t.clone(), json!(i))).collect();
    let byte_level = json!({"type": "ByteLevel", "add_prefix_space": false, "trim_offsets": true, "use_regex": true});
    json!({
        "version": "1.0",
        "truncation": null,
        "padding": null,
        "added_tokens": [{"id": 0, "content": END_OF_TEXT, "single_word": false, "lstrip": false, "rstrip": false, "normalized": false, "special": true}],
        "normalizer": null,
        "pre_tokenizer": byte_level,
        "post_processor": {"type": "ByteLevel", "add_prefix_space": true, "trim_offsets": false, "use_regex": true},
        "decoder": {"type": "ByteLevel", "add_prefix_space": true, "trim_offsets": true, "use_regex": true},
        "model": {"type": "BPE", "dropout": null, "unk_token": null, "continuing_subword_prefix": null, "end_of_word_suffix": null,
                  "fuse_unk": false, "byte_fallback": false, "ignore_merges": false, "vocab": vocab, "merges": []}
    })
}

fn pretty(value: &Value) -> String {
    serde_json::to_string_pretty(value).expect("JSON values serialise") + "\n"
}
