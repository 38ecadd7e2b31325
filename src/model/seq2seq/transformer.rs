//! The Transformer encoder–decoder (`transformer`): pre-norm layers, sinusoidal positions (or
//! learned tables, or rotary positions on the self-attention heads, as `config.json`'s
//! `positions` says), embeddings scaled by √d, a final layer norm after each stack.
//!
//! ```text
//! encoder layer  X = X + MHA(LN₁(X), LN₁(X));  X = X + FFN(LN₂(X))              M = LN_enc(X)
//! decoder layer  Y = Y + MHA_causal(LN₁(Y), LN₁(Y));  Y = Y + MHA(LN₂(Y), M);  Y = Y + FFN(LN₃(Y))
//! output         p = softmax(LN_dec(Y) W_outᵀ + b_out)
//! ```
//!
//! Decoding feeds one token at a time: each decoder layer keeps its self-attention's keys and
//! values (and every query and row of weights) for the tokens fed so far, and its cross-attention
//! keys and values, computed once from M. The causal mask makes this the full pass over
//! `<bos>, y₁, …, y_{T−1}` that the run's blocks show: per encoder layer a self-attention block
//! (source × source), per decoder layer a causal block (target × target) and a cross-attention
//! block (target × source), every head with its Q, K, V and weights.

use std::sync::Arc;

use ndarray::{s, Array1, Array2, ArrayView2, Axis};

use super::config::{Seq2SeqConfig, Seq2SeqPositions, TransformerSizes};
use super::{Decoded, DecodedStep};
use crate::attention::mask::causal_mask;
use crate::attention::softmax::scaled_masked_softmax;
use crate::attention::{attend, HeadTrace, ScoreFunction};
use crate::generation::argmax;
use crate::linear::Linear;
use crate::model::decoder::weights::fuse;
use crate::model::error::{ModelError, ModelResult};
use crate::model::kv_cache::KvCache;
use crate::model::ops::{activate, layer_norm};
use crate::model::packed::{for_encoder, EncoderLinear};
use crate::model::weights::{LayerNormWeights, Reader};
use crate::positions::{sinusoidal_encoding, RotaryHalf};
use crate::run::{Block, BlockKind};

/// The feed-forward block: `fc2(act(fc1(x)))`.
#[derive(Debug, Clone)]
pub struct FeedForward {
    pub fc1: EncoderLinear,
    pub fc2: EncoderLinear,
}

/// A pre-norm encoder layer.
#[derive(Debug, Clone)]
pub struct EncoderLayer {
    pub ln1: LayerNormWeights,
    /// `d × 3d`: Q, K, V side by side, heads side by side inside each.
    pub qkv: EncoderLinear,
    pub out: EncoderLinear,
    pub ln2: LayerNormWeights,
    pub ffn: FeedForward,
}

/// A pre-norm decoder layer.
#[derive(Debug, Clone)]
pub struct DecoderLayer {
    pub ln1: LayerNormWeights,
    /// Self-attention's Q, K, V (`d × 3d`) and output map.
    pub self_qkv: EncoderLinear,
    pub self_out: EncoderLinear,
    pub ln2: LayerNormWeights,
    /// Cross-attention's Q (`d × d`), K and V (`d × 2d`, applied to the encoder's output) and
    /// output map.
    pub cross_q: EncoderLinear,
    pub cross_kv: EncoderLinear,
    pub cross_out: EncoderLinear,
    pub ln3: LayerNormWeights,
    pub ffn: FeedForward,
}

/// Every parameter of a Transformer encoder–decoder.
#[derive(Debug, Clone)]
pub struct TransformerWeights {
    /// `V_src × d`.
    pub source_embedding: Array2<f32>,
    /// Learned source positions (`max_source_length × d`), when the model has them.
    pub source_positions: Option<Array2<f32>>,
    pub encoder: Vec<EncoderLayer>,
    pub encoder_norm: LayerNormWeights,
    pub decoder: TransformerDecoder,
    pub sizes: TransformerSizes,
}

/// The decoder stack on its own: what turns an encoder's output M (any `S × d` rows: a source
/// text's, or a picture's `[CLS]` and patches) into text, one token at a time.
#[derive(Debug, Clone)]
pub struct TransformerDecoder {
    /// `V_tgt × d`.
    pub target_embedding: Array2<f32>,
    /// Learned target positions (`max_output_length × d`), when the model has them.
    pub target_positions: Option<Array2<f32>>,
    pub layers: Vec<DecoderLayer>,
    pub norm: LayerNormWeights,
    /// `d → V_tgt`.
    pub output: EncoderLinear,
    pub sizes: TransformerSizes,
}

/// Which ids start and end a decoded text, and the most steps.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DecodingLimits {
    pub bos_id: u32,
    pub eos_id: u32,
    /// Most decoding steps, the final `<eos>` included.
    pub max_output_length: usize,
}

/// What one decoder layer keeps of the tokens fed so far.
#[derive(Debug, Clone)]
struct LayerCache {
    /// Self-attention's queries, keys, values and weights.
    self_attention: KvCache,
    /// `len × d`: cross-attention's queries.
    cross_q: Vec<f32>,
    /// Per head, cross-attention's rows of `S` weights.
    cross_weights: Vec<Vec<f32>>,
    /// `S × d`: cross-attention's keys and values, from the encoder's output.
    cross_k: Array2<f32>,
    cross_v: Array2<f32>,
}

/// A linear map with a bias, as the Transformer's are stored.
fn linear(r: &Reader<'_, '_>, name: &str, d_in: usize, d_out: usize) -> ModelResult<Linear> {
    r.linear_with(name, d_in, d_out, true)
}

fn feed_forward_weights(r: &Reader<'_, '_>, at: &str, sizes: &TransformerSizes) -> ModelResult<FeedForward> {
    let (d, f) = (sizes.d_model, sizes.ffn);
    Ok(FeedForward { fc1: for_encoder(linear(r, &format!("{at}.fc1"), d, f)?), fc2: for_encoder(linear(r, &format!("{at}.fc2"), f, d)?) })
}

/// The `d × d` maps `{at}.{name}` for every name.
fn projections(r: &Reader<'_, '_>, at: &str, names: &[&str], d: usize) -> ModelResult<Vec<Linear>> {
    names.iter().map(|name| linear(r, &format!("{at}.{name}"), d, d)).collect()
}

/// Layer norm of a copy of `x`.
fn norm(x: &Array2<f32>, w: &LayerNormWeights, sizes: &TransformerSizes) -> Array2<f32> {
    let mut h = x.clone();
    layer_norm(&mut h, w, sizes.layer_norm_eps);
    h
}

fn feed_forward(ffn: &FeedForward, h: Array2<f32>, sizes: &TransformerSizes) -> Array2<f32> {
    let mut inner = ffn.fc1.apply(h.view());
    activate(&mut inner, sizes.activation);
    ffn.fc2.apply(inner.view())
}

/// Embedding rows of `ids` (× √d when the model scales them) plus `positions`.
fn embed(table: &Array2<f32>, ids: &[u32], positions: ArrayView2<f32>, sizes: &TransformerSizes) -> Array2<f32> {
    let mut x = table.select(Axis(0), &ids.iter().map(|&i| i as usize).collect::<Vec<_>>());
    if sizes.scale_embeddings {
        x *= (sizes.d_model as f32).sqrt();
    }
    x + positions
}

/// 1/√d_k.
/// The positions added to the embeddings of `len` tokens: the learned table's first rows, none
/// (zeros) for rotary positions, or the sinusoids.
fn added_positions(table: Option<&Array2<f32>>, len: usize, sizes: &TransformerSizes) -> ModelResult<Array2<f32>> {
    match (sizes.positions, table) {
        (Seq2SeqPositions::Sinusoidal, _) => Ok(sinusoidal_encoding(len, sizes.d_model)),
        (Seq2SeqPositions::Rotary, _) => Ok(Array2::zeros((len, sizes.d_model))),
        (Seq2SeqPositions::Learned, Some(table)) if table.nrows() >= len => Ok(table.slice(s![..len, ..]).to_owned()),
        (Seq2SeqPositions::Learned, _) => {
            Err(ModelError::Config(format!("learned positions: the model has no table of {len} positions for this sequence")))
        }
    }
}

/// Turns the queries and keys (the first `2d` columns of `qkv`, rows from position `first`) by
/// their positions when the model's positions are rotary.
fn rotate(qkv: &mut Array2<f32>, first: usize, sizes: &TransformerSizes) {
    if sizes.positions == Seq2SeqPositions::Rotary {
        let rotary = RotaryHalf::new(sizes.head_dim(), ROTARY_BASE);
        let d = sizes.d_model;
        rotary.apply(qkv.slice_mut(s![.., ..d]), first);
        rotary.apply(qkv.slice_mut(s![.., d..2 * d]), first);
    }
}

/// The base θ of rotary positions.
const ROTARY_BASE: f64 = 10_000.0;

fn scale(sizes: &TransformerSizes) -> f32 {
    1.0 / (sizes.head_dim() as f32).sqrt()
}

impl TransformerWeights {
    /// Reads every tensor the sizes call for (names and shapes of docs/trained-models.md).
    pub(crate) fn load(config: &Seq2SeqConfig, sizes: &TransformerSizes, r: &Reader<'_, '_>) -> ModelResult<TransformerWeights> {
        let d = sizes.d_model;
        let encoder = (0..sizes.encoder_layers)
            .map(|l| {
                let at = |part: &str| format!("encoder_layers.{l}.{part}");
                Ok(EncoderLayer {
                    ln1: r.layer_norm(&at("ln1"), d)?,
                    qkv: for_encoder(fuse(&projections(r, &at("attn"), &["q", "k", "v"], d)?)),
                    out: for_encoder(linear(r, &at("attn.o"), d, d)?),
                    ln2: r.layer_norm(&at("ln2"), d)?,
                    ffn: feed_forward_weights(r, &at("ffn"), sizes)?,
                })
            })
            .collect::<ModelResult<Vec<_>>>()?;
        let learned = sizes.positions == Seq2SeqPositions::Learned;
        let mut decoder = TransformerDecoder::load(sizes, config.target_vocab_size, r)?;
        if learned {
            decoder.target_positions = Some(r.matrix("tgt_positions.weight", config.max_output_length, d)?);
        }
        Ok(TransformerWeights {
            source_embedding: r.matrix("src_embedding.weight", config.source_vocab_size, d)?,
            source_positions: if learned { Some(r.matrix("src_positions.weight", config.max_source_length, d)?) } else { None },
            encoder,
            encoder_norm: r.layer_norm("encoder_norm", d)?,
            decoder,
            sizes: *sizes,
        })
    }

    /// The encoder over the source `ids`: its output M (`S × d`) and one self-attention block
    /// per layer.
    fn encode(&self, ids: &[u32]) -> ModelResult<(Array2<f32>, Vec<Block>)> {
        let (d, dh, heads) = (self.sizes.d_model, self.sizes.head_dim(), self.sizes.heads);
        let sizes = &self.sizes;
        let mut x = embed(&self.source_embedding, ids, added_positions(self.source_positions.as_ref(), ids.len(), sizes)?.view(), sizes);
        let mut blocks = Vec::with_capacity(self.encoder.len());
        for (index, layer) in self.encoder.iter().enumerate() {
            let mut qkv = layer.qkv.apply(norm(&x, &layer.ln1, sizes).view());
            rotate(&mut qkv, 0, sizes);
            let part = |offset: usize, h: usize| qkv.slice(s![.., offset + h * dh..offset + (h + 1) * dh]).to_owned();
            let mut context = Array2::zeros((ids.len(), d));
            let mut traces = Vec::with_capacity(heads);
            for h in 0..heads {
                let (trace, output) = attend(part(0, h), part(d, h), part(2 * d, h), ScoreFunction::Dot, scale(sizes), 1.0, None);
                context.slice_mut(s![.., h * dh..(h + 1) * dh]).assign(&output);
                traces.push(trace);
            }
            x = layer.out.apply(context.view()) + x;
            x += &feed_forward(&layer.ffn, norm(&x, &layer.ln2, sizes), sizes);
            ModelError::check_layer(index, &x, &traces)?;
            blocks.push(Block {
                layer: index,
                kind: BlockKind::SelfAttention,
                queries: 0,
                keys: 0,
                kv_heads: heads,
                heads: traces,
                output: None,
                inputs: None,
            });
        }
        Ok((norm(&x, &self.encoder_norm, sizes), blocks))
    }

    /// Greedy decoding of the source `ids` (`<eos>` included), at most `max_output_length` steps.
    pub(crate) fn translate(&self, config: &Seq2SeqConfig, ids: &[u32]) -> ModelResult<Decoded> {
        let (memory, mut blocks) = self.encode(ids)?;
        let limits = DecodingLimits { bos_id: config.bos_id, eos_id: config.eos_id, max_output_length: config.max_output_length };
        let decoded = self.decoder.decode(&memory, limits)?;
        blocks.extend(decoded.blocks);
        Ok(Decoded { steps: decoded.steps, blocks })
    }
}

impl TransformerDecoder {
    /// Reads the decoder's tensors (`tgt_embedding.weight`, `decoder_layers.N.…`, `decoder_norm`,
    /// `output`) for `target_vocab_size` output tokens.
    pub(crate) fn load(sizes: &TransformerSizes, target_vocab_size: usize, r: &Reader<'_, '_>) -> ModelResult<TransformerDecoder> {
        let d = sizes.d_model;
        let layers = (0..sizes.decoder_layers)
            .map(|l| {
                let at = |part: &str| format!("decoder_layers.{l}.{part}");
                Ok(DecoderLayer {
                    ln1: r.layer_norm(&at("ln1"), d)?,
                    self_qkv: for_encoder(fuse(&projections(r, &at("self_attn"), &["q", "k", "v"], d)?)),
                    self_out: for_encoder(linear(r, &at("self_attn.o"), d, d)?),
                    ln2: r.layer_norm(&at("ln2"), d)?,
                    cross_q: for_encoder(linear(r, &at("cross_attn.q"), d, d)?),
                    cross_kv: for_encoder(fuse(&projections(r, &at("cross_attn"), &["k", "v"], d)?)),
                    cross_out: for_encoder(linear(r, &at("cross_attn.o"), d, d)?),
                    ln3: r.layer_norm(&at("ln3"), d)?,
                    ffn: feed_forward_weights(r, &at("ffn"), sizes)?,
                })
            })
            .collect::<ModelResult<Vec<_>>>()?;
        Ok(TransformerDecoder {
            target_embedding: r.matrix("tgt_embedding.weight", target_vocab_size, d)?,
            target_positions: None,
            layers,
            norm: r.layer_norm("decoder_norm", d)?,
            output: for_encoder(linear(r, "output", d, target_vocab_size)?),
            sizes: *sizes,
        })
    }

    /// Greedy decoding over the encoder's output `memory` (`S × d`): from `<bos>`, the most
    /// probable token each step until `<eos>` or `max_output_length` steps. The steps and, per
    /// layer, its causal block (target × target, sequence 1) and its cross-attention block
    /// (target × the memory's rows, sequence 0).
    pub(crate) fn decode(&self, memory: &Array2<f32>, limits: DecodingLimits) -> ModelResult<Decoded> {
        let sizes = &self.sizes;
        let d = sizes.d_model;
        let mut caches: Vec<LayerCache> = self
            .layers
            .iter()
            .map(|layer| {
                let kv = layer.cross_kv.apply(memory.view());
                LayerCache {
                    self_attention: KvCache::new(sizes.heads, sizes.heads, sizes.head_dim()),
                    cross_q: Vec::new(),
                    cross_weights: vec![Vec::new(); sizes.heads],
                    cross_k: kv.slice(s![.., ..d]).to_owned(),
                    cross_v: kv.slice(s![.., d..]).to_owned(),
                }
            })
            .collect();
        let positions = added_positions(self.target_positions.as_ref(), limits.max_output_length, sizes)?;
        let (mut steps, mut previous) = (Vec::new(), limits.bos_id);
        for t in 0..limits.max_output_length {
            let mut y = embed(&self.target_embedding, &[previous], positions.slice(s![t..t + 1, ..]), sizes);
            for (index, (layer, cache)) in self.layers.iter().zip(&mut caches).enumerate() {
                y = self.decoder_layer(layer, cache, y, t);
                ModelError::check_layer(index, &y, &[])?;
            }
            let logits = self.output.apply(norm(&y, &self.norm, sizes).view()).row(0).to_owned();
            ModelError::check_layer(self.layers.len().saturating_sub(1), &logits, &[])?;
            let id = argmax(logits.as_slice().expect("a fresh vector is contiguous"));
            steps.push(DecodedStep { id, logits, context: None, state: None });
            previous = id;
            if id == limits.eos_id {
                break;
            }
        }
        let t = steps.len();
        let causal = Arc::new(causal_mask(t, t));
        let blocks = caches.into_iter().enumerate().flat_map(|(index, cache)| self.decoder_blocks(index, cache, &causal)).collect();
        Ok(Decoded { steps, blocks })
    }

    /// One decoder layer on the one token at position `t`, extending the layer's cache.
    fn decoder_layer(&self, layer: &DecoderLayer, cache: &mut LayerCache, y: Array2<f32>, t: usize) -> Array2<f32> {
        let (d, dh) = (self.sizes.d_model, self.sizes.head_dim());
        let mut qkv = layer.self_qkv.apply(norm(&y, &layer.ln1, &self.sizes).view());
        rotate(&mut qkv, t, &self.sizes);
        let q = qkv.slice(s![.., ..d]);
        let own = &mut cache.self_attention;
        own.extend(q, qkv.slice(s![.., d..2 * d]), qkv.slice(s![.., 2 * d..]));
        let (keys, values) = own.keys_values();
        let (context, rows) = self.attend_row(q, keys, values);
        for (head, row) in rows.iter().enumerate() {
            own.keep_row(head, t, row.view());
        }
        let y = layer.self_out.apply(context.view()) + y;

        let q = layer.cross_q.apply(norm(&y, &layer.ln2, &self.sizes).view());
        cache.cross_q.extend(q.iter());
        let (context, rows) = self.attend_row(q.view(), cache.cross_k.view(), cache.cross_v.view());
        for (kept, row) in cache.cross_weights.iter_mut().zip(rows) {
            kept.extend(row);
        }
        let mut y = layer.cross_out.apply(context.view()) + y;
        y += &feed_forward(&layer.ffn, norm(&y, &layer.ln3, &self.sizes), &self.sizes);
        debug_assert_eq!(y.dim(), (1, dh * self.sizes.heads));
        y
    }

    /// Every head of one query row `q` (`1 × d`) over `keys` and `values` (`n × d`): the heads'
    /// outputs side by side (`1 × d`) and each head's row of `n` weights.
    fn attend_row(&self, q: ArrayView2<f32>, keys: ArrayView2<f32>, values: ArrayView2<f32>) -> (Array2<f32>, Vec<Array1<f32>>) {
        let dh = self.sizes.head_dim();
        let mut context = Array2::zeros((1, self.sizes.d_model));
        let rows = (0..self.sizes.heads)
            .map(|h| {
                let cols = s![.., h * dh..(h + 1) * dh];
                let scores = ScoreFunction::Dot.scores(q.slice(cols), keys.slice(cols));
                let (weights, _) = scaled_masked_softmax(scores.view(), scale(&self.sizes), None);
                context.slice_mut(cols).assign(&weights.dot(&values.slice(cols)));
                weights.row(0).to_owned()
            })
            .collect();
        (context, rows)
    }

    /// A decoder layer's cache as its causal self-attention block and its cross-attention block
    /// (`causal`: the mask over the tokens fed).
    fn decoder_blocks(&self, index: usize, cache: LayerCache, causal: &Arc<Array2<bool>>) -> [Block; 2] {
        let (d, dh, heads) = (self.sizes.d_model, self.sizes.head_dim(), self.sizes.heads);
        let t = cache.self_attention.len();
        let cols = |h: usize| s![.., h * dh..(h + 1) * dh];
        let self_heads = cache.self_attention.into_heads(scale(&self.sizes), causal);
        let source = cache.cross_k.nrows();
        let cross_q = Array2::from_shape_vec((t, d), cache.cross_q).expect("one row per token");
        let cross_heads = cache
            .cross_weights
            .into_iter()
            .enumerate()
            .map(|(h, rows)| HeadTrace {
                q: cross_q.slice(cols(h)).to_owned(),
                k: cache.cross_k.slice(cols(h)).to_owned(),
                v: cache.cross_v.slice(cols(h)).to_owned(),
                weights: Array2::from_shape_vec((t, source), rows).expect("one row per token"),
                score: ScoreFunction::Dot,
                scale: scale(&self.sizes),
                temperature: 1.0,
                allowed: None,
                fully_masked: Vec::new(),
            })
            .collect();
        [
            Block {
                layer: index,
                kind: BlockKind::Causal,
                queries: 1,
                keys: 1,
                kv_heads: heads,
                heads: self_heads,
                output: None,
                inputs: None,
            },
            Block {
                layer: index,
                kind: BlockKind::Cross,
                queries: 1,
                keys: 0,
                kv_heads: heads,
                heads: cross_heads,
                output: None,
                inputs: None,
            },
        ]
    }
}
