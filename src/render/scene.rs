//! A figure as a list of plain shapes, in CSS pixels on a white page: what the SVG writer
//! serialises, the PNG painter draws and the page paints on a canvas, so that every file made
//! of a figure is one drawing.
//!
//! With serde a scene becomes a display list for JavaScript (camelCase keys, colours as
//! `"#rrggbb"`, a `kind` on every shape); a matrix of cells goes as its RGBA pixels, one per
//! cell, and the diagonal strokes of its masked cells, so that the page needs no colour map to
//! paint it.

use serde::ser::{SerializeStruct, Serializer};
use serde::Serialize;

use super::colormap::{diverging, weight_colour, Rgb};
pub use super::design::{paper, FONT_FAMILY, MONO_FAMILY};
use super::design::{LEGEND_STEPS, MASK_MARK_INSET};

/// Where a text's `x` is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Anchor {
    Start,
    Middle,
    End,
}

/// Font weights of figures' text.
pub const REGULAR: u16 = 400;
pub const SEMIBOLD: u16 = 600;
pub const BOLD: u16 = 700;

/// One line of text; `y` is its vertical middle. `rotate` turns it (degrees, clockwise) around
/// (x, y). `mono` sets it in the monospace family.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Text {
    pub x: f32,
    pub y: f32,
    pub text: String,
    pub size: f32,
    pub fill: Rgb,
    pub anchor: Anchor,
    /// 400, 600 or 700.
    pub weight: u16,
    pub italic: bool,
    pub mono: bool,
    pub rotate: f32,
}

impl Text {
    /// Regular text, anchored at its start, not rotated.
    pub fn new(x: f32, y: f32, text: impl Into<String>, size: f32, fill: Rgb) -> Self {
        Self { x, y, text: text.into(), size, fill, anchor: Anchor::Start, weight: REGULAR, italic: false, mono: false, rotate: 0.0 }
    }

    pub fn anchor(self, anchor: Anchor) -> Self {
        Self { anchor, ..self }
    }

    /// Bold when `bold`, regular otherwise.
    pub fn bold(self, bold: bool) -> Self {
        Self { weight: if bold { BOLD } else { REGULAR }, ..self }
    }

    pub fn weight(self, weight: u16) -> Self {
        Self { weight, ..self }
    }

    pub fn italic(self, italic: bool) -> Self {
        Self { italic, ..self }
    }

    pub fn mono(self) -> Self {
        Self { mono: true, ..self }
    }

    pub fn rotate(self, degrees: f32) -> Self {
        Self { rotate: degrees, ..self }
    }

    /// Whether it is drawn bold (600 and up).
    pub fn is_bold(&self) -> bool {
        self.weight >= SEMIBOLD
    }
}

/// A rectangle, filled, outlined or both; `opacity` applies to its fill.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Rect {
    pub x: f32,
    pub y: f32,
    pub w: f32,
    pub h: f32,
    pub fill: Option<Rgb>,
    pub opacity: f32,
    /// Colour of the outline.
    pub stroke: Option<Rgb>,
    pub stroke_width: f32,
    /// Corner radius.
    pub rx: f32,
}

impl Rect {
    /// A filled rectangle with square corners.
    pub fn filled(x: f32, y: f32, w: f32, h: f32, fill: Rgb) -> Self {
        Self { x, y, w, h, fill: Some(fill), opacity: 1.0, stroke: None, stroke_width: 0.0, rx: 0.0 }
    }

    /// An outline, not filled.
    pub fn outline(x: f32, y: f32, w: f32, h: f32, stroke: Rgb, width: f32) -> Self {
        Self { x, y, w, h, fill: None, opacity: 1.0, stroke: Some(stroke), stroke_width: width, rx: 0.0 }
    }

    pub fn rounded(self, rx: f32) -> Self {
        Self { rx, ..self }
    }

    /// The same with an outline of 1 pixel.
    pub fn stroked(self, stroke: Rgb) -> Self {
        Self { stroke: Some(stroke), stroke_width: 1.0, ..self }
    }

    pub fn opacity(self, opacity: f32) -> Self {
        Self { opacity, ..self }
    }
}

/// A straight line with round ends.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Line {
    pub x1: f32,
    pub y1: f32,
    pub x2: f32,
    pub y2: f32,
    pub stroke: Rgb,
    pub width: f32,
    pub opacity: f32,
}

/// How a matrix's values become colours.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Colours {
    /// Attention weights on viridis from 0 to this top (1 on the fixed scale).
    Weights(f32),
    /// Differences of weights on the diverging scale from −1 to +1.
    Difference,
}

impl Colours {
    pub fn of(self, value: f32) -> Rgb {
        match self {
            Colours::Weights(max) => weight_colour(value, max),
            Colours::Difference => diverging(value),
        }
    }
}

/// A matrix drawn as square cells coloured by `colours`; cells that `allowed` marks `false` are
/// masked (grey, with a diagonal stroke when there is room).
#[derive(Debug, Clone, PartialEq)]
pub struct Cells {
    pub x: f32,
    pub y: f32,
    pub cell: f32,
    pub rows: usize,
    pub cols: usize,
    /// Row-major, `rows × cols`.
    pub values: Vec<f32>,
    /// Row-major, `rows × cols`; `None` when nothing is masked.
    pub allowed: Option<Vec<bool>>,
    pub colours: Colours,
}

/// Cells at least this large carry the diagonal stroke of a masked cell.
const MASK_MARK_MIN: f32 = 6.0;

/// One cell of [`Cells`], placed relative to the matrix's corner.
pub struct Cell {
    pub x: f32,
    pub y: f32,
    pub fill: Rgb,
    /// The diagonal stroke of a masked cell, from bottom left to top right.
    pub mark: Option<[f32; 4]>,
}

impl Cells {
    /// Every cell's place, colour and mask stroke, row by row.
    pub fn cells(&self) -> impl Iterator<Item = Cell> + '_ {
        let c = self.cell;
        let inset = MASK_MARK_INSET;
        (0..self.rows * self.cols).map(move |i| {
            let (x, y) = ((i % self.cols) as f32 * c, (i / self.cols) as f32 * c);
            let masked = self.allowed.as_ref().is_some_and(|a| !a[i]);
            let mark = (masked && c >= MASK_MARK_MIN).then_some([x + inset, y + c - inset, x + c - inset, y + inset]);
            Cell { x, y, fill: if masked { paper::MASKED } else { self.colours.of(self.values[i]) }, mark }
        })
    }
}

/// `{ kind: "cells", x, y, cell, rows, cols, pixels, marks, markStroke }`: `pixels` holds one
/// RGBA pixel per cell, row by row (a `Uint8Array` in JavaScript); `marks` the masked cells'
/// strokes as x1, y1, x2, y2 after one another, relative to the matrix's corner.
impl Serialize for Cells {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut pixels = Vec::with_capacity(self.rows * self.cols * 4);
        let mut marks = Vec::new();
        for cell in self.cells() {
            pixels.extend_from_slice(&[cell.fill.0, cell.fill.1, cell.fill.2, 255]);
            marks.extend(cell.mark.into_iter().flatten());
        }
        let mut out = serializer.serialize_struct("Cells", 8)?;
        out.serialize_field("x", &self.x)?;
        out.serialize_field("y", &self.y)?;
        out.serialize_field("cell", &self.cell)?;
        out.serialize_field("rows", &self.rows)?;
        out.serialize_field("cols", &self.cols)?;
        out.serialize_field("pixels", &Bytes(&pixels))?;
        out.serialize_field("marks", &marks)?;
        out.serialize_field("markStroke", &paper::MASKED_MARK)?;
        out.end()
    }
}

/// Bytes that serialize as bytes (a `Uint8Array` in JavaScript), not as a list of numbers.
struct Bytes<'a>(&'a [u8]);

impl Serialize for Bytes<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_bytes(self.0)
    }
}

/// One element of a figure.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "kind", rename_all = "lowercase")]
pub enum Shape {
    Rect(Rect),
    Line(Line),
    Text(Text),
    Cells(Cells),
}

/// A whole figure: its size in CSS pixels, its title and description (for the SVG's `<title>`
/// and `<desc>`), and its shapes, drawn in order on a white background.
#[derive(Debug, Clone, PartialEq)]
pub struct Scene {
    pub width: u32,
    pub height: u32,
    pub title: String,
    pub description: String,
    pub shapes: Vec<Shape>,
}

/// `{ width, height, title, description, background, shapes }`.
impl Serialize for Scene {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut out = serializer.serialize_struct("Scene", 6)?;
        out.serialize_field("width", &self.width)?;
        out.serialize_field("height", &self.height)?;
        out.serialize_field("title", &self.title)?;
        out.serialize_field("description", &self.description)?;
        out.serialize_field("background", &paper::BACKGROUND)?;
        out.serialize_field("shapes", &self.shapes)?;
        out.end()
    }
}

impl Scene {
    /// The number of weight cells drawn.
    pub fn cell_count(&self) -> usize {
        self.shapes.iter().map(|s| if let Shape::Cells(c) = s { c.rows * c.cols } else { 0 }).sum()
    }

    /// Every text of the figure.
    pub fn texts(&self) -> impl Iterator<Item = &Text> {
        self.shapes.iter().filter_map(|s| if let Shape::Text(t) = s { Some(t) } else { None })
    }
}

/// A width estimate for laying text out without measuring it (an SVG file is laid out before
/// any font is known); generous, so that labels never collide.
pub fn text_width(text: &str, size: f32, bold: bool) -> f32 {
    text.chars().count() as f32 * size * if bold { 0.6 } else { 0.56 }
}

/// The same estimate for monospace text.
pub fn mono_width(text: &str, size: f32) -> f32 {
    text.chars().count() as f32 * size * 0.62
}

/// `text` broken into lines at most `width` pixels wide by the estimates above, between words;
/// a word longer than a line is cut.
pub fn wrap_text(text: &str, width: f32, size: f32, mono: bool) -> Vec<String> {
    let per_char = if mono { mono_width("x", size) } else { text_width("x", size, false) };
    let per_line = ((width / per_char).floor() as usize).max(8);
    let mut lines = Vec::new();
    let mut line: Vec<char> = Vec::new();
    for word in text.split_whitespace() {
        let mut rest: Vec<char> = word.chars().collect();
        while rest.len() > per_line {
            if !line.is_empty() {
                lines.push(line.drain(..).collect());
            }
            lines.push(rest.drain(..per_line).collect());
        }
        if !line.is_empty() && line.len() + 1 + rest.len() > per_line {
            lines.push(line.drain(..).collect());
        }
        if !line.is_empty() {
            line.push(' ');
        }
        line.extend(rest);
    }
    if !line.is_empty() {
        lines.push(line.into_iter().collect());
    }
    lines
}

/// Where the legend's ramp starts, right of its label.
pub(super) const RAMP_OFFSET: f32 = 54.0;
/// Whole-pixel steps, so that neighbours neither overlap nor leave a seam.
pub(super) const RAMP_STEP: f32 = 4.0;
pub(super) const RAMP_WIDTH: f32 = LEGEND_STEPS as f32 * RAMP_STEP;

#[cfg(test)]
mod tests {
    use super::*;
    use crate::render::colormap::viridis;

    #[test]
    fn cells_are_placed_row_by_row_and_masked_cells_are_grey() {
        let cells = Cells {
            x: 0.0,
            y: 0.0,
            cell: 10.0,
            rows: 2,
            cols: 2,
            values: vec![1.0, 0.0, 0.5, 0.5],
            allowed: Some(vec![true, false, true, true]),
            colours: Colours::Weights(1.0),
        };
        let all: Vec<Cell> = cells.cells().collect();
        assert_eq!((all[1].x, all[1].y, all[2].x, all[2].y), (10.0, 0.0, 0.0, 10.0));
        assert_eq!(all[0].fill, viridis(1.0));
        assert_eq!(all[1].fill, paper::MASKED);
        assert_eq!(all[1].mark, Some([12.0, 8.0, 18.0, 2.0]));
        assert!(all[0].mark.is_none());
    }

    #[test]
    fn a_scene_serializes_as_a_display_list() {
        let cells = Cells {
            x: 1.0,
            y: 2.0,
            cell: 10.0,
            rows: 1,
            cols: 2,
            values: vec![1.0, 0.0],
            allowed: Some(vec![true, false]),
            colours: Colours::Weights(1.0),
        };
        let scene = Scene {
            width: 10,
            height: 20,
            title: "t".into(),
            description: "d".into(),
            shapes: vec![
                Shape::Cells(cells),
                Shape::Text(Text::new(1.0, 2.0, "a", 12.0, paper::INK).anchor(Anchor::End).weight(SEMIBOLD).italic(true)),
                Shape::Rect(Rect::filled(0.0, 0.0, 4.0, 4.0, paper::ACCENT).opacity(0.28)),
            ],
        };
        let json = serde_json::to_value(&scene).unwrap();
        assert_eq!(json["background"], "#ffffff");
        let shapes = &json["shapes"];
        assert_eq!(shapes[0]["kind"], "cells");
        assert_eq!(shapes[0]["pixels"], serde_json::json!([0xfd, 0xe7, 0x25, 255, 0xd9, 0xd9, 0xd3, 255]));
        assert_eq!(shapes[0]["marks"], serde_json::json!([12.0, 8.0, 18.0, 2.0]));
        assert_eq!(shapes[0]["markStroke"], "#9b9b92");
        assert_eq!(shapes[1]["kind"], "text");
        assert_eq!((&shapes[1]["anchor"], &shapes[1]["weight"], &shapes[1]["italic"]), (&"end".into(), &600.into(), &true.into()));
        assert_eq!(shapes[2]["strokeWidth"], 0.0);
        assert!(shapes[2]["stroke"].is_null());
    }

    #[test]
    fn text_wraps_between_words_and_cuts_long_words() {
        let lines = wrap_text("the quick brown fox jumps over the lazy dog", 100.0, 12.0, false);
        assert!(lines.len() > 1 && lines.iter().all(|l| l.chars().count() <= 14), "{lines:?}");
        assert_eq!(lines.join(" "), "the quick brown fox jumps over the lazy dog");
        let long = wrap_text(&"x".repeat(30), 100.0, 12.0, false);
        assert_eq!(long.iter().map(String::len).collect::<Vec<_>>(), [14, 14, 2]);
        assert!(wrap_text("  ", 100.0, 12.0, true).is_empty());
    }
}
