//! The colours of figures: viridis for weights (perceptually uniform, readable in grey and by
//! colour-blind readers) and Okabe & Ito's palette for heads, both defined in [`super::design`].

use std::fmt;

pub use super::design::HEAD_COLOURS;
use super::design::{LIGHT_TEXT_BELOW, VIRIDIS};

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
    fn weights_scale_to_the_largest() {
        assert_eq!(weight_colour(0.25, 0.5), viridis(0.5));
        assert_eq!(weight_colour(0.5, 0.0), viridis(0.5));
        assert!(needs_light_text(0.1, 1.0) && !needs_light_text(0.9, 1.0));
        assert_eq!(Rgb::hex(0x0072b2).to_string(), "#0072b2");
        assert_eq!(head_colour(8), head_colour(0));
    }
}
