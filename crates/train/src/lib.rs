//! # The maths of training a small Transformer
//!
//! Reverse-mode gradients written by hand, each layer's backward beside its forward with the
//! derivation in its doc comment: [`linear`], [`layer_norm`], [`softmax`], [`attention`] (heads,
//! causal mask, self and cross), [`embedding`] (tokens, sinusoidal or learned positions),
//! [`mlp`], [`cross_entropy`]; [`adam`] (with warm-up and clipping); [`model`] (an
//! encoder–decoder or a decoder-only Transformer over a flat parameter vector, [`params`]).
//!
//! Everything is generic over [`Real`] (`f32` to train, `f64` for the finite-difference checks),
//! every sum runs in a fixed order ([`matrix`]) and every transcendental function is `libm`'s, so
//! the same seed gives the same weights bit for bit on every machine and in WebAssembly. The crate
//! has no randomness of its own: whoever trains fills the slots as their [`params::Init`] says.
//!
//! It is a crate of its own so that its tests and the tools built on it can compile it with
//! optimisation while the rest of the project builds for debugging (see the workspace's
//! `Cargo.toml`).

pub mod adam;
pub mod attention;
pub mod cross_entropy;
pub mod embedding;
pub mod layer_norm;
pub mod linear;
pub mod matrix;
pub mod mlp;
pub mod model;
pub mod params;
pub mod real;
pub mod softmax;

pub use adam::{Adam, AdamSettings};
pub use matrix::Mat;
pub use model::{Architecture, Batch, Model, PositionKind, Spec, Stats};
pub use params::{Init, Layout, Slot, SlotId};
pub use real::Real;

/// The parameters' values as a layer reads them.
#[derive(Debug, Clone, Copy)]
pub struct Weights<'a, T> {
    pub layout: &'a Layout,
    pub values: &'a [T],
}

impl<'a, T> Weights<'a, T> {
    pub fn get(&self, id: SlotId) -> &'a [T] {
        self.layout.get(self.values, id)
    }
}

/// The gradient as a layer adds to it (as long as the parameters).
#[derive(Debug)]
pub struct Grads<'a, T> {
    pub layout: &'a Layout,
    pub values: &'a mut [T],
}

impl<T> Grads<'_, T> {
    pub fn get_mut(&mut self, id: SlotId) -> &mut [T] {
        self.layout.get_mut(self.values, id)
    }
}
