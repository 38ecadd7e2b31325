//! What a loaded model is, in one small record for the page's model picker and captions.

use serde::Serialize;

use super::bert::Model;
use super::decoder::Decoder;
use super::weights::StoredAs;
use crate::run::SourceKind;

/// The sizes of a loaded model and how its weights file stored them. Serialised in camelCase.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "typescript", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct ModelInfo {
    /// The `model_type`: `"bert"` (BERT, MiniLM), `"distilbert"`, `"gpt2"` or `"llama"`; for an
    /// encoder–decoder its `architecture`: `"gru-additive"`, `"gru"` or `"transformer"` (the other
    /// fields' meaning for one: [`Seq2Seq::info`](super::Seq2Seq::info)).
    pub architecture: &'static str,
    /// `encoder`, `decoder` or `encoder-decoder`.
    pub kind: SourceKind,
    pub layers: usize,
    /// Query heads per layer.
    pub heads: usize,
    /// Key/value heads per layer: as many as `heads`, fewer with grouped-query attention.
    pub kv_heads: usize,
    /// Width of the token vectors, d.
    pub hidden: usize,
    /// Width of one head's queries and keys.
    #[serde(rename = "dK")]
    #[cfg_attr(feature = "typescript", ts(rename = "dK"))]
    pub d_k: usize,
    pub vocab_size: usize,
    /// The longest input: an encoder's `[CLS]` and `[SEP]` included; a decoder's context, prompt
    /// and generated tokens together.
    pub max_positions: usize,
    /// How the weights file stored the weights: `F32`, `F16`, `BF16` or `mixed`.
    pub dtype: StoredAs,
    /// Values the model read from the weights file (see [`EncoderWeights::parameters`](super::weights::EncoderWeights::parameters)).
    pub parameters: usize,
}

impl Model {
    /// The model's sizes and how its weights were stored.
    pub fn info(&self) -> ModelInfo {
        let c = self.config();
        ModelInfo {
            architecture: c.architecture.name(),
            kind: SourceKind::Encoder,
            layers: c.num_layers,
            heads: c.num_heads,
            kv_heads: c.num_heads,
            hidden: c.hidden_size,
            d_k: c.head_dim(),
            vocab_size: c.vocab_size,
            max_positions: c.max_positions,
            dtype: self.weights().stored_as,
            parameters: self.weights().parameters,
        }
    }
}

impl Decoder {
    /// The model's sizes and how its weights were stored.
    pub fn info(&self) -> ModelInfo {
        let c = self.config();
        ModelInfo {
            architecture: c.family.name(),
            kind: SourceKind::Decoder,
            layers: c.num_layers,
            heads: c.num_heads,
            kv_heads: c.num_kv_heads,
            hidden: c.hidden_size,
            d_k: c.head_dim,
            vocab_size: c.vocab_size,
            max_positions: c.max_positions,
            dtype: self.weights().stored_as,
            parameters: self.weights().parameters,
        }
    }
}
