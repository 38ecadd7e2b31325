//! A figure as a list of plain shapes, in CSS pixels on a white page: what the SVG writer
//! serialises and the PNG painter draws, so that both files are one drawing.

use super::colormap::{weight_colour, Rgb};

/// The colours of figures (the playground's light theme).
pub mod paper {
    use super::Rgb;

    pub const BACKGROUND: Rgb = Rgb::hex(0xffffff);
    pub const INK: Rgb = Rgb::hex(0x1d2330);
    pub const INK2: Rgb = Rgb::hex(0x4a5263);
    pub const INK3: Rgb = Rgb::hex(0x6b7385);
    pub const MASKED: Rgb = Rgb::hex(0xd9d9d3);
    pub const MASKED_MARK: Rgb = Rgb::hex(0x9b9b92);
    pub const ACCENT: Rgb = Rgb::hex(0x2f5bd3);
    pub const LIGHT_TEXT: Rgb = Rgb::hex(0xf3f4f8);
}

/// Generic families only: an SVG file must look right on any machine.
pub const FONT_FAMILY: &str = "system-ui, sans-serif";

/// Where a text's `x` is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Anchor {
    Start,
    Middle,
    End,
}

/// One line of text; `y` is its vertical middle. `rotate` turns it (degrees, clockwise) around
/// (x, y).
#[derive(Debug, Clone, PartialEq)]
pub struct Text {
    pub x: f32,
    pub y: f32,
    pub text: String,
    pub size: f32,
    pub fill: Rgb,
    pub anchor: Anchor,
    pub bold: bool,
    pub rotate: f32,
}

impl Text {
    /// Regular text, anchored at its start, not rotated.
    pub fn new(x: f32, y: f32, text: impl Into<String>, size: f32, fill: Rgb) -> Self {
        Self { x, y, text: text.into(), size, fill, anchor: Anchor::Start, bold: false, rotate: 0.0 }
    }

    pub fn anchor(self, anchor: Anchor) -> Self {
        Self { anchor, ..self }
    }

    pub fn bold(self, bold: bool) -> Self {
        Self { bold, ..self }
    }

    pub fn rotate(self, degrees: f32) -> Self {
        Self { rotate: degrees, ..self }
    }
}

/// A rectangle, filled, outlined or both.
#[derive(Debug, Clone, PartialEq)]
pub struct Rect {
    pub x: f32,
    pub y: f32,
    pub w: f32,
    pub h: f32,
    pub fill: Option<Rgb>,
    /// Colour and width of the outline.
    pub stroke: Option<(Rgb, f32)>,
    /// Corner radius.
    pub rx: f32,
}

/// A straight line with round ends.
#[derive(Debug, Clone, PartialEq)]
pub struct Line {
    pub x1: f32,
    pub y1: f32,
    pub x2: f32,
    pub y2: f32,
    pub stroke: Rgb,
    pub width: f32,
    pub opacity: f32,
}

/// A weight matrix drawn as square cells coloured on the weight scale from 0 to `max`; cells
/// that `allowed` marks `false` are masked (grey, with a diagonal stroke when there is room).
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
    pub max: f32,
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
        (0..self.rows * self.cols).map(move |i| {
            let (x, y) = ((i % self.cols) as f32 * c, (i / self.cols) as f32 * c);
            let masked = self.allowed.as_ref().is_some_and(|a| !a[i]);
            let mark = (masked && c >= MASK_MARK_MIN).then_some([x + 2.0, y + c - 2.0, x + c - 2.0, y + 2.0]);
            Cell { x, y, fill: if masked { paper::MASKED } else { weight_colour(self.values[i], self.max) }, mark }
        })
    }
}

/// One element of a figure.
#[derive(Debug, Clone, PartialEq)]
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
            max: 1.0,
        };
        let all: Vec<Cell> = cells.cells().collect();
        assert_eq!((all[1].x, all[1].y, all[2].x, all[2].y), (10.0, 0.0, 0.0, 10.0));
        assert_eq!(all[0].fill, viridis(1.0));
        assert_eq!(all[1].fill, paper::MASKED);
        assert_eq!(all[1].mark, Some([12.0, 8.0, 18.0, 2.0]));
        assert!(all[0].mark.is_none());
    }
}
