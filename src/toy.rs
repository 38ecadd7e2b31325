//! Toy mode: everything the playground offers without a trained model. Text goes in; a [`Run`]
//! of one block comes out, computed from token vectors (deterministic hashed ones, or any
//! [`VectorSource`]'s) and seeded (or identity, or given) projections.

use ndarray::{Array2, Axis};
use serde::{Deserialize, Serialize};

use crate::attention::mask::{combine, Mask};
use crate::attention::multi_head::{MultiHeadAttention, Projections};
use crate::attention::score::{ScoreFunction, ScoreKind};
use crate::embedding::embed_tokens;
use crate::error::{invalid, Error, Field, Result};
use crate::limits::{MAX_D_MODEL, MAX_HEADS, MAX_TOKENS};
use crate::linear::Linear;
use crate::positions::{add_sinusoidal, Positions};
use crate::run::{Block, BlockInputs, BlockKind, Role, Run, Sequence, SourceInfo, SourceKind};
use crate::text::{tokenize, utf16_len, Token, TokenizerKind, Truncation};

/// The token appended by the padding mask.
pub const PAD: &str = "[PAD]";

/// Self-attention (one text) or cross-attention (queries from one text, keys/values from another).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[cfg_attr(feature = "typescript", derive(ts_rs::TS))]
#[serde(rename_all = "lowercase")]
pub enum Mode {
    #[default]
    #[serde(rename = "self")]
    SelfAttention,
    #[serde(rename = "cross")]
    Cross,
}

/// How the projection matrices are chosen.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[cfg_attr(feature = "typescript", derive(ts_rs::TS))]
#[serde(rename_all = "lowercase")]
pub enum ProjectionKind {
    /// Glorot-uniform from the seed (see [`Linear::glorot`]).
    #[default]
    Random,
    /// Identity matrices: attention works directly on the token vectors.
    Identity,
}

/// A mask as the playground describes it; see [`Mask`] for the rules.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "typescript", derive(ts_rs::TS))]
#[serde(tag = "kind", rename_all = "lowercase", rename_all_fields = "camelCase", deny_unknown_fields)]
pub enum MaskSpec {
    Causal,
    Window {
        width: usize,
    },
    /// Pads the key sequence with `[PAD]` up to `pad_to` tokens and masks the padding.
    Padding {
        pad_to: usize,
    },
    /// Blocks single (query, key) cells; cells outside the current shape are ignored.
    Custom {
        blocked: Vec<(usize, usize)>,
    },
}

/// Every knob of toy mode. Field names in JSON/JavaScript are camelCase.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "typescript", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase", default, deny_unknown_fields)]
pub struct ToyConfig {
    pub mode: Mode,
    pub tokenizer: TokenizerKind,
    pub d_model: usize,
    pub heads: usize,
    pub kv_heads: usize,
    pub score: ScoreKind,
    /// Multiply scores by 1/√d_k.
    pub scale: bool,
    pub temperature: f32,
    pub masks: Vec<MaskSpec>,
    pub positions: Positions,
    pub projections: ProjectionKind,
    pub seed: u32,
    /// Longer text is cut to this many tokens and the run says so.
    pub max_tokens: usize,
}

impl Default for ToyConfig {
    fn default() -> Self {
        Self {
            mode: Mode::SelfAttention,
            tokenizer: TokenizerKind::Words,
            d_model: 64,
            heads: 4,
            kv_heads: 4,
            score: ScoreKind::Dot,
            scale: true,
            temperature: 1.0,
            masks: Vec::new(),
            positions: Positions::Sinusoidal,
            projections: ProjectionKind::Random,
            seed: 42,
            max_tokens: 1024,
        }
    }
}

impl ToyConfig {
    /// Checks every field and their combinations, with messages naming the control to change.
    pub fn validate(&self) -> Result<()> {
        let (d, h, kv) = (self.d_model, self.heads, self.kv_heads);
        if !(2..=MAX_D_MODEL).contains(&d) {
            return Err(invalid!(Field::DModel, "d_model must be between 2 and {MAX_D_MODEL}, not {d}"));
        }
        if !(1..=MAX_HEADS).contains(&h) {
            return Err(invalid!(Field::Heads, "heads must be between 1 and {MAX_HEADS}, not {h}"));
        }
        if d % h != 0 {
            return Err(invalid!(Field::Heads, "d_model {d} is not divisible by {h} heads: choose heads that divide d_model"));
        }
        if kv == 0 || h % kv != 0 {
            return Err(invalid!(
                Field::KvHeads,
                "{h} heads cannot be shared evenly by {kv} key/value heads: key/value heads must divide heads"
            ));
        }
        if !(self.temperature.is_finite() && self.temperature > 0.0) {
            return Err(invalid!(Field::Temperature, "temperature must be a positive number, not {}", self.temperature));
        }
        if !(1..=MAX_TOKENS).contains(&self.max_tokens) {
            return Err(invalid!(Field::MaxTokens, "max tokens must be between 1 and {MAX_TOKENS}, not {}", self.max_tokens));
        }
        for mask in &self.masks {
            if let MaskSpec::Padding { pad_to } = mask {
                if *pad_to > self.max_tokens {
                    return Err(invalid!(Field::PadTo, "padding to {pad_to} tokens exceeds the limit of {} tokens", self.max_tokens));
                }
            }
        }
        Ok(())
    }

    /// The seeded (or identity) projections this configuration asks for.
    pub fn build_projections(&self) -> Projections {
        let d = self.d_model;
        let d_kv = self.kv_heads * (d / self.heads);
        let seed = |stream: u64| stream_seed(self.seed, stream);
        match self.projections {
            ProjectionKind::Random => Projections {
                w_q: Linear::glorot(d, d, seed(1)),
                w_k: Linear::glorot(d, d_kv, seed(2)),
                w_v: Linear::glorot(d, d_kv, seed(3)),
                w_o: Linear::glorot(d, d, seed(4)),
            },
            ProjectionKind::Identity => Projections {
                w_q: Linear::identity(d, d),
                w_k: Linear::identity(d, d_kv),
                w_v: Linear::identity(d, d_kv),
                w_o: Linear::identity(d, d),
            },
        }
    }
}

/// The seed of one random stream (a matrix, a head's score weights) of the configuration seed.
pub fn stream_seed(seed: u32, stream: u64) -> u64 {
    (u64::from(seed) << 32) ^ stream.wrapping_mul(0x9E37_79B9_7F4A_7C15)
}

/// Where toy attention gets its tokens and their vectors from: the toy's own tokenizer and hashed
/// vectors ([`HashedVectors`]), or a pretrained model's tokenizer and word embeddings (the model
/// implements this trait; the toy does not know the model).
pub trait VectorSource {
    /// The first `limit` tokens of `text` with one vector each, and the whole text's token count.
    fn token_vectors(&self, text: &str, limit: usize) -> Result<(TokenVectors, usize)>;
    /// Width of the vectors, when the source fixes it (a model's hidden size).
    fn width(&self) -> Option<usize>;
    /// What to call the vectors in a message ("all-MiniLM-L6-v2's word embeddings").
    fn describe(&self) -> String;
    /// The name of the run's source.
    fn source_name(&self) -> String;
}

/// The toy's own vectors: its tokenizer, and the deterministic vector of each token's text.
#[derive(Debug, Clone, Copy)]
pub struct HashedVectors {
    pub tokenizer: TokenizerKind,
    pub d_model: usize,
}

impl VectorSource for HashedVectors {
    fn token_vectors(&self, text: &str, limit: usize) -> Result<(TokenVectors, usize)> {
        let t = tokenize(text, self.tokenizer, limit);
        let vectors = embed_tokens(&t.tokens, self.d_model);
        Ok((TokenVectors { tokens: t.tokens, vectors, text_len: utf16_len(text) }, t.total))
    }

    fn width(&self) -> Option<usize> {
        None
    }

    fn describe(&self) -> String {
        "the toy's vectors".into()
    }

    fn source_name(&self) -> String {
        "toy".into()
    }
}

/// Runs toy attention on `text` (and, in cross mode, `cross_text` for keys and values).
pub fn run_toy(config: &ToyConfig, text: &str, cross_text: Option<&str>) -> Result<Run> {
    config.validate()?;
    run_toy_with(config, text, cross_text, config.build_projections())
}

/// [`run_toy`] with projections given by the caller instead of built from the configuration.
pub fn run_toy_with(config: &ToyConfig, text: &str, cross_text: Option<&str>, projections: Projections) -> Result<Run> {
    let vectors = HashedVectors { tokenizer: config.tokenizer, d_model: config.d_model };
    run_toy_from(config, &vectors, text, cross_text, projections)
}

/// Toy attention on the tokens and vectors of `vectors` (for a model: its tokens and word
/// embeddings instead of the toy tokenizer and hashed vectors). Only the vectors are borrowed:
/// positions are the configuration's, and so are the projections, masks and score function.
/// `d_model` must equal the vectors' width when the source fixes it.
pub fn run_toy_from(
    config: &ToyConfig,
    vectors: &dyn VectorSource,
    text: &str,
    cross_text: Option<&str>,
    projections: Projections,
) -> Result<Run> {
    config.validate()?;
    if let Some(width) = vectors.width().filter(|&w| w != config.d_model) {
        return Err(invalid!(
            Field::DModel,
            "{} have {width} dimensions but d_model is {}: set d_model to {width} to use them",
            vectors.describe(),
            config.d_model
        ));
    }
    let key_text = match (config.mode, cross_text) {
        (Mode::SelfAttention, _) => None,
        (Mode::Cross, Some(other)) => Some(other),
        (Mode::Cross, None) => return Err(invalid!(Field::CrossText, "cross-attention needs a second text for the keys and values")),
    };
    let mut truncated = None;
    let mut side = |which: Field, text: &str| -> Result<TokenVectors> {
        let (input, total) = vectors.token_vectors(text, config.max_tokens)?;
        if input.tokens.is_empty() {
            return Err(Error::EmptyText { field: which });
        }
        if total > input.tokens.len() && truncated.is_none() {
            truncated = Some(Truncation { limit: config.max_tokens, total, which });
        }
        Ok(input)
    };
    let queries = side(Field::Text, text)?;
    let keys = key_text.map(|t| side(Field::CrossText, t)).transpose()?;
    let mut run = run_toy_on_vectors(config, projections, queries, keys)?;
    run.truncated = truncated;
    run.source.name = vectors.source_name();
    Ok(run)
}

/// The tokens of one text and one input vector per token: what toy attention runs on.
#[derive(Debug, Clone, PartialEq)]
pub struct TokenVectors {
    pub tokens: Vec<Token>,
    /// `tokens.len() × d_model`, row `i` for token `i` (positions are added later, by the run).
    pub vectors: Array2<f32>,
    /// UTF-16 length of the text the tokens came from: where `[PAD]` tokens are placed.
    pub text_len: usize,
}

/// Toy attention on given tokens and vectors: `queries` attend over `keys` (cross-attention), or
/// over themselves when `keys` is `None`. The configuration's padding (zero vectors), masks,
/// positions, heads and score function apply; its mode and tokenizer are not consulted.
pub fn run_toy_on_vectors(config: &ToyConfig, projections: Projections, queries: TokenVectors, keys: Option<TokenVectors>) -> Result<Run> {
    config.validate()?;
    for (what, input) in [("query", Some(&queries)), ("key", keys.as_ref())] {
        let Some(input) = input else { continue };
        if input.vectors.dim() != (input.tokens.len(), config.d_model) {
            return Err(Error::Shape(format!(
                "the {what} vectors are {}×{} but there are {} tokens and d_model is {}",
                input.vectors.nrows(),
                input.vectors.ncols(),
                input.tokens.len(),
                config.d_model
            )));
        }
    }
    // Cross-attention has its own query sequence; self-attention uses the key sequence (padding
    // included) for the queries too, without a copy of its vectors.
    let (queries, mut keys) = match keys {
        Some(keys) => (Some(queries), keys),
        None => (None, queries),
    };
    let valid_keys = keys.tokens.len();
    if let Some(pad_to) = config.masks.iter().find_map(|m| match m {
        MaskSpec::Padding { pad_to } => Some(*pad_to),
        _ => None,
    }) {
        pad(&mut keys, pad_to);
    }
    let t_q = queries.as_ref().map_or(keys.tokens.len(), |q| q.tokens.len());
    let masks = config_masks(config, valid_keys, t_q, keys.tokens.len());
    let allowed = combine(&masks, t_q, keys.tokens.len())?;

    let x_kv = with_positions(config, keys.vectors);
    let (query_tokens, x_q) = match queries {
        Some(q) => (Some(q.tokens), Some(with_positions(config, q.vectors))),
        None => (None, None),
    };
    let d_k = config.d_model / config.heads;
    let layer = MultiHeadAttention {
        projections,
        heads: config.heads,
        kv_heads: config.kv_heads,
        scores: (0..config.heads).map(|h| ScoreFunction::seeded(config.score, d_k, stream_seed(config.seed, 100 + h as u64))).collect(),
        scale: config.scale,
        temperature: config.temperature,
        rotary: config.positions == Positions::Rope,
    };
    let trace = layer.forward(x_q.as_ref().unwrap_or(&x_kv).view(), x_kv.view(), allowed)?;
    let bias = layer.projections.w_q.bias.is_some();
    let inputs = match x_q {
        Some(queries) => BlockInputs { queries, keys: Some(x_kv), bias, rotary: layer.rotary },
        None => BlockInputs { queries: x_kv, keys: None, bias, rotary: layer.rotary },
    };
    let (sequences, kind, key_sequence) = match query_tokens {
        None => (vec![Sequence { role: Role::Text, tokens: keys.tokens }], BlockKind::SelfAttention, 0),
        Some(tokens) => {
            (vec![Sequence { role: Role::Text, tokens }, Sequence { role: Role::CrossText, tokens: keys.tokens }], BlockKind::Cross, 1)
        }
    };
    let block = Block {
        layer: 0,
        kind,
        queries: 0,
        keys: key_sequence,
        kv_heads: config.kv_heads,
        heads: trace.heads,
        output: Some(trace.output),
        inputs: Some(inputs),
    };
    Ok(Run {
        source: SourceInfo { name: "toy".into(), kind: SourceKind::Toy, trained: false },
        sequences,
        blocks: vec![block],
        d_model: config.d_model,
        truncated: None,
        pooled: None,
        generation: None,
        translation: None,
        vision: None,
    })
}

/// Appends `[PAD]` tokens with zero vectors up to `pad_to` tokens.
fn pad(input: &mut TokenVectors, pad_to: usize) {
    let missing = pad_to.saturating_sub(input.tokens.len());
    if missing == 0 {
        return;
    }
    input.tokens.extend((0..missing).map(|_| Token::special(PAD, input.text_len)));
    let zeros = Array2::zeros((missing, input.vectors.ncols()));
    input.vectors.append(Axis(0), zeros.view()).expect("rows of the same width");
}

/// The vectors plus sinusoidal positions when asked for (rotary positions act later, on Q and K).
fn with_positions(config: &ToyConfig, mut x: Array2<f32>) -> Array2<f32> {
    if config.positions == Positions::Sinusoidal {
        add_sinusoidal(x.view_mut());
    }
    x
}

/// The core masks of the configuration, for `t_q × t_k` attention whose first `valid_keys` keys are real.
fn config_masks(config: &ToyConfig, valid_keys: usize, t_q: usize, t_k: usize) -> Vec<Mask> {
    config
        .masks
        .iter()
        .map(|spec| match spec {
            MaskSpec::Causal => Mask::Causal,
            MaskSpec::Window { width } => Mask::Window { width: *width },
            MaskSpec::Padding { .. } => Mask::KeyPadding { valid: (0..t_k).map(|j| j < valid_keys).collect() },
            MaskSpec::Custom { blocked } => {
                let mut m = Array2::from_elem((t_q, t_k), true);
                for &(i, j) in blocked.iter().filter(|&&(i, j)| i < t_q && j < t_k) {
                    m[[i, j]] = false;
                }
                Mask::Custom(m)
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_run_has_rows_that_sum_to_one() {
        let run = run_toy(&ToyConfig::default(), "The animal didn't cross the street because it was too tired.", None).unwrap();
        assert_eq!(run.sequences[0].tokens.len(), 12);
        for head in &run.blocks[0].heads {
            for row in head.weights.rows() {
                assert!((row.sum() - 1.0).abs() < 1e-5);
            }
        }
        assert_eq!(run.blocks[0].output.as_ref().unwrap().dim(), (12, 64));
    }

    #[test]
    fn config_errors_name_the_problem() {
        let bad = ToyConfig { d_model: 10, heads: 3, ..ToyConfig::default() };
        assert_eq!(
            run_toy(&bad, "hi", None).unwrap_err().to_string(),
            "d_model 10 is not divisible by 3 heads: choose heads that divide d_model"
        );
        assert_eq!(run_toy(&ToyConfig::default(), "  ", None).unwrap_err().to_string(), "the text is empty: type at least one word");
    }

    #[test]
    fn padding_appends_masked_pad_keys() {
        let cfg = ToyConfig { masks: vec![MaskSpec::Padding { pad_to: 5 }], ..ToyConfig::default() };
        let run = run_toy(&cfg, "a b c", None).unwrap();
        let keys = &run.sequences[0].tokens;
        assert_eq!(keys.len(), 5);
        assert!(keys[3].special && keys[4].text == PAD);
        for head in &run.blocks[0].heads {
            assert!(head.weights.column(3).iter().all(|&w| w == 0.0));
        }
    }

    #[test]
    fn config_json_is_camel_case() {
        let cfg: ToyConfig = serde_json::from_str(r#"{"dModel": 8, "heads": 2, "kvHeads": 1, "masks": [{"kind": "padding", "padTo": 4}, {"kind": "custom", "blocked": [[0, 1]]}]}"#).unwrap();
        assert_eq!((cfg.d_model, cfg.kv_heads), (8, 1));
        assert!(serde_json::from_str::<ToyConfig>(r#"{"dmodel": 8}"#).is_err());
    }

    #[test]
    fn cross_attention_has_different_shapes() {
        let cfg = ToyConfig { mode: Mode::Cross, ..ToyConfig::default() };
        let run = run_toy(&cfg, "Le chat dort", Some("The cat is sleeping")).unwrap();
        assert_eq!(run.blocks[0].heads[0].weights.dim(), (3, 4));
        assert_eq!(run.blocks[0].kind, BlockKind::Cross);
    }
}
