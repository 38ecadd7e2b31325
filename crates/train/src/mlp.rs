//! The feed-forward block: `y = relu(x·W₁ + b₁)·W₂ + b₂`.
//!
//! Backward: with `u = x·W₁ + b₁` and `a = relu(u)`, the second map gives `∂L/∂a`, then
//! `∂L/∂u = ∂L/∂a ⊙ [u > 0]` (ReLU's derivative, 0 at and below 0 as PyTorch takes it), and the
//! first map gives `∂L/∂x`.

use crate::linear::Linear;
use crate::matrix::Mat;
use crate::params::Layout;
use crate::real::Real;
use crate::{Grads, Weights};

/// The two maps of the block.
#[derive(Debug, Clone, PartialEq)]
pub struct Mlp {
    pub fc1: Linear,
    pub fc2: Linear,
}

/// The block's input and the activations before the ReLU.
#[derive(Debug, Clone)]
pub struct MlpCache<T> {
    pub x: Mat<T>,
    pub pre: Mat<T>,
    pub hidden: Mat<T>,
}

impl Mlp {
    /// Maps `name.fc1` (`d × inner`) and `name.fc2` (`inner × d`).
    pub fn new(layout: &mut Layout, name: &str, d: usize, inner: usize) -> Mlp {
        Mlp {
            fc1: Linear::new(layout, &format!("{name}.fc1"), d, inner, true),
            fc2: Linear::new(layout, &format!("{name}.fc2"), inner, d, true),
        }
    }

    pub fn forward<T: Real>(&self, w: &Weights<'_, T>, x: &Mat<T>) -> (Mat<T>, MlpCache<T>) {
        let pre = self.fc1.forward(w, x);
        let mut hidden = pre.clone();
        for v in &mut hidden.data {
            *v = v.max(T::ZERO);
        }
        let y = self.fc2.forward(w, &hidden);
        (y, MlpCache { x: x.clone(), pre, hidden })
    }

    pub fn backward<T: Real>(&self, w: &Weights<'_, T>, g: &mut Grads<'_, T>, cache: &MlpCache<T>, dy: &Mat<T>) -> Mat<T> {
        let mut dhidden = self.fc2.backward(w, g, &cache.hidden, dy);
        for (d, &u) in dhidden.data.iter_mut().zip(&cache.pre.data) {
            if u <= T::ZERO {
                *d = T::ZERO;
            }
        }
        self.fc1.backward(w, g, &cache.x, &dhidden)
    }
}
