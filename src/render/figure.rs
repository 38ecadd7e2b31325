//! What every figure is made of: the tokens and heads it shows, its header, its colour legend
//! and how it labels tokens and weights.

use ndarray::Array2;

use super::colormap::{scale_top, weight_colour};
use super::design::{LEGEND_STEPS, MASK_MARK_INSET, QUOTE_LABEL};
use super::scene::{paper, text_width, Anchor, Line, Rect, Shape, Text, RAMP_OFFSET, RAMP_STEP, RAMP_WIDTH};
use super::RenderError;

/// Margin around a figure.
pub const PAD: f32 = 24.0;

/// A token as figures label it (read from any object with `text` and `special`, such as a run's
/// tokens).
#[derive(Debug, Clone, PartialEq, Eq, serde::Deserialize)]
pub struct TokenLabel {
    pub text: String,
    /// Not part of the text (`[CLS]`, `[SEP]`, `[PAD]`): drawn in a lighter ink, in italics.
    #[serde(default)]
    pub special: bool,
}

/// The query tokens (rows) and key tokens (columns) of a figure.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Tokens {
    pub queries: Vec<TokenLabel>,
    pub keys: Vec<TokenLabel>,
}

/// One head's attention weights, `queries × keys`, and which pairs its masks allow.
#[derive(Debug, Clone, PartialEq)]
pub struct HeadWeights {
    /// The head's number, which picks its colour in the lines view.
    pub head: usize,
    /// How the figure names it: "head 2", "layer 1 · head 2".
    pub name: String,
    pub weights: Array2<f32>,
    /// `None` when nothing is masked.
    pub allowed: Option<Array2<bool>>,
}

/// How weights become colours (and the lines' strength): on the fixed scale from 0 to 1, so that
/// a flat distribution looks flat, or stretched to the largest weight shown, so that small
/// differences show (the caption says which).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum Scale {
    #[default]
    Fixed,
    Stretched,
}

impl Scale {
    /// The weight drawn brightest: 1, or the largest of `weights` (1 when there is none).
    pub fn top(self, weights: impl IntoIterator<Item = f32>) -> f32 {
        match self {
            Scale::Fixed => 1.0,
            Scale::Stretched => scale_top(weights.into_iter().filter(|w| w.is_finite()).fold(0.0, f32::max)),
        }
    }

    /// The scale in a caption's words: "colour scale 0 to 1", "colours stretched to the largest weight, 0.190".
    pub fn caption(self, top: f32) -> String {
        match self {
            Scale::Fixed => "colour scale 0 to 1".to_owned(),
            Scale::Stretched => format!("colours stretched to the largest weight, {}", weight_text(top)),
        }
    }
}

/// What a figure says besides its numbers.
#[derive(Debug, Clone, Copy)]
pub struct Figure<'a> {
    pub tokens: &'a Tokens,
    /// The title; each view has a default.
    pub title: Option<&'a str>,
    /// The line under the title: where the weights come from and what their rows add up to.
    pub caption: &'a str,
    /// The query to single out (counted from 0 among the query tokens).
    pub query: Option<usize>,
}

impl Figure<'_> {
    /// Fails unless `head` is `queries × keys` and `query`, if any, is a query.
    pub(super) fn check(&self, head: &HeadWeights) -> Result<(), RenderError> {
        let shape = (self.tokens.queries.len(), self.tokens.keys.len());
        if head.weights.dim() != shape || head.allowed.as_ref().is_some_and(|a| a.dim() != shape) {
            return Err(RenderError(format!(
                "{} has {:?} weights but there are {} query and {} key tokens",
                head.name,
                head.weights.dim(),
                shape.0,
                shape.1
            )));
        }
        match self.query {
            Some(q) if q >= shape.0 => {
                Err(RenderError(format!("query {q} does not exist: there are {} queries (0–{})", shape.0, shape.0 - 1)))
            }
            _ => Ok(()),
        }
    }
}

/// A token as a label: whitespace shown as "␣", nothing as "∅", at most `max` characters.
pub fn token_label(text: &str, max: usize) -> String {
    let shown: String = text.chars().map(|c| if c.is_whitespace() { '␣' } else { c }).collect();
    if shown.is_empty() {
        "∅".to_owned()
    } else if shown.chars().count() > max {
        shown.chars().take(max - 1).chain(['…']).collect()
    } else {
        shown
    }
}

/// A token in quotes for titles: ‘animal’.
pub fn quoted(text: &str) -> String {
    format!("‘{}’", token_label(text, QUOTE_LABEL))
}

/// `text` with its first letter upper-case: "Layer 1 · head 2".
pub fn capitalised(text: &str) -> String {
    let mut chars = text.chars();
    chars.next().map_or_else(String::new, |first| first.to_uppercase().chain(chars).collect())
}

/// `value` with `digits` decimals, rounded half away from zero as JavaScript's `toFixed` does
/// (Rust's formatting rounds ties to even, and weights of 1/16 are ties).
fn fixed(value: f32, digits: u32) -> String {
    let scale = 10u64.pow(digits);
    // Exact: an f32 has 24 significant bits, and 10^digits for a few digits adds fewer than 29.
    let scaled = (f64::from(value).abs() * scale as f64).round();
    if scaled >= 1e15 {
        return format!("{value:.*}", digits as usize);
    }
    let n = scaled as u64;
    let sign = if value.is_sign_negative() { "-" } else { "" };
    if digits == 0 {
        return format!("{sign}{n}");
    }
    format!("{sign}{}.{:0width$}", n / scale, n % scale, width = digits as usize)
}

/// A softmax weight as the page prints it: three decimals.
pub fn weight_text(weight: f32) -> String {
    if weight.is_finite() {
        fixed(weight, 3)
    } else {
        number_text(weight, 3)
    }
}

/// A number as the page prints it: `digits` decimals, very large and very small ones as
/// "1.23e5", "−∞" for a masked score, "—" for a missing value, a minus sign only when the
/// number does not read as zero.
pub fn number_text(value: f32, digits: u32) -> String {
    const MINUS: char = '\u{2212}';
    if value.is_nan() {
        return "—".to_owned();
    }
    if value.is_infinite() {
        return if value > 0.0 { "∞".to_owned() } else { format!("{MINUS}∞") };
    }
    let magnitude = value.abs();
    let text = if magnitude != 0.0 && (magnitude >= 1e5 || f64::from(magnitude) < 10f64.powi(-(digits as i32)) / 2.0) {
        format!("{magnitude:.2e}")
    } else {
        fixed(magnitude, digits)
    };
    if value < 0.0 && text.contains(|c: char| ('1'..='9').contains(&c)) {
        format!("{MINUS}{text}")
    } else {
        text
    }
}

/// The ink of a token's label.
pub fn label_fill(token: &TokenLabel) -> super::colormap::Rgb {
    if token.special {
        paper::INK3
    } else {
        paper::INK2
    }
}

/// Figures are at least this wide, so that a short text still has room for its caption.
pub const MIN_WIDTH: f32 = 560.0;
const CAPTION_SIZE: f32 = 12.0;
const CAPTION_LINE: f32 = 17.0;

/// The title and caption at the top of a figure whose drawing is `content` pixels wide; the
/// caption breaks between its " · " parts where it would be wider. Returns where the figure
/// goes on and the width the whole figure needs.
pub fn header(shapes: &mut Vec<Shape>, title: &str, caption: &str, content: f32) -> (f32, f32) {
    shapes.push(Shape::Text(Text::new(PAD, PAD + 9.0, title, 17.0, paper::INK).bold(true)));
    let title_width = text_width(title, 17.0, true);
    let room = (content.max(MIN_WIDTH) - 2.0 * PAD).max(title_width);
    let mut lines: Vec<String> = Vec::new();
    for part in caption.split(" · ") {
        match lines.last_mut() {
            Some(line) if text_width(&format!("{line} · {part}"), CAPTION_SIZE, false) <= room => {
                line.push_str(" · ");
                line.push_str(part);
            }
            _ => lines.push(part.to_owned()),
        }
    }
    let mut widest = title_width;
    for (i, line) in lines.iter().enumerate() {
        widest = widest.max(text_width(line, CAPTION_SIZE, false));
        shapes.push(Shape::Text(Text::new(PAD, PAD + 33.0 + i as f32 * CAPTION_LINE, line.clone(), CAPTION_SIZE, paper::INK3)));
    }
    let bottom = PAD + 54.0 + lines.len().saturating_sub(1) as f32 * CAPTION_LINE;
    (bottom, (widest + 2.0 * PAD).max(content).max(MIN_WIDTH).ceil())
}

/// From the ramp's end to the masked swatch, and from the swatch to its label.
const SWATCH_GAP: f32 = 24.0;
const SWATCH_LABEL: f32 = 20.0;

/// The width of the colour legend, with or without the masked swatch.
pub fn legend_width(masked: bool) -> f32 {
    RAMP_OFFSET + RAMP_WIDTH + if masked { SWATCH_GAP + SWATCH_LABEL + text_width("masked", 12.0, false) } else { 0.0 }
}

/// The colour legend at (x, y): a ramp from 0 to `top` (1 on the fixed scale) labelled at both
/// ends and the middle, and the masked swatch when cells are masked; [`legend_width`] wide.
pub fn legend(shapes: &mut Vec<Shape>, x: f32, y: f32, top: f32, masked: bool) {
    let top = scale_top(top);
    let ramp = x + RAMP_OFFSET;
    shapes.push(Shape::Text(Text::new(x, y + 6.0, "weight", 12.0, paper::INK2)));
    for i in 0..LEGEND_STEPS {
        let at = (i as f32 + 0.5) / LEGEND_STEPS as f32;
        shapes.push(Shape::Rect(Rect::filled(ramp + i as f32 * RAMP_STEP, y, RAMP_STEP, 12.0, weight_colour(at * top, top))));
    }
    for (value, anchor) in [(0.0, Anchor::Start), (top / 2.0, Anchor::Middle), (top, Anchor::End)] {
        shapes
            .push(Shape::Text(Text::new(ramp + value / top * RAMP_WIDTH, y + 24.0, weight_text(value), 10.0, paper::INK2).anchor(anchor)));
    }
    if masked {
        let sx = ramp + RAMP_WIDTH + SWATCH_GAP;
        shapes.push(Shape::Rect(Rect::filled(sx, y - 1.0, 14.0, 14.0, paper::MASKED)));
        let inset = MASK_MARK_INSET;
        shapes.push(Shape::Line(Line {
            x1: sx + inset,
            y1: y + 13.0 - inset,
            x2: sx + 14.0 - inset,
            y2: y - 1.0 + inset,
            stroke: paper::MASKED_MARK,
            width: 1.0,
            opacity: 1.0,
        }));
        shapes.push(Shape::Text(Text::new(sx + SWATCH_LABEL, y + 6.0, "masked", 12.0, paper::INK2)));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_show_whitespace_and_stay_short() {
        assert_eq!(token_label(" ", 14), "␣");
        assert_eq!(token_label("", 14), "∅");
        assert_eq!(token_label("supercalifragilistic", 14), "supercalifrag…");
        assert_eq!(token_label("supercalifragilistic", 14).chars().count(), 14);
        assert_eq!(quoted("it"), "‘it’");
        assert_eq!(weight_text(0.12345), "0.123");
        assert_eq!(capitalised("layer 1 · head 2"), "Layer 1 · head 2");
    }

    #[test]
    fn numbers_read_as_the_page_prints_them() {
        // Ties round away from zero, as JavaScript's toFixed does.
        assert_eq!([weight_text(0.0625), weight_text(0.1875), weight_text(1.0), weight_text(0.0)], ["0.063", "0.188", "1.000", "0.000"]);
        assert_eq!(weight_text(f32::NAN), "—");
        assert_eq!(number_text(-1.5, 3), "\u{2212}1.500");
        assert_eq!(number_text(-0.0001, 3), "\u{2212}1.00e-4", "too small for three decimals");
        assert_eq!(number_text(-0.0006, 3), "\u{2212}0.001");
        assert_eq!(number_text(123456.0, 3), "1.23e5");
        assert_eq!(number_text(f32::NEG_INFINITY, 3), "\u{2212}∞");
        assert_eq!(number_text(f32::INFINITY, 3), "∞");
        assert_eq!(number_text(0.0, 3), "0.000");
        assert_eq!(number_text(-0.0, 3), "0.000");
        assert_eq!(number_text(2.5, 0), "3");
    }

    #[test]
    fn long_captions_break_between_parts() {
        let mut shapes = Vec::new();
        let caption =
            "all-MiniLM-L6-v2 · 16 tokens · scaled dot-product scores · [CLS] and [SEP] hidden, each row renormalised to sum to 1";
        let (bottom, width) = header(&mut shapes, "Title", caption, 300.0);
        let lines: Vec<&str> =
            shapes.iter().skip(1).filter_map(|s| if let Shape::Text(t) = s { Some(t.text.as_str()) } else { None }).collect();
        assert_eq!(
            lines,
            ["all-MiniLM-L6-v2 · 16 tokens · scaled dot-product scores", "[CLS] and [SEP] hidden, each row renormalised to sum to 1"]
        );
        assert_eq!((bottom, width), (PAD + 54.0 + CAPTION_LINE, MIN_WIDTH));
        let mut shapes = Vec::new();
        assert_eq!(header(&mut shapes, "Title", "short", 100.0), (PAD + 54.0, MIN_WIDTH));
    }
}
