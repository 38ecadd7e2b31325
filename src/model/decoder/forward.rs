//! The decoder's forward pass over a growing sequence. Tokens are fed in chunks (the prompt, then
//! one generated token at a time); each chunk's queries attend over every key so far, kept with
//! the values in a [`Cache`] (one [`KvCache`] per layer), so no token is computed twice. The cache
//! also keeps every query and every row of attention weights, and becomes the run's blocks at the
//! end: one causal block per layer over all the tokens fed.
//!
//! A layer is pre-norm:
//!
//! ```text
//! x = x + W_O · attention(norm₁(x))      (heads grouped over the key/value heads)
//! x = x + FFN(norm₂(x))                  (GPT-2: act(x·W₁)·W₂; Llama: (act(x·W_g) ⊙ x·W_u)·W_d)
//! ```

use std::sync::Arc;

use ndarray::{s, Array1, Array2};

use super::weights::{DecoderLayer, FeedForward};
use super::Decoder;
use crate::attention::mask::causal_mask;
use crate::attention::softmax::scaled_masked_softmax;
use crate::attention::ScoreFunction;
use crate::model::error::{ModelError, ModelResult};
use crate::model::kv_cache::KvCache;
use crate::model::ops::activate;
use crate::parallel;
use crate::run::{Block, BlockKind};

/// The keys and values (and queries and weights) of every layer, for the tokens fed so far.
#[derive(Debug, Clone)]
pub(crate) struct Cache {
    layers: Vec<KvCache>,
}

impl Cache {
    /// Number of tokens fed.
    pub(crate) fn len(&self) -> usize {
        self.layers[0].len()
    }
}

impl Decoder {
    /// An empty cache for this model.
    pub(crate) fn cache(&self) -> Cache {
        let c = &self.config;
        Cache { layers: vec![KvCache::new(c.num_heads, c.num_kv_heads, c.head_dim); c.num_layers] }
    }

    /// Feeds `ids`, the tokens at positions `cache.len() ..`, through every layer, extending the
    /// cache; returns their hidden states after the final norm (`ids.len() × d`). After an error
    /// the cache holds part of the chunk and is dropped by the callers.
    pub(crate) fn feed(&self, cache: &mut Cache, ids: &[u32]) -> ModelResult<Array2<f32>> {
        let start = cache.len();
        if start + ids.len() > self.config.max_positions {
            return Err(ModelError::OutOfRange(format!(
                "{} tokens exceed the model's {} positions",
                start + ids.len(),
                self.config.max_positions
            )));
        }
        let mut x = self.embed(ids, start)?;
        for (index, (layer, layer_cache)) in self.weights.layers.iter().zip(&mut cache.layers).enumerate() {
            x = self.layer(index, layer, x, start, layer_cache);
            ModelError::check_layer(index, &x, &[])?;
        }
        self.weights.final_norm.apply(&mut x, self.config.norm_eps);
        Ok(x)
    }

    /// The next-token logits from a final hidden state.
    pub fn logits(&self, hidden: ndarray::ArrayView1<f32>) -> Array1<f32> {
        self.weights.output_matrix().dot(&hidden)
    }

    /// Token embeddings (+ GPT-2's learned positions) of `ids` at positions `start ..`.
    fn embed(&self, ids: &[u32], start: usize) -> ModelResult<Array2<f32>> {
        let table = &self.weights.token_embedding;
        let mut x = Array2::zeros((ids.len(), self.config.hidden_size));
        for (mut row, &id) in x.rows_mut().into_iter().zip(ids) {
            let id = id as usize;
            if id >= table.nrows() {
                return Err(ModelError::OutOfRange(format!("token id {id} is outside the model's {} embeddings", table.nrows())));
            }
            row.assign(&table.row(id));
        }
        if let Some(positions) = &self.weights.position_embedding {
            x += &positions.slice(s![start..start + ids.len(), ..]);
        }
        Ok(x)
    }

    /// The factor scores of layer `index` are multiplied by.
    pub(super) fn scale(&self, index: usize) -> f32 {
        let c = &self.config;
        let mut scale = if c.scale_scores { 1.0 / (c.head_dim as f32).sqrt() } else { 1.0 };
        if c.scale_by_layer {
            scale /= (index + 1) as f32;
        }
        scale
    }

    /// One layer on the `n` tokens of `x` at positions `start ..`.
    fn layer(&self, index: usize, layer: &DecoderLayer, x: Array2<f32>, start: usize, cache: &mut KvCache) -> Array2<f32> {
        let c = &self.config;
        let (n, dh, group) = (x.nrows(), c.head_dim, cache.group());
        let (qw, kvw) = (c.q_width(), c.kv_width());
        let mut h = x.clone();
        layer.attention_norm.apply(&mut h, c.norm_eps);
        let qkv = layer.qkv.apply(h.view());
        let mut q = qkv.slice(s![.., ..qw]).to_owned();
        let mut k = qkv.slice(s![.., qw..qw + kvw]).to_owned();
        if let Some(rope) = &self.rope {
            rope.apply(q.view_mut(), start);
            rope.apply(k.view_mut(), start);
        }
        cache.extend(q.view(), k.view(), qkv.slice(s![.., qw + kvw..]));
        let total = cache.len();
        let (keys, values) = cache.keys_values();
        // A chunk's query i sits at position start + i and sees keys 0 ..= start + i.
        let allowed = (n > 1).then(|| Array2::from_shape_fn((n, total), |(i, j)| j <= start + i));
        let scale = self.scale(index);
        let heads = parallel::map((0..c.num_heads).collect(), c.num_heads * 4 * n * total * dh, |head| {
            let g = head / group;
            let qh = q.slice(s![.., head * dh..(head + 1) * dh]);
            let scores = ScoreFunction::Dot.scores(qh, keys.slice(s![.., g * dh..(g + 1) * dh]));
            let (weights, _) = scaled_masked_softmax(scores.view(), scale, allowed.as_ref().map(|a| a.view()));
            let output = weights.dot(&values.slice(s![.., g * dh..(g + 1) * dh]));
            (weights, output)
        });
        let mut context = Array2::zeros((n, qw));
        for (head, (weights, output)) in heads.into_iter().enumerate() {
            context.slice_mut(s![.., head * dh..(head + 1) * dh]).assign(&output);
            for (i, row) in weights.rows().into_iter().enumerate() {
                cache.keep_row(head, start + i, row);
            }
        }
        let mut x = layer.attention_out.apply(context.view()) + x;
        let mut h = x.clone();
        layer.ffn_norm.apply(&mut h, c.norm_eps);
        x += &self.feed_forward(&layer.ffn, h);
        x
    }

    fn feed_forward(&self, ffn: &FeedForward, h: Array2<f32>) -> Array2<f32> {
        match ffn {
            FeedForward::Plain { up, down } => {
                let mut inner = up.apply(h.view());
                activate(&mut inner, self.config.activation);
                down.apply(inner.view())
            }
            FeedForward::Gated { gate_up, down } => {
                let both = gate_up.apply(h.view());
                let ff = self.config.intermediate_size;
                let mut gate = both.slice(s![.., ..ff]).to_owned();
                activate(&mut gate, self.config.activation);
                gate *= &both.slice(s![.., ff..]);
                down.apply(gate.view())
            }
        }
    }

    /// The cache as the run's blocks: one causal block per layer over every token fed, each head
    /// with its queries, keys and values (a key/value head's shared by its group) and its full
    /// weight matrix.
    pub(super) fn blocks(&self, cache: Cache) -> Vec<Block> {
        let causal = Arc::new(causal_mask(cache.len(), cache.len()));
        let kv_heads = self.config.num_kv_heads;
        cache
            .layers
            .into_iter()
            .enumerate()
            .map(|(index, layer)| {
                let heads = layer.into_heads(self.scale(index), &causal);
                Block { layer: index, kind: BlockKind::Causal, queries: 0, keys: 0, kv_heads, heads, output: None, inputs: None }
            })
            .collect()
    }
}
