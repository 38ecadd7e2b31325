//! Toy mode: everything the playground offers without a trained model. Text goes in; a full
//! [`AttentionTrace`] comes out, computed from deterministic token vectors and seeded (or
//! identity, or given) projections.

use ndarray::{Array2, Axis};
use serde::{Deserialize, Serialize};

use crate::attention::mask::{combine, Mask};
use crate::attention::multi_head::{AttentionTrace, MultiHeadAttention, Projections};
use crate::attention::score::{ScoreFunction, ScoreKind};
use crate::embedding::embed_tokens;
use crate::error::{invalid, Error, Result};
use crate::linear::Linear;
use crate::model::Model;
use crate::positions::{add_sinusoidal, Positions};
use crate::text::{tokenize, Token, TokenizerKind};

/// Largest accepted `d_model`.
pub const MAX_D_MODEL: usize = 1024;
/// Largest accepted `max_tokens`.
pub const MAX_TOKENS_LIMIT: usize = 4096;
/// The token appended by the padding mask.
pub const PAD: &str = "[PAD]";

/// Self-attention (one text) or cross-attention (queries from one text, keys/values from another).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
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

/// Which text was cut, and by how much.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Truncation {
    pub limit: usize,
    pub total: usize,
    /// `"text"` or `"crossText"`.
    pub which: &'static str,
}

/// The result of a toy run.
#[derive(Debug, Clone)]
pub struct ToyRun {
    pub config: ToyConfig,
    pub query_tokens: Vec<Token>,
    pub key_tokens: Vec<Token>,
    pub trace: AttentionTrace,
    pub truncated: Option<Truncation>,
}

impl ToyConfig {
    /// Checks every field and their combinations, with messages naming the control to change.
    pub fn validate(&self) -> Result<()> {
        let (d, h, kv) = (self.d_model, self.heads, self.kv_heads);
        if !(2..=MAX_D_MODEL).contains(&d) {
            return Err(invalid!("d_model must be between 2 and {MAX_D_MODEL}, not {d}"));
        }
        if h == 0 || d % h != 0 {
            return Err(invalid!("d_model {d} is not divisible by {h} heads: choose heads that divide d_model"));
        }
        if kv == 0 || h % kv != 0 {
            return Err(invalid!("{h} heads cannot be shared evenly by {kv} key/value heads: key/value heads must divide heads"));
        }
        if !(self.temperature.is_finite() && self.temperature > 0.0) {
            return Err(invalid!("temperature must be a positive number, not {}", self.temperature));
        }
        if !(1..=MAX_TOKENS_LIMIT).contains(&self.max_tokens) {
            return Err(invalid!("max tokens must be between 1 and {MAX_TOKENS_LIMIT}, not {}", self.max_tokens));
        }
        for mask in &self.masks {
            if let MaskSpec::Padding { pad_to } = mask {
                if *pad_to > self.max_tokens {
                    return Err(invalid!("padding to {pad_to} tokens exceeds the limit of {} tokens", self.max_tokens));
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

/// Runs toy attention on `text` (and, in cross mode, `cross_text` for keys and values).
pub fn run_toy(config: &ToyConfig, text: &str, cross_text: Option<&str>) -> Result<ToyRun> {
    config.validate()?;
    run_toy_with(config, text, cross_text, config.build_projections())
}

/// [`run_toy`] with projections given by the caller instead of built from the configuration.
pub fn run_toy_with(config: &ToyConfig, text: &str, cross_text: Option<&str>, projections: Projections) -> Result<ToyRun> {
    run_toy_on_texts(config, text, cross_text, projections, |text, limit| {
        let t = tokenize(text, config.tokenizer, limit);
        let vectors = embed_tokens(&t.tokens, config.d_model);
        Ok((TokenVectors { tokens: t.tokens, vectors, text_len: utf16_len(text) }, t.total))
    })
}

/// Toy attention on a pretrained model's tokens and input embeddings instead of the toy
/// tokenizer and hashed vectors: the tokens are the model's WordPiece pieces of the text, without
/// `[CLS]` and `[SEP]` (a special token typed in the text, such as `[MASK]`, stays, marked
/// special), and each token's vector is its row of the model's word-embedding table. Only the
/// vectors are borrowed: positions are the configuration's (the model's learned position
/// embeddings are not added), and so are the projections, masks and score function.
/// `d_model` must equal the model's hidden size; the toy tokenizer setting is not used.
pub fn run_toy_with_model_embeddings(
    config: &ToyConfig,
    model: &Model,
    text: &str,
    cross_text: Option<&str>,
    projections: Projections,
) -> Result<ToyRun> {
    let hidden = model.config().hidden_size;
    if config.d_model != hidden {
        return Err(invalid!(
            "the model's embeddings have {hidden} dimensions but d_model is {}: set d_model to {hidden} to use them",
            config.d_model
        ));
    }
    run_toy_on_texts(config, text, cross_text, projections, |text, limit| {
        // Room for [CLS] and [SEP], which are then dropped.
        let encoding = model.tokenizer().encode(text, limit.saturating_add(2));
        let total = encoding.truncated.map_or(encoding.tokens.len(), |t| t.total) - 2;
        let pieces = &encoding.tokens[1..encoding.tokens.len() - 1];
        let vectors = model.input_embeddings(pieces)?;
        let tokens = pieces.iter().map(|t| Token { text: t.text.clone(), start: t.start, end: t.end, special: t.special }).collect();
        Ok((TokenVectors { tokens, vectors, text_len: utf16_len(text) }, total))
    })
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

/// Tokenizes and embeds the text(s) the mode calls for with `embed(text, max_tokens)`, which
/// returns the first `max_tokens` tokens with their vectors and the whole text's token count;
/// then runs [`run_toy_on_vectors`].
fn run_toy_on_texts(
    config: &ToyConfig,
    text: &str,
    cross_text: Option<&str>,
    projections: Projections,
    mut embed: impl FnMut(&str, usize) -> Result<(TokenVectors, usize)>,
) -> Result<ToyRun> {
    config.validate()?;
    let key_text = match (config.mode, cross_text) {
        (Mode::SelfAttention, _) => None,
        (Mode::Cross, Some(other)) => Some(other),
        (Mode::Cross, None) => return Err(invalid!("cross-attention needs a second text for the keys and values")),
    };
    let mut truncated = None;
    let mut side = |which: &'static str, text: &str| -> Result<TokenVectors> {
        let (input, total) = embed(text, config.max_tokens)?;
        if input.tokens.is_empty() {
            return Err(Error::EmptyText { which: if which == "text" { "text" } else { "cross-attention text" } });
        }
        if total > input.tokens.len() && truncated.is_none() {
            truncated = Some(Truncation { limit: config.max_tokens, total, which });
        }
        Ok(input)
    };
    let queries = side("text", text)?;
    let keys = key_text.map(|t| side("crossText", t)).transpose()?;
    run_toy_on_vectors(config, projections, queries, keys, truncated)
}

/// Toy attention on given tokens and vectors: `queries` attend over `keys` (cross-attention), or
/// over themselves when `keys` is `None`. The configuration's padding (zero vectors), masks,
/// positions, heads and score function apply; its mode and tokenizer are not consulted.
/// `truncated` is passed through to the result.
pub fn run_toy_on_vectors(
    config: &ToyConfig,
    projections: Projections,
    queries: TokenVectors,
    keys: Option<TokenVectors>,
    truncated: Option<Truncation>,
) -> Result<ToyRun> {
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
    let query_tokens = queries.as_ref().map_or(&keys.tokens, |q| &q.tokens).clone();
    let masks = config_masks(config, valid_keys, query_tokens.len(), keys.tokens.len());
    let allowed = combine(&masks, query_tokens.len(), keys.tokens.len())?;

    let x_kv = with_positions(config, keys.vectors);
    let x_q = queries.map(|q| with_positions(config, q.vectors));
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
    Ok(ToyRun { config: config.clone(), query_tokens, key_tokens: keys.tokens, trace, truncated })
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

fn utf16_len(text: &str) -> usize {
    text.encode_utf16().count()
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
        assert_eq!(run.query_tokens.len(), 12);
        for head in &run.trace.heads {
            for row in head.weights.rows() {
                assert!((row.sum() - 1.0).abs() < 1e-5);
            }
        }
        assert_eq!(run.trace.output.dim(), (12, 64));
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
        assert_eq!(run.key_tokens.len(), 5);
        assert!(run.key_tokens[3].special && run.key_tokens[4].text == PAD);
        for head in &run.trace.heads {
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
        assert_eq!(run.trace.heads[0].weights.dim(), (3, 4));
    }
}
