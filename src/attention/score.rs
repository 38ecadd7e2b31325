//! Score functions: how much does query `q` match key `k`?
//!
//! Every score is a sum of terms, and [`ScoreFunction::terms`] returns those terms so the
//! step-by-step player can show them: `q ∘ k` for dot, `q ∘ (W k)` for general,
//! `q̂ ∘ k̂` for cosine and `v ∘ tanh(W₁q + W₂k)` for additive (`+ b` when the additive function
//! has a bias, as a trained encoder–decoder's does).

use ndarray::{Array1, Array2, ArrayView1, ArrayView2, Axis};
use serde::{Deserialize, Serialize};

use crate::linear::Linear;

/// Which score function, without its weights.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[cfg_attr(feature = "typescript", derive(ts_rs::TS))]
#[serde(rename_all = "lowercase")]
pub enum ScoreKind {
    /// `q · k` (with scaling on: Vaswani et al.'s scaled dot product).
    #[default]
    Dot,
    /// Bahdanau et al. (2015): `vᵀ tanh(W₁q + W₂k)` (`+ b` with a bias).
    Additive,
    /// Luong et al. (2015): `qᵀ W k`.
    General,
    /// `q · k / (‖q‖ ‖k‖)`, in [−1, 1].
    Cosine,
}

impl std::str::FromStr for ScoreKind {
    type Err = crate::Error;
    fn from_str(s: &str) -> crate::error::Result<Self> {
        match s {
            "dot" | "scaled-dot" => Ok(Self::Dot),
            "additive" => Ok(Self::Additive),
            "general" => Ok(Self::General),
            "cosine" => Ok(Self::Cosine),
            _ => Err(crate::error::invalid!(Field::Score, "unknown score function '{s}': use dot, additive, general or cosine")),
        }
    }
}

/// A score function with its learned weights (if it has any).
#[derive(Debug, Clone, PartialEq)]
pub enum ScoreFunction {
    Dot,
    Cosine,
    /// `qᵀ W k`, with `W` of shape `(d_k, d_k)`.
    General {
        w: Array2<f32>,
    },
    /// `vᵀ tanh(W₁q + W₂k + b)`, with `W₁` of shape `(d_q, d_a)`, `W₂` of shape `(d_k, d_a)`, `v`
    /// and `b` of length `d_a` (the toy's has no `b`; a trained encoder–decoder's key map has one).
    Additive {
        w_q: Array2<f32>,
        w_k: Array2<f32>,
        v: Array1<f32>,
        b: Option<Array1<f32>>,
    },
}

impl ScoreFunction {
    /// The function of `kind` for keys of width `d_k`, with seeded Glorot weights where it has
    /// weights (the additive hidden width equals `d_k`).
    pub fn seeded(kind: ScoreKind, d_k: usize, seed: u64) -> Self {
        match kind {
            ScoreKind::Dot => Self::Dot,
            ScoreKind::Cosine => Self::Cosine,
            ScoreKind::General => Self::General { w: Linear::glorot(d_k, d_k, seed).weight },
            ScoreKind::Additive => Self::Additive {
                w_q: Linear::glorot(d_k, d_k, seed).weight,
                w_k: Linear::glorot(d_k, d_k, seed ^ 0xA5A5_A5A5).weight,
                v: Linear::glorot(d_k, 1, seed ^ 0x5A5A_5A5A).weight.column(0).to_owned(),
                b: None,
            },
        }
    }

    pub fn kind(&self) -> ScoreKind {
        match self {
            Self::Dot => ScoreKind::Dot,
            Self::Cosine => ScoreKind::Cosine,
            Self::General { .. } => ScoreKind::General,
            Self::Additive { .. } => ScoreKind::Additive,
        }
    }

    /// What the terms of [`Self::terms`] are, in words a formula can show.
    pub fn term_label(&self) -> &'static str {
        match self {
            Self::Dot => "q ∘ k",
            Self::Cosine => "q̂ ∘ k̂",
            Self::General { .. } => "q ∘ (W k)",
            Self::Additive { b: None, .. } => "v ∘ tanh(W₁q + W₂k)",
            Self::Additive { b: Some(_), .. } => "v ∘ tanh(W₁q + W₂k + b)",
        }
    }

    /// The raw score matrix `S[i, j] = score(q_i, k_j)` (`T_q × T_k`).
    pub fn scores(&self, q: ArrayView2<f32>, k: ArrayView2<f32>) -> Array2<f32> {
        match self {
            Self::Dot => q.dot(&k.t()),
            Self::General { w } => q.dot(&k.dot(&w.t()).t()),
            // Rounding can carry a product of unit vectors just past ±1; cosines never are.
            Self::Cosine => unit_rows(q).dot(&unit_rows(k).t()).mapv_into(|c| c.clamp(-1.0, 1.0)),
            Self::Additive { w_q, w_k, v, b } => {
                let qa = q.dot(w_q);
                let ka = with_bias(k.dot(w_k), b.as_ref());
                Array2::from_shape_fn((q.nrows(), k.nrows()), |(i, j)| {
                    qa.row(i).iter().zip(ka.row(j)).zip(v).map(|((a, b), v)| v * (a + b).tanh()).sum()
                })
            }
        }
    }

    /// For one query `q_i`, the terms whose sum is each key's score: row `j` of the result
    /// sums to `score(q_i, k_j)`.
    pub fn terms(&self, q_i: ArrayView1<f32>, k: ArrayView2<f32>) -> Array2<f32> {
        match self {
            Self::Dot => &k * &q_i,
            Self::General { w } => &k.dot(&w.t()) * &q_i,
            Self::Cosine => &unit_rows(k) * &unit(q_i),
            Self::Additive { w_q, w_k, v, b } => {
                let qa = q_i.dot(w_q);
                let mut t = with_bias(k.dot(w_k), b.as_ref());
                t += &qa;
                t.mapv_inplace(f32::tanh);
                t * v
            }
        }
    }
}

/// The additive score of one query against every key, stage by stage: `W₁q` (the decoder state
/// through W, in a translation's cross-attention), each key's `W₂k` (the encoder state through U),
/// the bias, their sum, its tanh and `v`; `v ∘ tanh(sum)` are the terms of
/// [`ScoreFunction::terms`], and their sum the score.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "typescript", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct AdditiveParts {
    /// `W₁q`, length `d_a`.
    pub query: Vec<f32>,
    /// `W₂k_j` for every key, `d_a` each.
    pub keys: Vec<Vec<f32>>,
    /// `b`, when the function has one.
    pub bias: Option<Vec<f32>>,
    /// `W₁q + W₂k_j (+ b)` for every key.
    pub sum: Vec<Vec<f32>>,
    /// `tanh` of each sum.
    pub tanh: Vec<Vec<f32>>,
    /// `v`, length `d_a`.
    pub v: Vec<f32>,
}

impl ScoreFunction {
    /// For an additive function, the stages of `q_i`'s score against every row of `k`; `None`
    /// for the other functions.
    pub fn additive_parts(&self, q_i: ArrayView1<f32>, k: ArrayView2<f32>) -> Option<AdditiveParts> {
        let Self::Additive { w_q, w_k, v, b } = self else { return None };
        let query = q_i.dot(w_q);
        let keys = k.dot(w_k);
        let mut sum = with_bias(keys.clone(), b.as_ref());
        sum += &query;
        let tanh = sum.mapv(f32::tanh);
        let rows = |m: &Array2<f32>| m.rows().into_iter().map(|r| r.to_vec()).collect();
        Some(AdditiveParts {
            query: query.to_vec(),
            keys: rows(&keys),
            bias: b.as_ref().map(|b| b.to_vec()),
            sum: rows(&sum),
            tanh: rows(&tanh),
            v: v.to_vec(),
        })
    }
}

/// `W₂k` plus the additive function's bias, when it has one (added before `W₁q`, as the trained
/// models compute it).
fn with_bias(mut projected: Array2<f32>, b: Option<&Array1<f32>>) -> Array2<f32> {
    if let Some(b) = b {
        projected += b;
    }
    projected
}

fn unit(x: ArrayView1<f32>) -> Array1<f32> {
    let norm = x.dot(&x).sqrt();
    if norm > 0.0 {
        &x / norm
    } else {
        x.to_owned()
    }
}

/// Rows scaled to unit length; a zero row stays zero (its cosine with anything is 0, not NaN).
fn unit_rows(x: ArrayView2<f32>) -> Array2<f32> {
    let mut out = x.to_owned();
    for mut row in out.axis_iter_mut(Axis(0)) {
        let norm = row.dot(&row).sqrt();
        if norm > 0.0 {
            row /= norm;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use ndarray::array;

    #[test]
    fn additive_parts_are_the_terms_stage_by_stage() {
        let q = array![[0.3f32, -1.0, 2.0]];
        let k = array![[1.0f32, 0.5, -0.5], [-2.0, 0.0, 1.5]];
        let f = ScoreFunction::Additive {
            w_q: array![[0.2f32, -0.4], [0.1, 0.3], [-0.5, 0.6]],
            w_k: array![[0.7f32, 0.1], [-0.2, 0.9], [0.4, -0.3]],
            v: array![1.5f32, -0.8],
            b: Some(array![0.05f32, -0.1]),
        };
        let parts = f.additive_parts(q.row(0), k.view()).unwrap();
        let terms = f.terms(q.row(0), k.view());
        for j in 0..2 {
            for u in 0..2 {
                let sum = parts.query[u] + parts.keys[j][u] + parts.bias.as_ref().unwrap()[u];
                assert!((parts.sum[j][u] - sum).abs() < 1e-6);
                assert!((parts.tanh[j][u] - sum.tanh()).abs() < 1e-6);
                assert!((parts.v[u] * parts.tanh[j][u] - terms[[j, u]]).abs() < 1e-6);
            }
        }
        assert_eq!(ScoreFunction::Dot.additive_parts(q.row(0), k.view()), None);
    }

    #[test]
    fn terms_sum_to_scores_for_every_kind() {
        let q = array![[1.0f32, -2.0, 0.5, 3.0], [0.0, 0.0, 0.0, 0.0]];
        let k = array![[0.5f32, 1.0, -1.0, 2.0], [2.0, 0.0, 1.0, -1.0], [1.0, 1.0, 1.0, 1.0]];
        for kind in [ScoreKind::Dot, ScoreKind::Additive, ScoreKind::General, ScoreKind::Cosine] {
            let f = ScoreFunction::seeded(kind, 4, 9);
            let s = f.scores(q.view(), k.view());
            for i in 0..q.nrows() {
                let t = f.terms(q.row(i), k.view());
                for j in 0..k.nrows() {
                    let sum: f32 = t.row(j).sum();
                    assert!((sum - s[[i, j]]).abs() < 1e-5, "{kind:?} ({i},{j}): {sum} vs {}", s[[i, j]]);
                }
            }
        }
    }

    #[test]
    fn the_additive_bias_enters_scores_and_terms() {
        let q = array![[1.0f32, -2.0, 0.5], [0.3, 0.0, 1.0]];
        let k = array![[0.5f32, 1.0, -1.0, 2.0], [2.0, 0.0, 1.0, -1.0]];
        let (w_q, w_k) = (Linear::glorot(3, 2, 1).weight, Linear::glorot(4, 2, 2).weight);
        let v = array![0.7f32, -1.3];
        let b = array![0.25f32, -0.5];
        let f = ScoreFunction::Additive { w_q: w_q.clone(), w_k: w_k.clone(), v: v.clone(), b: Some(b.clone()) };
        assert_eq!(f.term_label(), "v ∘ tanh(W₁q + W₂k + b)");
        let s = f.scores(q.view(), k.view());
        for i in 0..2 {
            let t = f.terms(q.row(i), k.view());
            for j in 0..2 {
                let hidden = q.row(i).dot(&w_q) + k.row(j).dot(&w_k) + &b;
                let want: f32 = hidden.iter().zip(&v).map(|(h, v)| v * h.tanh()).sum();
                assert!((s[[i, j]] - want).abs() < 1e-6 && (t.row(j).sum() - want).abs() < 1e-6, "({i},{j})");
            }
        }
        let without = ScoreFunction::Additive { w_q, w_k, v, b: None };
        assert_ne!(without.scores(q.view(), k.view()), s);
    }

    #[test]
    fn cosine_of_zero_vector_is_zero() {
        let s = ScoreFunction::Cosine.scores(array![[0.0f32, 0.0]].view(), array![[1.0f32, 2.0]].view());
        assert_eq!(s[[0, 0]], 0.0);
    }
}
