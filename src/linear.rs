//! A linear map `y = x · W + b` and how its weights are chosen.

use ndarray::linalg::general_mat_mul;
use ndarray::{s, Array1, Array2, ArrayView2, ArrayViewMut2};

use crate::error::{Error, Result};
use crate::parallel;
use crate::rng::SplitMix64;

/// `y = x · W + b`, with `W` of shape `(d_in, d_out)` (the transpose of PyTorch's storage).
#[derive(Debug, Clone, PartialEq)]
pub struct Linear {
    pub weight: Array2<f32>,
    pub bias: Option<Array1<f32>>,
}

impl Linear {
    /// A map without bias.
    pub fn new(weight: Array2<f32>) -> Self {
        Self { weight, bias: None }
    }

    /// Glorot/Xavier uniform: entries from U(−a, a), a = √(6 / (d_in + d_out)), drawn row by row
    /// from SplitMix64 seeded with `seed`.
    pub fn glorot(d_in: usize, d_out: usize, seed: u64) -> Self {
        let limit = (6.0 / (d_in + d_out) as f64).sqrt();
        let mut rng = SplitMix64::new(seed);
        Self::new(Array2::from_shape_simple_fn((d_in, d_out), || rng.uniform(limit)))
    }

    /// The first `d_out` columns of the identity (the full identity when square).
    pub fn identity(d_in: usize, d_out: usize) -> Self {
        Self::new(Array2::from_shape_fn((d_in, d_out), |(i, j)| if i == j { 1.0 } else { 0.0 }))
    }

    pub fn d_in(&self) -> usize {
        self.weight.nrows()
    }

    pub fn d_out(&self) -> usize {
        self.weight.ncols()
    }

    /// Applies the map to every row of `x` (blocks of rows on separate threads when large).
    pub fn apply(&self, x: ArrayView2<f32>) -> Array2<f32> {
        let mut y = Array2::zeros((x.nrows(), self.d_out()));
        apply_all(vec![(self, x, y.view_mut())]);
        y
    }

    /// Checks that the map takes `d_in` inputs, naming it in the message.
    pub fn expect_input(&self, name: &str, d_in: usize) -> Result<()> {
        if self.d_in() != d_in {
            return Err(Error::Shape(format!("{name} has {} rows but the input has width {d_in}", self.d_in())));
        }
        if let Some(b) = &self.bias {
            if b.len() != self.d_out() {
                return Err(Error::Shape(format!("{name} bias has {} entries, expected {}", b.len(), self.d_out())));
            }
        }
        Ok(())
    }
}

/// Several maps at once: `y = x · W (+ b)` into each given `y`, as one job whose blocks of rows
/// run on separate threads when large. Each `y` must be `x.nrows() × d_out` (it is overwritten).
pub fn apply_all(maps: Vec<(&Linear, ArrayView2<f32>, ArrayViewMut2<f32>)>) {
    let work = maps.iter().map(|(l, x, _)| x.nrows() * l.d_in() * l.d_out()).sum();
    let blocks: Vec<_> = maps
        .into_iter()
        .flat_map(|(l, x, y)| parallel::row_blocks(y, work).into_iter().map(move |(first, block)| (l, x, first, block)))
        .collect();
    parallel::map(blocks, work, |(l, x, first, mut block)| {
        let rows = x.slice(s![first..first + block.nrows(), ..]);
        general_mat_mul(1.0, &rows, &l.weight, 0.0, &mut block);
        if let Some(b) = &l.bias {
            block += b;
        }
    });
}

/// Fails with [`Error::NonFinite`] at the first NaN or infinity of `m`.
pub fn ensure_finite(name: &str, m: ArrayView2<f32>) -> Result<()> {
    // A branch-free pass first (vectorised); the position is looked up only when needed.
    if m.fold(true, |ok, v| ok & v.is_finite()) {
        return Ok(());
    }
    match m.indexed_iter().find(|(_, v)| !v.is_finite()) {
        Some(((row, col), &value)) => Err(Error::NonFinite { name: name.to_owned(), row, col, value }),
        None => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ndarray::array;

    #[test]
    fn glorot_is_bounded_and_reproducible() {
        let a = Linear::glorot(8, 4, 3);
        assert_eq!(a, Linear::glorot(8, 4, 3));
        let limit = (6.0f32 / 12.0).sqrt();
        assert!(a.weight.iter().all(|w| w.abs() <= limit));
        assert_ne!(a, Linear::glorot(8, 4, 4));
    }

    #[test]
    fn identity_and_bias() {
        let mut l = Linear::identity(2, 2);
        l.bias = Some(array![1.0, -1.0]);
        assert_eq!(l.apply(array![[3.0, 4.0]].view()), array![[4.0, 3.0]]);
    }

    #[test]
    fn large_inputs_split_over_threads_give_the_same_numbers() {
        let x = Array2::from_shape_fn((301, 200), |(i, j)| ((i * 31 + j * 17) % 13) as f32 - 6.0);
        let mut l = Linear::glorot(200, 100, 5);
        l.bias = Some(Array1::from_shape_fn(100, |j| j as f32));
        let y = l.apply(x.view());
        assert_eq!(y, x.dot(&l.weight) + l.bias.as_ref().unwrap());
    }

    #[test]
    fn non_finite_is_named() {
        let err = ensure_finite("q", array![[1.0, f32::NAN]].view()).unwrap_err();
        assert!(err.to_string().contains("q holds a non-finite number"));
    }
}
