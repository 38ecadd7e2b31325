//! One attention head, with what it needs to show every intermediate.

use std::borrow::Cow;
use std::sync::Arc;

use ndarray::Array2;

use super::score::ScoreFunction;
use super::softmax::scaled_masked_softmax;
use super::stage::Stage;
use crate::error::{invalid, Result};

/// What one head keeps: its queries, keys, values and weights, the score function, factors and
/// mask. Raw scores and the output are one product away and are recomputed on request
/// ([`HeadTrace::scores`], [`HeadTrace::output`]): at 512 tokens the scores of a 72-head model
/// would add 72 MB to a run that nobody looks at but one head at a time.
#[derive(Debug, Clone)]
pub struct HeadTrace {
    pub q: Array2<f32>,
    pub k: Array2<f32>,
    pub v: Array2<f32>,
    /// Softmax of the masked, scaled scores (`T_q × T_k`).
    pub weights: Array2<f32>,
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

/// Attention of one head, `softmax(mask(score(Q, K) · scale / temperature)) · V`: the head and its
/// output (`weights · V`).
pub fn attend(
    q: Array2<f32>,
    k: Array2<f32>,
    v: Array2<f32>,
    score: ScoreFunction,
    scale: f32,
    temperature: f32,
    allowed: Option<Arc<Array2<bool>>>,
) -> (HeadTrace, Array2<f32>) {
    let scores = score.scores(q.view(), k.view());
    let (weights, fully_masked) = scaled_masked_softmax(scores.view(), scale / temperature, allowed.as_deref().map(|a| a.view()));
    let output = weights.dot(&v);
    (HeadTrace { q, k, v, weights, score, scale, temperature, allowed, fully_masked }, output)
}

impl HeadTrace {
    /// The multiplier taking raw scores to the softmax's input: scale / temperature.
    pub fn factor(&self) -> f32 {
        self.scale / self.temperature
    }

    /// Raw scores `score(q_i, k_j)`, recomputed by the function that made the weights (so
    /// bit for bit the numbers the weights came from).
    pub fn scores(&self) -> Array2<f32> {
        self.score.scores(self.q.view(), self.k.view())
    }

    /// `weights · V` (`T_q × d_v`).
    pub fn output(&self) -> Array2<f32> {
        self.weights.dot(&self.v)
    }

    /// Whether the softmax failed for a reason other than the mask: a non-finite weight, or a row
    /// whose weights are all 0 although the mask allows a key (its scores were not finite
    /// numbers). Depending on the platform's arithmetic an overflow shows one way or the other.
    pub fn overflowed(&self) -> bool {
        let unmasked_empty_row = self.fully_masked.iter().any(|&i| (0..self.k.nrows()).any(|j| self.is_allowed(i, j)));
        unmasked_empty_row || self.weights.iter().any(|w| !w.is_finite())
    }

    /// Fails when the numbers overflowed 32-bit floats (inputs or weights too large), naming the
    /// first score or output that did. `output` is the head's output as [`attend`] returned it.
    /// Checks the small output first: an overflowing score makes its whole row of weights, and so
    /// the output, non-finite (or, on some platforms, zero).
    pub fn ensure_finite(&self, output: &Array2<f32>) -> Result<()> {
        if output.iter().all(|x| x.is_finite()) && !self.overflowed() {
            return Ok(());
        }
        let scores = self.scores();
        let first = [("score", &scores), ("output", output)]
            .into_iter()
            .find_map(|(what, m)| m.indexed_iter().find(|(_, x)| !x.is_finite()).map(|(at, &x)| (what, at, x)));
        match first {
            Some((what, (i, j), x)) => {
                Err(invalid!("the {what} at row {i}, column {j} is {x}: the inputs or weights are too large for 32-bit numbers"))
            }
            None => Err(invalid!("the scores are too large for 32-bit numbers: the inputs or weights are too large")),
        }
    }

    /// Whether query `i` may look at key `j`.
    pub fn is_allowed(&self, i: usize, j: usize) -> bool {
        self.allowed.as_ref().is_none_or(|a| a[[i, j]])
    }

    /// `[rows, columns]` of a named intermediate.
    pub fn stage_shape(&self, stage: Stage) -> (usize, usize) {
        match stage {
            Stage::Q => self.q.dim(),
            Stage::K => self.k.dim(),
            Stage::V => self.v.dim(),
            Stage::Output => (self.q.nrows(), self.v.ncols()),
            Stage::Scores | Stage::Scaled | Stage::Masked | Stage::Weights => self.weights.dim(),
        }
    }

    /// The named intermediate as a matrix (borrowed when stored, computed when derived).
    pub fn stage(&self, stage: Stage) -> Cow<'_, Array2<f32>> {
        match stage {
            Stage::Q => Cow::Borrowed(&self.q),
            Stage::K => Cow::Borrowed(&self.k),
            Stage::V => Cow::Borrowed(&self.v),
            Stage::Weights => Cow::Borrowed(&self.weights),
            Stage::Scores => Cow::Owned(self.scores()),
            Stage::Output => Cow::Owned(self.output()),
            Stage::Scaled => {
                let factor = self.factor();
                Cow::Owned(self.scores().mapv(|s| s * factor))
            }
            Stage::Masked => {
                let factor = self.factor();
                let mut scaled = self.scores();
                for ((i, j), s) in scaled.indexed_iter_mut() {
                    *s = if self.is_allowed(i, j) { *s * factor } else { f32::NEG_INFINITY };
                }
                Cow::Owned(scaled)
            }
        }
    }
}
