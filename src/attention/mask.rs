//! Masks: which keys each query may look at. `true` means allowed (as in PyTorch's boolean
//! `attn_mask`). Several masks combine by AND.

use ndarray::Array2;

use crate::error::{Error, Result};

/// One rule that may forbid (query, key) pairs.
#[derive(Debug, Clone, PartialEq)]
pub enum Mask {
    /// Query `i` sees keys `j ≤ i` (no peeking at the future).
    Causal,
    /// Query `i` sees keys with `|i − j| ≤ width`.
    Window { width: usize },
    /// Keys marked `false` are padding and seen by no query.
    KeyPadding { valid: Vec<bool> },
    /// An explicit `T_q × T_k` matrix.
    Custom(Array2<bool>),
}

/// `allowed[i, j] = j ≤ i`.
pub fn causal_mask(t_q: usize, t_k: usize) -> Array2<bool> {
    Array2::from_shape_fn((t_q, t_k), |(i, j)| j <= i)
}

/// `allowed[i, j] = |i − j| ≤ width`.
pub fn sliding_window_mask(t_q: usize, t_k: usize, width: usize) -> Array2<bool> {
    Array2::from_shape_fn((t_q, t_k), |(i, j)| i.abs_diff(j) <= width)
}

/// `allowed[i, j] = valid[j]`.
pub fn padding_mask(t_q: usize, valid: &[bool]) -> Array2<bool> {
    Array2::from_shape_fn((t_q, valid.len()), |(_, j)| valid[j])
}

impl Mask {
    /// This mask as a `T_q × T_k` boolean matrix.
    pub fn matrix(&self, t_q: usize, t_k: usize) -> Result<Array2<bool>> {
        match self {
            Mask::Causal => Ok(causal_mask(t_q, t_k)),
            Mask::Window { width } => Ok(sliding_window_mask(t_q, t_k, *width)),
            Mask::KeyPadding { valid } if valid.len() == t_k => Ok(padding_mask(t_q, valid)),
            Mask::KeyPadding { valid } => Err(Error::Shape(format!("the padding mask covers {} keys but there are {t_k}", valid.len()))),
            Mask::Custom(m) if m.dim() == (t_q, t_k) => Ok(m.clone()),
            Mask::Custom(m) => {
                Err(Error::Shape(format!("the mask is {}×{} but attention is {t_q}×{t_k} (queries × keys)", m.nrows(), m.ncols())))
            }
        }
    }
}

/// All masks combined by AND; `None` when there are none (everything allowed).
pub fn combine(masks: &[Mask], t_q: usize, t_k: usize) -> Result<Option<Array2<bool>>> {
    let mut combined: Option<Array2<bool>> = None;
    for mask in masks {
        let m = mask.matrix(t_q, t_k)?;
        combined = Some(match combined {
            None => m,
            Some(c) => ndarray::Zip::from(&c).and(&m).map_collect(|&a, &b| a && b),
        });
    }
    Ok(combined)
}

#[cfg(test)]
mod tests {
    use super::*;
    use ndarray::array;

    #[test]
    fn causal_and_window_combine() {
        let m = combine(&[Mask::Causal, Mask::Window { width: 1 }], 3, 3).unwrap().unwrap();
        assert_eq!(m, array![[true, false, false], [true, true, false], [false, true, true]]);
    }

    #[test]
    fn wrong_custom_shape_is_explained() {
        let err = combine(&[Mask::Custom(Array2::from_elem((2, 2), true))], 3, 3).unwrap_err();
        assert_eq!(err.to_string(), "shape mismatch: the mask is 2×2 but attention is 3×3 (queries × keys)");
    }
}
