//! Attention on matrices a person writes by hand (a lesson's Q, K and V, a few numbers each):
//! the sizes and numbers checked, then one scaled dot-product head with a causal mask if asked.

use std::sync::Arc;

use ndarray::Array2;

use super::head::{attend, HeadTrace};
use super::mask::causal_mask;
use super::score::ScoreFunction;
use crate::error::{invalid, Result};
use crate::limits::{MAX_D_MODEL, MAX_TOKENS};
use crate::linear::ensure_finite;

/// What one head makes of given matrices: the head (Q, K, V, weights; raw scores on request) and
/// its output `weights · V`.
#[derive(Debug, Clone)]
pub struct GivenAttention {
    pub head: HeadTrace,
    pub output: Array2<f32>,
}

/// The sizes of hand-written matrices: `queries × d_k` for Q, `keys × d_k` for K, `keys × d_v`
/// for V, each given row by row as one flat list.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct GivenShape {
    pub queries: usize,
    pub keys: usize,
    pub d_k: usize,
    pub d_v: usize,
}

impl GivenShape {
    /// Reads the sizes from the lists' lengths: Q's rows are `queries`, K's width is Q's.
    pub fn of(q: &[f32], k: &[f32], v: &[f32], queries: usize) -> Result<Self> {
        if queries == 0 || queries > MAX_TOKENS {
            return Err(invalid!("give between 1 and {MAX_TOKENS} query rows, not {queries}"));
        }
        if q.is_empty() || q.len() % queries != 0 {
            return Err(invalid!("Q holds {} numbers, which is not {queries} rows of equal length", q.len()));
        }
        let d_k = q.len() / queries;
        if d_k > MAX_D_MODEL {
            return Err(invalid!("Q's rows hold {d_k} numbers; at most {MAX_D_MODEL} are allowed"));
        }
        if k.is_empty() || k.len() % d_k != 0 {
            return Err(invalid!("K holds {} numbers, which is not rows of {d_k} like Q's", k.len()));
        }
        let keys = k.len() / d_k;
        if keys > MAX_TOKENS {
            return Err(invalid!("K has {keys} rows; at most {MAX_TOKENS} are allowed"));
        }
        if v.is_empty() || v.len() % keys != 0 || v.len() / keys > MAX_D_MODEL {
            return Err(invalid!("V holds {} numbers, which is not one row for each of the {keys} keys", v.len()));
        }
        Ok(Self { queries, keys, d_k, d_v: v.len() / keys })
    }
}

/// `softmax(Q·Kᵀ · s / temperature) · V` on the given numbers, where `s` is 1/√d_k when
/// `scale` is on; `causal` lets query i see keys 0…i only.
pub fn attend_given(
    q: &[f32],
    k: &[f32],
    v: &[f32],
    queries: usize,
    scale: bool,
    temperature: f32,
    causal: bool,
) -> Result<GivenAttention> {
    let shape = GivenShape::of(q, k, v, queries)?;
    if !(temperature.is_finite() && temperature > 0.0) {
        return Err(invalid!(Field::Temperature, "the temperature must be a positive number, not {temperature}"));
    }
    let matrix = |name: &str, data: &[f32], rows: usize, cols: usize| -> Result<Array2<f32>> {
        let m = Array2::from_shape_vec((rows, cols), data.to_vec()).map_err(|e| invalid!("{name}: {e}"))?;
        ensure_finite(name, m.view())?;
        Ok(m)
    };
    let q = matrix("Q", q, shape.queries, shape.d_k)?;
    let k = matrix("K", k, shape.keys, shape.d_k)?;
    let v = matrix("V", v, shape.keys, shape.d_v)?;
    let allowed = causal.then(|| Arc::new(causal_mask(shape.queries, shape.keys)));
    let factor = if scale { 1.0 / (shape.d_k as f32).sqrt() } else { 1.0 };
    let (head, output) = attend(q, k, v, ScoreFunction::Dot, factor, temperature, allowed);
    head.ensure_finite(&output)?;
    Ok(GivenAttention { head, output })
}

#[cfg(test)]
mod tests {
    use super::*;
    use ndarray::array;

    #[test]
    fn matches_the_formula_written_out() {
        // Two queries, three keys, d_k = 2, d_v = 1.
        let q = [1.0, 0.0, 0.0, 2.0];
        let k = [1.0, 0.0, 0.0, 1.0, 1.0, 1.0];
        let v = [10.0, 20.0, 30.0];
        let got = attend_given(&q, &k, &v, 2, true, 1.0, false).unwrap();
        let s = 1.0 / 2f32.sqrt();
        for (i, scores) in [[1.0f32, 0.0, 1.0], [0.0, 2.0, 2.0]].iter().enumerate() {
            let e: Vec<f32> = scores.iter().map(|x| (x * s).exp()).collect();
            let sum: f32 = e.iter().sum();
            let out: f32 = e.iter().zip(&v).map(|(w, v)| w / sum * v).sum();
            for (j, w) in e.iter().enumerate() {
                assert!((got.head.weights[[i, j]] - w / sum).abs() < 1e-6);
            }
            assert!((got.output[[i, 0]] - out).abs() < 1e-4);
        }
        assert_eq!(got.head.scores(), array![[1.0, 0.0, 1.0], [0.0, 2.0, 2.0]]);
    }

    #[test]
    fn causal_mask_hides_later_keys() {
        let got = attend_given(&[1.0, 1.0], &[1.0, 5.0], &[1.0, 2.0], 2, false, 1.0, true).unwrap();
        assert_eq!(got.head.weights[[0, 1]], 0.0);
        assert_eq!(got.head.weights[[0, 0]], 1.0);
    }

    #[test]
    fn bad_shapes_and_numbers_are_named() {
        let message = |r: Result<GivenAttention>| r.unwrap_err().to_string();
        assert!(message(attend_given(&[1.0, 2.0, 3.0], &[1.0], &[1.0], 2, true, 1.0, false)).contains("Q holds 3 numbers"));
        assert!(message(attend_given(&[1.0, 2.0], &[1.0, 2.0, 3.0], &[1.0], 1, true, 1.0, false)).contains("K holds 3 numbers"));
        assert!(message(attend_given(&[1.0], &[1.0, 2.0], &[1.0, 2.0, 3.0], 1, true, 1.0, false)).contains("V holds 3 numbers"));
        assert!(message(attend_given(&[f32::NAN], &[1.0], &[1.0], 1, true, 1.0, false)).contains("Q holds a non-finite number"));
        assert!(message(attend_given(&[1.0], &[1.0], &[1.0], 1, true, 0.0, false)).contains("temperature"));
        assert!(message(attend_given(&[3e38], &[3e38], &[1.0], 1, false, 1.0, false)).contains("too large"));
    }
}
