//! A decoder's parameters, read from safetensors by name and checked against `config.json`.
//!
//! GPT-2 keeps its projections as `Conv1D` (`[in, out]`, already the core's `x · W`
//! orientation) with the three attention projections fused (`c_attn`); Llama keeps `nn.Linear`
//! (`[out, in]`, transposed once here) with separate Q, K, V, which are fused here into one map so
//! each layer makes one product for them. Llama's gate and up maps are fused the same way.
//! Checkpoints name tensors with or without the base model's prefix (`transformer.`, `model.`).

use ndarray::{concatenate, Array1, Array2, Axis};

use super::config::{DecoderConfig, Family};
use crate::linear::Linear;
use crate::model::error::{ModelError, ModelResult};
use crate::model::ops::{layer_norm, rms_norm};
use crate::model::packed::{for_encoder, EncoderLinear};
use crate::model::safetensors::SafeTensors;
use crate::model::weights::{LayerNormWeights, Reader, StoredAs};

/// A normalisation and its parameters.
#[derive(Debug, Clone)]
pub enum Norm {
    /// LayerNorm (GPT-2): centre, scale to unit variance, then γ and β.
    Layer(LayerNormWeights),
    /// RMSNorm (Llama): scale to unit root mean square, then γ.
    Rms(Array1<f32>),
}

impl Norm {
    /// Normalises every row of `x` in place.
    pub fn apply(&self, x: &mut Array2<f32>, eps: f32) {
        match self {
            Norm::Layer(w) => layer_norm(x, w, eps),
            Norm::Rms(gamma) => rms_norm(x, gamma, eps),
        }
    }
}

/// The feed-forward block of a layer.
#[derive(Debug, Clone)]
pub enum FeedForward {
    /// GPT-2: `act(x · W₁ + b₁) · W₂ + b₂`.
    Plain { up: EncoderLinear, down: EncoderLinear },
    /// Llama: `(act(x · W_gate) ⊙ (x · W_up)) · W_down`; `gate_up` holds W_gate and W_up side by
    /// side (`d × 2·inner`).
    Gated { gate_up: EncoderLinear, down: EncoderLinear },
}

/// One pre-norm decoder layer.
#[derive(Debug, Clone)]
pub struct DecoderLayer {
    pub attention_norm: Norm,
    /// `d × (q_width + 2·kv_width)`: Q, then K, then V, heads side by side inside each.
    pub qkv: EncoderLinear,
    /// `q_width × d`.
    pub attention_out: EncoderLinear,
    pub ffn_norm: Norm,
    pub ffn: FeedForward,
}

/// Every parameter the forward pass uses.
#[derive(Debug, Clone)]
pub struct DecoderWeights {
    /// `vocab × d`.
    pub token_embedding: Array2<f32>,
    /// GPT-2's learned positions, `max_positions × d`.
    pub position_embedding: Option<Array2<f32>>,
    pub layers: Vec<DecoderLayer>,
    pub final_norm: Norm,
    /// The output matrix (`vocab × d`) when it is not the token embedding.
    pub output: Option<Array2<f32>>,
    /// Number of values read from the file.
    pub parameters: usize,
    pub stored_as: StoredAs,
}

impl DecoderWeights {
    /// Reads every parameter `config` calls for from `file`.
    pub fn load(config: &DecoderConfig, file: &SafeTensors<'_>) -> ModelResult<Self> {
        match config.family {
            Family::Gpt2 => gpt2(config, file),
            Family::Llama => llama(config, file),
        }
    }

    /// The matrix whose rows score each vocabulary entry against the last hidden state.
    pub fn output_matrix(&self) -> &Array2<f32> {
        self.output.as_ref().unwrap_or(&self.token_embedding)
    }
}

/// The prefix (one of `prefixes`) under which `file` holds the tensor `probe`.
fn prefix_of(file: &SafeTensors<'_>, prefixes: &[&'static str], probe: &str) -> ModelResult<&'static str> {
    prefixes
        .iter()
        .copied()
        .find(|p| file.get(&format!("{p}{probe}")).is_some())
        .ok_or_else(|| ModelError::MissingTensor { name: format!("{}{probe}", prefixes[0]) })
}

/// The untied output matrix `lm_head.weight` (stored outside the base model's prefix).
fn output_matrix(config: &DecoderConfig, r: &Reader<'_, '_>) -> ModelResult<Option<Array2<f32>>> {
    if config.tie_embeddings {
        return Ok(None);
    }
    r.root_matrix("lm_head.weight", config.vocab_size, config.hidden_size).map(Some)
}

/// Maps side by side (their outputs concatenated): one product instead of several.
pub(crate) fn fuse(parts: &[Linear]) -> Linear {
    let weights: Vec<_> = parts.iter().map(|l| l.weight.view()).collect();
    let mut fused = Linear::new(concatenate(Axis(1), &weights).expect("equal input widths"));
    let biases: Vec<_> = parts.iter().filter_map(|l| l.bias.as_ref().map(|b| b.view())).collect();
    if biases.len() == parts.len() {
        fused.bias = Some(concatenate(Axis(0), &biases).expect("vectors"));
    }
    fused
}

fn gpt2(c: &DecoderConfig, file: &SafeTensors<'_>) -> ModelResult<DecoderWeights> {
    let prefix = prefix_of(file, &["transformer.", ""], "wte.weight")?;
    let r = Reader::new(file, prefix);
    let d = c.hidden_size;
    let token_embedding = r.matrix("wte.weight", c.vocab_size, d)?;
    let position_embedding = Some(r.matrix("wpe.weight", c.max_positions, d)?);
    let layers = (0..c.num_layers)
        .map(|i| {
            let at = |part: &str| format!("h.{i}.{part}");
            Ok(DecoderLayer {
                attention_norm: Norm::Layer(r.layer_norm(&at("ln_1"), d)?),
                qkv: for_encoder(r.conv1d(&at("attn.c_attn"), d, 3 * d)?),
                attention_out: for_encoder(r.conv1d(&at("attn.c_proj"), d, d)?),
                ffn_norm: Norm::Layer(r.layer_norm(&at("ln_2"), d)?),
                ffn: FeedForward::Plain {
                    up: for_encoder(r.conv1d(&at("mlp.c_fc"), d, c.intermediate_size)?),
                    down: for_encoder(r.conv1d(&at("mlp.c_proj"), c.intermediate_size, d)?),
                },
            })
        })
        .collect::<ModelResult<Vec<_>>>()?;
    let final_norm = Norm::Layer(r.layer_norm("ln_f", d)?);
    let output = output_matrix(c, &r)?;
    Ok(DecoderWeights {
        token_embedding,
        position_embedding,
        layers,
        final_norm,
        output,
        parameters: r.parameters(),
        stored_as: r.stored_as(),
    })
}

fn llama(c: &DecoderConfig, file: &SafeTensors<'_>) -> ModelResult<DecoderWeights> {
    let prefix = prefix_of(file, &["model.", ""], "embed_tokens.weight")?;
    let r = Reader::new(file, prefix);
    let (d, ff) = (c.hidden_size, c.intermediate_size);
    let token_embedding = r.matrix("embed_tokens.weight", c.vocab_size, d)?;
    let layers = (0..c.num_layers)
        .map(|i| {
            let at = |part: &str| format!("layers.{i}.{part}");
            let attention = |name: &str, d_in: usize, d_out: usize| r.linear_with(&at(name), d_in, d_out, c.attention_bias);
            let mlp = |name: &str, d_in: usize, d_out: usize| r.linear_with(&at(name), d_in, d_out, c.mlp_bias);
            Ok(DecoderLayer {
                attention_norm: Norm::Rms(r.vector(&at("input_layernorm.weight"), d)?),
                qkv: for_encoder(fuse(&[
                    attention("self_attn.q_proj", d, c.q_width())?,
                    attention("self_attn.k_proj", d, c.kv_width())?,
                    attention("self_attn.v_proj", d, c.kv_width())?,
                ])),
                attention_out: for_encoder(attention("self_attn.o_proj", c.q_width(), d)?),
                ffn_norm: Norm::Rms(r.vector(&at("post_attention_layernorm.weight"), d)?),
                ffn: FeedForward::Gated {
                    gate_up: for_encoder(fuse(&[mlp("mlp.gate_proj", d, ff)?, mlp("mlp.up_proj", d, ff)?])),
                    down: for_encoder(mlp("mlp.down_proj", ff, d)?),
                },
            })
        })
        .collect::<ModelResult<Vec<_>>>()?;
    let final_norm = Norm::Rms(r.vector("norm.weight", d)?);
    let output = output_matrix(c, &r)?;
    Ok(DecoderWeights {
        token_embedding,
        position_embedding: None,
        layers,
        final_norm,
        output,
        parameters: r.parameters(),
        stored_as: r.stored_as(),
    })
}
