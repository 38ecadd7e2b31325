//! Adam (Kingma & Ba, 2015) with a linear warm-up of the learning rate and clipping of the
//! gradient's global norm.
//!
//! Step `t` (from 1), gradient `g` (scaled by `c/‖g‖` when its norm exceeds `c`):
//! `m ← β₁m + (1−β₁)g`, `v ← β₂v + (1−β₂)g²`, `m̂ = m/(1−β₁ᵗ)`, `v̂ = v/(1−β₂ᵗ)`,
//! `θ ← θ − η_t m̂/(√v̂ + ε)` with `η_t = η·min(t/w, √(w/t))` for `w` warm-up steps: a linear
//! rise to the peak, then the inverse square-root decay of Vaswani et al. (2017), which needs no
//! planned number of steps (training in the page goes on as long as the reader wants). `β₁ᵗ` and `β₂ᵗ` are running
//! products (one multiplication a step), not powers, and the norm is summed in order, so every
//! platform takes the same step.

use crate::real::Real;

/// Adam's settings.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct AdamSettings {
    /// Peak learning rate η.
    pub learning_rate: f64,
    pub beta1: f64,
    pub beta2: f64,
    pub eps: f64,
    /// Steps over which the rate rises linearly to η before it decays as `√(w/t)` (0: a constant η).
    pub warmup: usize,
    /// Largest global norm of the gradient (`None`: no clipping).
    pub clip: Option<f64>,
}

impl Default for AdamSettings {
    fn default() -> Self {
        AdamSettings { learning_rate: 1e-3, beta1: 0.9, beta2: 0.98, eps: 1e-9, warmup: 100, clip: Some(1.0) }
    }
}

/// The optimiser's state: both moments of every parameter and the step count.
#[derive(Debug, Clone, PartialEq)]
pub struct Adam<T> {
    pub settings: AdamSettings,
    pub m: Vec<T>,
    pub v: Vec<T>,
    pub step: usize,
    beta1_t: T,
    beta2_t: T,
}

impl<T: Real> Adam<T> {
    pub fn new(settings: AdamSettings, parameters: usize) -> Adam<T> {
        Adam { settings, m: vec![T::ZERO; parameters], v: vec![T::ZERO; parameters], step: 0, beta1_t: T::ONE, beta2_t: T::ONE }
    }

    /// The learning rate of step `t` (from 1).
    pub fn rate_at(&self, t: usize) -> f64 {
        let warmup = self.settings.warmup;
        let (t, w) = (t.max(1) as f64, warmup as f64);
        if warmup == 0 {
            self.settings.learning_rate
        } else if t < w {
            self.settings.learning_rate * t / w
        } else {
            self.settings.learning_rate * (w / t).sqrt()
        }
    }

    /// The gradient's global norm `√Σ g²`.
    pub fn norm(grads: &[T]) -> T {
        grads.iter().map(|&g| g * g).sum::<T>().sqrt()
    }

    /// One step on `values` with `grads`; returns the gradient's norm before clipping.
    pub fn update(&mut self, values: &mut [T], grads: &[T]) -> T {
        let s = self.settings;
        self.step += 1;
        let norm = Self::norm(grads);
        let clip = match s.clip {
            Some(c) if norm.to_f64() > c => T::from_f64(c) / norm,
            _ => T::ONE,
        };
        let (b1, b2) = (T::from_f64(s.beta1), T::from_f64(s.beta2));
        self.beta1_t *= b1;
        self.beta2_t *= b2;
        let (c1, c2) = (T::ONE - self.beta1_t, T::ONE - self.beta2_t);
        let rate = T::from_f64(self.rate_at(self.step));
        let eps = T::from_f64(s.eps);
        for (((p, &g), m), v) in values.iter_mut().zip(grads).zip(&mut self.m).zip(&mut self.v) {
            let g = g * clip;
            *m = b1 * *m + (T::ONE - b1) * g;
            *v = b2 * *v + (T::ONE - b2) * g * g;
            let m_hat = *m / c1;
            let v_hat = *v / c2;
            *p -= rate * m_hat / (v_hat.sqrt() + eps);
        }
        norm
    }
}

impl Adam<f32> {
    /// [`Adam::update`] in `f32`, compiled in this crate (as [`crate::Model::step_f32`]).
    pub fn update_f32(&mut self, values: &mut [f32], grads: &[f32]) -> f32 {
        self.update(values, grads)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn warm_up_then_inverse_square_root() {
        let adam = Adam::<f64>::new(AdamSettings { learning_rate: 0.01, warmup: 4, ..AdamSettings::default() }, 1);
        let rates: Vec<f64> = [1, 2, 4, 16].iter().map(|&t| adam.rate_at(t)).collect();
        assert_eq!(rates, [0.0025, 0.005, 0.01, 0.005]);
        let constant = Adam::<f64>::new(AdamSettings { learning_rate: 0.01, warmup: 0, ..AdamSettings::default() }, 1);
        assert_eq!(constant.rate_at(1000), 0.01);
    }

    #[test]
    fn two_steps_by_hand() {
        let settings = AdamSettings { learning_rate: 0.1, beta1: 0.9, beta2: 0.99, eps: 0.0, warmup: 0, clip: None };
        let mut adam = Adam::<f64>::new(settings, 1);
        let mut theta = [1.0];
        adam.update(&mut theta, &[0.5]);
        // m̂ = g and v̂ = g² after the first step: the step is η·sign(g).
        assert!((theta[0] - 0.9).abs() < 1e-15);
        adam.update(&mut theta, &[-1.0]);
        let m = 0.9 * 0.05 - 0.1; // β₁m + (1 − β₁)g with m = 0.05, g = −1
        let v = 0.99 * 0.0025 + 0.01 * 1.0;
        let expected = 0.9 - 0.1 * (m / (1.0 - 0.81)) / (v / (1.0 - 0.9801)).sqrt();
        assert!((theta[0] - expected).abs() < 1e-12, "{} vs {expected}", theta[0]);
    }

    #[test]
    fn a_large_gradient_is_clipped_to_the_norm() {
        let settings = AdamSettings { learning_rate: 0.1, warmup: 0, clip: Some(1.0), ..AdamSettings::default() };
        let mut adam = Adam::<f64>::new(settings, 2);
        let mut theta = [0.0, 0.0];
        let norm = adam.update(&mut theta, &[30.0, 40.0]);
        assert_eq!(norm, 50.0);
        assert!((adam.m[0] - 0.1 * 0.6).abs() < 1e-15 && (adam.m[1] - 0.1 * 0.8).abs() < 1e-15, "{:?}", adam.m);
    }
}
