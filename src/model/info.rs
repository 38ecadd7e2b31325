//! What a loaded model is, in one small record for the page's model picker and captions.

use serde::Serialize;

use super::bert::Model;
use super::weights::StoredAs;

/// The sizes of a loaded encoder and how its weights file stored them. Serialised in camelCase.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "typescript", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct ModelInfo {
    /// `"bert"` (BERT, MiniLM) or `"distilbert"`.
    pub architecture: &'static str,
    pub layers: usize,
    pub heads: usize,
    /// Width of the token vectors, d.
    pub hidden: usize,
    /// Width of one head's queries and keys, d / heads.
    #[serde(rename = "dK")]
    pub d_k: usize,
    pub vocab_size: usize,
    /// The longest input, `[CLS]` and `[SEP]` included.
    pub max_positions: usize,
    /// How the weights file stored the weights: `F32`, `F16`, `BF16` or `mixed`.
    pub dtype: StoredAs,
    /// Values the encoder read from the weights file (see [`EncoderWeights::parameters`](super::weights::EncoderWeights::parameters)).
    pub parameters: usize,
}

impl Model {
    /// The model's sizes and how its weights were stored.
    pub fn info(&self) -> ModelInfo {
        let c = self.config();
        ModelInfo {
            architecture: c.architecture.name(),
            layers: c.num_layers,
            heads: c.num_heads,
            hidden: c.hidden_size,
            d_k: c.head_dim(),
            vocab_size: c.vocab_size,
            max_positions: c.max_positions,
            dtype: self.weights().stored_as,
            parameters: self.weights().parameters,
        }
    }
}
