//! Two sentences through the same head, side by side: the weights of sentence A, those of
//! sentence B, and their difference B − A on the diverging scale from −1 to +1, over the token
//! pairs the two sentences share (the page aligns them and says how; a token of one sentence
//! without a counterpart in the other has no difference).

use super::colormap::diverging;
use super::design::{HEATMAP_LABEL as LABEL, LEGEND_STEPS, MASK_MARK_INSET};
use super::figure::{header, label_fill, legend, legend_width, token_label, weight_text, TokenLabel, PAD};
use super::scene::{paper, text_width, Anchor, Cells, Colours, Line, Rect, Scene, Shape, Text, RAMP_OFFSET, RAMP_STEP, RAMP_WIDTH};
use super::RenderError;

/// One map of the figure: its title, its tokens and its values (`queries × keys`, row-major).
#[derive(Debug, Clone, Copy)]
pub struct Map<'a> {
    pub title: &'a str,
    pub queries: &'a [TokenLabel],
    pub keys: &'a [TokenLabel],
    pub values: &'a [f32],
    /// `None` when nothing is masked.
    pub allowed: Option<&'a [bool]>,
    /// The row outlined, if any.
    pub row: Option<usize>,
}

impl Map<'_> {
    fn check(&self) -> Result<(), RenderError> {
        let size = self.queries.len() * self.keys.len();
        if self.values.len() != size || self.allowed.is_some_and(|a| a.len() != size) {
            return Err(RenderError(format!(
                "map {} has {} values for {} × {} tokens",
                self.title,
                self.values.len(),
                self.queries.len(),
                self.keys.len()
            )));
        }
        match self.row {
            Some(row) if row >= self.queries.len() => {
                Err(RenderError(format!("row {row} of map {} does not exist: it has {} rows", self.title, self.queries.len())))
            }
            _ => Ok(()),
        }
    }
}

/// What the figure shows and says.
#[derive(Debug, Clone, Copy)]
pub struct Compare<'a> {
    pub title: &'a str,
    /// The file's name for it (the SVG's `<title>`).
    pub name: &'a str,
    pub caption: &'a str,
    /// A's and B's weights, on viridis from 0 to `top`.
    pub a: Map<'a>,
    pub b: Map<'a>,
    /// B − A over the shared token pairs, on the diverging scale.
    pub difference: Map<'a>,
    pub top: f32,
}

/// Cell size for the largest side `n` of the three maps: three maps fit side by side in about
/// 1,100 pixels.
fn cell_size(n: usize) -> f32 {
    ((300 / n.max(1)) as f32).clamp(2.0, 22.0)
}

/// Labels at least this far apart; smaller cells label every k-th token.
const LABELS_MIN: f32 = 12.0;
/// Between two maps.
const GAP: f32 = 28.0;

/// The figure: the three maps in a row, their titles above, the weight legend under A and B and
/// the difference's legend under B − A.
pub fn compare_scene(spec: &Compare<'_>) -> Result<Scene, RenderError> {
    let maps = [spec.a, spec.b, spec.difference];
    for map in &maps {
        map.check()?;
    }
    let n = maps.iter().map(|m| m.queries.len().max(m.keys.len())).max().unwrap_or(1);
    let cell = cell_size(n);
    let stride = (LABELS_MIN / cell).ceil().max(1.0) as usize;
    let size = if cell >= 16.0 { 12.0 } else { 10.0 };
    let label = |t: &TokenLabel| token_label(&t.text, LABEL);
    let widest = |tokens: &[TokenLabel]| {
        tokens.iter().enumerate().filter(|(i, _)| i % stride == 0).map(|(_, t)| text_width(&label(t), size, false)).fold(0.0, f32::max)
    };
    let key_height = maps.iter().map(|m| widest(m.keys)).fold(0.0, f32::max) * 0.71;
    // Each map: its query labels, then its cells; the last key label leans past the cells.
    let lefts: Vec<f32> = maps.iter().map(|m| widest(m.queries) + 10.0).collect();
    let widths: Vec<f32> = maps.iter().map(|m| m.keys.len() as f32 * cell).collect();
    let mut x = PAD;
    let mut origins = Vec::new();
    for i in 0..3 {
        origins.push(x + lefts[i]);
        x += lefts[i] + widths[i].max(legend_width(false) - lefts[i]).max(60.0) + GAP + key_height * 0.3;
    }
    let content = x - GAP + PAD;
    let mut shapes = Vec::new();
    let (below_header, width) = header(&mut shapes, spec.title, spec.caption, content);
    let top = (below_header + 22.0 + key_height + 10.0).ceil();
    let mut bottom: f32 = top;
    for (i, map) in maps.iter().enumerate() {
        let left = origins[i];
        shapes.push(Shape::Text(Text::new(left, below_header + 8.0, map.title, 14.0, paper::INK).bold(true)));
        for (k, token) in map.keys.iter().enumerate().filter(|(k, _)| k % stride == 0) {
            let kx = left + k as f32 * cell + cell / 2.0;
            shapes.push(Shape::Text(Text::new(kx, top - 6.0, label(token), size, label_fill(token)).italic(token.special).rotate(-45.0)));
        }
        for (q, token) in map.queries.iter().enumerate() {
            let current = map.row == Some(q);
            if q % stride != 0 && !current {
                continue;
            }
            let fill = if current { paper::ACCENT } else { label_fill(token) };
            let y = top + q as f32 * cell + cell / 2.0;
            shapes.push(Shape::Text(
                Text::new(left - 6.0, y, label(token), size, fill).anchor(Anchor::End).bold(current).italic(token.special),
            ));
        }
        let colours = if i == 2 { Colours::Difference } else { Colours::Weights(spec.top) };
        let (rows, cols) = (map.queries.len(), map.keys.len());
        shapes.push(Shape::Cells(Cells {
            x: left,
            y: top,
            cell,
            rows,
            cols,
            values: map.values.to_vec(),
            allowed: map.allowed.map(<[bool]>::to_vec),
            colours,
        }));
        if let Some(q) = map.row {
            shapes.push(Shape::Rect(
                Rect::outline(left - 2.0, top + q as f32 * cell, cols as f32 * cell + 4.0, cell, paper::INK, 2.0).rounded(3.0),
            ));
        }
        let legend_y = top + rows as f32 * cell + 22.0;
        let masked = map.allowed.is_some_and(|a| a.contains(&false));
        if i == 2 {
            difference_legend(&mut shapes, left - lefts[i] + 4.0, legend_y, masked);
        } else {
            legend(&mut shapes, left - lefts[i] + 4.0, legend_y, spec.top, masked);
        }
        bottom = bottom.max(legend_y + 34.0);
    }
    Ok(Scene {
        width: width as u32,
        height: (bottom + PAD).ceil() as u32,
        description: format!(
            "Three heatmaps of one head: the attention weights of sentence A, those of sentence B (each row a query token, each column a key token, viridis from 0 to {}), and B − A on the token pairs the two share, blue where B gives less weight, red where it gives more, from −1 to +1.",
            weight_text(spec.top)
        ),
        title: spec.name.to_owned(),
        shapes,
    })
}

/// A difference as the page prints it: a sign always, three decimals ("+0.396", "−0.012").
pub fn difference_text(d: f32) -> String {
    let text = weight_text(d.abs());
    if text == "0.000" {
        text
    } else if d < 0.0 {
        format!("\u{2212}{text}")
    } else {
        format!("+{text}")
    }
}

/// The difference's legend at (x, y): the diverging ramp from −1 to +1, labelled at both ends and
/// 0, and the masked swatch when a pair is masked in either sentence.
fn difference_legend(shapes: &mut Vec<Shape>, x: f32, y: f32, masked: bool) {
    let ramp = x + RAMP_OFFSET;
    shapes.push(Shape::Text(Text::new(x, y + 6.0, "B − A", 12.0, paper::INK2)));
    for i in 0..LEGEND_STEPS {
        let at = (i as f32 + 0.5) / LEGEND_STEPS as f32;
        shapes.push(Shape::Rect(Rect::filled(ramp + i as f32 * RAMP_STEP, y, RAMP_STEP, 12.0, diverging(at * 2.0 - 1.0))));
    }
    for (value, anchor) in [(-1.0, Anchor::Start), (0.0, Anchor::Middle), (1.0, Anchor::End)] {
        let text = if value == 0.0 { "0".to_owned() } else { difference_text(value) };
        shapes.push(Shape::Text(Text::new(ramp + (value + 1.0) / 2.0 * RAMP_WIDTH, y + 24.0, text, 10.0, paper::INK2).anchor(anchor)));
    }
    if masked {
        let sx = ramp + RAMP_WIDTH + 24.0;
        shapes.push(Shape::Rect(Rect::filled(sx, y - 1.0, 14.0, 14.0, paper::MASKED)));
        shapes.push(Shape::Line(Line {
            x1: sx + MASK_MARK_INSET,
            y1: y + 13.0 - MASK_MARK_INSET,
            x2: sx + 14.0 - MASK_MARK_INSET,
            y2: y - 1.0 + MASK_MARK_INSET,
            stroke: paper::MASKED_MARK,
            width: 1.0,
            opacity: 1.0,
        }));
        shapes.push(Shape::Text(Text::new(sx + 20.0, y + 6.0, "masked", 12.0, paper::INK2)));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tokens(texts: &[&str]) -> Vec<TokenLabel> {
        texts.iter().map(|t| TokenLabel { text: (*t).to_owned(), special: false }).collect()
    }

    #[test]
    fn three_maps_with_their_titles_and_both_legends() {
        let a = tokens(&["it", "tired"]);
        let b = tokens(&["it", "wide"]);
        let pairs = tokens(&["it", "tired/wide"]);
        let spec = Compare {
            title: "Compare",
            name: "Compare",
            caption: "caption",
            a: Map { title: "A", queries: &a, keys: &a, values: &[0.5, 0.5, 1.0, 0.0], allowed: None, row: Some(0) },
            b: Map { title: "B", queries: &b, keys: &b, values: &[0.2, 0.8, 1.0, 0.0], allowed: None, row: Some(0) },
            difference: Map {
                title: "B − A", queries: &pairs, keys: &pairs, values: &[-0.3, 0.3, 0.0, 0.0], allowed: None, row: Some(0)
            },
            top: 1.0,
        };
        let scene = compare_scene(&spec).unwrap();
        assert_eq!(scene.cell_count(), 12);
        let texts: Vec<&str> = scene.texts().map(|t| t.text.as_str()).collect();
        for expected in ["A", "B", "B − A", "tired/wide", "\u{2212}1.000", "+1.000", "0", "1.000", "caption"] {
            assert!(texts.contains(&expected), "{expected} in {texts:?}");
        }
        let colours: Vec<Colours> =
            scene.shapes.iter().filter_map(|s| if let Shape::Cells(c) = s { Some(c.colours) } else { None }).collect();
        assert_eq!(colours, [Colours::Weights(1.0), Colours::Weights(1.0), Colours::Difference]);
        assert_eq!([difference_text(0.3964), difference_text(-0.0123), difference_text(0.0001)], ["+0.396", "\u{2212}0.012", "0.000"]);
        let wrong = Compare { difference: Map { values: &[0.0; 3], ..spec.difference }, ..spec };
        assert!(compare_scene(&wrong).unwrap_err().to_string().contains("3 values for 2 × 2 tokens"));
    }
}
