//! Positional information: none, sinusoidal (added to token vectors) or rotary (applied to q, k),
//! in the toy's interleaved layout or in the "rotate half" layout of Llama-family decoders.

use ndarray::{Array2, ArrayViewMut2};
use serde::{Deserialize, Serialize};

use crate::parallel;

/// How token order enters the computation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[cfg_attr(feature = "typescript", derive(ts_rs::TS))]
#[serde(rename_all = "lowercase")]
pub enum Positions {
    /// No order at all: attention is then permutation-equivariant.
    None,
    /// Sinusoids added to the token vectors (Vaswani et al., 2017, §3.5).
    #[default]
    Sinusoidal,
    /// Rotary position embedding applied to each head's q and k (Su et al., 2021).
    Rope,
}

impl std::str::FromStr for Positions {
    type Err = crate::Error;
    fn from_str(s: &str) -> crate::error::Result<Self> {
        match s {
            "none" => Ok(Self::None),
            "sinusoidal" => Ok(Self::Sinusoidal),
            "rope" | "rotary" => Ok(Self::Rope),
            _ => Err(crate::error::invalid!(Field::Positions, "unknown positions '{s}': use 'none', 'sinusoidal' or 'rope'")),
        }
    }
}

/// The frequency base of both encodings.
pub const BASE: f32 = 10_000.0;

/// `PE[pos, 2i] = sin(pos / BASE^(2i/d))`, `PE[pos, 2i+1] = cos(pos / BASE^(2i/d))`.
pub fn sinusoidal_encoding(len: usize, d_model: usize) -> Array2<f32> {
    let mut pe = Array2::zeros((len, d_model));
    add_sinusoidal(pe.view_mut());
    pe
}

/// Adds [`sinusoidal_encoding`] to `x` (one row per position) in place.
pub fn add_sinusoidal(mut x: ArrayViewMut2<f32>) {
    let (len, d_model) = x.dim();
    let divisors: Vec<f32> = (0..d_model).map(|dim| BASE.powf(2.0 * (dim / 2) as f32 / d_model as f32)).collect();
    parallel::for_row_blocks(x.view_mut(), len * d_model * 20, |first, mut block| {
        for (offset, mut row) in block.rows_mut().into_iter().enumerate() {
            let pos = (first + offset) as f32;
            for (mut pair, divisor) in row.exact_chunks_mut(2).into_iter().zip(divisors.iter().step_by(2)) {
                let (sin, cos) = (pos / divisor).sin_cos();
                pair[0] += sin;
                pair[1] += cos;
            }
            if d_model % 2 == 1 {
                row[d_model - 1] += (pos / divisors[d_model - 1]).sin();
            }
        }
    });
}

/// Rotates each pair of dimensions (2i, 2i+1) of row `pos` by `pos · BASE^(−2i/d)`.
/// With an odd width the last dimension has no partner and is left as it is.
pub fn apply_rotary(mut x: ArrayViewMut2<f32>) {
    let d = x.ncols();
    let frequencies: Vec<f32> = (0..d / 2).map(|pair| BASE.powf(-2.0 * pair as f32 / d as f32)).collect();
    for (pos, mut row) in x.rows_mut().into_iter().enumerate() {
        for (pair, &frequency) in frequencies.iter().enumerate() {
            let theta = pos as f32 * frequency;
            let (sin, cos) = theta.sin_cos();
            let (a, b) = (row[2 * pair], row[2 * pair + 1]);
            row[2 * pair] = a * cos - b * sin;
            row[2 * pair + 1] = a * sin + b * cos;
        }
    }
}

/// Rotary positions as Llama applies them to each head's queries and keys: dimension `i` of the
/// first half is paired with dimension `i + d/2` ("rotate half"), and the pair of row `p` turns
/// by `p · θ^(−2i/d)`:
///
/// ```text
/// x'ᵢ       = xᵢ · cos(p·fᵢ) − xᵢ₊d/2 · sin(p·fᵢ)
/// x'ᵢ₊d/2   = xᵢ₊d/2 · cos(p·fᵢ) + xᵢ · sin(p·fᵢ)
/// ```
///
/// The frequencies and angles are rounded to f32 as transformers computes them, so positions far
/// from 0 turn by the same angles.
#[derive(Debug, Clone, PartialEq)]
pub struct RotaryHalf {
    /// `fᵢ = 1 / θ^(2i/d)` for each of the `d/2` pairs.
    frequencies: Vec<f32>,
}

impl RotaryHalf {
    /// The rotation of heads `head_dim` wide (even) with base `theta`.
    pub fn new(head_dim: usize, theta: f64) -> Self {
        let frequencies = (0..head_dim / 2)
            .map(|i| {
                let exponent = (2 * i) as f32 / head_dim as f32;
                1.0 / theta.powf(f64::from(exponent)) as f32
            })
            .collect();
        RotaryHalf { frequencies }
    }

    /// Width of the heads it turns.
    pub fn head_dim(&self) -> usize {
        2 * self.frequencies.len()
    }

    /// Turns every head of `x` (rows are consecutive positions from `first_position`; each row
    /// holds heads of [`head_dim`](Self::head_dim) side by side) in place.
    pub fn apply(&self, mut x: ArrayViewMut2<f32>, first_position: usize) {
        let half = self.frequencies.len();
        let d = 2 * half;
        if d == 0 {
            return;
        }
        let mut cos_sin = vec![(0.0f32, 0.0f32); half];
        for (offset, mut row) in x.rows_mut().into_iter().enumerate() {
            let position = (first_position + offset) as f32;
            for (slot, &frequency) in cos_sin.iter_mut().zip(&self.frequencies) {
                let angle = f64::from(position * frequency);
                *slot = (angle.cos() as f32, angle.sin() as f32);
            }
            for mut head in row.exact_chunks_mut(d) {
                for (i, &(cos, sin)) in cos_sin.iter().enumerate() {
                    let (a, b) = (head[i], head[i + half]);
                    head[i] = a * cos - b * sin;
                    head[i + half] = b * cos + a * sin;
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ndarray::array;

    #[test]
    fn sinusoidal_first_rows() {
        let pe = sinusoidal_encoding(2, 4);
        assert_eq!(pe.row(0).to_vec(), vec![0.0, 1.0, 0.0, 1.0]);
        assert!((pe[[1, 0]] - 1f32.sin()).abs() < 1e-6);
        assert!((pe[[1, 2]] - (1.0f32 / 100.0).sin()).abs() < 1e-6);
        let odd = sinusoidal_encoding(2, 3);
        assert_eq!(odd.row(1).to_vec(), vec![1f32.sin(), 1f32.cos(), (1.0 / BASE.powf(2.0 / 3.0)).sin()]);
    }

    #[test]
    fn rotate_half_pairs_the_halves_and_depends_only_on_offset() {
        let rope = RotaryHalf::new(4, 10_000.0);
        assert_eq!(rope.head_dim(), 4);
        // Position 1, first pair (frequency 1): (1, 0) in dimensions 0 and 2 turns by 1 radian.
        let mut x = array![[0.0f32, 0.0, 0.0, 0.0, 1.0, 0.0, 0.0, 0.0]];
        rope.apply(x.view_mut().slice_mut(ndarray::s![.., 4..]), 1);
        assert!((x[[0, 4]] - 1f32.cos()).abs() < 1e-6 && (x[[0, 6]] - 1f32.sin()).abs() < 1e-6);
        let rows = |v: [f32; 4]| Array2::from_shape_fn((5, 8), |(_, j)| v[j % 4]);
        let (mut q, mut k) = (rows([1.0, 2.0, 3.0, 4.0]), rows([0.5, -1.0, 2.0, 0.0]));
        rope.apply(q.view_mut(), 3);
        rope.apply(k.view_mut(), 3);
        let d01 = q.row(1).dot(&k.row(0));
        let d34 = q.row(4).dot(&k.row(3));
        assert!((d01 - d34).abs() < 1e-4, "{d01} vs {d34}");
        assert!((q.row(4).dot(&q.row(4)) - 60.0).abs() < 1e-4, "norms are kept");
    }

    #[test]
    fn rotary_keeps_norms_and_depends_only_on_offset() {
        let mut q = array![[1.0f32, 2.0, 3.0, 4.0], [1.0, 2.0, 3.0, 4.0], [1.0, 2.0, 3.0, 4.0]];
        let mut k = array![[0.5f32, -1.0, 2.0, 0.0], [0.5, -1.0, 2.0, 0.0], [0.5, -1.0, 2.0, 0.0]];
        apply_rotary(q.view_mut());
        apply_rotary(k.view_mut());
        for row in q.rows() {
            assert!((row.dot(&row) - 30.0).abs() < 1e-4);
        }
        // q_m · k_n depends only on m − n.
        let d01 = q.row(1).dot(&k.row(0));
        let d12 = q.row(2).dot(&k.row(1));
        assert!((d01 - d12).abs() < 1e-4, "{d01} vs {d12}");
    }
}
