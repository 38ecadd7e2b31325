//! The playground's design, defined once: the colours of weights and heads, the paper colours of
//! figures, and the numbers that the page's live views and the figures share (the smallest weight
//! a line is drawn for, how many tokens and lines the lines view takes, the height of its rows…).
//!
//! The figures read these constants directly; the page reads them from `www/src/generated/design.js`,
//! which [`javascript`] writes and `tests/generated_design.rs` keeps in step with this file.

use std::fmt::Write;

use super::colormap::Rgb;

/// Viridis at t = 0, 1/32, 2/32, …, 1: every eighth entry of the 256-colour map that Stéfan van
/// der Walt and Nathaniel Smith made for matplotlib (released under CC0). Linear interpolation
/// between these points stays within 2/255 of the full map in every channel.
pub const VIRIDIS: [[u8; 3]; 33] = [
    [0x44, 0x01, 0x54],
    [0x47, 0x0d, 0x60],
    [0x48, 0x18, 0x6a],
    [0x48, 0x23, 0x74],
    [0x47, 0x2d, 0x7b],
    [0x45, 0x37, 0x81],
    [0x42, 0x40, 0x86],
    [0x3e, 0x49, 0x89],
    [0x3b, 0x52, 0x8b],
    [0x37, 0x5b, 0x8d],
    [0x33, 0x63, 0x8d],
    [0x2f, 0x6b, 0x8e],
    [0x2c, 0x72, 0x8e],
    [0x29, 0x7a, 0x8e],
    [0x26, 0x82, 0x8e],
    [0x23, 0x89, 0x8e],
    [0x21, 0x91, 0x8c],
    [0x1f, 0x97, 0x8b],
    [0x1f, 0x9f, 0x88],
    [0x21, 0xa6, 0x85],
    [0x27, 0xad, 0x81],
    [0x31, 0xb5, 0x7b],
    [0x3d, 0xbc, 0x74],
    [0x4c, 0xc2, 0x6c],
    [0x5c, 0xc8, 0x63],
    [0x6e, 0xce, 0x58],
    [0x81, 0xd3, 0x4d],
    [0x95, 0xd8, 0x40],
    [0xaa, 0xdc, 0x32],
    [0xc0, 0xdf, 0x25],
    [0xd5, 0xe2, 0x1a],
    [0xea, 0xe5, 0x1a],
    [0xfd, 0xe7, 0x25],
];

/// The diverging scale of a difference of weights (the Compare view's B − A), from −1 to +1 at
/// t = −1, −0.75, …, +1: blue where B gives less weight than A, near-white where they agree, red
/// where B gives more (Cynthia Brewer's nine-class RdBu, reversed so that more is warm); colours
/// between are interpolated linearly. Blue and red stay apart for red–green colour-blind readers,
/// and a difference of 0 is never confused with a weight of 0 (viridis has no white).
pub const DIVERGING: [[u8; 3]; 9] = [
    [0x21, 0x66, 0xac],
    [0x43, 0x93, 0xc3],
    [0x92, 0xc5, 0xde],
    [0xd1, 0xe5, 0xf0],
    [0xf7, 0xf7, 0xf7],
    [0xfd, 0xdb, 0xc7],
    [0xf4, 0xa5, 0x82],
    [0xd6, 0x60, 0x4d],
    [0xb2, 0x18, 0x2b],
];

/// Okabe & Ito's colour-blind-safe palette without black (it would vanish in dark mode), ordered
/// so that the first heads get the colours that read best on light and dark backgrounds; heads
/// beyond the eighth reuse them.
pub const HEAD_COLOURS: [Rgb; 8] = [
    Rgb::hex(0x0072b2),
    Rgb::hex(0xe69f00),
    Rgb::hex(0x009e73),
    Rgb::hex(0xd55e00),
    Rgb::hex(0x56b4e9),
    Rgb::hex(0xcc79a7),
    Rgb::hex(0xf0e442),
    Rgb::hex(0x999999),
];

/// The colours of figures (the playground's light theme).
pub mod paper {
    use super::Rgb;

    pub const BACKGROUND: Rgb = Rgb::hex(0xffffff);
    pub const INK: Rgb = Rgb::hex(0x1d2330);
    pub const INK2: Rgb = Rgb::hex(0x4a5263);
    pub const INK3: Rgb = Rgb::hex(0x6b7385);
    /// Rules between table rows and the outline of a stage not reached yet.
    pub const LINE: Rgb = Rgb::hex(0xdcdcd5);
    /// Boxes behind formulas and stages not reached yet.
    pub const SURFACE2: Rgb = Rgb::hex(0xf0f0ec);
    pub const MASKED: Rgb = Rgb::hex(0xd9d9d3);
    pub const MASKED_MARK: Rgb = Rgb::hex(0x9b9b92);
    pub const ACCENT: Rgb = Rgb::hex(0x2f5bd3);
    /// Text on the accent.
    pub const ACCENT_INK: Rgb = Rgb::hex(0xffffff);
    /// The row of the current key.
    pub const ACCENT_SOFT: Rgb = Rgb::hex(0xe4ebfc);
    /// Numbers on the dark end of viridis.
    pub const LIGHT_TEXT: Rgb = Rgb::hex(0xf3f4f8);

    /// Every paper colour with its name in JavaScript.
    pub const ALL: [(&str, Rgb); 12] = [
        ("background", BACKGROUND),
        ("ink", INK),
        ("ink2", INK2),
        ("ink3", INK3),
        ("line", LINE),
        ("surface2", SURFACE2),
        ("masked", MASKED),
        ("maskedMark", MASKED_MARK),
        ("accent", ACCENT),
        ("accentInk", ACCENT_INK),
        ("accentSoft", ACCENT_SOFT),
        ("lightText", LIGHT_TEXT),
    ];
}

/// Generic families only: a figure must look right on any machine.
pub const FONT_FAMILY: &str = "system-ui, sans-serif";
/// Formulas and the numbers of the player's table.
pub const MONO_FAMILY: &str = "ui-monospace, monospace";

/// Text on a cell whose weight is below this fraction of the scale's top is light.
pub const LIGHT_TEXT_BELOW: f32 = 0.6;
/// Weights below this are not drawn as lines (they would be invisible anyway).
pub const MIN_WEIGHT: f32 = 0.01;
/// A line's opacity is this times its weight over the largest weight drawn.
pub const LINE_OPACITY: f32 = 0.95;
/// A line's width: this many pixels…
pub const LINE_WIDTH: f32 = 1.5;
/// …plus this many times its weight over the largest weight drawn.
pub const LINE_WIDTH_GROWTH: f32 = 4.0;
/// Most tokens on either side of the lines view; more make its columns unreadable.
pub const LINES_TOKEN_LIMIT: usize = 256;
/// Most lines drawn at once.
pub const LINES_LIMIT: usize = 20_000;
/// Height of one token's row in the lines view.
pub const ROW: f32 = 26.0;
/// Longest token label on a heatmap's axes, in characters.
pub const HEATMAP_LABEL: usize = 14;
/// Longest token label in the lines view and the player's table, in characters.
pub const LINES_LABEL: usize = 18;
/// Longest token quoted in a title or a sentence (‘animal’), in characters.
pub const QUOTE_LABEL: usize = 24;
/// Steps of a colour legend's ramp.
pub const LEGEND_STEPS: usize = 48;
/// The diagonal stroke of a masked cell stays this far inside the cell.
pub const MASK_MARK_INSET: f32 = 2.0;
/// More cells than this make an SVG too heavy for slides (megabytes of rectangles).
pub const SVG_CELL_LIMIT: usize = 256 * 256;

/// How `www/src/generated/design.js` starts.
const HEADER: &str = "// Generated from src/render/design.rs by tests/generated_design.rs: do not edit.\n\
// UPDATE_GENERATED=1 cargo test --test generated_design rewrites this file.\n";

/// A number as JavaScript source: the shortest decimal that reads back as the same `f32`.
fn js_number(value: f32) -> String {
    format!("{value}")
}

/// The JavaScript module of the design: every constant above that the page uses, under its
/// name in camelCase or SCREAMING_CASE as JavaScript spells it.
pub fn javascript() -> String {
    let mut out = String::from(HEADER);
    let mut constant = |doc: &str, name: &str, value: String| {
        let _ = write!(out, "\n/** {doc} */\nexport const {name} = {value};\n");
    };
    let viridis: Vec<String> = VIRIDIS.iter().map(|[r, g, b]| format!("  [{r}, {g}, {b}],\n")).collect();
    constant(
        "Viridis at t = 0, 1/32, …, 1 as [r, g, b] bytes; colours between are interpolated linearly.",
        "VIRIDIS",
        format!("Object.freeze([\n{}])", viridis.concat()),
    );
    let diverging: Vec<String> = DIVERGING.iter().map(|[r, g, b]| format!("  [{r}, {g}, {b}],\n")).collect();
    constant(
        "The diverging scale of a difference of weights, −1 to +1 at t = −1, −0.75, …, +1, as [r, g, b] bytes: blue where B gives less than A, red where it gives more.",
        "DIVERGING",
        format!("Object.freeze([\n{}])", diverging.concat()),
    );
    let heads: Vec<String> = HEAD_COLOURS.iter().map(|c| format!("'{c}'")).collect();
    constant(
        "Okabe & Ito's colours for heads, in order; heads beyond the last reuse them.",
        "HEAD_COLOURS",
        format!("Object.freeze([{}])", heads.join(", ")),
    );
    let paper: Vec<String> = paper::ALL.iter().map(|(name, c)| format!("  {name}: '{c}',\n")).collect();
    constant("The colours of figures (the light theme).", "PAPER", format!("Object.freeze({{\n{}}})", paper.concat()));
    constant("Generic families only: a figure must look right on any machine.", "FONT_FAMILY", format!("'{FONT_FAMILY}'"));
    constant("Formulas and the numbers of the player's table.", "MONO_FAMILY", format!("'{MONO_FAMILY}'"));
    constant(
        "Text on a cell whose weight is below this fraction of the scale's top is light.",
        "LIGHT_TEXT_BELOW",
        js_number(LIGHT_TEXT_BELOW),
    );
    constant("Weights below this are not drawn as lines.", "MIN_WEIGHT", js_number(MIN_WEIGHT));
    constant(
        "A line's opacity is this times its weight over the largest weight drawn (at most 1).",
        "LINE_OPACITY",
        js_number(LINE_OPACITY),
    );
    constant("A line's width is this many pixels…", "LINE_WIDTH", js_number(LINE_WIDTH));
    constant("…plus this many times its weight over the largest weight drawn.", "LINE_WIDTH_GROWTH", js_number(LINE_WIDTH_GROWTH));
    constant("Most tokens on either side of the lines view.", "LINES_TOKEN_LIMIT", LINES_TOKEN_LIMIT.to_string());
    constant("Most lines drawn at once.", "LINES_LIMIT", LINES_LIMIT.to_string());
    constant("Height of one token's row in the lines view, in CSS pixels.", "ROW", js_number(ROW));
    constant("Longest token label on a heatmap's axes, in characters.", "HEATMAP_LABEL", HEATMAP_LABEL.to_string());
    constant("Longest token label in the lines view and the player's table, in characters.", "LINES_LABEL", LINES_LABEL.to_string());
    constant("Longest token quoted in a title or a sentence, in characters.", "QUOTE_LABEL", QUOTE_LABEL.to_string());
    constant("Steps of a colour legend's ramp.", "LEGEND_STEPS", LEGEND_STEPS.to_string());
    constant("The diagonal stroke of a masked cell stays this far inside the cell.", "MASK_MARK_INSET", js_number(MASK_MARK_INSET));
    constant("More cells than this make an SVG too heavy for slides.", "SVG_CELL_LIMIT", SVG_CELL_LIMIT.to_string());
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_module_names_every_shared_constant() {
        let js = javascript();
        assert!(js.contains("export const MIN_WEIGHT = 0.01;"), "{js}");
        assert!(js.contains("export const HEAD_COLOURS = Object.freeze(['#0072b2', '#e69f00',"), "{js}");
        assert!(js.contains("  [68, 1, 84],\n"), "{js}");
        assert!(js.contains("export const DIVERGING = Object.freeze([\n  [33, 102, 172],\n"), "{js}");
        assert!(js.contains("  maskedMark: '#9b9b92',\n"), "{js}");
        assert!(js.contains("export const LINES_LIMIT = 20000;"), "{js}");
        assert!(js.contains("export const ROW = 26;"), "{js}");
    }
}
