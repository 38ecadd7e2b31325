//! The encoder's parameters, read from safetensors by name and checked against `config.json`.
//!
//! BERT/MiniLM and DistilBERT store the same parameters under different names; `Layout` holds
//! each architecture's names, so loading is one code path. Checkpoints saved from a task model
//! carry a prefix (`bert.`, `distilbert.`), which is found from the word embeddings' name.
//! Linear maps are transposed once here into the core's `x · W + b` orientation, and the three
//! attention projections are fused into one `d × 3d` map (one matrix product instead of three).
//! In WebAssembly the maps are then packed for the SIMD kernel of [`super::packed`].

use std::cell::{Cell, RefCell};

use ndarray::{concatenate, Array1, Array2, Axis};
use serde::Serialize;

use super::config::{Architecture, ModelConfig};
use super::error::{ModelError, ModelResult};
use super::packed::{for_encoder, EncoderLinear};
use super::safetensors::{Dtype, SafeTensors};
use crate::linear::Linear;

/// Scale and shift of a layer normalisation.
#[derive(Debug, Clone)]
pub struct LayerNormWeights {
    pub gamma: Array1<f32>,
    pub beta: Array1<f32>,
}

/// The token, position and (BERT only) token-type embedding tables.
#[derive(Debug, Clone)]
pub struct Embeddings {
    /// `vocab × d`
    pub word: Array2<f32>,
    /// `max_positions × d`
    pub position: Array2<f32>,
    /// Row 0 of the token-type table (every token of a single sentence has type 0).
    pub token_type: Option<Array1<f32>>,
    pub norm: LayerNormWeights,
}

/// One encoder layer: self-attention then the feed-forward block, each followed by
/// residual + layer normalisation (post-norm, as in BERT). A vision transformer's layer has the
/// same maps and normalises before each block instead (pre-norm: `attention_norm` before the
/// attention, `ffn_norm` before the feed-forward block).
#[derive(Debug, Clone)]
pub struct EncoderLayer {
    /// `d × 3d`: columns `[0, d)` give Q, `[d, 2d)` K, `[2d, 3d)` V, head-major inside each.
    pub qkv: EncoderLinear,
    pub attention_out: EncoderLinear,
    pub attention_norm: LayerNormWeights,
    pub ffn_in: EncoderLinear,
    pub ffn_out: EncoderLinear,
    pub ffn_norm: LayerNormWeights,
}

/// How the weights were stored in the file they were read from (they are always held as f32).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "typescript", derive(ts_rs::TS))]
pub enum StoredAs {
    F32,
    F16,
    BF16,
    /// Tensors of more than one of the above.
    #[serde(rename = "mixed")]
    Mixed,
}

/// Every parameter the forward pass uses.
#[derive(Debug, Clone)]
pub struct EncoderWeights {
    pub embeddings: Embeddings,
    pub layers: Vec<EncoderLayer>,
    /// Number of values read from the file: every tensor the encoder uses, whole (the full
    /// token-type table counts, though only its first row is kept). A pooler or task head in the
    /// file is not read and not counted.
    pub parameters: usize,
    pub stored_as: StoredAs,
}

/// Where an architecture keeps its parameters (`{i}` stands for the layer number).
struct Layout {
    word: &'static str,
    position: &'static str,
    token_type: Option<&'static str>,
    embedding_norm: &'static str,
    layer: &'static str,
    query: &'static str,
    key: &'static str,
    value: &'static str,
    attention_out: &'static str,
    attention_norm: &'static str,
    ffn_in: &'static str,
    ffn_out: &'static str,
    ffn_norm: &'static str,
    prefixes: &'static [&'static str],
}

const BERT: Layout = Layout {
    word: "embeddings.word_embeddings",
    position: "embeddings.position_embeddings",
    token_type: Some("embeddings.token_type_embeddings"),
    embedding_norm: "embeddings.LayerNorm",
    layer: "encoder.layer.",
    query: "attention.self.query",
    key: "attention.self.key",
    value: "attention.self.value",
    attention_out: "attention.output.dense",
    attention_norm: "attention.output.LayerNorm",
    ffn_in: "intermediate.dense",
    ffn_out: "output.dense",
    ffn_norm: "output.LayerNorm",
    prefixes: &["", "bert.", "model."],
};

const DISTILBERT: Layout = Layout {
    word: "embeddings.word_embeddings",
    position: "embeddings.position_embeddings",
    token_type: None,
    embedding_norm: "embeddings.LayerNorm",
    layer: "transformer.layer.",
    query: "attention.q_lin",
    key: "attention.k_lin",
    value: "attention.v_lin",
    attention_out: "attention.out_lin",
    attention_norm: "sa_layer_norm",
    ffn_in: "ffn.lin1",
    ffn_out: "ffn.lin2",
    ffn_norm: "output_layer_norm",
    prefixes: &["", "distilbert.", "model."],
};

/// Reads tensors by name, with the checkpoint's prefix, checking each shape; counts what it read.
/// The encoders and the decoders read their weights through it.
pub(crate) struct Reader<'f, 'a> {
    file: &'f SafeTensors<'a>,
    prefix: &'static str,
    parameters: Cell<usize>,
    dtypes: RefCell<Vec<Dtype>>,
}

impl<'f, 'a> Reader<'f, 'a> {
    /// A reader of `file`'s tensors whose names start with `prefix`.
    pub(crate) fn new(file: &'f SafeTensors<'a>, prefix: &'static str) -> Self {
        Reader { file, prefix, parameters: Cell::new(0), dtypes: RefCell::new(Vec::new()) }
    }

    /// Number of values read so far.
    pub(crate) fn parameters(&self) -> usize {
        self.parameters.get()
    }

    pub(crate) fn tensor(&self, name: &str, shape: &[usize]) -> ModelResult<Vec<f32>> {
        self.read(format!("{}{name}", self.prefix), shape)
    }

    /// A matrix named in full, outside the prefix (a task model's head, such as `lm_head`).
    pub(crate) fn root_matrix(&self, full: &str, rows: usize, cols: usize) -> ModelResult<Array2<f32>> {
        let values = self.read(full.to_owned(), &[rows, cols])?;
        Ok(Array2::from_shape_vec((rows, cols), values).expect("length checked against the shape"))
    }

    fn read(&self, full: String, shape: &[usize]) -> ModelResult<Vec<f32>> {
        let view = self.file.get(&full).ok_or(ModelError::MissingTensor { name: full.clone() })?;
        if view.shape != shape {
            return Err(ModelError::TensorShape { name: full, expected: shape.to_vec(), found: view.shape.clone() });
        }
        let values = view.to_f32(&full)?;
        self.parameters.set(self.parameters.get() + values.len());
        let mut dtypes = self.dtypes.borrow_mut();
        if !dtypes.contains(&view.dtype) {
            dtypes.push(view.dtype);
        }
        Ok(values)
    }

    /// How the tensors read so far were stored.
    pub(crate) fn stored_as(&self) -> StoredAs {
        match self.dtypes.borrow().as_slice() {
            [Dtype::F16] => StoredAs::F16,
            [Dtype::BF16] => StoredAs::BF16,
            [Dtype::F32] => StoredAs::F32,
            _ => StoredAs::Mixed,
        }
    }

    pub(crate) fn matrix(&self, name: &str, rows: usize, cols: usize) -> ModelResult<Array2<f32>> {
        let values = self.tensor(name, &[rows, cols])?;
        Ok(Array2::from_shape_vec((rows, cols), values).expect("length checked against the shape"))
    }

    pub(crate) fn vector(&self, name: &str, len: usize) -> ModelResult<Array1<f32>> {
        Ok(Array1::from(self.tensor(name, &[len])?))
    }

    /// A PyTorch `nn.Linear` (`weight` is `d_out × d_in`) as the core's `x · W + b`.
    pub(crate) fn linear(&self, name: &str, d_in: usize, d_out: usize) -> ModelResult<Linear> {
        self.linear_with(name, d_in, d_out, true)
    }

    /// A PyTorch `nn.Linear` with or without its bias.
    pub(crate) fn linear_with(&self, name: &str, d_in: usize, d_out: usize, bias: bool) -> ModelResult<Linear> {
        let weight = self.matrix(&format!("{name}.weight"), d_out, d_in)?;
        let mut linear = Linear::new(weight.t().as_standard_layout().into_owned());
        if bias {
            linear.bias = Some(self.vector(&format!("{name}.bias"), d_out)?);
        }
        Ok(linear)
    }

    /// A GPT-2 `Conv1D`, whose `weight` is stored `d_in × d_out`: already the core's orientation.
    pub(crate) fn conv1d(&self, name: &str, d_in: usize, d_out: usize) -> ModelResult<Linear> {
        let mut linear = Linear::new(self.matrix(&format!("{name}.weight"), d_in, d_out)?);
        linear.bias = Some(self.vector(&format!("{name}.bias"), d_out)?);
        Ok(linear)
    }

    /// Layer normalisation saved as `weight`/`bias`, or by older checkpoints as `gamma`/`beta`.
    pub(crate) fn layer_norm(&self, name: &str, d: usize) -> ModelResult<LayerNormWeights> {
        let old_names = self.file.get(&format!("{}{name}.gamma", self.prefix)).is_some();
        let (scale, shift) = if old_names { ("gamma", "beta") } else { ("weight", "bias") };
        Ok(LayerNormWeights { gamma: self.vector(&format!("{name}.{scale}"), d)?, beta: self.vector(&format!("{name}.{shift}"), d)? })
    }
}

/// The query, key and value maps side by side: one `d × 3d` map (with a bias when they have one).
pub(crate) fn fuse(parts: [Linear; 3]) -> Linear {
    let weights: Vec<_> = parts.iter().map(|l| l.weight.view()).collect();
    let biases: Vec<_> = parts.iter().filter_map(|l| l.bias.as_ref().map(|b| b.view())).collect();
    let mut fused = Linear::new(concatenate(Axis(1), &weights).expect("equal row counts"));
    fused.bias = (biases.len() == 3).then(|| concatenate(Axis(0), &biases).expect("vectors"));
    fused
}

impl EncoderWeights {
    /// Reads every parameter `config` calls for from `file`.
    pub fn load(config: &ModelConfig, file: &SafeTensors<'_>) -> ModelResult<Self> {
        let layout = match config.architecture {
            Architecture::Bert => &BERT,
            Architecture::DistilBert => &DISTILBERT,
        };
        let word_name = format!("{}.weight", layout.word);
        let prefix = layout
            .prefixes
            .iter()
            .copied()
            .find(|p| file.get(&format!("{p}{word_name}")).is_some())
            .ok_or(ModelError::MissingTensor { name: word_name })?;
        let r = Reader::new(file, prefix);
        let d = config.hidden_size;
        let token_type = match layout.token_type {
            Some(name) => {
                let table = r.matrix(&format!("{name}.weight"), config.type_vocab_size, d)?;
                Some(table.row(0).to_owned())
            }
            None => None,
        };
        let embeddings = Embeddings {
            word: r.matrix(&format!("{}.weight", layout.word), config.vocab_size, d)?,
            position: r.matrix(&format!("{}.weight", layout.position), config.max_positions, d)?,
            token_type,
            norm: r.layer_norm(layout.embedding_norm, d)?,
        };
        let layers = (0..config.num_layers)
            .map(|i| {
                let at = |part: &str| format!("{}{i}.{part}", layout.layer);
                let ff = config.intermediate_size;
                Ok(EncoderLayer {
                    qkv: for_encoder(fuse([
                        r.linear(&at(layout.query), d, d)?,
                        r.linear(&at(layout.key), d, d)?,
                        r.linear(&at(layout.value), d, d)?,
                    ])),
                    attention_out: for_encoder(r.linear(&at(layout.attention_out), d, d)?),
                    attention_norm: r.layer_norm(&at(layout.attention_norm), d)?,
                    ffn_in: for_encoder(r.linear(&at(layout.ffn_in), d, ff)?),
                    ffn_out: for_encoder(r.linear(&at(layout.ffn_out), ff, d)?),
                    ffn_norm: r.layer_norm(&at(layout.ffn_norm), d)?,
                })
            })
            .collect::<ModelResult<Vec<_>>>()?;
        Ok(EncoderWeights { embeddings, layers, parameters: r.parameters(), stored_as: r.stored_as() })
    }
}
