//! The colours of figures: viridis for weights (perceptually uniform, readable in grey and by
//! colour-blind readers) and Okabe & Ito's palette for heads, both defined in [`super::design`].

use std::fmt;

pub use super::design::HEAD_COLOURS;
use super::design::{DIVERGING, LIGHT_TEXT_BELOW, VIRIDIS};

/// An sRGB colour; `Display` writes it as `#rrggbb`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rgb(pub u8, pub u8, pub u8);

impl Rgb {
    /// The colour of `0xrrggbb`.
    pub const fn hex(value: u32) -> Self {
        Self((value >> 16) as u8, (value >> 8) as u8, value as u8)
    }
}

impl fmt::Display for Rgb {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "#{:02x}{:02x}{:02x}", self.0, self.1, self.2)
    }
}

/// As JavaScript's canvas and CSS take it: `"#rrggbb"`.
impl serde::Serialize for Rgb {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

/// Viridis at `t` in [0, 1] (dark purple at 0, yellow at 1); `t` outside is clamped, NaN is 0.
pub fn viridis(t: f32) -> Rgb {
    let t = if t.is_nan() { 0.0 } else { t.clamp(0.0, 1.0) };
    let at = t * (VIRIDIS.len() - 1) as f32;
    let i = (at.floor() as usize).min(VIRIDIS.len() - 2);
    let f = at - i as f32;
    let mix = |c: usize| {
        let (a, b) = (f32::from(VIRIDIS[i][c]), f32::from(VIRIDIS[i + 1][c]));
        (a + (b - a) * f).round() as u8
    };
    Rgb(mix(0), mix(1), mix(2))
}

/// The colour of a difference of weights `d` in [−1, 1] on the diverging scale (blue below 0,
/// near-white at 0, red above); `d` outside is clamped, NaN is 0.
pub fn diverging(d: f32) -> Rgb {
    let d = if d.is_nan() { 0.0 } else { d.clamp(-1.0, 1.0) };
    let at = (d + 1.0) / 2.0 * (DIVERGING.len() - 1) as f32;
    let i = (at.floor() as usize).min(DIVERGING.len() - 2);
    let f = at - i as f32;
    let mix = |c: usize| {
        let (a, b) = (f32::from(DIVERGING[i][c]), f32::from(DIVERGING[i + 1][c]));
        (a + (b - a) * f).round() as u8
    };
    Rgb(mix(0), mix(1), mix(2))
}

/// Whether text on a difference's cell should be light (the saturated ends of the scale).
pub fn difference_needs_light_text(d: f32) -> bool {
    d.abs() > 0.55
}

/// The top of a weight scale: the largest weight shown, or 1 when there is none, so that small
/// differences between weights stay visible.
pub fn scale_top(max: f32) -> f32 {
    if max.is_finite() && max > 0.0 {
        max
    } else {
        1.0
    }
}

/// The colour of `weight` on a scale from 0 to `max`.
pub fn weight_colour(weight: f32, max: f32) -> Rgb {
    viridis(weight / scale_top(max))
}

/// Whether text on a cell of this weight should be light (on the dark end of viridis).
pub fn needs_light_text(weight: f32, max: f32) -> bool {
    weight / scale_top(max) < LIGHT_TEXT_BELOW
}

/// The colour of head `head` (counted from 0).
pub fn head_colour(head: usize) -> Rgb {
    HEAD_COLOURS[head % HEAD_COLOURS.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn viridis_ends_and_middle() {
        assert_eq!(viridis(0.0), Rgb(0x44, 0x01, 0x54));
        assert_eq!(viridis(1.0), Rgb(0xfd, 0xe7, 0x25));
        // matplotlib's entry 128 is #21918c.
        assert_eq!(viridis(0.5), Rgb(0x21, 0x91, 0x8c));
        assert_eq!(viridis(f32::NAN), viridis(0.0));
        assert_eq!(viridis(7.0), viridis(1.0));
        assert_eq!(viridis(-1.0), viridis(0.0));
    }

    #[test]
    fn viridis_grows_lighter() {
        let luma = |c: Rgb| 0.2126 * f32::from(c.0) + 0.7152 * f32::from(c.1) + 0.0722 * f32::from(c.2);
        let steps: Vec<f32> = (0..=64).map(|i| luma(viridis(i as f32 / 64.0))).collect();
        assert!(steps.windows(2).all(|w| w[1] > w[0]), "{steps:?}");
    }

    #[test]
    fn the_diverging_scale_is_white_at_zero_and_symmetric_in_lightness() {
        assert_eq!(diverging(0.0), Rgb(0xf7, 0xf7, 0xf7));
        assert_eq!((diverging(-1.0), diverging(1.0)), (Rgb(0x21, 0x66, 0xac), Rgb(0xb2, 0x18, 0x2b)));
        assert_eq!((diverging(-3.0), diverging(f32::NAN)), (diverging(-1.0), diverging(0.0)));
        let luma = |c: Rgb| 0.2126 * f32::from(c.0) + 0.7152 * f32::from(c.1) + 0.0722 * f32::from(c.2);
        for i in 1..=16 {
            let d = i as f32 / 16.0;
            // Darker the further from 0, on both sides.
            assert!(luma(diverging(d)) < luma(diverging(d - 1.0 / 16.0)) + 0.5, "{d}");
            assert!(luma(diverging(-d)) < luma(diverging(-d + 1.0 / 16.0)) + 0.5, "{d}");
        }
    }

    #[test]
    fn weights_scale_to_the_largest() {
        assert_eq!(weight_colour(0.25, 0.5), viridis(0.5));
        assert_eq!(weight_colour(0.5, 0.0), viridis(0.5));
        assert!(needs_light_text(0.1, 1.0) && !needs_light_text(0.9, 1.0));
        assert_eq!(Rgb::hex(0x0072b2).to_string(), "#0072b2");
        assert_eq!(head_colour(8), head_colour(0));
    }
}
