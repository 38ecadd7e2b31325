//! Multi-head attention, self or cross, with an optional causal mask and optional rotary
//! positions ([`Rotary`]: each head's Q and K turned by their position after the projections).
//!
//! Forward, per sequence and head `h` (columns `h·d_h .. (h+1)·d_h` of the projections):
//! `Q = x_q W_Q + b_Q`, `K = x_kv W_K + b_K`, `V = x_kv W_V + b_V`,
//! `S = Q_h K_hᵀ / √d_h` (causal: `S_ij = −∞` for `j > i`), `P = softmax_rows(S)`,
//! `O_h = P V_h`, and the heads side by side through the output map, `y = [O_1 … O_H] W_O + b_O`.
//!
//! Backward, from `∂L/∂O_h`: `∂L/∂V_h = Pᵀ ∂L/∂O_h`, `∂L/∂P = ∂L/∂O_h V_hᵀ`, `∂L/∂S` by the
//! softmax's rule ([`crate::softmax`]), then with `c = 1/√d_h`: `∂L/∂Q_h = c·∂L/∂S K_h` and
//! `∂L/∂K_h = c·∂L/∂Sᵀ Q_h`; the projections' own backward gives `∂L/∂x_q` and `∂L/∂x_kv`.

use crate::linear::Linear;
use crate::matrix::{matmul, matmul_nt, matmul_tn, Mat};
use crate::params::Layout;
use crate::real::Real;
use crate::softmax::{softmax_row, softmax_row_backward};
use crate::{Grads, Weights};

/// The four maps of one attention block and its number of heads.
#[derive(Debug, Clone, PartialEq)]
pub struct Attention {
    pub q: Linear,
    pub k: Linear,
    pub v: Linear,
    pub o: Linear,
    pub heads: usize,
    /// Query `i` sees keys `0..=i` only.
    pub causal: bool,
    /// Rotary positions: each head's queries and keys are turned by their position.
    pub rotary: bool,
}

/// Rotary positions as Llama applies them ("rotate half"): dimension `i < d_h/2` of a head is
/// paired with `i + d_h/2`, and the pair of position `p` turns by the angle `p·fᵢ`,
/// `fᵢ = 10000^(−2i/d_h)`:
/// `x'ᵢ = xᵢ cos − xᵢ₊ₕ sin`, `x'ᵢ₊ₕ = xᵢ₊ₕ cos + xᵢ sin`.
/// A rotation is orthogonal, so the backward pass turns the gradient back by the same angle
/// (the transpose): `∂L/∂xᵢ = ∂L/∂x'ᵢ cos + ∂L/∂x'ᵢ₊ₕ sin`, `∂L/∂xᵢ₊ₕ = ∂L/∂x'ᵢ₊ₕ cos − ∂L/∂x'ᵢ sin`.
/// The frequencies and angles are rounded as the core's inference (`positions::RotaryHalf`) does.
pub struct Rotary;

impl Rotary {
    /// `(cos, sin)` of pair `i` at position `p` for heads `d_h` wide.
    fn angle<T: Real>(p: usize, i: usize, head_dim: usize) -> (T, T) {
        let exponent = (2 * i) as f32 / head_dim as f32;
        let frequency = (1.0 / libm::pow(10_000.0, f64::from(exponent))) as f32;
        let angle = f64::from(p as f32 * frequency);
        (T::from_f64(libm::cos(angle)), T::from_f64(libm::sin(angle)))
    }

    /// Turns every head of `x` (`batch` sequences of `len` rows, heads `head_dim` wide side by
    /// side) in place; `back` turns the other way (the backward pass).
    pub fn apply<T: Real>(x: &mut Mat<T>, len: usize, head_dim: usize, back: bool) {
        let half = head_dim / 2;
        for r in 0..x.rows {
            let p = r % len;
            let row = x.row_mut(r);
            for head in row.chunks_exact_mut(head_dim) {
                for i in 0..half {
                    let (cos, sin) = Self::angle::<T>(p, i, head_dim);
                    let sin = if back { -sin } else { sin };
                    let (a, b) = (head[i], head[i + half]);
                    head[i] = a * cos - b * sin;
                    head[i + half] = b * cos + a * sin;
                }
            }
        }
    }
}

/// How the queries and keys of a batch are laid out: `batch` sequences, each `queries` rows of
/// `x_q` and `keys` rows of `x_kv`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Shape {
    pub batch: usize,
    pub queries: usize,
    pub keys: usize,
}

/// What the backward pass needs.
#[derive(Debug, Clone)]
pub struct AttentionCache<T> {
    pub x_q: Mat<T>,
    pub x_kv: Mat<T>,
    pub q: Mat<T>,
    pub k: Mat<T>,
    pub v: Mat<T>,
    /// Per sequence, per head: `P` (`queries × keys`).
    pub probs: Vec<Mat<T>>,
    /// The heads' outputs side by side, before `W_O`.
    pub context: Mat<T>,
    pub shape: Shape,
}

impl Attention {
    /// Maps `name.q`, `name.k`, `name.v`, `name.o` (`d × d`, with biases).
    pub fn new(layout: &mut Layout, name: &str, d: usize, heads: usize, causal: bool) -> Attention {
        assert!(heads > 0 && d % heads == 0, "d_model {d} must be a multiple of the {heads} heads");
        let mut map = |part: &str| Linear::new(layout, &format!("{name}.{part}"), d, d, true);
        Attention { q: map("q"), k: map("k"), v: map("v"), o: map("o"), heads, causal, rotary: false }
    }

    fn head_dim(&self) -> usize {
        self.q.d_out / self.heads
    }

    fn scale<T: Real>(&self) -> T {
        T::ONE / T::from_usize(self.head_dim()).sqrt()
    }

    /// `y` for queries read from `x_q` and keys and values from `x_kv` (the same matrix for
    /// self-attention).
    pub fn forward<T: Real>(&self, w: &Weights<'_, T>, x_q: &Mat<T>, x_kv: &Mat<T>, shape: Shape) -> (Mat<T>, AttentionCache<T>) {
        let (mut q, mut k, v) = (self.q.forward(w, x_q), self.k.forward(w, x_kv), self.v.forward(w, x_kv));
        let dh = self.head_dim();
        if self.rotary {
            Rotary::apply(&mut q, shape.queries, dh, false);
            Rotary::apply(&mut k, shape.keys, dh, false);
        }
        let scale: T = self.scale();
        let mut context = Mat::zeros(x_q.rows, self.q.d_out);
        let mut probs = Vec::with_capacity(shape.batch * self.heads);
        for b in 0..shape.batch {
            for h in 0..self.heads {
                let qh = q.block(b * shape.queries, shape.queries, h * dh, dh);
                let kh = k.block(b * shape.keys, shape.keys, h * dh, dh);
                let vh = v.block(b * shape.keys, shape.keys, h * dh, dh);
                let mut scores = matmul_nt(&qh, &kh);
                scores.scale(scale);
                let mut p = Mat::zeros(shape.queries, shape.keys);
                for i in 0..shape.queries {
                    let causal = self.causal;
                    softmax_row(scores.row(i), |j| !causal || j <= i, p.row_mut(i));
                }
                context.add_block(b * shape.queries, h * dh, &matmul(&p, &vh));
                probs.push(p);
            }
        }
        let y = self.o.forward(w, &context);
        (y, AttentionCache { x_q: x_q.clone(), x_kv: x_kv.clone(), q, k, v, probs, context, shape })
    }

    /// Adds the four maps' gradients; returns `(∂L/∂x_q, ∂L/∂x_kv)`.
    pub fn backward<T: Real>(&self, w: &Weights<'_, T>, g: &mut Grads<'_, T>, cache: &AttentionCache<T>, dy: &Mat<T>) -> (Mat<T>, Mat<T>) {
        let shape = cache.shape;
        let dh = self.head_dim();
        let scale: T = self.scale();
        let dcontext = self.o.backward(w, g, &cache.context, dy);
        let mut dq = Mat::zeros(cache.q.rows, cache.q.cols);
        let mut dk = Mat::zeros(cache.k.rows, cache.k.cols);
        let mut dv = Mat::zeros(cache.v.rows, cache.v.cols);
        for b in 0..shape.batch {
            for h in 0..self.heads {
                let p = &cache.probs[b * self.heads + h];
                let qh = cache.q.block(b * shape.queries, shape.queries, h * dh, dh);
                let kh = cache.k.block(b * shape.keys, shape.keys, h * dh, dh);
                let vh = cache.v.block(b * shape.keys, shape.keys, h * dh, dh);
                let dout = dcontext.block(b * shape.queries, shape.queries, h * dh, dh);
                dv.add_block(b * shape.keys, h * dh, &matmul_tn(p, &dout));
                let dp = matmul_nt(&dout, &vh);
                let mut ds = Mat::zeros(shape.queries, shape.keys);
                for i in 0..shape.queries {
                    softmax_row_backward(p.row(i), dp.row(i), ds.row_mut(i));
                }
                ds.scale(scale);
                dq.add_block(b * shape.queries, h * dh, &matmul(&ds, &kh));
                dk.add_block(b * shape.keys, h * dh, &matmul_tn(&ds, &qh));
            }
        }
        if self.rotary {
            Rotary::apply(&mut dq, shape.queries, dh, true);
            Rotary::apply(&mut dk, shape.keys, dh, true);
        }
        let dx_q = self.q.backward(w, g, &cache.x_q, &dq);
        let mut dx_kv = self.k.backward(w, g, &cache.x_kv, &dk);
        dx_kv.add_assign(&self.v.backward(w, g, &cache.x_kv, &dv));
        (dx_q, dx_kv)
    }
}
