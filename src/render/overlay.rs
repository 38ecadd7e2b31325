//! A vision transformer's attention over its picture: two panels side by side, the picture as the
//! model read it under the grid of its patches, and the same picture with one query's attention
//! over the patches painted on it (viridis, stretched to the largest patch weight, over a veil
//! that lets the picture show through), the query's patch outlined; the colour legend below.

use super::colormap::weight_colour;
use super::figure::{header, legend, PAD};
use super::scene::{paper, Rect, Scene, Shape, Text};
use super::RenderError;

/// Side of each panel, in CSS pixels.
const PANEL: f32 = 256.0;
/// Most picture pixels drawn per side (a larger picture is averaged in square blocks).
const MOST_PIXELS: usize = 64;
/// How strongly the attention covers the picture.
const PAINT: f32 = 0.72;

/// What an overlay shows.
#[derive(Debug, Clone, Copy)]
pub struct Overlay<'a> {
    /// The picture as the model read it, `width × height` RGB pixels row by row.
    pub picture: &'a [[u8; 3]],
    pub width: usize,
    pub height: usize,
    /// Patches per column and per row, and a patch's side in the picture's pixels.
    pub rows: usize,
    pub columns: usize,
    pub patch: usize,
    /// One weight per patch, row by row.
    pub weights: &'a [f32],
    /// The query's patch (row, column), outlined; `None` for `[CLS]` or a rollout's `[CLS]` row.
    pub query: Option<(usize, usize)>,
    pub title: &'a str,
    pub caption: &'a str,
}

/// The two panels, their titles, the grid and the legend.
pub fn overlay(spec: &Overlay<'_>) -> Result<Scene, RenderError> {
    let (w, h) = (spec.width, spec.height);
    if w == 0 || h == 0 || spec.picture.len() != w * h {
        return Err(RenderError(format!("the picture has {} pixels, not {w} × {h}", spec.picture.len())));
    }
    if spec.weights.len() != spec.rows * spec.columns || spec.rows * spec.patch > h || spec.columns * spec.patch > w {
        return Err(RenderError(format!(
            "{} weights do not fit a grid of {} × {} patches of {} pixels on a {w} × {h} picture",
            spec.weights.len(),
            spec.rows,
            spec.columns,
            spec.patch
        )));
    }
    let mut shapes = Vec::new();
    let content = 2.0 * PANEL + 3.0 * PAD;
    let (top, width) = header(&mut shapes, spec.title, spec.caption, content);
    let unit = PANEL / w.max(h) as f32;
    let panels = [(PAD, "the picture and its patches"), (2.0 * PAD + PANEL, "attention over the patches")];
    let y0 = top + 22.0;
    for (n, (x0, label)) in panels.into_iter().enumerate() {
        shapes.push(Shape::Text(Text::new(x0, top + 8.0, label, 13.0, paper::INK2)));
        picture(&mut shapes, spec, x0, y0, unit);
        if n == 1 {
            let max = spec.weights.iter().copied().fold(0.0, f32::max).max(f32::MIN_POSITIVE);
            let side = spec.patch as f32 * unit;
            for (i, &weight) in spec.weights.iter().enumerate() {
                let (x, y) = (x0 + (i % spec.columns) as f32 * side, y0 + (i / spec.columns) as f32 * side);
                shapes.push(Shape::Rect(Rect::filled(x, y, side, side, weight_colour(weight, max)).opacity(PAINT)));
            }
        }
        grid(&mut shapes, spec, x0, y0, unit);
        if let Some((r, c)) = spec.query {
            let side = spec.patch as f32 * unit;
            let outline = Rect::outline(x0 + c as f32 * side, y0 + r as f32 * side, side, side, paper::ACCENT, 3.0);
            shapes.push(Shape::Rect(outline));
        }
    }
    let below = y0 + h as f32 * unit + 20.0;
    let max = spec.weights.iter().copied().fold(0.0, f32::max);
    legend(&mut shapes, 2.0 * PAD + PANEL, below, max, false);
    Ok(Scene {
        width: width.max(content).ceil() as u32,
        height: (below + 32.0 + PAD).ceil() as u32,
        title: spec.title.to_owned(),
        description: spec.caption.to_owned(),
        shapes,
    })
}

/// The picture at `unit` CSS pixels per picture pixel, averaged in blocks beyond [`MOST_PIXELS`].
fn picture(shapes: &mut Vec<Shape>, spec: &Overlay<'_>, x0: f32, y0: f32, unit: f32) {
    let (w, h) = (spec.width, spec.height);
    let block = w.max(h).div_ceil(MOST_PIXELS);
    for by in (0..h).step_by(block) {
        for bx in (0..w).step_by(block) {
            let (bw, bh) = (block.min(w - bx), block.min(h - by));
            let mut sum = [0u32; 3];
            for y in by..by + bh {
                for p in &spec.picture[y * w + bx..y * w + bx + bw] {
                    for (s, c) in sum.iter_mut().zip(p) {
                        *s += u32::from(*c);
                    }
                }
            }
            let n = (bw * bh) as u32;
            let fill = super::colormap::Rgb(((sum[0] + n / 2) / n) as u8, ((sum[1] + n / 2) / n) as u8, ((sum[2] + n / 2) / n) as u8);
            // Each block a hair larger, so no seam shows between neighbours.
            let rect = Rect::filled(x0 + bx as f32 * unit, y0 + by as f32 * unit, bw as f32 * unit + 0.3, bh as f32 * unit + 0.3, fill);
            shapes.push(Shape::Rect(rect));
        }
    }
    shapes.push(Shape::Rect(Rect::outline(x0, y0, w as f32 * unit, h as f32 * unit, paper::LINE, 1.0)));
}

/// The patches' borders, light over any picture.
fn grid(shapes: &mut Vec<Shape>, spec: &Overlay<'_>, x0: f32, y0: f32, unit: f32) {
    let side = spec.patch as f32 * unit;
    for r in 0..spec.rows {
        for c in 0..spec.columns {
            let cell = Rect::outline(x0 + c as f32 * side, y0 + r as f32 * side, side, side, paper::LINE, 0.75);
            shapes.push(Shape::Rect(cell));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spec<'a>(picture: &'a [[u8; 3]], weights: &'a [f32]) -> Overlay<'a> {
        Overlay { picture, width: 4, height: 4, rows: 2, columns: 2, patch: 2, weights, query: Some((1, 0)), title: "t", caption: "c" }
    }

    #[test]
    fn paints_each_patch_by_its_weight_and_outlines_the_query() {
        let picture = [[255u8; 3]; 16];
        let weights = [0.1, 0.2, 0.3, 0.4];
        let scene = overlay(&spec(&picture, &weights)).unwrap();
        let painted: Vec<&Rect> = scene
            .shapes
            .iter()
            .filter_map(|s| if let Shape::Rect(r) = s { Some(r) } else { None })
            .filter(|r| r.opacity == PAINT)
            .collect();
        assert_eq!(painted.len(), 4);
        assert_eq!(painted[3].fill, Some(weight_colour(0.4, 0.4)), "the largest weight is the brightest");
        let outlined = scene.shapes.iter().filter(|s| matches!(s, Shape::Rect(r) if r.stroke == Some(paper::ACCENT))).count();
        assert_eq!(outlined, 2, "the query's patch in both panels");
        assert!(scene.texts().any(|t| t.text == "0.400"), "the legend's top is the largest weight");
    }

    #[test]
    fn refuses_weights_that_do_not_fit_the_grid() {
        let picture = [[0u8; 3]; 16];
        assert!(overlay(&spec(&picture, &[0.5; 3])).is_err());
        assert!(overlay(&Overlay { width: 5, ..spec(&picture, &[0.25; 4]) }).is_err());
    }
}
