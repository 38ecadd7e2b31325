//! `config.json` of a GPT-2 or Llama decoder: each family's names for the same sizes, read into
//! one [`DecoderConfig`]. Every size is checked as a 64-bit number against its limit before it
//! becomes a `usize`, and the sizes multiplied together (heads × head width, vocabulary × width)
//! are checked for overflow, which on 32-bit WebAssembly comes early.

use serde_json::{Map, Value};

use crate::model::config::{activation_or, epsilon_or, size_at_most, size_if_given, Activation};
use crate::model::error::{ModelError, ModelResult};
use crate::model::kind::{parse_object, ModelKind};

/// The decoder families, by weight layout.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Family {
    /// GPT-2: learned positions, pre-LayerNorm, Conv1D weights (`[in, out]`), one fused Q/K/V map.
    Gpt2,
    /// Llama: rotary positions, RMSNorm, grouped-query attention, a SiLU-gated feed-forward block.
    Llama,
}

impl Family {
    /// The `model_type` of `config.json`.
    pub fn name(self) -> &'static str {
        match self {
            Family::Gpt2 => "gpt2",
            Family::Llama => "llama",
        }
    }
}

/// The sizes and settings of a decoder, whatever the family named them.
#[derive(Debug, Clone, PartialEq)]
pub struct DecoderConfig {
    pub family: Family,
    pub vocab_size: usize,
    pub hidden_size: usize,
    pub num_layers: usize,
    /// Query heads.
    pub num_heads: usize,
    /// Key/value heads: as many as query heads, or fewer (grouped-query attention).
    pub num_kv_heads: usize,
    /// Width of one head's queries, keys and values.
    pub head_dim: usize,
    /// Width of the feed-forward block's inner layer.
    pub intermediate_size: usize,
    /// The context: the most tokens (prompt and generated together) the model sees.
    pub max_positions: usize,
    pub norm_eps: f32,
    pub activation: Activation,
    /// Llama's rotary frequency base θ (`None` for GPT-2's learned positions).
    pub rope_theta: Option<f64>,
    /// The output matrix is the token-embedding table (not stored separately).
    pub tie_embeddings: bool,
    /// Llama: the Q, K, V and output projections have biases (`attention_bias`).
    pub attention_bias: bool,
    /// Llama: the feed-forward maps have biases (`mlp_bias`).
    pub mlp_bias: bool,
    /// GPT-2: scores are scaled by 1/√head_dim (`scale_attn_weights`, on by default).
    pub scale_scores: bool,
    /// GPT-2: scores of layer `l` are further divided by `l + 1` (`scale_attn_by_inverse_layer_idx`).
    pub scale_by_layer: bool,
    /// Ids that end a generated text (`eos_token_id`, one or a list).
    pub end_of_text: Vec<u32>,
}

/// Limits on single sizes, refused before anything is reserved for them.
const MAX_WIDTH: u32 = 1 << 16;
/// Layers and heads: the limit a link's layer and head indices share.
const MAX_COUNT: u32 = crate::limits::MAX_MODEL_COUNT as u32;
const MAX_VOCABULARY: u32 = 1 << 20;
const MAX_POSITIONS: u32 = 1 << 20;
const MAX_INNER: u32 = 1 << 18;

impl DecoderConfig {
    /// Parses `config.json`; refuses anything that is not a GPT-2 or Llama decoder.
    pub fn from_json(text: &str) -> ModelResult<Self> {
        let map = parse_object(text)?;
        let config = match ModelKind::of_config(&map)? {
            ModelKind::Gpt2 => gpt2(&map)?,
            ModelKind::Llama => llama(&map)?,
            encoder => {
                return Err(ModelError::Config(format!("model_type '{}' is an encoder, not a GPT-2 or Llama decoder", encoder.name())))
            }
        };
        config.check_products()?;
        Ok(config)
    }

    /// Width of all query heads side by side.
    pub fn q_width(&self) -> usize {
        self.num_heads * self.head_dim
    }

    /// Width of all key (or value) heads side by side.
    pub fn kv_width(&self) -> usize {
        self.num_kv_heads * self.head_dim
    }

    /// Query heads per key/value head.
    pub fn group(&self) -> usize {
        self.num_heads / self.num_kv_heads
    }

    /// Refuses sizes whose products do not fit a `usize` (on 32-bit WebAssembly, 2³²).
    fn check_products(&self) -> ModelResult<()> {
        let products = [
            ("num_heads × head_dim", self.num_heads, self.head_dim),
            ("vocab_size × hidden size", self.vocab_size, self.hidden_size),
            ("positions × hidden size", self.max_positions, self.hidden_size),
            ("intermediate size × hidden size", self.intermediate_size, self.hidden_size),
            ("num_heads × head_dim × hidden size", self.num_heads * self.head_dim, self.hidden_size),
        ];
        for (what, a, b) in products {
            // Each element is 4 bytes once loaded.
            if a.checked_mul(b).and_then(|n| n.checked_mul(4)).is_none() {
                return Err(ModelError::Config(format!("{what} ({a} × {b}) is too large for this build's memory")));
            }
        }
        Ok(())
    }
}

fn gpt2(map: &Map<String, Value>) -> ModelResult<DecoderConfig> {
    if map.get("add_cross_attention").and_then(Value::as_bool) == Some(true) {
        return Err(ModelError::Config("GPT-2 with cross-attention (add_cross_attention) is not supported".into()));
    }
    let hidden = size_at_most(map, "n_embd", MAX_WIDTH)?;
    let heads = size_at_most(map, "n_head", MAX_COUNT)?;
    if hidden % heads != 0 {
        return Err(ModelError::Config(format!("n_embd {hidden} is not a multiple of n_head {heads}")));
    }
    let positions = if map.contains_key("n_positions") { "n_positions" } else { "n_ctx" };
    let inner = size_if_given(map, "n_inner", MAX_INNER)?.unwrap_or((4 * hidden).min(MAX_INNER as usize));
    Ok(DecoderConfig {
        family: Family::Gpt2,
        vocab_size: size_at_most(map, "vocab_size", MAX_VOCABULARY)?,
        hidden_size: hidden,
        num_layers: size_at_most(map, "n_layer", MAX_COUNT)?,
        num_heads: heads,
        num_kv_heads: heads,
        head_dim: hidden / heads,
        intermediate_size: inner,
        max_positions: size_at_most(map, positions, MAX_POSITIONS)?,
        norm_eps: epsilon_or(map, "layer_norm_epsilon", 1e-5)?,
        activation: activation_or(map, "activation_function", Activation::GeluTanh)?,
        rope_theta: None,
        tie_embeddings: flag(map, "tie_word_embeddings", true)?,
        attention_bias: true,
        mlp_bias: true,
        scale_scores: flag(map, "scale_attn_weights", true)?,
        scale_by_layer: flag(map, "scale_attn_by_inverse_layer_idx", false)?,
        end_of_text: end_of_text(map)?,
    })
}

fn llama(map: &Map<String, Value>) -> ModelResult<DecoderConfig> {
    let hidden = size_at_most(map, "hidden_size", MAX_WIDTH)?;
    let heads = size_at_most(map, "num_attention_heads", MAX_COUNT)?;
    let kv_heads = size_if_given(map, "num_key_value_heads", MAX_COUNT)?.unwrap_or(heads);
    if heads % kv_heads != 0 {
        return Err(ModelError::Config(format!(
            "num_attention_heads {heads} is not a multiple of num_key_value_heads {kv_heads}: the query heads cannot share key/value heads evenly"
        )));
    }
    let head_dim = match size_if_given(map, "head_dim", MAX_COUNT)? {
        Some(head_dim) => head_dim,
        None if hidden % heads == 0 => hidden / heads,
        None => {
            return Err(ModelError::Config(format!("hidden_size {hidden} is not a multiple of num_attention_heads {heads}")));
        }
    };
    if head_dim % 2 != 0 {
        return Err(ModelError::Config(format!("head_dim {head_dim} is odd: rotary positions turn pairs of dimensions")));
    }
    Ok(DecoderConfig {
        family: Family::Llama,
        vocab_size: size_at_most(map, "vocab_size", MAX_VOCABULARY)?,
        hidden_size: hidden,
        num_layers: size_at_most(map, "num_hidden_layers", MAX_COUNT)?,
        num_heads: heads,
        num_kv_heads: kv_heads,
        head_dim,
        intermediate_size: size_at_most(map, "intermediate_size", MAX_INNER)?,
        max_positions: size_at_most(map, "max_position_embeddings", MAX_POSITIONS)?,
        norm_eps: epsilon_or(map, "rms_norm_eps", 1e-6)?,
        activation: activation_or(map, "hidden_act", Activation::Silu)?,
        rope_theta: Some(rope_theta(map)?),
        tie_embeddings: flag(map, "tie_word_embeddings", false)?,
        attention_bias: flag(map, "attention_bias", false)?,
        mlp_bias: flag(map, "mlp_bias", false)?,
        scale_scores: true,
        scale_by_layer: false,
        end_of_text: end_of_text(map)?,
    })
}

/// The rotary base: `rope_parameters.rope_theta` (as transformers 5 writes it), else the top-level
/// `rope_theta` (older files), else 10000. Only the default rotary type is supported: scaled
/// variants (`linear`, `dynamic`, `yarn`, `llama3`, …) are refused, named.
fn rope_theta(map: &Map<String, Value>) -> ModelResult<f64> {
    let parameters = map.get("rope_parameters").filter(|v| !v.is_null());
    let scaling = map.get("rope_scaling").filter(|v| !v.is_null());
    for spec in [parameters, scaling].into_iter().flatten() {
        let kind = spec.get("rope_type").or_else(|| spec.get("type")).and_then(Value::as_str).unwrap_or("default");
        if kind != "default" {
            return Err(ModelError::Config(format!(
                "rope type '{kind}' is not supported: only the default rotary positions (rope_type \"default\") are"
            )));
        }
    }
    if let Some(factor) = map.get("partial_rotary_factor").and_then(Value::as_f64).filter(|&f| f != 1.0) {
        return Err(ModelError::Config(format!(
            "partial_rotary_factor {factor} is not supported: rotary positions must turn every dimension"
        )));
    }
    let theta = parameters.and_then(|p| p.get("rope_theta")).or_else(|| map.get("rope_theta")).filter(|v| !v.is_null());
    match theta {
        None => Ok(10_000.0),
        Some(value) => match value.as_f64() {
            Some(t) if t > 1.0 && t < 1e12 => Ok(t),
            _ => Err(ModelError::Config(format!("rope_theta must be a number above 1, found {value}"))),
        },
    }
}

fn flag(map: &Map<String, Value>, key: &str, default: bool) -> ModelResult<bool> {
    match map.get(key).filter(|v| !v.is_null()) {
        None => Ok(default),
        Some(Value::Bool(b)) => Ok(*b),
        Some(other) => Err(ModelError::Config(format!("{key} must be true or false, found {other}"))),
    }
}

/// `eos_token_id`: one id, a list of ids, or nothing.
fn end_of_text(map: &Map<String, Value>) -> ModelResult<Vec<u32>> {
    let id = |v: &Value| {
        v.as_u64()
            .and_then(|id| u32::try_from(id).ok())
            .ok_or_else(|| ModelError::Config(format!("eos_token_id must be a token id or a list of them, found {v}")))
    };
    match map.get("eos_token_id") {
        None | Some(Value::Null) => Ok(Vec::new()),
        Some(Value::Array(list)) => list.iter().map(id).collect(),
        Some(one) => Ok(vec![id(one)?]),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const GPT2: &str = r#"{"model_type": "gpt2", "vocab_size": 100, "n_embd": 16, "n_layer": 2, "n_head": 4, "n_positions": 32,
                           "n_inner": null, "eos_token_id": 0}"#;
    const LLAMA: &str = r#"{"model_type": "llama", "vocab_size": 100, "hidden_size": 16, "num_hidden_layers": 1,
                            "num_attention_heads": 4, "num_key_value_heads": 2, "intermediate_size": 32,
                            "max_position_embeddings": 32, "rope_theta": 500000.0, "eos_token_id": [1, 2]}"#;

    #[test]
    fn reads_each_familys_names() {
        let gpt2 = DecoderConfig::from_json(GPT2).unwrap();
        assert_eq!((gpt2.family, gpt2.head_dim, gpt2.intermediate_size, gpt2.max_positions), (Family::Gpt2, 4, 64, 32));
        assert_eq!((gpt2.activation, gpt2.tie_embeddings, gpt2.end_of_text.clone()), (Activation::GeluTanh, true, vec![0]));
        let llama = DecoderConfig::from_json(LLAMA).unwrap();
        assert_eq!((llama.num_kv_heads, llama.group(), llama.head_dim, llama.rope_theta), (2, 2, 4, Some(500_000.0)));
        assert_eq!((llama.activation, llama.tie_embeddings, llama.end_of_text), (Activation::Silu, false, vec![1, 2]));
    }

    fn error(json: &str) -> String {
        DecoderConfig::from_json(json).unwrap_err().to_string()
    }

    #[test]
    fn refuses_what_it_cannot_run() {
        assert_eq!(error(&GPT2.replace("\"n_head\": 4", "\"n_head\": 5")), "config.json: n_embd 16 is not a multiple of n_head 5");
        assert!(error(&LLAMA.replace("\"num_key_value_heads\": 2", "\"num_key_value_heads\": 3")).contains("not a multiple"));
        let scaled = LLAMA.replace("\"rope_theta\": 500000.0", "\"rope_scaling\": {\"rope_type\": \"llama3\", \"factor\": 8}");
        assert_eq!(
            error(&scaled),
            "config.json: rope type 'llama3' is not supported: only the default rotary positions (rope_type \"default\") are"
        );
        let yarn = LLAMA.replace("\"rope_theta\": 500000.0", "\"rope_parameters\": {\"rope_type\": \"yarn\", \"rope_theta\": 1e4}");
        assert!(error(&yarn).contains("'yarn'"));
        assert!(error(r#"{"model_type": "bert"}"#).contains("is an encoder"));
    }

    #[test]
    fn sizes_of_2_to_the_32_and_more_are_refused_not_wrapped() {
        // 2³² + 16 would be 16 after a cast to a 32-bit usize.
        for (key, value) in [("n_embd", "4294967312"), ("n_layer", "4294967298"), ("vocab_size", "18446744073709551615")] {
            let json = GPT2.replacen(&format!("\"{key}\": "), &format!("\"{key}\": {value}, \"_was\": "), 1);
            let message = error(&json);
            assert!(message.starts_with(&format!("config.json: {key} must be a whole number from 1 to ")), "{message}");
        }
        assert!(error(&GPT2.replace("\"n_embd\": 16", "\"n_embd\": -16")).contains("n_embd must be a whole number"));
        assert!(error(&GPT2.replace("\"n_embd\": 16", "\"n_embd\": 16.5")).contains("n_embd must be a whole number"));
    }
}
