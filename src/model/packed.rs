//! The encoder's linear maps as WebAssembly runs them: `y = x · W + b` with `W` stored once, at
//! load, in panels of [`NR`] columns (each panel `d_in × NR`, row-major), so the product streams
//! through `W` in order and keeps a small tile of `y` in SIMD registers.
//!
//! The micro-kernel multiplies 2 rows of `x` by one panel: 2 × 16 accumulators, one broadcast
//! element of `x` per row and step. It is plain Rust that the compiler turns into `f32x4`
//! operations under `+simd128`; in Chromium (V8 on x86-64) it reaches about 35 GFLOP/s on
//! MiniLM's shapes, where matrixmultiply's 8 × 8 kernel reaches about 23: that kernel keeps
//! 16 accumulators plus its operands live, more than the 16 vector registers V8 allocates, and
//! splats lanes with shuffles. Blocks of `KC` steps × `MC` rows keep a panel's block in L1
//! and the rows' block in L2.
//!
//! Natively the encoder keeps the core's [`Linear`] (matrixmultiply's AVX/FMA kernels, rows
//! split across cores); this module is compiled everywhere and tested natively against it.

use ndarray::{Array2, ArrayView2};

use crate::linear::Linear;

/// Columns per panel (four `f32x4` vectors).
pub const NR: usize = 16;
/// Rows of `x` per micro-kernel call.
const MR: usize = 2;
/// Steps (inner dimension) per block: one panel block is `KC × NR` floats, 16 KB.
const KC: usize = 256;
/// Rows of `x` per block: `MC × KC` floats, 64 KB.
const MC: usize = 64;

/// A linear map `x · W + b` whose weight is stored in column panels.
#[derive(Debug, Clone, PartialEq)]
pub struct PackedLinear {
    d_in: usize,
    d_out: usize,
    /// `⌈d_out / NR⌉` panels of `d_in × NR`, the last one padded with zero columns.
    panels: Vec<f32>,
    /// `⌈d_out / NR⌉ · NR` entries, zero-padded (all zero when the map has no bias).
    bias: Vec<f32>,
}

/// The form of the encoder's linear maps on this target.
#[cfg(target_arch = "wasm32")]
pub type EncoderLinear = PackedLinear;
/// The form of the encoder's linear maps on this target.
#[cfg(not(target_arch = "wasm32"))]
pub type EncoderLinear = Linear;

/// A loaded linear map in the form this target's encoder uses.
#[cfg(target_arch = "wasm32")]
pub fn for_encoder(linear: Linear) -> EncoderLinear {
    PackedLinear::from(linear)
}

/// A loaded linear map in the form this target's encoder uses.
#[cfg(not(target_arch = "wasm32"))]
pub fn for_encoder(linear: Linear) -> EncoderLinear {
    linear
}

impl From<Linear> for PackedLinear {
    fn from(linear: Linear) -> Self {
        let (d_in, d_out) = linear.weight.dim();
        let panel_count = d_out.div_ceil(NR);
        let mut panels = vec![0.0; panel_count * d_in * NR];
        for (j, panel) in panels.chunks_exact_mut(d_in * NR).enumerate() {
            let cols = NR.min(d_out - j * NR);
            for (row, w) in panel.chunks_exact_mut(NR).zip(linear.weight.rows()) {
                for (c, slot) in row[..cols].iter_mut().enumerate() {
                    *slot = w[j * NR + c];
                }
            }
        }
        let mut bias = vec![0.0; panel_count * NR];
        if let Some(b) = &linear.bias {
            for (slot, v) in bias.iter_mut().zip(b) {
                *slot = *v;
            }
        }
        PackedLinear { d_in, d_out, panels, bias }
    }
}

impl PackedLinear {
    pub fn d_in(&self) -> usize {
        self.d_in
    }

    pub fn d_out(&self) -> usize {
        self.d_out
    }

    /// `x · W + b` for `x` of shape `T × d_in`.
    ///
    /// # Panics
    /// When `x` does not have `d_in` columns (the encoder's shapes are checked at load).
    pub fn apply(&self, x: ArrayView2<f32>) -> Array2<f32> {
        assert_eq!(x.ncols(), self.d_in, "input width");
        let (t, k, n) = (x.nrows(), self.d_in, self.d_out);
        let x = x.as_standard_layout();
        let xs = x.as_slice().expect("standard layout");
        let mut y = vec![0.0f32; t * n];
        for kb in (0..k).step_by(KC) {
            let kc = KC.min(k - kb);
            for ib in (0..t).step_by(MC) {
                let rows = MC.min(t - ib);
                for (j, panel) in self.panels.chunks_exact(k * NR).enumerate() {
                    let b = &panel[kb * NR..(kb + kc) * NR];
                    let tile = Tile { first_col: j * NR, cols: NR.min(n - j * NR), first_step: kb == 0 };
                    let row_of = |i: usize| &xs[i * k + kb..i * k + kb + kc];
                    let mut i = ib;
                    while i + MR <= ib + rows {
                        let acc = kernel([row_of(i), row_of(i + 1)], b);
                        tile.store(&acc, &mut y[i * n..(i + MR) * n], n, &self.bias);
                        i += MR;
                    }
                    if i < ib + rows {
                        let acc = kernel([row_of(i)], b);
                        tile.store(&acc, &mut y[i * n..(i + 1) * n], n, &self.bias);
                    }
                }
            }
        }
        Array2::from_shape_vec((t, n), y).expect("t × n values")
    }
}

/// Where a micro-kernel's result goes in `y`.
struct Tile {
    first_col: usize,
    /// Valid columns of the panel (fewer than `NR` in the last, padded panel).
    cols: usize,
    /// The first block of steps writes `acc + b`; later blocks add to what is there.
    first_step: bool,
}

impl Tile {
    fn store<const R: usize>(&self, acc: &[[f32; NR]; R], rows: &mut [f32], n: usize, bias: &[f32]) {
        let bias = &bias[self.first_col..self.first_col + self.cols];
        for (acc, row) in acc.iter().zip(rows.chunks_exact_mut(n)) {
            let out = &mut row[self.first_col..self.first_col + self.cols];
            if self.first_step {
                for ((o, a), b) in out.iter_mut().zip(acc).zip(bias) {
                    *o = a + b;
                }
            } else {
                for (o, a) in out.iter_mut().zip(acc) {
                    *o += a;
                }
            }
        }
    }
}

/// `R` rows of `x` (each `kc` long) times one panel block (`kc × NR`): an `R × NR` tile.
#[inline(always)]
fn kernel<const R: usize>(a: [&[f32]; R], b: &[f32]) -> [[f32; NR]; R] {
    let mut acc = [[0.0f32; NR]; R];
    for (p, bp) in b.chunks_exact(NR).enumerate() {
        for r in 0..R {
            let av = a[r][p];
            for (acc, bv) in acc[r].iter_mut().zip(bp) {
                *acc += av * bv;
            }
        }
    }
    acc
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rng::SplitMix64;

    fn random(rows: usize, cols: usize, seed: u64) -> Array2<f32> {
        let mut rng = SplitMix64::new(seed);
        Array2::from_shape_simple_fn((rows, cols), || rng.uniform(1.0))
    }

    #[test]
    fn equals_the_core_linear_map_on_ragged_shapes() {
        // Rows, depth and columns around the kernel's and blocks' sizes, and degenerate ones.
        for (t, k, n) in [(1, 1, 1), (2, 3, 5), (7, 30, 90), (65, 257, 33), (16, 384, 1152), (3, 600, 17)] {
            let mut linear = Linear::new(random(k, n, 1));
            linear.bias = Some(random(1, n, 2).row(0).to_owned());
            let x = random(t, k, 3);
            let want = linear.apply(x.view());
            let got = PackedLinear::from(linear.clone()).apply(x.view());
            assert_eq!(got.dim(), (t, n));
            let worst = got.iter().zip(&want).map(|(a, b)| (a - b).abs()).fold(0.0, f32::max);
            assert!(worst < 1e-4, "{t}×{k}×{n}: max abs error {worst}");
        }
    }

    #[test]
    fn takes_any_input_layout_and_no_bias() {
        let linear = Linear::new(random(6, 20, 4));
        let x = random(6, 9, 5);
        let transposed = x.t();
        let got = PackedLinear::from(linear.clone()).apply(transposed);
        let want = transposed.dot(&linear.weight);
        assert!(got.iter().zip(&want).all(|(a, b)| (a - b).abs() < 1e-5));
    }
}
