//! Figures as PNG: the scene's SVG drawn by resvg at 1, 2 or 4 pixels per CSS pixel.
//!
//! Text is set in Liberation Sans (bundled in `fonts/`, SIL Open Font License, see
//! `fonts/OFL.txt`), so a figure looks the same on every machine, fonts installed or not. Only
//! when a text has characters the bundled font lacks (CJK, emoji) are the system's fonts loaded
//! to draw them; characters no font here can draw are reported.
//!
//! The weight cells are painted directly rather than through the SVG: a 512-token heatmap has
//! 262,144 of them. The figure is drawn in layers, in the scene's order: runs of ordinary
//! shapes as SVG, each matrix of cells straight onto the pixels.

use std::sync::Arc;

use resvg::tiny_skia::{self, Color, Paint, PathBuilder, Pixmap, Stroke, Transform};
use resvg::usvg::{self, fontdb, Node};

use super::scene::{paper, Cells, Scene, Shape};
use super::svg;
use super::RenderError;

const REGULAR: &[u8] = include_bytes!("fonts/LiberationSans-Regular.ttf");
const BOLD: &[u8] = include_bytes!("fonts/LiberationSans-Bold.ttf");
const FAMILY: &str = "Liberation Sans";

/// The pixel ratios offered.
pub const SCALES: [u32; 3] = [1, 2, 4];
/// The largest side of a PNG, in pixels.
pub const MAX_SIDE: u32 = 16_384;

/// A figure as PNG bytes.
#[derive(Debug, Clone)]
pub struct Png {
    pub bytes: Vec<u8>,
    pub width: u32,
    pub height: u32,
    /// Characters of the figure's text that no font on this machine can draw (shown as boxes).
    pub missing: Vec<char>,
}

/// What is drawn one layer at a time.
enum Layer<'a> {
    Vector(Box<usvg::Tree>),
    Cells(&'a Cells),
}

/// The bundled fonts, and the system's when `system`; the bundled family stands for the generic
/// families, so it is the one used whatever the SVG asks for.
fn fonts(system: bool) -> Arc<fontdb::Database> {
    let mut db = fontdb::Database::new();
    db.load_font_data(REGULAR.to_vec());
    db.load_font_data(BOLD.to_vec());
    if system {
        db.load_system_fonts();
    }
    db.set_sans_serif_family(FAMILY);
    db.set_serif_family(FAMILY);
    db.set_monospace_family(FAMILY);
    Arc::new(db)
}

/// The scene's layers, with its text laid out in the fonts of `db`.
fn layers(scene: &Scene, db: Arc<fontdb::Database>) -> Result<Vec<Layer<'_>>, RenderError> {
    let options = usvg::Options { fontdb: db, font_family: FAMILY.to_owned(), ..usvg::Options::default() };
    let vector = |shapes: &[Shape]| {
        usvg::Tree::from_str(&svg::layer(scene, shapes), &options)
            .map(|tree| Layer::Vector(Box::new(tree)))
            .map_err(|e| RenderError(format!("cannot draw the figure: {e}")))
    };
    let mut out = Vec::new();
    let mut start = 0;
    for (i, shape) in scene.shapes.iter().enumerate() {
        if let Shape::Cells(cells) = shape {
            if start < i {
                out.push(vector(&scene.shapes[start..i])?);
            }
            out.push(Layer::Cells(cells));
            start = i + 1;
        }
    }
    if start < scene.shapes.len() {
        out.push(vector(&scene.shapes[start..])?);
    }
    Ok(out)
}

/// Characters whose glyph is missing (glyph 0) in the laid-out text, in order, once each.
fn missing_characters(layers: &[Layer<'_>]) -> Vec<char> {
    fn walk(group: &usvg::Group, out: &mut Vec<char>) {
        for node in group.children() {
            match node {
                Node::Group(g) => walk(g, out),
                Node::Text(text) => {
                    let glyphs = text.layouted().iter().flat_map(|span| &span.positioned_glyphs);
                    for c in glyphs.filter(|g| g.id.0 == 0).flat_map(|g| g.text.chars()) {
                        if !c.is_whitespace() && !out.contains(&c) {
                            out.push(c);
                        }
                    }
                }
                Node::Path(_) | Node::Image(_) => {}
            }
        }
    }
    let mut out = Vec::new();
    for layer in layers {
        if let Layer::Vector(tree) = layer {
            walk(tree.root(), &mut out);
        }
    }
    out
}

fn paint(colour: super::colormap::Rgb, anti_alias: bool) -> Paint<'static> {
    let mut paint = Paint { anti_alias, ..Paint::default() };
    paint.set_color_rgba8(colour.0, colour.1, colour.2, 255);
    paint
}

fn paint_cells(pixmap: &mut Pixmap, cells: &Cells, scale: f32) {
    let transform = Transform::from_scale(scale, scale).pre_translate(cells.x, cells.y);
    let mut marks = PathBuilder::new();
    for cell in cells.cells() {
        if let Some(rect) = tiny_skia::Rect::from_xywh(cell.x, cell.y, cells.cell, cells.cell) {
            pixmap.fill_rect(rect, &paint(cell.fill, false), transform, None);
        }
        if let Some([x1, y1, x2, y2]) = cell.mark {
            marks.move_to(x1, y1);
            marks.line_to(x2, y2);
        }
    }
    if let Some(path) = marks.finish() {
        pixmap.stroke_path(&path, &paint(paper::MASKED_MARK, true), &Stroke { width: 1.0, ..Stroke::default() }, transform, None);
    }
}

/// The figure at `scale` pixels per CSS pixel (1, 2 or 4).
pub fn to_png(scene: &Scene, scale: u32) -> Result<Png, RenderError> {
    if !SCALES.contains(&scale) {
        return Err(RenderError(format!("the scale must be 1, 2 or 4, not {scale}")));
    }
    let (width, height) = (scene.width * scale, scene.height * scale);
    if width > MAX_SIDE || height > MAX_SIDE {
        return Err(RenderError(format!(
            "at {scale}× this figure would be {width} × {height} pixels, more than {MAX_SIDE} on a side: choose a smaller scale or a shorter text"
        )));
    }
    let mut drawn = layers(scene, fonts(false))?;
    let mut missing = missing_characters(&drawn);
    if !missing.is_empty() {
        drawn = layers(scene, fonts(true))?;
        missing = missing_characters(&drawn);
    }
    let mut pixmap = Pixmap::new(width, height).ok_or_else(|| RenderError(format!("cannot make an image of {width} × {height} pixels")))?;
    let background = paper::BACKGROUND;
    pixmap.fill(Color::from_rgba8(background.0, background.1, background.2, 255));
    let s = scale as f32;
    for layer in &drawn {
        match layer {
            Layer::Vector(tree) => resvg::render(tree, Transform::from_scale(s, s), &mut pixmap.as_mut()),
            Layer::Cells(cells) => paint_cells(&mut pixmap, cells, s),
        }
    }
    let bytes = pixmap.encode_png().map_err(|e| RenderError(format!("cannot encode the PNG: {e}")))?;
    Ok(Png { bytes, width, height, missing })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::render::colormap::Rgb;
    use crate::render::scene::{Colours, Text};

    fn scene(text: &str) -> Scene {
        Scene {
            width: 60,
            height: 30,
            title: String::new(),
            description: String::new(),
            shapes: vec![
                Shape::Cells(Cells {
                    x: 0.0,
                    y: 0.0,
                    cell: 10.0,
                    rows: 1,
                    cols: 2,
                    values: vec![0.0, 1.0],
                    allowed: None,
                    colours: Colours::Weights(1.0),
                }),
                Shape::Text(Text::new(30.0, 15.0, text, 12.0, Rgb(0, 0, 0))),
            ],
        }
    }

    #[test]
    fn the_bundled_font_draws_latin_text() {
        let png = to_png(&scene("Attention ‘it’ → ␣ … · ×"), 2).unwrap();
        assert_eq!((png.width, png.height), (120, 60));
        assert!(png.missing.is_empty(), "{:?}", png.missing);
        assert_eq!(&png.bytes[1..4], b"PNG");
    }

    #[test]
    fn bad_scales_and_huge_figures_are_refused() {
        assert!(to_png(&scene("a"), 3).unwrap_err().to_string().contains("1, 2 or 4"));
        let huge = Scene { width: 5000, ..scene("a") };
        assert!(to_png(&huge, 4).unwrap_err().to_string().contains("choose a smaller scale"));
    }
}
