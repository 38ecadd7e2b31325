//! `config.json` of a Hugging Face BERT-family encoder: BERT and MiniLM share one layout,
//! DistilBERT names the same sizes differently (`dim`, `n_layers`, `n_heads`, `hidden_dim`).

use serde_json::{Map, Value};

use super::error::{ModelError, ModelResult};
use super::kind::{parse_object, ModelKind};

/// The weight layout of the encoder.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Architecture {
    /// BERT and MiniLM: token-type embeddings, `encoder.layer.N.attention.self.query`, …
    Bert,
    /// DistilBERT: no token types, `transformer.layer.N.attention.q_lin`, …
    DistilBert,
}

impl Architecture {
    /// The `model_type` of `config.json`: `"bert"` or `"distilbert"`.
    pub fn name(self) -> &'static str {
        match self {
            Architecture::Bert => "bert",
            Architecture::DistilBert => "distilbert",
        }
    }
}

/// The non-linearity of the feed-forward block.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Activation {
    /// The exact GELU, x·Φ(x) with the error function (`"gelu"`).
    Gelu,
    /// GELU's tanh approximation (`"gelu_new"`, `"gelu_pytorch_tanh"`).
    GeluTanh,
    /// max(0, x).
    Relu,
    /// x·σ(x) (`"silu"`, `"swish"`), the gate of Llama's feed-forward block.
    Silu,
}

/// The sizes of an encoder, whatever the layout named them.
#[derive(Debug, Clone, PartialEq)]
pub struct ModelConfig {
    pub architecture: Architecture,
    pub vocab_size: usize,
    pub hidden_size: usize,
    pub num_layers: usize,
    pub num_heads: usize,
    pub intermediate_size: usize,
    /// The longest token sequence the position embeddings cover.
    pub max_positions: usize,
    /// 0 for DistilBERT, which has no token-type embeddings.
    pub type_vocab_size: usize,
    pub layer_norm_eps: f32,
    pub activation: Activation,
}

/// Sizes beyond this are refused before any memory is reserved for them.
const MAX_DIMENSION: u32 = 1 << 16;

impl ModelConfig {
    /// Parses `config.json`; refuses anything that is not a BERT-family encoder.
    pub fn from_json(text: &str) -> ModelResult<Self> {
        let map = &parse_object(text)?;
        let architecture = architecture_of(map)?;
        let config = match architecture {
            Architecture::Bert => {
                if let Some(kind) = map.get("position_embedding_type").and_then(Value::as_str) {
                    if kind != "absolute" {
                        return Err(ModelError::UnsupportedArchitecture { name: format!("BERT with {kind} position embeddings") });
                    }
                }
                if map.get("is_decoder").and_then(Value::as_bool) == Some(true) {
                    return Err(ModelError::UnsupportedArchitecture { name: "BERT configured as a decoder".into() });
                }
                ModelConfig {
                    architecture,
                    vocab_size: size(map, "vocab_size")?,
                    hidden_size: size(map, "hidden_size")?,
                    num_layers: size(map, "num_hidden_layers")?,
                    num_heads: size(map, "num_attention_heads")?,
                    intermediate_size: size(map, "intermediate_size")?,
                    max_positions: size(map, "max_position_embeddings")?,
                    type_vocab_size: optional_size(map, "type_vocab_size", 2)?,
                    layer_norm_eps: epsilon(map, "layer_norm_eps")?,
                    activation: activation(map, "hidden_act")?,
                }
            }
            Architecture::DistilBert => ModelConfig {
                architecture,
                vocab_size: size(map, "vocab_size")?,
                hidden_size: size(map, "dim")?,
                num_layers: size(map, "n_layers")?,
                num_heads: size(map, "n_heads")?,
                intermediate_size: size(map, "hidden_dim")?,
                max_positions: size(map, "max_position_embeddings")?,
                type_vocab_size: 0,
                layer_norm_eps: 1e-12,
                activation: activation(map, "activation")?,
            },
        };
        if config.hidden_size % config.num_heads != 0 {
            return Err(ModelError::Config(format!(
                "the hidden size {} is not a multiple of the {} attention heads",
                config.hidden_size, config.num_heads
            )));
        }
        Ok(config)
    }

    /// Width of one head's queries, keys and values.
    pub fn head_dim(&self) -> usize {
        self.hidden_size / self.num_heads
    }
}

fn architecture_of(map: &Map<String, Value>) -> ModelResult<Architecture> {
    match ModelKind::of_config(map)? {
        ModelKind::Bert => Ok(Architecture::Bert),
        ModelKind::DistilBert => Ok(Architecture::DistilBert),
        decoder => Err(ModelError::Config(format!("model_type '{}' is a decoder, not a BERT-family encoder", decoder.name()))),
    }
}

fn size(map: &Map<String, Value>, key: &str) -> ModelResult<usize> {
    size_at_most(map, key, MAX_DIMENSION)
}

fn optional_size(map: &Map<String, Value>, key: &str, default: usize) -> ModelResult<usize> {
    match map.get(key) {
        None => Ok(default),
        Some(value) => as_size(key, value, MAX_DIMENSION),
    }
}

/// The whole number `key` of `config.json`, from 1 to `max` (at most 2³² − 1, so it fits a
/// `usize` on every target). The comparison is made on the 64-bit value before it becomes a
/// `usize`: on 32-bit WebAssembly a cast first would wrap 2³² + 8 to 8 and let it through.
pub(crate) fn size_at_most(map: &Map<String, Value>, key: &str, max: u32) -> ModelResult<usize> {
    size_if_given(map, key, max)?.ok_or_else(|| ModelError::Config(format!("missing {key}")))
}

/// The whole number `key` as [`size_at_most`] reads it, `None` when it is absent or null.
pub(crate) fn size_if_given(map: &Map<String, Value>, key: &str, max: u32) -> ModelResult<Option<usize>> {
    map.get(key).filter(|v| !v.is_null()).map(|value| as_size(key, value, max)).transpose()
}

pub(crate) fn as_size(key: &str, value: &Value, max: u32) -> ModelResult<usize> {
    match value.as_u64() {
        Some(n) if n > 0 && n <= u64::from(max) => Ok(usize::try_from(n).expect("at most u32::MAX")),
        _ => Err(ModelError::Config(format!("{key} must be a whole number from 1 to {max}, found {value}"))),
    }
}

fn epsilon(map: &Map<String, Value>, key: &str) -> ModelResult<f32> {
    epsilon_or(map, key, 1e-12)
}

/// The normalisation epsilon `key`, `default` when absent.
pub(crate) fn epsilon_or(map: &Map<String, Value>, key: &str, default: f32) -> ModelResult<f32> {
    match map.get(key).filter(|v| !v.is_null()) {
        None => Ok(default),
        Some(value) => match value.as_f64() {
            Some(eps) if eps > 0.0 && eps < 1.0 => Ok(eps as f32),
            _ => Err(ModelError::Config(format!("{key} must be a small positive number, found {value}"))),
        },
    }
}

fn activation(map: &Map<String, Value>, key: &str) -> ModelResult<Activation> {
    activation_or(map, key, Activation::Gelu)
}

/// The non-linearity named `key`, `default` when absent.
pub(crate) fn activation_or(map: &Map<String, Value>, key: &str, default: Activation) -> ModelResult<Activation> {
    match map.get(key).and_then(Value::as_str) {
        None => Ok(default),
        Some("gelu") => Ok(Activation::Gelu),
        Some("gelu_new") | Some("gelu_pytorch_tanh") => Ok(Activation::GeluTanh),
        Some("relu") => Ok(Activation::Relu),
        Some("silu") | Some("swish") => Ok(Activation::Silu),
        Some(other) => Err(ModelError::Config(format!("the activation {other:?} is not supported (gelu, gelu_new, relu, silu are)"))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_bert_and_distilbert_names() {
        let bert = ModelConfig::from_json(
            r#"{"architectures":["BertModel"],"model_type":"bert","vocab_size":30,"hidden_size":8,
                "num_hidden_layers":2,"num_attention_heads":2,"intermediate_size":16,
                "max_position_embeddings":20,"type_vocab_size":2,"layer_norm_eps":1e-12,"hidden_act":"gelu"}"#,
        )
        .unwrap();
        assert_eq!((bert.architecture, bert.head_dim()), (Architecture::Bert, 4));
        let distil = ModelConfig::from_json(
            r#"{"architectures":["DistilBertModel"],"model_type":"distilbert","vocab_size":30,"dim":12,
                "n_layers":1,"n_heads":3,"hidden_dim":24,"max_position_embeddings":20,"activation":"relu"}"#,
        )
        .unwrap();
        assert_eq!(distil.activation, Activation::Relu);
        assert_eq!((distil.num_heads, distil.type_vocab_size), (3, 0));
    }

    #[test]
    fn names_the_unsupported_architecture() {
        let err = ModelConfig::from_json(r#"{"architectures":["GPT2LMHeadModel"],"model_type":"gpt2"}"#).unwrap_err();
        assert!(err.to_string().contains("gpt2"), "{err}");
        let err = ModelConfig::from_json(r#"{"architectures":["RobertaModel"]}"#).unwrap_err();
        assert!(err.to_string().contains("RobertaModel"), "{err}");
    }

    #[test]
    fn refuses_heads_that_do_not_divide_the_width() {
        let err = ModelConfig::from_json(
            r#"{"model_type":"bert","vocab_size":30,"hidden_size":10,"num_hidden_layers":1,
                "num_attention_heads":3,"intermediate_size":16,"max_position_embeddings":20}"#,
        )
        .unwrap_err();
        assert!(err.to_string().contains("multiple"), "{err}");
    }
}
