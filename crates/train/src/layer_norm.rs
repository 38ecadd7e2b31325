//! Layer normalisation of every row: `y = γ ⊙ x̂ + β` with `x̂ = (x − μ)·r`, `μ = mean(x)`,
//! `σ² = mean((x − μ)²)` (the biased variance, as PyTorch) and `r = 1/√(σ² + ε)`.
//!
//! Backward for one row of width `n`, writing `g = ∂L/∂y ⊙ γ` (the gradient reaching `x̂`):
//! `∂x̂_j/∂x_i = r·(δ_ij − 1/n − x̂_i x̂_j / n)`, because `∂μ/∂x_i = 1/n` and
//! `∂r/∂x_i = −r³·(x_i − μ)/n = −r²·x̂_i/n`. Summing over `j`:
//! `∂L/∂x_i = r·(g_i − mean(g) − x̂_i·mean(g ⊙ x̂))`.
//! The parameters: `∂L/∂γ = Σ_rows ∂L/∂y ⊙ x̂`, `∂L/∂β = Σ_rows ∂L/∂y`.

use crate::matrix::Mat;
use crate::params::{Init, Layout, SlotId};
use crate::real::Real;
use crate::{Grads, Weights};

/// The slots of one layer norm (`name.weight` γ, `name.bias` β) and its ε.
#[derive(Debug, Clone, PartialEq)]
pub struct LayerNorm {
    pub gamma: SlotId,
    pub beta: SlotId,
    pub eps: f64,
}

/// What the backward pass needs: `x̂` and `r` of every row.
#[derive(Debug, Clone)]
pub struct LayerNormCache<T> {
    pub normalized: Mat<T>,
    pub inv_std: Vec<T>,
}

impl LayerNorm {
    pub fn new(layout: &mut Layout, name: &str, d: usize, eps: f64) -> LayerNorm {
        LayerNorm {
            gamma: layout.add(format!("{name}.weight"), &[d], Init::Ones),
            beta: layout.add(format!("{name}.bias"), &[d], Init::Zeros),
            eps,
        }
    }

    pub fn forward<T: Real>(&self, w: &Weights<'_, T>, x: &Mat<T>) -> (Mat<T>, LayerNormCache<T>) {
        let (gamma, beta) = (w.get(self.gamma), w.get(self.beta));
        let n = T::from_usize(x.cols);
        let mut normalized = Mat::zeros(x.rows, x.cols);
        let mut y = Mat::zeros(x.rows, x.cols);
        let mut inv_std = Vec::with_capacity(x.rows);
        for i in 0..x.rows {
            let row = x.row(i);
            let mean = row.iter().copied().sum::<T>() / n;
            let var = row.iter().map(|&v| (v - mean) * (v - mean)).sum::<T>() / n;
            let r = T::ONE / (var + T::from_f64(self.eps)).sqrt();
            inv_std.push(r);
            for j in 0..x.cols {
                let h = (row[j] - mean) * r;
                normalized.data[i * x.cols + j] = h;
                y.data[i * x.cols + j] = h * gamma[j] + beta[j];
            }
        }
        (y, LayerNormCache { normalized, inv_std })
    }

    /// Adds `∂L/∂γ` and `∂L/∂β`; returns `∂L/∂x`.
    pub fn backward<T: Real>(&self, w: &Weights<'_, T>, g: &mut Grads<'_, T>, cache: &LayerNormCache<T>, dy: &Mat<T>) -> Mat<T> {
        let d = dy.cols;
        {
            let dgamma = g.get_mut(self.gamma);
            for i in 0..dy.rows {
                for ((dg, &d), &h) in dgamma.iter_mut().zip(dy.row(i)).zip(cache.normalized.row(i)) {
                    *dg += d * h;
                }
            }
        }
        {
            let dbeta = g.get_mut(self.beta);
            for i in 0..dy.rows {
                for (b, &v) in dbeta.iter_mut().zip(dy.row(i)) {
                    *b += v;
                }
            }
        }
        let gamma = w.get(self.gamma);
        let n = T::from_usize(d);
        let mut dx = Mat::zeros(dy.rows, d);
        for i in 0..dy.rows {
            let xhat = cache.normalized.row(i);
            let gi: Vec<T> = dy.row(i).iter().zip(gamma).map(|(&a, &b)| a * b).collect();
            let mean_g = gi.iter().copied().sum::<T>() / n;
            let mean_gx = gi.iter().zip(xhat).map(|(&a, &b)| a * b).sum::<T>() / n;
            let r = cache.inv_std[i];
            for j in 0..d {
                dx.data[i * d + j] = r * (gi[j] - mean_g - xhat[j] * mean_gx);
            }
        }
        dx
    }
}
