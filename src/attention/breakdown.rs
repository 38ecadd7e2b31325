//! The per-query breakdown the step-by-step player animates: for one query, every number
//! between its vector and its output row.

use super::head::HeadTrace;
use super::softmax::{self, softmax_row};
use crate::error::{Error, Result};
use ndarray::{Array1, Array2};
use serde::Serialize;

/// How query `i` of one head attends, key by key. Matrices are lists of rows. Serialised in
/// camelCase (a masked score, −∞, becomes `null` in JSON and stays `-Infinity` in JavaScript).
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "typescript", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct QueryBreakdown {
    pub query: usize,
    /// `q_i` (length d_k).
    pub q: Vec<f32>,
    /// `k_j`, one row per key (length d_k each).
    pub key_vectors: Vec<Vec<f32>>,
    /// Row `j`: the terms whose sum is the score of key `j` (`q_i ∘ k_j` for dot).
    pub terms: Vec<Vec<f32>>,
    pub term_label: &'static str,
    /// Raw scores: row `query` of the head's scores (the terms sum to them up to rounding).
    pub scores: Vec<f32>,
    /// Scores × scale ÷ temperature.
    pub scaled: Vec<f32>,
    /// Scaled scores with masked keys at −∞.
    pub masked: Vec<f32>,
    pub allowed: Vec<bool>,
    pub scale: f32,
    pub temperature: f32,
    /// The maximum subtracted before `exp` (0 when fully masked).
    pub max: f32,
    /// `exp(masked − max)`, 0 for masked keys.
    pub exp: Vec<f32>,
    pub sum_exp: f32,
    /// `exp / sum_exp`: the attention weights of this query.
    pub weights: Vec<f32>,
    /// `v_j`, one row per key.
    pub values: Vec<Vec<f32>>,
    /// `w_ij · v_j`, one row per key.
    pub weighted: Vec<Vec<f32>>,
    /// `Σ_j w_ij v_j`.
    pub output: Vec<f32>,
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
        let scores = self.scores().row(query).to_owned();
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
            q: q.to_vec(),
            key_vectors: rows(&self.k),
            terms: rows(&terms),
            term_label: self.score.term_label(),
            scores: scores.to_vec(),
            scaled: scaled.to_vec(),
            masked: masked.to_vec(),
            allowed,
            scale: self.scale,
            temperature: self.temperature,
            max: row.max,
            exp: exp.to_vec(),
            sum_exp: row.sum_exp,
            weights: weights.to_vec(),
            values: rows(&values),
            weighted: rows(&weighted),
            output: output.to_vec(),
            fully_masked: row.fully_masked(),
        })
    }
}

/// A matrix as a list of its rows.
fn rows(m: &Array2<f32>) -> Vec<Vec<f32>> {
    m.rows().into_iter().map(|r| r.to_vec()).collect()
}
