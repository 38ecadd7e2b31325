//! The GRU encoder–decoder (`gru-additive`, `gru`): a bidirectional GRU encoder, a GRU decoder
//! started from the encoder's final states, with additive (Bahdanau) attention or none.
//!
//! ```text
//! encoder   f_j = GRU_fwd(e_j, f_{j−1}),  b_j = GRU_bwd(e_j, b_{j+1}),  h_j = [f_j; b_j]
//! start     s₀ = tanh(W_init [f_S; b₁] + b_init)
//! step i    e_ij = vᵀ tanh(W_q s_{i−1} + W_k h_j + b_k),  α_i = softmax(e_i),  c_i = Σ_j α_ij h_j
//!           (without attention c_i = [f_S; b₁] at every step)
//!           s_i = GRU_dec([embedding(y_{i−1}); c_i], s_{i−1})
//!           p_i = softmax(W_out [s_i; c_i] + b_out),  y_i = argmax p_i
//! ```
//!
//! With attention the run has one cross-attention block of one head: its queries are the decoder
//! states s_{i−1}, its keys and values the encoder states h_j, its score function the model's
//! own additive function (`ScoreFunction::Additive` with W_q, W_k, b_k and v), scale 1.

use ndarray::{concatenate, s, Array1, Array2, ArrayView1, ArrayView2, Axis};

use super::config::{GruSizes, Seq2SeqConfig};
use super::{Decoded, DecodedStep};
use crate::attention::softmax::scaled_masked_softmax;
use crate::attention::{HeadTrace, ScoreFunction};
use crate::generation::argmax;
use crate::linear::Linear;
use crate::model::error::{ModelError, ModelResult};
use crate::model::weights::Reader;
use crate::run::{Block, BlockKind};

/// One GRU cell in the core's orientation (`x · W`), gates in PyTorch's order r, z, n.
#[derive(Debug, Clone)]
pub struct GruCell {
    /// `d_in × 3n`.
    pub w_ih: Array2<f32>,
    /// `n × 3n`.
    pub w_hh: Array2<f32>,
    /// `3n` each.
    pub b_ih: Array1<f32>,
    pub b_hh: Array1<f32>,
}

impl GruCell {
    /// Reads `{weight,bias}_{ih,hh}{suffix}` under `prefix` (`encoder.` + `_l0`, `decoder.` + ``).
    fn load(r: &Reader<'_, '_>, prefix: &str, suffix: &str, d_in: usize, n: usize) -> ModelResult<GruCell> {
        let name = |what: &str| format!("{prefix}{what}{suffix}");
        let transposed = |m: Array2<f32>| m.t().as_standard_layout().into_owned();
        Ok(GruCell {
            w_ih: transposed(r.matrix(&name("weight_ih"), 3 * n, d_in)?),
            w_hh: transposed(r.matrix(&name("weight_hh"), 3 * n, n)?),
            b_ih: r.vector(&name("bias_ih"), 3 * n)?,
            b_hh: r.vector(&name("bias_hh"), 3 * n)?,
        })
    }

    /// The state's width n.
    fn width(&self) -> usize {
        self.w_hh.nrows()
    }

    /// The input's part of the gates, `x · W_ih + b_ih`, for every row of `x` at once.
    fn input_gates(&self, x: ArrayView2<f32>) -> Array2<f32> {
        x.dot(&self.w_ih) + &self.b_ih
    }

    /// One step from the input's part of the gates `gi` and the previous state `h`:
    /// `r = σ(gi_r + gh_r)`, `z = σ(gi_z + gh_z)`, `n = tanh(gi_n + r ⊙ gh_n)`,
    /// `h' = (1 − z) ⊙ n + z ⊙ h`, with `gh = h · W_hh + b_hh`.
    fn step(&self, gi: ArrayView1<f32>, h: ArrayView1<f32>) -> Array1<f32> {
        let n = self.width();
        let gh = h.dot(&self.w_hh) + &self.b_hh;
        Array1::from_shape_fn(n, |k| {
            let r = sigmoid(gi[k] + gh[k]);
            let z = sigmoid(gi[n + k] + gh[n + k]);
            let candidate = (gi[2 * n + k] + r * gh[2 * n + k]).tanh();
            (1.0 - z) * candidate + z * h[k]
        })
    }
}

fn sigmoid(x: f32) -> f32 {
    1.0 / (1.0 + (-x).exp())
}

/// Every parameter of a GRU encoder–decoder.
#[derive(Debug, Clone)]
pub struct GruWeights {
    /// `V_src × E`.
    pub source_embedding: Array2<f32>,
    pub forward: GruCell,
    pub backward: GruCell,
    /// `2Hₑ → H`.
    pub init_state: Linear,
    /// `V_tgt × E`.
    pub target_embedding: Array2<f32>,
    /// Input `E + 2Hₑ`, state `H`.
    pub decoder: GruCell,
    /// The additive score function (W_q `H × A`, W_k `2Hₑ × A`, b_k, v), with attention.
    pub attention: Option<ScoreFunction>,
    /// `H + 2Hₑ → V_tgt`.
    pub output: Linear,
}

impl GruWeights {
    /// Reads every tensor the sizes call for (names and shapes of docs/trained-models.md).
    pub(crate) fn load(config: &Seq2SeqConfig, sizes: &GruSizes, r: &Reader<'_, '_>) -> ModelResult<GruWeights> {
        let (e, he, h, ann) = (sizes.embedding, sizes.encoder_hidden, sizes.decoder_hidden, sizes.annotation());
        let attention = match sizes.attention {
            None => None,
            Some(a) => {
                let query = r.linear_with("attn_query", h, a, false)?;
                let key = r.linear_with("attn_key", ann, a, true)?;
                let v = r.matrix("attn_v.weight", 1, a)?.row(0).to_owned();
                Some(ScoreFunction::Additive { w_q: query.weight, w_k: key.weight, v, b: key.bias })
            }
        };
        Ok(GruWeights {
            source_embedding: r.matrix("src_embedding.weight", config.source_vocab_size, e)?,
            forward: GruCell::load(r, "encoder.", "_l0", e, he)?,
            backward: GruCell::load(r, "encoder.", "_l0_reverse", e, he)?,
            init_state: r.linear_with("init_state", ann, h, true)?,
            target_embedding: r.matrix("tgt_embedding.weight", config.target_vocab_size, e)?,
            decoder: GruCell::load(r, "decoder.", "", e + ann, h)?,
            attention,
            output: r.linear_with("output", h + ann, config.target_vocab_size, true)?,
        })
    }

    /// The encoder states `h_j = [f_j; b_j]` (`S × 2Hₑ`) and the fixed-length vector `[f_S; b₁]`.
    fn encode(&self, ids: &[u32]) -> (Array2<f32>, Array1<f32>) {
        let x = self.source_embedding.select(Axis(0), &ids.iter().map(|&i| i as usize).collect::<Vec<_>>());
        let he = self.forward.width();
        let s = ids.len();
        let mut states = Array2::zeros((s, 2 * he));
        let gates = self.forward.input_gates(x.view());
        let mut f = Array1::zeros(he);
        for j in 0..s {
            f = self.forward.step(gates.row(j), f.view());
            states.slice_mut(s![j, ..he]).assign(&f);
        }
        let gates = self.backward.input_gates(x.view());
        let mut b = Array1::zeros(he);
        for j in (0..s).rev() {
            b = self.backward.step(gates.row(j), b.view());
            states.slice_mut(s![j, he..]).assign(&b);
        }
        let fixed = concatenate![Axis(0), states.slice(s![s - 1, ..he]), states.slice(s![0, he..])];
        (states, fixed)
    }

    /// Greedy decoding of the source `ids` (`<eos>` included), at most `max_output_length` steps.
    pub(crate) fn translate(&self, config: &Seq2SeqConfig, ids: &[u32]) -> ModelResult<Decoded> {
        let (states, fixed) = self.encode(ids);
        let mut state = self.init_state.apply(fixed.view().insert_axis(Axis(0))).row(0).mapv(f32::tanh);
        let mut previous = config.bos_id;
        let (mut queries, mut rows, mut steps) = (Vec::new(), Vec::new(), Vec::new());
        for _ in 0..config.max_output_length {
            let context = match &self.attention {
                Some(score) => {
                    let query = state.view().insert_axis(Axis(0));
                    let scores = score.scores(query, states.view());
                    let (weights, _) = scaled_masked_softmax(scores.view(), 1.0, None);
                    let context = weights.row(0).dot(&states);
                    queries.extend(state.iter().copied());
                    rows.extend(weights.iter().copied());
                    context
                }
                None => fixed.clone(),
            };
            let input = concatenate![Axis(0), self.target_embedding.row(previous as usize), context.view()];
            state = self.decoder.step(self.decoder.input_gates(input.view().insert_axis(Axis(0))).row(0), state.view());
            let both = concatenate![Axis(0), state.view(), context.view()];
            let logits = self.output.apply(both.view().insert_axis(Axis(0))).row(0).to_owned();
            ModelError::check_layer(0, &logits, &[])?;
            let id = argmax(logits.as_slice().expect("a fresh vector is contiguous"));
            steps.push(DecodedStep { id, logits, context: Some(context.to_vec()), state: Some(state.to_vec()) });
            previous = id;
            if id == config.eos_id {
                break;
            }
        }
        let blocks = match &self.attention {
            None => Vec::new(),
            Some(score) => {
                let t = steps.len();
                let q = Array2::from_shape_vec((t, state.len()), queries).expect("one query per step");
                let weights = Array2::from_shape_vec((t, ids.len()), rows).expect("one row per step");
                let head = HeadTrace {
                    q,
                    k: states.clone(),
                    v: states,
                    weights,
                    score: score.clone(),
                    scale: 1.0,
                    temperature: 1.0,
                    allowed: None,
                    fully_masked: Vec::new(),
                };
                vec![Block {
                    layer: 0,
                    kind: BlockKind::Cross,
                    queries: 1,
                    keys: 0,
                    kv_heads: 1,
                    heads: vec![head],
                    output: None,
                    inputs: None,
                }]
            }
        };
        Ok(Decoded { steps, blocks })
    }
}
