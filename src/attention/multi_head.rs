//! Multi-head attention (Vaswani et al., 2017, §3.2.2) with grouped-query / multi-query
//! sharing of key/value heads (Ainslie et al., 2023; Shazeer, 2019).

use std::sync::Arc;

use ndarray::{s, Array2, ArrayView2};

use super::head::{attend, HeadTrace};
use super::score::ScoreFunction;
use crate::error::{invalid, Error, Result};
use crate::linear::{apply_all, ensure_finite, Linear};
use crate::parallel;
use crate::positions::apply_rotary;

/// The four projections of multi-head attention.
#[derive(Debug, Clone, PartialEq)]
pub struct Projections {
    /// `d_model × (heads · d_k)`
    pub w_q: Linear,
    /// `d_model × (kv_heads · d_k)`
    pub w_k: Linear,
    /// `d_model × (kv_heads · d_k)`
    pub w_v: Linear,
    /// `(heads · d_k) × d_model`
    pub w_o: Linear,
}

/// A configured multi-head attention layer.
#[derive(Debug, Clone)]
pub struct MultiHeadAttention {
    pub projections: Projections,
    pub heads: usize,
    /// Key/value heads: `heads` for ordinary multi-head, fewer for grouped-query, 1 for multi-query.
    pub kv_heads: usize,
    /// One score function per query head.
    pub scores: Vec<ScoreFunction>,
    /// Multiply scores by 1/√d_k.
    pub scale: bool,
    pub temperature: f32,
    /// Rotate each head's q and k by position (RoPE).
    pub rotary: bool,
}

/// Everything a multi-head layer computed.
#[derive(Debug, Clone)]
pub struct AttentionTrace {
    pub heads: Vec<HeadTrace>,
    /// The heads' outputs side by side (`T_q × heads·d_v`).
    pub concat: Array2<f32>,
    /// `concat · W_O` (`T_q × d_model`).
    pub output: Array2<f32>,
}

impl MultiHeadAttention {
    /// Width of one head.
    pub fn d_k(&self) -> usize {
        self.projections.w_q.d_out() / self.heads
    }

    /// Checks that heads, widths and projections fit together.
    pub fn validate(&self, d_model: usize) -> Result<()> {
        let (heads, kv_heads) = (self.heads, self.kv_heads);
        if heads == 0 || kv_heads == 0 {
            return Err(invalid!(Field::Heads, "heads and key/value heads must be at least 1"));
        }
        if heads % kv_heads != 0 {
            return Err(invalid!(
                Field::KvHeads,
                "{heads} query heads cannot be shared evenly by {kv_heads} key/value heads: key/value heads must divide heads"
            ));
        }
        if !(self.temperature.is_finite() && self.temperature > 0.0) {
            return Err(invalid!(Field::Temperature, "temperature must be a positive number, not {}", self.temperature));
        }
        let p = &self.projections;
        p.w_q.expect_input("W_Q", d_model)?;
        p.w_k.expect_input("W_K", d_model)?;
        p.w_v.expect_input("W_V", d_model)?;
        if p.w_q.d_out() % heads != 0 {
            return Err(Error::Shape(format!("W_Q has {} columns, not divisible by {heads} heads", p.w_q.d_out())));
        }
        let d_k = self.d_k();
        for (name, l) in [("W_K", &p.w_k), ("W_V", &p.w_v)] {
            if l.d_out() != kv_heads * d_k {
                return Err(Error::Shape(format!(
                    "{name} has {} columns, expected {kv_heads} key/value heads × d_k {d_k} = {}",
                    l.d_out(),
                    kv_heads * d_k
                )));
            }
        }
        p.w_o.expect_input("W_O", heads * d_k)?;
        if self.scores.len() != heads {
            return Err(Error::Shape(format!("{} score functions for {heads} heads", self.scores.len())));
        }
        for (name, m) in [("W_Q", &p.w_q.weight), ("W_K", &p.w_k.weight), ("W_V", &p.w_v.weight), ("W_O", &p.w_o.weight)] {
            ensure_finite(name, m.view())?;
        }
        Ok(())
    }

    /// Attention of the rows of `x_q` (queries) over the rows of `x_kv` (keys and values):
    /// self-attention when both are the same sequence, cross-attention otherwise.
    /// `allowed` is `T_q × T_k`, or `None` for no mask.
    pub fn forward(&self, x_q: ArrayView2<f32>, x_kv: ArrayView2<f32>, allowed: Option<Array2<bool>>) -> Result<AttentionTrace> {
        self.validate(x_q.ncols())?;
        if x_kv.ncols() != x_q.ncols() {
            return Err(Error::Shape(format!("queries have width {} but keys/values have width {}", x_q.ncols(), x_kv.ncols())));
        }
        ensure_finite("the query input", x_q)?;
        // Self-attention passes one sequence twice: check it once.
        let same = x_kv.as_ptr() == x_q.as_ptr() && x_kv.dim() == x_q.dim() && x_kv.strides() == x_q.strides();
        if !same {
            ensure_finite("the key/value input", x_kv)?;
        }
        if let Some(a) = &allowed {
            if a.dim() != (x_q.nrows(), x_kv.nrows()) {
                return Err(Error::Shape(format!(
                    "the mask is {}×{} but attention is {}×{}",
                    a.nrows(),
                    a.ncols(),
                    x_q.nrows(),
                    x_kv.nrows()
                )));
            }
        }
        let p = &self.projections;
        let mut q_all = Array2::zeros((x_q.nrows(), p.w_q.d_out()));
        let mut k_all = Array2::zeros((x_kv.nrows(), p.w_k.d_out()));
        let mut v_all = Array2::zeros((x_kv.nrows(), p.w_v.d_out()));
        apply_all(vec![(&p.w_q, x_q, q_all.view_mut()), (&p.w_k, x_kv, k_all.view_mut()), (&p.w_v, x_kv, v_all.view_mut())]);
        let d_k = self.d_k();
        let d_v = p.w_v.d_out() / self.kv_heads;
        let group = self.heads / self.kv_heads;
        let scale = if self.scale { 1.0 / (d_k as f32).sqrt() } else { 1.0 };
        let allowed = allowed.map(Arc::new);
        let work = self.heads * x_q.nrows() * x_kv.nrows() * (d_k + d_v);
        let heads: Vec<(HeadTrace, Array2<f32>)> = parallel::map((0..self.heads).collect(), work, |h| {
            let kv = h / group;
            let mut q = q_all.slice(s![.., h * d_k..(h + 1) * d_k]).to_owned();
            let mut k = k_all.slice(s![.., kv * d_k..(kv + 1) * d_k]).to_owned();
            let v = v_all.slice(s![.., kv * d_v..(kv + 1) * d_v]).to_owned();
            if self.rotary {
                apply_rotary(q.view_mut());
                apply_rotary(k.view_mut());
            }
            attend(q, k, v, self.scores[h].clone(), scale, self.temperature, allowed.clone())
        });
        let mut concat = Array2::zeros((x_q.nrows(), self.heads * d_v));
        for (h, (head, output)) in heads.iter().enumerate() {
            head.ensure_finite(output).map_err(|e| invalid!("head {h}: {e}"))?;
            concat.slice_mut(s![.., h * d_v..(h + 1) * d_v]).assign(output);
        }
        let output = p.w_o.apply(concat.view());
        ensure_finite("the output after W_O", output.view())?;
        Ok(AttentionTrace { heads: heads.into_iter().map(|(head, _)| head).collect(), concat, output })
    }
}
