//! Token embeddings and positions: row `t` of a sequence becomes `s·E[id_t] + P[t]`, with `s`
//! 1 or √d and `P` sinusoidal (fixed), learned (a table of parameters) or none (rotary positions
//! enter in attention instead).
//!
//! Backward: a lookup copies a row, so `∂L/∂E[id] += s·∂L/∂x_t` for every `t` that read `id`
//! (a scatter-add), and for learned positions `∂L/∂P[t] += ∂L/∂x_t` summed over the batch.

use crate::matrix::Mat;
use crate::params::{Init, Layout, SlotId};
use crate::real::Real;
use crate::{Grads, Weights};

/// A table of `vocab` rows of width `d`.
#[derive(Debug, Clone, PartialEq)]
pub struct Embedding {
    pub table: SlotId,
    pub vocab: usize,
    pub d: usize,
}

/// How positions enter.
#[derive(Debug, Clone, PartialEq)]
pub enum Positions {
    /// `sin`/`cos` pairs of Vaswani et al., fixed.
    Sinusoidal,
    /// A learned table (`max_positions × d`).
    Learned(SlotId),
    /// None added here: attention turns each head's queries and keys by their position
    /// ([`crate::attention::Rotary`]).
    Rotary,
}

impl Embedding {
    pub fn new(layout: &mut Layout, name: &str, vocab: usize, d: usize, std: f64) -> Embedding {
        Embedding { table: layout.add(name, &[vocab, d], Init::Normal(std)), vocab, d }
    }

    /// `scale·E[ids]` plus the positions, the sequences `len` tokens each.
    pub fn forward<T: Real>(&self, w: &Weights<'_, T>, ids: &[u32], len: usize, scale: f64, positions: &Positions) -> Mat<T> {
        let table = w.get(self.table);
        let scale = T::from_f64(scale);
        let pe = match positions {
            Positions::Sinusoidal => sinusoidal(len, self.d),
            Positions::Learned(slot) => Mat::from_vec(len, self.d, w.get(*slot)[..len * self.d].to_vec()),
            Positions::Rotary => Mat::zeros(len, self.d),
        };
        let mut x = Mat::zeros(ids.len(), self.d);
        for (r, &id) in ids.iter().enumerate() {
            let row = &table[id as usize * self.d..(id as usize + 1) * self.d];
            for ((o, &e), &p) in x.row_mut(r).iter_mut().zip(row).zip(pe.row(r % len)) {
                *o = scale * e + p;
            }
        }
        x
    }

    pub fn backward<T: Real>(&self, g: &mut Grads<'_, T>, ids: &[u32], len: usize, scale: f64, positions: &Positions, dx: &Mat<T>) {
        let s = T::from_f64(scale);
        let d = self.d;
        {
            let table = g.get_mut(self.table);
            for (r, &id) in ids.iter().enumerate() {
                for (t, &v) in table[id as usize * d..(id as usize + 1) * d].iter_mut().zip(dx.row(r)) {
                    *t += s * v;
                }
            }
        }
        if let Positions::Learned(slot) = positions {
            let table = g.get_mut(*slot);
            for r in 0..ids.len() {
                let t = r % len;
                for (p, &v) in table[t * d..(t + 1) * d].iter_mut().zip(dx.row(r)) {
                    *p += v;
                }
            }
        }
    }
}

/// The sinusoidal table (`len × d`): dimensions `2i` and `2i+1` of position `t` are
/// `sin(t/10000^(2i/d))` and `cos(t/10000^(2i/d))`, computed with `libm` in f64.
pub fn sinusoidal<T: Real>(len: usize, d: usize) -> Mat<T> {
    let mut pe = Mat::zeros(len, d);
    for t in 0..len {
        for j in 0..d {
            let divisor = libm::pow(10_000.0, 2.0 * (j / 2) as f64 / d as f64);
            let angle = t as f64 / divisor;
            pe.data[t * d + j] = T::from_f64(if j % 2 == 0 { libm::sin(angle) } else { libm::cos(angle) });
        }
    }
    pe
}
