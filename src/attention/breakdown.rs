//! The per-query breakdown the step-by-step player animates: for one query, every number
//! between its vector and its output row.

use super::head::HeadTrace;
use super::softmax::{self, softmax_row};
use crate::error::{Error, Result};
use ndarray::{Array1, Array2};

/// How query `i` of one head attends, key by key.
#[derive(Debug, Clone, PartialEq)]
pub struct QueryBreakdown {
    pub query: usize,
    /// `q_i` (length d_k).
    pub q: Array1<f32>,
    /// Row `j`: the terms whose sum is the score of key `j` (`q_i ∘ k_j` for dot).
    pub terms: Array2<f32>,
    pub term_label: &'static str,
    /// Raw scores: row `query` of the head's scores (the terms sum to them up to rounding).
    pub scores: Array1<f32>,
    /// Scores × scale ÷ temperature.
    pub scaled: Array1<f32>,
    /// Scaled scores with masked keys at −∞.
    pub masked: Array1<f32>,
    pub allowed: Vec<bool>,
    pub scale: f32,
    pub temperature: f32,
    /// The maximum subtracted before `exp` (0 when fully masked).
    pub max: f32,
    /// `exp(masked − max)`, 0 for masked keys.
    pub exp: Array1<f32>,
    pub sum_exp: f32,
    /// `exp / sum_exp`: the attention weights of this query.
    pub weights: Array1<f32>,
    /// `v_j`, one row per key.
    pub values: Array2<f32>,
    /// `w_ij · v_j`, one row per key.
    pub weighted: Array2<f32>,
    /// `Σ_j w_ij v_j`.
    pub output: Array1<f32>,
    pub fully_masked: bool,
}

impl HeadTrace {
    /// The breakdown of query `query`, recomputed step by step from this head's Q, K, V.
    pub fn breakdown(&self, query: usize) -> Result<QueryBreakdown> {
        let t_q = self.q.nrows();
        if query >= t_q {
            let there = if t_q == 1 {
                "there is 1 query (0)".to_owned()
            } else {
                format!("there are {t_q} queries (0–{})", t_q.saturating_sub(1))
            };
            return Err(Error::OutOfRange(format!("query {query} does not exist: {there}")));
        }
        let q = self.q.row(query).to_owned();
        let terms = self.score.terms(q.view(), self.k.view());
        // The head's own scores (not the sums of the terms, which may differ in the last digit),
        // so that these weights are exactly the head's weights.
        let scores = self.scores.row(query).to_owned();
        let allowed: Vec<bool> = (0..self.k.nrows()).map(|j| self.is_allowed(query, j)).collect();
        let scaled = scores.mapv(|s| s * self.factor());
        let masked = Array1::from_shape_fn(scaled.len(), |j| if allowed[j] { scaled[j] } else { f32::NEG_INFINITY });
        let mut weights = Array1::zeros(scaled.len());
        let row = softmax_row(scaled.view(), Some(ndarray::ArrayView1::from(&allowed)), weights.view_mut());
        let exp = Array1::from_shape_fn(scaled.len(), |j| if allowed[j] { softmax::exp(scaled[j] - row.max) } else { 0.0 });
        let values = self.v.clone();
        let weighted = &values * &weights.view().insert_axis(ndarray::Axis(1));
        let output = weighted.sum_axis(ndarray::Axis(0));
        Ok(QueryBreakdown {
            query,
            q,
            terms,
            term_label: self.score.term_label(),
            scores,
            scaled,
            masked,
            allowed,
            scale: self.scale,
            temperature: self.temperature,
            max: row.max,
            exp,
            sum_exp: row.sum_exp,
            weights,
            values,
            weighted,
            output,
            fully_masked: row.fully_masked(),
        })
    }
}
