//! Positional information: none, sinusoidal (added to token vectors) or rotary (applied to q, k).

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
