//! Toy mode: everything the playground offers without a trained model. Text goes in; a full
//! [`AttentionTrace`] comes out, computed from deterministic token vectors and seeded (or
//! identity, or given) projections.

use ndarray::Array2;
use serde::{Deserialize, Serialize};

use crate::attention::mask::{combine, Mask};
use crate::attention::multi_head::{AttentionTrace, MultiHeadAttention, Projections};
use crate::attention::score::{ScoreFunction, ScoreKind};
use crate::embedding::embed_tokens;
use crate::error::{invalid, Error, Result};
use crate::linear::Linear;
use crate::parallel;
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
    Window { width: usize },
    /// Pads the key sequence with `[PAD]` up to `pad_to` tokens and masks the padding.
    Padding { pad_to: usize },
    /// Blocks single (query, key) cells; cells outside the current shape are ignored.
    Custom { blocked: Vec<(usize, usize)> },
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
        match self.projections {
            ProjectionKind::Random => {
                // The four matrices come from separate streams, so they can be drawn side by side.
                let shapes = vec![(d, 1), (d_kv, 2), (d_kv, 3), (d, 4)];
                let work = 10 * d * (2 * d + 2 * d_kv);
                let drawn = parallel::map(shapes, work, |(d_out, stream)| Linear::glorot(d, d_out, stream_seed(self.seed, stream)));
                let [w_q, w_k, w_v, w_o]: [Linear; 4] = drawn.try_into().expect("one matrix per shape");
                Projections { w_q, w_k, w_v, w_o }
            }
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
    config.validate()?;
    let mut truncated = None;
    let mut cut = |which: &'static str, text: &str| -> Result<Vec<Token>> {
        let t = tokenize(text, config.tokenizer, config.max_tokens);
        if t.tokens.is_empty() {
            return Err(Error::EmptyText { which: if which == "text" { "text" } else { "cross-attention text" } });
        }
        if t.total > t.tokens.len() && truncated.is_none() {
            truncated = Some(Truncation { limit: config.max_tokens, total: t.total, which });
        }
        Ok(t.tokens)
    };
    let query_tokens = cut("text", text)?;
    let (mut query_tokens, mut key_tokens, cross) = match (config.mode, cross_text) {
        (Mode::SelfAttention, _) => (query_tokens.clone(), query_tokens, false),
        (Mode::Cross, Some(other)) => (query_tokens, cut("crossText", other)?, true),
        (Mode::Cross, None) => return Err(invalid!("cross-attention needs a second text for the keys and values")),
    };
    let valid_keys = key_tokens.len();
    if let Some(pad_to) = config.masks.iter().find_map(|m| match m {
        MaskSpec::Padding { pad_to } => Some(*pad_to),
        _ => None,
    }) {
        let text_len = (if cross { cross_text.unwrap_or_default() } else { text }).encode_utf16().count();
        while key_tokens.len() < pad_to {
            key_tokens.push(Token::special(PAD, text_len));
        }
        if !cross {
            query_tokens.clone_from(&key_tokens);
        }
    }
    let masks = config_masks(config, valid_keys, query_tokens.len(), key_tokens.len());
    let allowed = combine(&masks, query_tokens.len(), key_tokens.len())?;

    let x_q = token_inputs(config, &query_tokens);
    let x_kv = cross.then(|| token_inputs(config, &key_tokens));
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
    let trace = layer.forward(x_q.view(), x_kv.as_ref().unwrap_or(&x_q).view(), allowed)?;
    Ok(ToyRun { config: config.clone(), query_tokens, key_tokens, trace, truncated })
}

/// Token vectors plus sinusoidal positions when asked for.
fn token_inputs(config: &ToyConfig, tokens: &[Token]) -> Array2<f32> {
    let mut x = embed_tokens(tokens, config.d_model);
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
        assert_eq!(run_toy(&bad, "hi", None).unwrap_err().to_string(), "d_model 10 is not divisible by 3 heads: choose heads that divide d_model");
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
