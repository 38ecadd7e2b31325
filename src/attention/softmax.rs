//! The numerically stable, mask-aware softmax.
//!
//! Rows are processed as plain slices in a few simple passes (scale, maximum, exponentials, sum,
//! division) that the compiler turns into SIMD code; [`exp`] is written out for the same reason.

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

/// `e^x` for `x ≤ 0`, within 2 units in the last place; 0 below −87.3 (where `f32` ends).
///
/// Cody–Waite reduction `x = n·ln 2 + r` with `|r| ≤ ln 2 / 2`, `e^r ≈ 1 + r + r²·p(r)` with a
/// degree-4 `p` fitted for least relative error on that interval, and `2^n` built from its bits.
/// Branch-free, so that loops over rows vectorise; positive arguments are treated as 0.
#[inline(always)]
pub fn exp(x: f32) -> f32 {
    const LOG2E: f32 = std::f32::consts::LOG2_E;
    const LN2_HI: f32 = 0.693_359_4;
    const LN2_LO: f32 = -2.121_944_4e-4;
    const LOWEST: f32 = -87.33;
    // 1.5 · 2^23: adding and subtracting it rounds to the nearest integer.
    const ROUND: f32 = 12_582_912.0;
    let clamped = x.clamp(LOWEST, 0.0);
    let rounded = clamped * LOG2E + ROUND;
    let n = rounded - ROUND;
    let r = (clamped - n * LN2_HI) - n * LN2_LO;
    let p = (((1.381_464_7e-3 * r + 8.368_71e-3) * r + 4.166_838_5e-2) * r + 0.166_665_21) * r + 0.499_999_94;
    let e_r = p * r * r + r + 1.0;
    // `rounded` is ROUND + n exactly, so its low bits are n; integer steps keep this vectorised.
    let biased = rounded.to_bits().wrapping_sub(ROUND.to_bits()).wrapping_add(127);
    let two_n = f32::from_bits(biased << 23);
    if x < LOWEST {
        0.0
    } else {
        e_r * two_n
    }
}

/// Accumulators of the reductions below.
const LANES: usize = 8;

/// Folds `xs` into [`LANES`] accumulators with `step`, then the accumulators and the remainder
/// into one value with `finish`. Fixed-size chunks let the compiler keep the lanes in SIMD
/// registers.
fn fold_lanes(xs: &[f32], init: f32, step: impl Fn(f32, f32) -> f32, finish: impl Fn(f32, f32) -> f32) -> f32 {
    let mut lanes = [init; LANES];
    let chunks = xs.chunks_exact(LANES);
    let rest = chunks.remainder().iter().fold(init, |acc, &x| step(acc, x));
    for chunk in chunks {
        for (lane, &x) in lanes.iter_mut().zip(chunk) {
            *lane = step(*lane, x);
        }
    }
    lanes.into_iter().fold(rest, finish)
}

/// The largest entry of `xs`.
fn max_of(xs: &[f32]) -> f32 {
    fold_lanes(xs, f32::NEG_INFINITY, |m, x| if x > m { x } else { m }, f32::max)
}

/// Softmax of the logits held in `row`, in place, over the entries `allowed` permits (all when
/// `None`). Masked entries get 0; a row with nothing allowed becomes all zeros.
fn softmax_in_place(row: &mut [f32], allowed: Option<&[bool]>) -> RowSoftmax {
    if let Some(allowed) = allowed {
        row.iter_mut().zip(allowed).for_each(|(x, &ok)| *x = if ok { *x } else { f32::NEG_INFINITY });
    }
    let max = max_of(row);
    if max == f32::NEG_INFINITY {
        row.fill(0.0);
        return RowSoftmax { max: 0.0, sum_exp: 0.0 };
    }
    // exp(−∞ − max) is 0: masked entries drop out here.
    row.iter_mut().for_each(|x| *x = exp(*x - max));
    let sum_exp = fold_lanes(row, 0.0, |s, x| s + x, |a, b| a + b);
    let inverse = 1.0 / sum_exp;
    row.iter_mut().for_each(|x| *x *= inverse);
    RowSoftmax { max, sum_exp }
}

/// Softmax of `logits` into `out`, over the entries `allowed` permits (all when `None`).
/// The maximum is subtracted first so `exp` never overflows. Masked entries get weight 0;
/// a row with nothing allowed gets all zeros instead of NaN.
pub fn softmax_row(logits: ArrayView1<f32>, allowed: Option<ArrayView1<bool>>, mut out: ArrayViewMut1<f32>) -> RowSoftmax {
    let allowed: Option<Vec<bool>> = allowed.map(|a| a.to_vec());
    let mut row = logits.to_vec();
    let result = softmax_in_place(&mut row, allowed.as_deref());
    out.assign(&ArrayView1::from(&row));
    result
}

/// Row-wise softmax of `scores × factor` over the allowed entries; also returns the rows with no
/// allowed key (their weights are all 0). The scaled scores are never stored.
pub fn scaled_masked_softmax(scores: ArrayView2<f32>, factor: f32, allowed: Option<ArrayView2<bool>>) -> (Array2<f32>, Vec<usize>) {
    let (rows, cols) = scores.dim();
    if cols == 0 {
        return (Array2::zeros((rows, 0)), (0..rows).collect());
    }
    // Row-major, so that every row is a slice (no copy when the scores already are).
    let scores = scores.as_standard_layout();
    let scores = scores.as_slice().expect("a standard-layout array is one slice");
    let allowed: Option<Vec<bool>> = allowed.map(|a| a.iter().copied().collect());
    // Each row is scaled, then turned into weights while it is in the cache.
    let mut weights = Vec::with_capacity(rows * cols);
    let mut fully_masked = Vec::new();
    for (i, logits) in scores.chunks_exact(cols).enumerate() {
        let start = weights.len();
        weights.extend(logits.iter().map(|&s| s * factor));
        let mask = allowed.as_deref().map(|a| &a[start..start + cols]);
        if softmax_in_place(&mut weights[start..], mask).fully_masked() {
            fully_masked.push(i);
        }
    }
    (Array2::from_shape_vec((rows, cols), weights).expect("one weight per score"), fully_masked)
}

/// Row-wise [`softmax_row`] of a matrix; also returns the rows with no allowed key.
pub fn masked_softmax(logits: ArrayView2<f32>, allowed: Option<ArrayView2<bool>>) -> (Array2<f32>, Vec<usize>) {
    scaled_masked_softmax(logits, 1.0, allowed)
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

    #[test]
    fn exp_is_within_two_ulp_of_the_exact_value() {
        let mut worst = 0.0f64;
        for i in 0..=2_000_000 {
            let x = -87.3f32 * i as f32 / 2_000_000.0;
            let exact = f64::from(x).exp();
            worst = worst.max((f64::from(exp(x)) - exact).abs() / exact);
        }
        assert!(worst < 2.0 * f64::from(f32::EPSILON), "relative error {worst:e}");
        assert_eq!((exp(0.0), exp(-88.0), exp(-1e30), exp(5.0)), (1.0, 0.0, 0.0, 1.0));
    }

    #[test]
    fn long_rows_match_a_plain_softmax() {
        let logits: Vec<f32> = (0..37).map(|i| ((i * 7919) % 23) as f32 * 0.37 - 4.0).collect();
        let max = logits.iter().copied().fold(f32::NEG_INFINITY, f32::max);
        let total: f64 = logits.iter().map(|&x| f64::from(x - max).exp()).sum();
        let (w, _) = scaled_masked_softmax(ArrayView2::from_shape((1, 37), &logits).unwrap(), 1.0, None);
        for (j, &x) in logits.iter().enumerate() {
            assert!((f64::from(w[[0, j]]) - f64::from(x - max).exp() / total).abs() < 1e-7);
        }
    }
}
