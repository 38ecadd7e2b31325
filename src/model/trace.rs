//! What a forward pass of a pretrained encoder keeps: for every layer and head the queries,
//! keys, values and attention weights; the tokens; the final hidden states and the pooled
//! sentence embedding.
//!
//! Raw scores are not stored: they are `Q · Kᵀ`, recomputed on request for one head (at
//! T = 512 the 72 score matrices of MiniLM would add 72 MB). [`ModelTrace::head`] rebuilds a
//! full [`HeadTrace`] of the core for one head, with every stage the step-by-step player shows.

use ndarray::{Array1, Array2, ArrayView2};

use super::error::{ModelError, ModelResult};
use super::tokenizer::{ModelToken, Truncation};
use crate::attention::{attend, HeadTrace, ScoreFunction};

/// What one head of one layer computed.
#[derive(Debug, Clone)]
pub struct HeadRecord {
    /// `T × d_head`
    pub q: Array2<f32>,
    pub k: Array2<f32>,
    pub v: Array2<f32>,
    /// `T × T`, rows sum to 1.
    pub weights: Array2<f32>,
}

/// The result of [`Model::forward`](super::Model::forward).
#[derive(Debug, Clone)]
pub struct ModelTrace {
    pub tokens: Vec<ModelToken>,
    /// Set when the text was longer than the model's positions and was cut.
    pub truncated: Option<Truncation>,
    /// The factor the scores are multiplied by before the softmax: 1/√d_head.
    pub scale: f32,
    /// The last layer's output, `T × d`.
    pub hidden: Array2<f32>,
    /// Mean-pooled, L2-normalised sentence embedding (see [`mean_pool_normalized`](super::ops::mean_pool_normalized)).
    pub pooled: Array1<f32>,
    layers: usize,
    heads: usize,
    /// Layer-major: record `layer · heads + head`.
    records: Vec<HeadRecord>,
}

impl ModelTrace {
    pub(crate) fn new(
        tokens: Vec<ModelToken>,
        truncated: Option<Truncation>,
        scale: f32,
        heads: usize,
        records: Vec<HeadRecord>,
        hidden: Array2<f32>,
        pooled: Array1<f32>,
    ) -> Self {
        let layers = records.len() / heads.max(1);
        ModelTrace { tokens, truncated, scale, hidden, pooled, layers, heads, records }
    }

    pub fn layers(&self) -> usize {
        self.layers
    }

    pub fn heads(&self) -> usize {
        self.heads
    }

    /// Number of tokens, `[CLS]` and `[SEP]` included.
    pub fn len(&self) -> usize {
        self.tokens.len()
    }

    pub fn is_empty(&self) -> bool {
        self.tokens.is_empty()
    }

    /// The stored numbers of one head.
    pub fn record(&self, layer: usize, head: usize) -> ModelResult<&HeadRecord> {
        if layer >= self.layers || head >= self.heads {
            return Err(ModelError::OutOfRange(format!(
                "layer {layer}, head {head} does not exist: the model has {} layers of {} heads \
                 (counted from 0)",
                self.layers, self.heads
            )));
        }
        Ok(&self.records[layer * self.heads + head])
    }

    /// Attention weights of one head, `[query][key]`.
    pub fn weights(&self, layer: usize, head: usize) -> ModelResult<ArrayView2<'_, f32>> {
        Ok(self.record(layer, head)?.weights.view())
    }

    /// Raw scores `Q · Kᵀ` of one head (before the 1/√d_head scaling), recomputed.
    pub fn scores(&self, layer: usize, head: usize) -> ModelResult<Array2<f32>> {
        let r = self.record(layer, head)?;
        Ok(ScoreFunction::Dot.scores(r.q.view(), r.k.view()))
    }

    /// The core's full trace of one head (scores, scaled, weights, output and the per-query
    /// breakdown), recomputed from its stored Q, K, V by the same function the forward pass used.
    pub fn head(&self, layer: usize, head: usize) -> ModelResult<HeadTrace> {
        let r = self.record(layer, head)?;
        Ok(attend(r.q.clone(), r.k.clone(), r.v.clone(), ScoreFunction::Dot, self.scale, 1.0, None))
    }

    /// All attention weights as one flat row-major buffer of shape `[layer][head][query][key]`.
    pub fn attentions_flat(&self) -> Vec<f32> {
        let t = self.len();
        let mut out = Vec::with_capacity(self.records.len() * t * t);
        for r in &self.records {
            out.extend(r.weights.iter());
        }
        out
    }

    /// One head's weights among the ordinary tokens only: rows and columns of `[CLS]`, `[SEP]`
    /// and other special tokens removed, each remaining row divided by what is left of its sum
    /// so it sums to 1 again (a row whose weight all went to special tokens stays all zero).
    /// Returns the kept token indices and the renormalised matrix.
    pub fn weights_without_special(&self, layer: usize, head: usize) -> ModelResult<(Vec<usize>, Array2<f32>)> {
        let w = self.weights(layer, head)?;
        let kept: Vec<usize> = (0..self.len()).filter(|&i| !self.tokens[i].special).collect();
        let mut out = Array2::from_shape_fn((kept.len(), kept.len()), |(i, j)| w[[kept[i], kept[j]]]);
        for mut row in out.rows_mut() {
            let sum = row.sum();
            if sum > 0.0 {
                row.mapv_inplace(|v| v / sum);
            }
        }
        Ok((kept, out))
    }
}
