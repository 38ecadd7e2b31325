//! The element-wise and row-wise steps of the models' layers besides attention and matrix products.

use ndarray::{Array1, Array2, ArrayView2, Axis, Zip};

use super::config::Activation;
use super::weights::LayerNormWeights;
use crate::attention::softmax::exp;

/// Normalises every row to mean 0 and variance 1 (the biased variance, as PyTorch does), then
/// scales by γ and shifts by β.
pub fn layer_norm(x: &mut Array2<f32>, w: &LayerNormWeights, eps: f32) {
    let d = x.ncols() as f32;
    for mut row in x.rows_mut() {
        let mean = row.sum() / d;
        let var = row.iter().map(|v| (v - mean) * (v - mean)).sum::<f32>() / d;
        let inv = 1.0 / (var + eps).sqrt();
        Zip::from(&mut row).and(&w.gamma).and(&w.beta).for_each(|v, g, b| {
            *v = (*v - mean) * inv * g + b;
        });
    }
}

/// Applies the feed-forward non-linearity to every entry.
pub fn activate(x: &mut Array2<f32>, activation: Activation) {
    match activation {
        Activation::Gelu => x.mapv_inplace(|v| 0.5 * v * (1.0 + erf(v * std::f32::consts::FRAC_1_SQRT_2))),
        Activation::GeluTanh => x.mapv_inplace(|v| {
            const C: f32 = 0.797_884_6; // √(2/π)
            0.5 * v * (1.0 + tanh(C * (v + 0.044_715 * v * v * v)))
        }),
        Activation::Relu => x.mapv_inplace(|v| v.max(0.0)),
        Activation::Silu => x.mapv_inplace(|v| v / (1.0 + (-v).exp())),
    }
}

/// Root-mean-square normalisation (Llama's RMSNorm): every row divided by the root of its mean
/// square (+ ε), then scaled by `gamma`. The sum of squares is taken in f64 so long rows lose
/// nothing to rounding.
pub fn rms_norm(x: &mut Array2<f32>, gamma: &Array1<f32>, eps: f32) {
    let d = x.ncols() as f64;
    for mut row in x.rows_mut() {
        let mean_square = row.iter().map(|&v| f64::from(v) * f64::from(v)).sum::<f64>() / d;
        let inv = (1.0 / (mean_square + f64::from(eps)).sqrt()) as f32;
        Zip::from(&mut row).and(gamma).for_each(|v, g| *v = *v * inv * g);
    }
}

/// The error function by Abramowitz & Stegun 7.1.28: `1 − (1 + a₁x + … + a₆x⁶)⁻¹⁶` for x ≥ 0,
/// odd for x < 0, absolute error ≤ 2.6·10⁻⁷ (f32 resolution near 1). Evaluated in f64 because the
/// 16th power multiplies f32 rounding errors by 16. Branch-free, so the compiler vectorises the
/// GELU loop, unlike a library `erff` call per element.
pub fn erf(x: f32) -> f32 {
    const A: [f64; 6] = [0.070_523_078_4, 0.042_282_012_3, 0.009_270_527_2, 0.000_152_014_3, 0.000_276_567_2, 0.000_043_063_8];
    let t = (x as f64).abs();
    let p = 1.0 + t * (A[0] + t * (A[1] + t * (A[2] + t * (A[3] + t * (A[4] + t * A[5])))));
    let p2 = p * p;
    let p4 = p2 * p2;
    let p8 = p4 * p4;
    let y = 1.0 - 1.0 / (p8 * p8);
    (y as f32).copysign(x)
}

/// `tanh x = sign(x) · (1 − e^(−2|x|)) / (1 + e^(−2|x|))` with the softmax's [`exp`]: within
/// 3·10⁻⁷ of the exact value (absolute; GPT-2's GELU adds it to 1). Branch-free, so the GELU loop
/// vectorises, unlike a library `tanhf` call per element.
pub fn tanh(x: f32) -> f32 {
    let e = exp(-2.0 * x.abs());
    ((1.0 - e) / (1.0 + e)).copysign(x)
}

/// The sentence embedding of sentence-transformers' mean pooling + normalisation: the mean of
/// the token vectors (every token counts, `[CLS]` and `[SEP]` included), divided by its
/// Euclidean norm (clamped below at 1e-12).
pub fn mean_pool_normalized(hidden: ArrayView2<f32>) -> Array1<f32> {
    let mean = hidden.mean_axis(Axis(0)).unwrap_or_else(|| Array1::zeros(hidden.ncols()));
    let norm = mean.dot(&mean).sqrt().max(1e-12);
    mean / norm
}

#[cfg(test)]
mod tests {
    use super::*;
    use ndarray::array;

    #[test]
    fn layer_norm_centres_and_scales() {
        let mut x = array![[1.0f32, 2.0, 3.0, 4.0]];
        let w = LayerNormWeights { gamma: Array1::ones(4), beta: Array1::zeros(4) };
        layer_norm(&mut x, &w, 1e-12);
        assert!(x.sum().abs() < 1e-6);
        assert!((x.mapv(|v| v * v).sum() / 4.0 - 1.0).abs() < 1e-5);
    }

    #[test]
    fn rms_norm_gives_unit_root_mean_square() {
        let mut x = array![[3.0f32, 4.0], [0.0, 0.0]];
        rms_norm(&mut x, &Array1::from(vec![1.0, 2.0]), 1e-9);
        let r = (12.5f32).sqrt();
        assert!((x[[0, 0]] - 3.0 / r).abs() < 1e-6 && (x[[0, 1]] - 8.0 / r).abs() < 1e-6);
        assert_eq!(x.row(1).to_vec(), vec![0.0, 0.0], "ε keeps a zero row finite");
    }

    #[test]
    fn silu_matches_known_values() {
        let mut x = array![[-1.0f32, 0.0, 2.0]];
        activate(&mut x, Activation::Silu);
        let expected = [-0.268_941_43f32, 0.0, 1.761_594_2];
        for (a, b) in x.iter().zip(expected) {
            assert!((a - b).abs() < 1e-6, "{a} vs {b}");
        }
    }

    #[test]
    fn gelu_matches_known_values() {
        let mut x = array![[-1.0f32, 0.0, 1.0, 3.0]];
        activate(&mut x, Activation::Gelu);
        let expected = [-0.158_655_26f32, 0.0, 0.841_344_7, 2.995_950_5];
        for (a, b) in x.iter().zip(expected) {
            assert!((a - b).abs() < 1e-6, "{a} vs {b}");
        }
    }

    #[test]
    fn erf_is_within_3e7_of_the_library() {
        for i in -4000..=4000 {
            let x = i as f32 / 500.0;
            let (ours, library) = (erf(x), libm::erff(x));
            assert!((ours - library).abs() < 3e-7, "erf({x}) = {ours}, library {library}");
        }
    }

    #[test]
    fn tanh_is_within_3e7_of_the_library() {
        for i in -50_000..=50_000 {
            let x = i as f32 / 2_500.0;
            let (ours, library) = (tanh(x), libm::tanhf(x));
            assert!((ours - library).abs() < 3e-7, "tanh({x}) = {ours}, library {library}");
        }
        assert_eq!((tanh(1e30), tanh(-1e30), tanh(0.0)), (1.0, -1.0, 0.0));
    }

    #[test]
    fn gelu_tanh_matches_known_values() {
        let mut x = array![[-3.0f32, -1.0, 0.0, 0.5, 1.0, 3.0]];
        activate(&mut x, Activation::GeluTanh);
        // 0.5·x·(1 + tanh(√(2/π)·(x + 0.044715·x³))), in f64.
        let expected = [-0.003_637_392f32, -0.158_808_01, 0.0, 0.345_714, 0.841_192, 2.996_362_6];
        for (a, b) in x.iter().zip(expected) {
            assert!((a - b).abs() < 1e-6, "{a} vs {b}");
        }
    }

    #[test]
    fn pooled_embedding_has_unit_length() {
        let p = mean_pool_normalized(array![[3.0f32, 0.0], [3.0, 8.0]].view());
        assert!((p[0] - 0.6).abs() < 1e-6 && (p[1] - 0.8).abs() < 1e-6);
    }
}
