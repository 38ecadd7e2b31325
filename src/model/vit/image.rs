//! A picture as a vision transformer reads it, computed as transformers' PIL image processor
//! computes it, to the byte: RGBA pixels are composited onto white as PIL's `alpha_composite` does
//! (integer arithmetic), resized as PIL's `Image.resize` does for 8-bit images (a separable
//! filter whose support grows with the reduction, horizontal pass first, fixed-point weights of
//! 22 bits, each pass rounded to bytes), cropped at the centre, then rescaled and normalised in
//! f32 (the rescale in f64 first, as NumPy does).

use ndarray::Array3;

use super::config::{Preprocessor, Resample};
use crate::model::error::{ModelError, ModelResult};

/// Largest width or height of a picture the models take, in pixels (larger ones are refused,
/// not shrunk: the page and the command line say so and ask for a smaller picture).
pub const MAX_IMAGE_SIDE: u32 = 4096;
/// Most bytes of a picture file the command-line tool reads.
pub const MAX_IMAGE_FILE_BYTES: u64 = 64 * 1024 * 1024;

/// An RGB picture, one byte per channel, row-major.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rgb {
    pub width: usize,
    pub height: usize,
    pub data: Vec<[u8; 3]>,
}

impl Rgb {
    /// `width × height` RGBA bytes (row-major, as a canvas gives them) composited onto white.
    /// Refuses sizes of 0 or above [`MAX_IMAGE_SIDE`] and a byte count that does not match.
    pub fn from_rgba(width: u32, height: u32, rgba: &[u8]) -> ModelResult<Rgb> {
        if width == 0 || height == 0 || width > MAX_IMAGE_SIDE || height > MAX_IMAGE_SIDE {
            return Err(ModelError::Image(format!(
                "the picture is {width} × {height} pixels: each side must be from 1 to {MAX_IMAGE_SIDE}"
            )));
        }
        let (width, height) = (width as usize, height as usize);
        if rgba.len() != width * height * 4 {
            return Err(ModelError::Image(format!(
                "a {width} × {height} picture has {} RGBA bytes, not {}",
                width * height * 4,
                rgba.len()
            )));
        }
        let data = rgba.chunks_exact(4).map(|p| over_white([p[0], p[1], p[2]], p[3])).collect();
        Ok(Rgb { width, height, data })
    }

    /// The picture resized to `height × width` with PIL's filter; the same picture when the size
    /// does not change.
    pub fn resized(self, height: usize, width: usize, resample: Resample) -> Rgb {
        let (support, filter): (f64, fn(f64) -> f64) = match resample {
            Resample::Bilinear => (1.0, bilinear),
            Resample::Bicubic => (2.0, bicubic),
        };
        let mut image = self;
        if width != image.width {
            let taps = taps(image.width, width, support, filter);
            let data = (0..image.height)
                .flat_map(|y| {
                    let row = &image.data[y * image.width..(y + 1) * image.width];
                    taps.iter().map(move |t| t.apply(|i| row[i]))
                })
                .collect();
            image = Rgb { width, height: image.height, data };
        }
        if height != image.height {
            let taps = taps(image.height, height, support, filter);
            let mut data = Vec::with_capacity(width * height);
            for t in &taps {
                for x in 0..width {
                    data.push(t.apply(|i| image.data[i * width + x]));
                }
            }
            image = Rgb { width, height, data };
        }
        image
    }

    /// The centre `height × width` of the picture (as transformers crops: the top and left
    /// margins are the halves rounded down). A crop larger than the picture is refused.
    pub fn cropped(self, height: usize, width: usize) -> ModelResult<Rgb> {
        if height > self.height || width > self.width {
            return Err(ModelError::Preprocessor(format!(
                "crop_size {height} × {width} is larger than the resized picture ({} × {})",
                self.height, self.width
            )));
        }
        let (top, left) = ((self.height - height) / 2, (self.width - width) / 2);
        let data = (top..top + height).flat_map(|y| self.data[y * self.width + left..y * self.width + left + width].to_vec()).collect();
        Ok(Rgb { width, height, data })
    }
}

/// PIL's `alpha_composite` of one pixel onto opaque white, in its 7-bit fixed point.
fn over_white(rgb: [u8; 3], alpha: u8) -> [u8; 3] {
    if alpha == 255 {
        return rgb;
    }
    let a = u32::from(alpha);
    let (coef1, coef2) = (a << 7, (255 - a) << 7);
    rgb.map(|c| {
        let t = u32::from(c) * coef1 + 255 * coef2 + (0x80 << 7);
        ((((t >> 8) + t) >> 8) >> 7) as u8
    })
}

fn bilinear(x: f64) -> f64 {
    let x = x.abs();
    if x < 1.0 {
        1.0 - x
    } else {
        0.0
    }
}

/// PIL's cubic with a = −0.5.
fn bicubic(x: f64) -> f64 {
    const A: f64 = -0.5;
    let x = x.abs();
    if x < 1.0 {
        ((A + 2.0) * x - (A + 3.0)) * x * x + 1.0
    } else if x < 2.0 {
        (((x - 5.0) * x + 8.0) * x - 4.0) * A
    } else {
        0.0
    }
}

/// Bits of PIL's fixed-point filter weights.
const PRECISION_BITS: u32 = 22;

/// One output pixel's source pixels and fixed-point weights.
struct Taps {
    first: usize,
    weights: Vec<i64>,
}

impl Taps {
    fn apply(&self, pixel: impl Fn(usize) -> [u8; 3]) -> [u8; 3] {
        let mut sum = [1i64 << (PRECISION_BITS - 1); 3];
        for (i, &w) in self.weights.iter().enumerate() {
            let p = pixel(self.first + i);
            for (s, c) in sum.iter_mut().zip(p) {
                *s += i64::from(c) * w;
            }
        }
        sum.map(|s| (s >> PRECISION_BITS).clamp(0, 255) as u8)
    }
}

/// PIL's `precompute_coeffs` and `normalize_coeffs_8bpc`: for each of `out` pixels, the source
/// pixels under the filter (support scaled up when shrinking) and their normalised weights in
/// fixed point, rounded half away from zero.
fn taps(input: usize, out: usize, support: f64, filter: fn(f64) -> f64) -> Vec<Taps> {
    let scale = input as f64 / out as f64;
    let filter_scale = scale.max(1.0);
    let support = support * filter_scale;
    (0..out)
        .map(|xx| {
            let center = (xx as f64 + 0.5) * scale;
            let first = ((center - support + 0.5) as i64).max(0) as usize;
            let last = ((center + support + 0.5) as i64).min(input as i64) as usize;
            let raw: Vec<f64> = (first..last).map(|x| filter((x as f64 - center + 0.5) / filter_scale)).collect();
            let total: f64 = raw.iter().sum();
            let weights = raw
                .iter()
                .map(|&w| {
                    let w = if total != 0.0 { w / total } else { w };
                    let fixed = w * f64::from(1u32 << PRECISION_BITS);
                    (if fixed < 0.0 { fixed - 0.5 } else { fixed + 0.5 }) as i64
                })
                .collect();
            Taps { first, weights }
        })
        .collect()
}

/// The picture as the model reads it: composited onto white, resized and cropped as `pre` says,
/// still in bytes (what a figure of the model's input draws).
pub fn model_picture(width: u32, height: u32, rgba: &[u8], pre: &Preprocessor) -> ModelResult<Rgb> {
    let mut image = Rgb::from_rgba(width, height, rgba)?;
    if let Some((h, w)) = pre.resize {
        image = image.resized(h, w, pre.resample);
    }
    if let Some((h, w)) = pre.crop {
        image = image.cropped(h, w)?;
    }
    Ok(image)
}

/// The model's input from RGBA pixels: `3 × H × W`, every step of `pre` applied.
pub fn pixel_values(width: u32, height: u32, rgba: &[u8], pre: &Preprocessor) -> ModelResult<Array3<f32>> {
    let image = model_picture(width, height, rgba, pre)?;
    let (mean, std) = pre.normalize.unwrap_or(([0.0; 3], [1.0; 3]));
    Ok(Array3::from_shape_fn((3, image.height, image.width), |(c, y, x)| {
        let v = f32::from(image.data[y * image.width + x][c]);
        let v = pre.rescale.map_or(v, |s| (f64::from(v) * f64::from(s)) as f32);
        (v - mean[c]) / std[c]
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn grey(width: usize, height: usize, f: impl Fn(usize, usize) -> u8) -> Rgb {
        let f = &f;
        let data = (0..height).flat_map(|y| (0..width).map(move |x| [f(x, y); 3])).collect::<Vec<_>>();
        Rgb { width, height, data }
    }

    #[test]
    fn a_flat_picture_stays_flat_at_any_size() {
        for resample in [Resample::Bilinear, Resample::Bicubic] {
            for (w, h) in [(7, 5), (40, 3), (1, 1), (13, 64)] {
                let out = grey(11, 9, |_, _| 137).resized(h, w, resample);
                assert_eq!((out.width, out.height), (w, h));
                assert!(out.data.iter().all(|p| *p == [137; 3]), "{resample:?} {w}×{h}");
            }
        }
    }

    #[test]
    fn halving_averages_pairs_and_the_same_size_is_untouched() {
        // Halving with the widened bilinear filter: each output takes its two pixels at 3/8 and
        // their outer neighbours at 1/8.
        let stripes = grey(8, 1, |x, _| if x % 2 == 0 { 0 } else { 200 });
        let out = stripes.clone().resized(1, 4, Resample::Bilinear);
        assert_eq!(out.data.iter().map(|p| p[0]).collect::<Vec<_>>(), [86, 100, 100, 114]);
        assert_eq!(stripes.clone().resized(1, 8, Resample::Bicubic), stripes);
    }

    #[test]
    fn transparency_goes_onto_white() {
        assert_eq!(over_white([0, 0, 0], 0), [255; 3]);
        assert_eq!(over_white([10, 20, 30], 255), [10, 20, 30]);
        assert_eq!(over_white([0, 0, 0], 128), [127; 3]);
    }

    #[test]
    fn refuses_wrong_sizes() {
        assert!(Rgb::from_rgba(0, 4, &[]).unwrap_err().to_string().contains("from 1 to 4096"));
        assert!(Rgb::from_rgba(4097, 1, &[0; 4097 * 4]).is_err());
        assert!(Rgb::from_rgba(2, 2, &[0; 15]).unwrap_err().to_string().contains("16 RGBA bytes, not 15"));
        assert!(grey(4, 4, |_, _| 0).cropped(5, 2).is_err());
    }
}
