//! One run shape for every source. The toy, a pretrained encoder, and every model kind to come
//! produce the same [`Run`]: the token sequences it saw, and a list of attention [`Block`]s
//! (a layer's self-attention, causal self-attention or cross-attention), each holding its heads'
//! Q, K, V, weights and mask. Scores, stages and the per-query breakdown are derived from a head
//! on request; what only some sources have (a sentence embedding, the output after W_O, a
//! decoder's generation, a translation's extras) is kept beside the blocks.

use ndarray::{Array1, Array2};
use serde::Serialize;

use crate::attention::{HeadTrace, QueryBreakdown, ScoreKind};
use crate::error::{Error, Result};
use crate::generation::Generation;
use crate::text::{Token, Truncation};
use crate::translation::Translation;
use crate::vision::Vision;

/// What kind of thing computed a run.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "typescript", derive(ts_rs::TS))]
#[serde(rename_all = "kebab-case")]
pub enum SourceKind {
    /// One layer of attention with random (or identity, or given) projections: the mechanism
    /// without learned meaning.
    Toy,
    /// A pretrained Transformer encoder (BERT family).
    Encoder,
    /// A pretrained Transformer decoder (GPT-2, Llama): causal self-attention, and text it may
    /// generate.
    Decoder,
    /// A vision transformer: self-attention over `[CLS]` and a picture's patches.
    Vision,
    /// An encoder–decoder that translates (the project's GRU and Transformer seq2seq models): a
    /// source sequence, the target sequence it wrote, and cross-attention between them (none for
    /// a model without attention).
    EncoderDecoder,
    /// A vision encoder–decoder that describes a picture (the project's captioner): `[CLS]` and
    /// the patches as the source, the caption it wrote as the target, the ViT's self-attention,
    /// the decoder's causal and cross-attention blocks.
    Captioner,
}

/// Which model computed a run, and whether its weights were learned.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "typescript", derive(ts_rs::TS))]
pub struct SourceInfo {
    /// A name to show ("toy", "all-MiniLM-L6-v2").
    pub name: String,
    pub kind: SourceKind,
    /// The weights were learned from data; `false` for random projections, which show the
    /// mechanism but not meaning.
    pub trained: bool,
}

/// What a sequence of tokens is to the run.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "typescript", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub enum Role {
    /// The typed text: the queries (and, in self-attention, the keys and values).
    Text,
    /// The second text of cross-attention: its keys and values.
    CrossText,
    /// What an encoder–decoder read: the typed text's tokens, then `<eos>`. The keys and values of
    /// cross-attention, the queries and keys of the encoder's self-attention.
    Source,
    /// What an encoder–decoder wrote, one token per decoding step (the last is `<eos>` when the
    /// model ended the output). Row `i` of a decoder block is step `i`, the step that wrote token
    /// `i`; its input was the token before (`<bos>` for the first step).
    Target,
    /// A picture cut into patches, after the prefix tokens (`[CLS]`, DeiT's `[DIST]`): tokens
    /// `r0c0`, `r0c1`, … row by row (the grid is the run's `vision.patches`).
    Patches,
}

/// One sequence of tokens a run attends over.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "typescript", derive(ts_rs::TS))]
pub struct Sequence {
    pub role: Role,
    pub tokens: Vec<Token>,
}

/// How a block's queries relate to its keys.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "typescript", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub enum BlockKind {
    /// Queries and keys are the same sequence.
    #[serde(rename = "self")]
    SelfAttention,
    /// Self-attention in which each token sees only itself and the tokens before it, by design of
    /// the model (a decoder), not by a mask the reader chose.
    Causal,
    /// Queries from one sequence, keys and values from another.
    Cross,
}

/// One attention block: a layer's heads over one pair of sequences.
#[derive(Debug, Clone)]
pub struct Block {
    /// The layer the block belongs to, from 0.
    pub layer: usize,
    pub kind: BlockKind,
    /// Index (into [`Run::sequences`]) of the queries' sequence.
    pub queries: usize,
    /// Index of the keys' and values' sequence.
    pub keys: usize,
    /// Key/value heads: as many as heads, fewer for grouped-query attention, 1 for multi-query.
    pub kv_heads: usize,
    pub heads: Vec<HeadTrace>,
    /// The heads' outputs side by side and multiplied by W_O (`T_q × d_model`), when the source
    /// keeps it.
    pub output: Option<Array2<f32>>,
    /// The vectors the projections read, when the source keeps them.
    pub inputs: Option<BlockInputs>,
}

/// What a block's projections read: `q = x·W_Q (+ b)` for the rows of the queries' input, `k` and
/// `v` likewise for the keys'. The toy's input is its token vectors with positions added; a
/// pretrained layer's is the layer's input.
#[derive(Debug, Clone)]
pub struct BlockInputs {
    /// The rows the queries were projected from (`T_q × d_model`).
    pub queries: Array2<f32>,
    /// The rows keys and values were projected from (`T_k × d_model`); `None` when they are the
    /// queries' rows (self-attention).
    pub keys: Option<Array2<f32>>,
    /// The projections add a bias (`x·W + b`), W_O's included.
    pub bias: bool,
    /// q and k were rotated by their positions after the projection (RoPE).
    pub rotary: bool,
}

/// How the query and the keys of one head came from their inputs, for the player's projection
/// stages.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "typescript", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct Projection {
    /// `x_i`, the query's input (length d_model).
    pub input: Vec<f32>,
    /// `x_j` for every key, one row per key.
    pub key_inputs: Vec<Vec<f32>>,
    pub bias: bool,
    pub rotary: bool,
}

/// A multi-head block's last step for one query: every head's output side by side, times W_O.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "typescript", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct Combined {
    pub heads: usize,
    /// `[o_i¹, …, o_iᴴ]` (length heads · d_v).
    pub concat: Vec<f32>,
    /// `concat · W_O (+ b)` (length d_model).
    pub output: Vec<f32>,
    pub bias: bool,
}

/// Everything one run computed.
#[derive(Debug, Clone)]
pub struct Run {
    pub source: SourceInfo,
    pub sequences: Vec<Sequence>,
    pub blocks: Vec<Block>,
    /// Width of the token vectors.
    pub d_model: usize,
    /// Set when a text was longer than the limit and was cut.
    pub truncated: Option<Truncation>,
    /// A sentence embedding, for an encoder (mean of the last layer, unit length).
    pub pooled: Option<Array1<f32>>,
    /// The tokens a decoder generated and the distribution of each (they are also the end of the
    /// text sequence, and the blocks cover them); for an encoder–decoder, its output (the target
    /// sequence) step by step.
    pub generation: Option<Generation>,
    /// What only an encoder–decoder's run has: its architecture, the source tokens outside its
    /// vocabulary, and why it has no attention block when it has none.
    pub translation: Option<Translation>,
    /// What only a vision transformer's run has: the grid of patches, the classifier's answer.
    pub vision: Option<Vision>,
}

/// What JavaScript and the command line learn about one block.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "typescript", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct BlockSummary {
    pub layer: usize,
    pub kind: BlockKind,
    pub queries: usize,
    pub keys: usize,
    pub heads: usize,
    pub kv_heads: usize,
    /// Width of one head's queries and keys.
    #[serde(rename = "dK")]
    #[cfg_attr(feature = "typescript", ts(rename = "dK"))]
    pub d_k: usize,
    /// Width of one head's values.
    #[serde(rename = "dV")]
    #[cfg_attr(feature = "typescript", ts(rename = "dV"))]
    pub d_v: usize,
    pub score: ScoreKind,
    /// The factor scores are multiplied by (1/√d_k, or 1 without scaling).
    pub scale: f32,
    pub temperature: f32,
    /// Queries whose keys are all masked (their weights are all 0).
    pub fully_masked_rows: Vec<usize>,
    /// Some (query, key) pairs are masked.
    pub masked: bool,
    /// The block keeps its heads' output after W_O (the player's last stage combines the heads).
    pub combined: bool,
}

/// What a run computed, without its numbers: the sequences, the blocks' shapes and settings.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "typescript", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct RunSummary {
    pub source: SourceInfo,
    pub sequences: Vec<Sequence>,
    pub blocks: Vec<BlockSummary>,
    pub d_model: usize,
    pub truncated: Option<Truncation>,
    /// The run has a sentence embedding (`pooled`).
    pub pooled: bool,
    /// What a decoder generated, when it did; what an encoder–decoder wrote.
    pub generation: Option<Generation>,
    /// An encoder–decoder's extras.
    pub translation: Option<Translation>,
    /// A vision transformer's extras.
    pub vision: Option<Vision>,
}

/// A query's breakdown, and where in the run it is.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "typescript", derive(ts_rs::TS))]
pub struct HeadBreakdown {
    pub block: usize,
    pub layer: usize,
    pub head: usize,
    #[serde(flatten)]
    #[cfg_attr(feature = "typescript", ts(flatten))]
    pub breakdown: QueryBreakdown,
    /// The query's and keys' inputs, when the source keeps them.
    pub projection: Option<Projection>,
    /// The heads' outputs for this query concatenated and times W_O, when the source keeps the
    /// block's output.
    pub combined: Option<Combined>,
}

/// The weights of every block among the ordinary tokens only (see [`Run::without_special`]).
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "typescript", derive(ts_rs::TS))]
pub struct WithoutSpecial {
    /// Per sequence, the indices of the tokens kept.
    pub kept: Vec<Vec<usize>>,
    /// Every block's heads, `[block][head][query][key]` over the kept tokens, flat.
    #[cfg_attr(feature = "typescript", ts(type = "Float32Array"))]
    pub weights: Vec<f32>,
}

impl Block {
    /// Number of queries and keys.
    pub fn shape(&self) -> (usize, usize) {
        self.heads.first().map_or((0, 0), |h| h.weights.dim())
    }

    pub fn summary(&self) -> BlockSummary {
        let first = self.heads.first();
        BlockSummary {
            layer: self.layer,
            kind: self.kind,
            queries: self.queries,
            keys: self.keys,
            heads: self.heads.len(),
            kv_heads: self.kv_heads,
            d_k: first.map_or(0, |h| h.q.ncols()),
            d_v: first.map_or(0, |h| h.v.ncols()),
            score: first.map_or(ScoreKind::Dot, |h| h.score.kind()),
            scale: first.map_or(1.0, |h| h.scale),
            temperature: first.map_or(1.0, |h| h.temperature),
            fully_masked_rows: first.map(|h| h.fully_masked.clone()).unwrap_or_default(),
            masked: first.is_some_and(|h| h.allowed.as_ref().is_some_and(|a| a.iter().any(|&ok| !ok))),
            combined: self.output.is_some(),
        }
    }

    /// Which (query, key) pairs the heads may use, flat `T_q × T_k`: 1 allowed, 0 masked. Every
    /// head of a block shares one mask.
    pub fn allowed_flat(&self) -> Vec<u8> {
        let (t_q, t_k) = self.shape();
        match self.heads.first().and_then(|h| h.allowed.as_ref()) {
            Some(allowed) => allowed.iter().map(|&ok| u8::from(ok)).collect(),
            None => vec![1; t_q * t_k],
        }
    }
}

impl Run {
    pub fn summary(&self) -> RunSummary {
        RunSummary {
            source: self.source.clone(),
            sequences: self.sequences.clone(),
            blocks: self.blocks.iter().map(Block::summary).collect(),
            d_model: self.d_model,
            truncated: self.truncated,
            pooled: self.pooled.is_some(),
            generation: self.generation.clone(),
            translation: self.translation.clone(),
            vision: self.vision.clone(),
        }
    }

    /// Number of layers (one more than the last block's layer).
    pub fn layers(&self) -> usize {
        self.blocks.iter().map(|b| b.layer + 1).max().unwrap_or(0)
    }

    pub fn block(&self, block: usize) -> Result<&Block> {
        let count = self.blocks.len();
        self.blocks.get(block).ok_or_else(|| {
            Error::OutOfRange(format!("block {block} does not exist: the run has {} (counted from 0)", plural(count, "block")))
        })
    }

    /// One head of one block.
    pub fn head(&self, block: usize, head: usize) -> Result<&HeadTrace> {
        let b = self.block(block)?;
        b.heads.get(head).ok_or_else(|| {
            Error::OutOfRange(format!(
                "head {head} does not exist: layer {} has {} (counted from 0)",
                b.layer,
                plural(b.heads.len(), "head")
            ))
        })
    }

    /// The breakdown of one query of one head, recomputed step by step.
    pub fn breakdown(&self, block: usize, head: usize, query: usize) -> Result<HeadBreakdown> {
        let breakdown = self.head(block, head)?.breakdown(query)?;
        let b = &self.blocks[block];
        let projection = b.inputs.as_ref().map(|inputs| Projection {
            input: inputs.queries.row(query).to_vec(),
            key_inputs: inputs.keys.as_ref().unwrap_or(&inputs.queries).rows().into_iter().map(|r| r.to_vec()).collect(),
            bias: inputs.bias,
            rotary: inputs.rotary,
        });
        let combined = b.output.as_ref().map(|output| Combined {
            heads: b.heads.len(),
            concat: b.heads.iter().flat_map(|h| h.weights.row(query).dot(&h.v)).collect(),
            output: output.row(query).to_vec(),
            bias: b.inputs.as_ref().is_some_and(|i| i.bias),
        });
        Ok(HeadBreakdown { block, layer: b.layer, head, breakdown, projection, combined })
    }

    /// The attention of generation step `step`'s query over the keys it could see, in every block
    /// whose queries are the generated sequence and every head: flat `[block][head][key]`. In a
    /// causal block the keys are `0..=position` (the step's query and every token before it); in a
    /// cross-attention block, every source token. A decoder's blocks are all causal over its text;
    /// an encoder–decoder's encoder blocks (over the source) are left out.
    pub fn step_attentions(&self, step: usize) -> Result<Vec<f32>> {
        let steps = self.generation.as_ref().map_or(&[][..], |g| g.steps.as_slice());
        let position = steps.get(step).map(|s| s.position).ok_or_else(|| {
            Error::OutOfRange(format!("generation step {step} does not exist: the run generated {}", plural(steps.len(), "token")))
        })?;
        let generated = self.generated_sequence();
        let mut out = Vec::new();
        for block in self.blocks.iter().filter(|b| b.queries == generated) {
            let keys = match block.kind {
                BlockKind::Causal => position + 1,
                BlockKind::SelfAttention | BlockKind::Cross => block.shape().1,
            };
            for head in &block.heads {
                out.extend(head.weights.row(position).iter().take(keys));
            }
        }
        Ok(out)
    }

    /// The index of the sequence a generation extends: the target of an encoder–decoder, else the
    /// text (0).
    pub fn generated_sequence(&self) -> usize {
        self.sequences.iter().position(|s| s.role == Role::Target).unwrap_or(0)
    }

    /// The tokens of a block's queries.
    pub fn query_tokens(&self, block: &Block) -> &[Token] {
        &self.sequences[block.queries].tokens
    }

    /// The tokens of a block's keys.
    pub fn key_tokens(&self, block: &Block) -> &[Token] {
        &self.sequences[block.keys].tokens
    }

    /// Every head's weights, `[block][head][query][key]`, flat, blocks in order.
    pub fn attentions_flat(&self) -> Vec<f32> {
        let size = self.blocks.iter().map(|b| b.heads.len() * b.shape().0 * b.shape().1).sum();
        let mut out = Vec::with_capacity(size);
        for head in self.blocks.iter().flat_map(|b| &b.heads) {
            out.extend(head.weights.iter());
        }
        out
    }

    /// Every block's mask, `[block][query][key]`, flat: 1 allowed, 0 masked.
    pub fn allowed_flat(&self) -> Vec<u8> {
        self.blocks.iter().flat_map(Block::allowed_flat).collect()
    }

    /// The weights among the ordinary tokens only: rows and columns of `[CLS]`, `[SEP]` and other
    /// special tokens removed, each remaining row divided by what is left of its sum so it sums
    /// to 1 again (a row whose weight all went to special tokens stays all zero). `None` when a
    /// sequence has no ordinary token, or when nothing is special.
    pub fn without_special(&self) -> Option<WithoutSpecial> {
        let kept: Vec<Vec<usize>> =
            self.sequences.iter().map(|s| s.tokens.iter().enumerate().filter(|(_, t)| !t.special).map(|(i, _)| i).collect()).collect();
        let nothing_hidden = kept.iter().zip(&self.sequences).all(|(k, s)| k.len() == s.tokens.len());
        if nothing_hidden || kept.iter().any(Vec::is_empty) {
            return None;
        }
        let mut weights = Vec::new();
        for block in &self.blocks {
            let (rows, cols) = (&kept[block.queries], &kept[block.keys]);
            for head in &block.heads {
                for &i in rows {
                    let row: Vec<f32> = cols.iter().map(|&j| head.weights[[i, j]]).collect();
                    let sum: f32 = row.iter().sum();
                    weights.extend(row.iter().map(|&w| if sum > 0.0 { w / sum } else { w }));
                }
            }
        }
        Some(WithoutSpecial { kept, weights })
    }
}

fn plural(count: usize, noun: &str) -> String {
    if count == 1 {
        format!("1 {noun}")
    } else {
        format!("{count} {noun}s")
    }
}
