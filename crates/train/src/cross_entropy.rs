//! Cross-entropy of the next-token logits, averaged over the rows that have a target.
//!
//! `L = −(1/N) Σ_rows log p_y` with `p = softmax(z)`; since `log p_y = z_y − log Σ_k e^(z_k)`,
//! `∂L/∂z_k = (p_k − [k = y]) / N`. Rows without a target (a prompt's tokens) add nothing.

use crate::matrix::Mat;
use crate::real::Real;
use crate::softmax::softmax_row;

/// The loss, its gradient and how many rows the most probable token got right.
#[derive(Debug, Clone)]
pub struct CrossEntropy<T> {
    pub loss: T,
    pub dlogits: Mat<T>,
    /// Per row with a target: whether the most probable token (the lowest id among equals) is it.
    pub correct: Vec<Option<bool>>,
}

/// The index of the largest entry (the first among equals).
pub fn argmax<T: Real>(row: &[T]) -> usize {
    let mut best = 0;
    for (j, &v) in row.iter().enumerate() {
        if v > row[best] {
            best = j;
        }
    }
    best
}

/// `targets[r]`: the token row `r` should predict, if any.
pub fn cross_entropy<T: Real>(logits: &Mat<T>, targets: &[Option<u32>]) -> CrossEntropy<T> {
    assert_eq!(logits.rows, targets.len(), "one target (or none) per row");
    let counted = targets.iter().filter(|t| t.is_some()).count().max(1);
    let n = T::from_usize(counted);
    let mut dlogits = Mat::zeros(logits.rows, logits.cols);
    let mut loss = T::ZERO;
    let mut correct = Vec::with_capacity(targets.len());
    for (r, target) in targets.iter().enumerate() {
        let Some(y) = *target else {
            correct.push(None);
            continue;
        };
        let y = y as usize;
        let row = logits.row(r);
        let p = dlogits.row_mut(r);
        softmax_row(row, |_| true, p);
        loss -= p[y].ln();
        correct.push(Some(argmax(row) == y));
        p[y] -= T::ONE;
        for v in p.iter_mut() {
            *v /= n;
        }
    }
    CrossEntropy { loss: loss / n, dlogits, correct }
}
