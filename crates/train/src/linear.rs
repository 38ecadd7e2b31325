//! A linear map `y = x·W + b` (`W` is `d_in × d_out`, one row of `x` per token).
//!
//! Backward, from `y_ij = Σ_k x_ik W_kj + b_j`:
//! `∂L/∂W = xᵀ·∂L/∂y`, `∂L/∂b_j = Σ_i ∂L/∂y_ij` and `∂L/∂x = ∂L/∂y·Wᵀ`.

use crate::matrix::{gemm_acc, gemm_tn_acc, matmul_nt, Mat};
use crate::params::{Init, Layout, SlotId};
use crate::real::Real;
use crate::{Grads, Weights};

/// The slots of one linear map.
#[derive(Debug, Clone, PartialEq)]
pub struct Linear {
    /// `d_in × d_out`.
    pub weight: SlotId,
    /// `d_out`, when the map has a bias.
    pub bias: Option<SlotId>,
    pub d_in: usize,
    pub d_out: usize,
}

impl Linear {
    /// A map named `name` (slots `name.weight`, `name.bias`): weights uniform in ±1/√d_in as
    /// PyTorch's `nn.Linear` starts, biases zero.
    pub fn new(layout: &mut Layout, name: &str, d_in: usize, d_out: usize, bias: bool) -> Linear {
        let limit = 1.0 / (d_in as f64).sqrt();
        let weight = layout.add(format!("{name}.weight"), &[d_in, d_out], Init::Uniform(limit));
        let bias = bias.then(|| layout.add(format!("{name}.bias"), &[d_out], Init::Zeros));
        Linear { weight, bias, d_in, d_out }
    }

    pub fn forward<T: Real>(&self, w: &Weights<'_, T>, x: &Mat<T>) -> Mat<T> {
        assert_eq!(x.cols, self.d_in, "input width");
        let mut y = Mat::zeros(x.rows, self.d_out);
        if let Some(b) = self.bias {
            let b = w.get(b);
            for i in 0..x.rows {
                y.row_mut(i).copy_from_slice(b);
            }
        }
        gemm_acc(&x.data, w.get(self.weight), &mut y.data, x.rows, self.d_in, self.d_out);
        y
    }

    /// Adds the gradients of W and b for the input `x` and `dy = ∂L/∂y`; returns `∂L/∂x`.
    pub fn backward<T: Real>(&self, w: &Weights<'_, T>, g: &mut Grads<'_, T>, x: &Mat<T>, dy: &Mat<T>) -> Mat<T> {
        gemm_tn_acc(&x.data, &dy.data, g.get_mut(self.weight), x.rows, self.d_in, self.d_out);
        if let Some(b) = self.bias {
            let db = g.get_mut(b);
            for i in 0..dy.rows {
                for (d, &v) in db.iter_mut().zip(dy.row(i)) {
                    *d += v;
                }
            }
        }
        let weight = Mat::from_vec(self.d_in, self.d_out, w.get(self.weight).to_vec());
        matmul_nt(dy, &weight)
    }
}
