//! Softmax of a row over the allowed entries: `p_j = e^(s_j − m) / Σ_k e^(s_k − m)` with
//! `m = max_k s_k` (the shift changes nothing but keeps `e^…` ≤ 1); masked entries get 0.
//!
//! Backward: `∂p_j/∂s_i = p_j (δ_ij − p_i)`, so
//! `∂L/∂s_i = Σ_j ∂L/∂p_j · p_j (δ_ij − p_i) = p_i (∂L/∂p_i − Σ_j p_j ∂L/∂p_j)`.
//! A masked entry has `p_i = 0` and so gradient 0.

use crate::real::Real;

/// Softmax of `scores` into `out`; `allowed(j)` says whether entry `j` takes part. A row with no
/// allowed entry is all zeros.
pub fn softmax_row<T: Real>(scores: &[T], allowed: impl Fn(usize) -> bool, out: &mut [T]) {
    let mut max: Option<T> = None;
    for (j, &s) in scores.iter().enumerate() {
        if allowed(j) {
            max = Some(max.map_or(s, |m: T| m.max(s)));
        }
    }
    let Some(max) = max else {
        out.fill(T::ZERO);
        return;
    };
    let mut sum = T::ZERO;
    for (j, (o, &s)) in out.iter_mut().zip(scores).enumerate() {
        *o = if allowed(j) { (s - max).exp() } else { T::ZERO };
        sum += *o;
    }
    for o in out.iter_mut() {
        *o /= sum;
    }
}

/// `∂L/∂s` of one row from its probabilities `p` and `∂L/∂p`.
pub fn softmax_row_backward<T: Real>(p: &[T], dp: &[T], ds: &mut [T]) {
    let dot = p.iter().zip(dp).map(|(&a, &b)| a * b).sum::<T>();
    for ((d, &pi), &dpi) in ds.iter_mut().zip(p).zip(dp) {
        *d = pi * (dpi - dot);
    }
}
