//! One attention head, with every intermediate kept.

use std::borrow::Cow;
use std::sync::Arc;

use ndarray::Array2;

use super::score::ScoreFunction;
use super::softmax::scaled_masked_softmax;
use super::stage::Stage;
use crate::error::{invalid, Result};

/// Everything one head computed. `scaled` and `masked` are derived on request from `scores`
/// (they are one multiplication and one mask away), the rest is stored.
#[derive(Debug, Clone)]
pub struct HeadTrace {
    pub q: Array2<f32>,
    pub k: Array2<f32>,
    pub v: Array2<f32>,
    /// Raw scores `score(q_i, k_j)`.
    pub scores: Array2<f32>,
    /// Softmax of the masked, scaled scores.
    pub weights: Array2<f32>,
    /// `weights · V`.
    pub output: Array2<f32>,
    pub score: ScoreFunction,
    /// 1/√d_k when scaling is on, else 1.
    pub scale: f32,
    /// Scores are divided by it before the softmax.
    pub temperature: f32,
    /// Which (query, key) pairs are allowed; `None` means all.
    pub allowed: Option<Arc<Array2<bool>>>,
    /// Queries whose keys are all masked; their weights are all 0.
    pub fully_masked: Vec<usize>,
}

/// Attention of one head: `softmax(mask(score(Q, K) · scale / temperature)) · V`.
pub fn attend(
    q: Array2<f32>,
    k: Array2<f32>,
    v: Array2<f32>,
    score: ScoreFunction,
    scale: f32,
    temperature: f32,
    allowed: Option<Arc<Array2<bool>>>,
) -> HeadTrace {
    let scores = score.scores(q.view(), k.view());
    let (weights, fully_masked) = scaled_masked_softmax(scores.view(), scale / temperature, allowed.as_deref().map(|a| a.view()));
    let output = weights.dot(&v);
    HeadTrace { q, k, v, scores, weights, output, score, scale, temperature, allowed, fully_masked }
}

impl HeadTrace {
    /// The multiplier taking raw scores to the softmax's input: scale / temperature.
    pub fn factor(&self) -> f32 {
        self.scale / self.temperature
    }

    /// Fails when the numbers overflowed 32-bit floats (inputs or weights too large), naming the
    /// first score (or output) that did. Checks the small output first: an overflowing score
    /// makes its whole row of weights, and so the output, non-finite.
    pub fn ensure_finite(&self) -> Result<()> {
        if self.output.iter().all(|x| x.is_finite()) {
            return Ok(());
        }
        let first = [("score", &self.scores), ("output", &self.output)]
            .into_iter()
            .find_map(|(what, m)| m.indexed_iter().find(|(_, x)| !x.is_finite()).map(|(at, &x)| (what, at, x)));
        match first {
            Some((what, (i, j), x)) => {
                Err(invalid!("the {what} at row {i}, column {j} is {x}: the inputs or weights are too large for 32-bit numbers"))
            }
            None => Ok(()),
        }
    }

    /// Whether query `i` may look at key `j`.
    pub fn is_allowed(&self, i: usize, j: usize) -> bool {
        self.allowed.as_ref().is_none_or(|a| a[[i, j]])
    }

    /// The named intermediate as a matrix (borrowed when stored, computed when derived).
    pub fn stage(&self, stage: Stage) -> Cow<'_, Array2<f32>> {
        match stage {
            Stage::Q => Cow::Borrowed(&self.q),
            Stage::K => Cow::Borrowed(&self.k),
            Stage::V => Cow::Borrowed(&self.v),
            Stage::Scores => Cow::Borrowed(&self.scores),
            Stage::Weights => Cow::Borrowed(&self.weights),
            Stage::Output => Cow::Borrowed(&self.output),
            Stage::Scaled => Cow::Owned(self.scores.mapv(|s| s * self.factor())),
            Stage::Masked => {
                let factor = self.factor();
                Cow::Owned(Array2::from_shape_fn(self.scores.dim(), |(i, j)| {
                    if self.is_allowed(i, j) {
                        self.scores[[i, j]] * factor
                    } else {
                        f32::NEG_INFINITY
                    }
                }))
            }
        }
    }
}
