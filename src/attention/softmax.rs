//! The numerically stable, mask-aware softmax.

use ndarray::{Array2, ArrayView1, ArrayView2, ArrayViewMut1};

/// What one row's softmax needed: the maximum subtracted and the sum of exponentials.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RowSoftmax {
    /// The largest allowed logit (0 when every key is masked).
    pub max: f32,
    /// Σ exp(logit − max) over allowed keys (0 when every key is masked).
    pub sum_exp: f32,
}

impl RowSoftmax {
    /// True when no key was allowed; the row's weights are then all zero.
    pub fn fully_masked(&self) -> bool {
        self.sum_exp == 0.0
    }
}

/// Softmax of `logits` into `out`, over the entries `allowed` permits (all when `None`).
/// The maximum is subtracted first so `exp` never overflows. Masked entries get weight 0;
/// a row with nothing allowed gets all zeros instead of NaN.
pub fn softmax_row(logits: ArrayView1<f32>, allowed: Option<ArrayView1<bool>>, mut out: ArrayViewMut1<f32>) -> RowSoftmax {
    let is_allowed = |j: usize| allowed.as_ref().is_none_or(|a| a[j]);
    let max = (0..logits.len()).filter(|&j| is_allowed(j)).map(|j| logits[j]).fold(f32::NEG_INFINITY, f32::max);
    if max == f32::NEG_INFINITY {
        out.fill(0.0);
        return RowSoftmax { max: 0.0, sum_exp: 0.0 };
    }
    let mut sum_exp = 0.0;
    for (j, o) in out.iter_mut().enumerate() {
        *o = if is_allowed(j) { (logits[j] - max).exp() } else { 0.0 };
        sum_exp += *o;
    }
    out.mapv_inplace(|e| e / sum_exp);
    RowSoftmax { max, sum_exp }
}

/// Row-wise [`softmax_row`] of a matrix; also returns the rows with no allowed key.
pub fn masked_softmax(logits: ArrayView2<f32>, allowed: Option<ArrayView2<bool>>) -> (Array2<f32>, Vec<usize>) {
    let mut weights = Array2::zeros(logits.raw_dim());
    let mut fully_masked = Vec::new();
    for (i, out) in weights.rows_mut().into_iter().enumerate() {
        let row = softmax_row(logits.row(i), allowed.as_ref().map(|a| a.row(i)), out);
        if row.fully_masked() {
            fully_masked.push(i);
        }
    }
    (weights, fully_masked)
}

#[cfg(test)]
mod tests {
    use super::*;
    use ndarray::array;

    #[test]
    fn huge_logits_do_not_overflow() {
        let (w, _) = masked_softmax(array![[1000.0f32, 1000.0, -1000.0]].view(), None);
        assert!((w[[0, 0]] - 0.5).abs() < 1e-6 && w[[0, 2]] == 0.0);
    }

    #[test]
    fn fully_masked_row_is_zero_not_nan() {
        let allowed = array![[false, false], [true, false]];
        let (w, fully) = masked_softmax(array![[1.0f32, 2.0], [1.0, 2.0]].view(), Some(allowed.view()));
        assert_eq!(w, array![[0.0, 0.0], [1.0, 0.0]]);
        assert_eq!(fully, vec![0]);
    }
}
