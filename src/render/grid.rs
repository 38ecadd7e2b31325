//! The head grid: one small heatmap per head, all on one colour scale, the focused head
//! outlined. One layer's heads are tiles four to a row, each titled; a model's layers × heads
//! are a table of thumbnails with the layers down and the heads across.

use super::figure::{header, legend, legend_width, Scale, PAD};
use super::scene::{paper, Anchor, Cells, Colours, Rect, Scene, Shape, Text, BOLD, REGULAR, SEMIBOLD};
use super::RenderError;

/// What a head grid shows and says.
#[derive(Debug, Clone, Copy)]
pub struct Grid<'a> {
    pub queries: usize,
    pub keys: usize,
    pub layers: usize,
    pub heads: usize,
    /// Every head's weights, `layers × heads × queries × keys`.
    pub weights: &'a [f32],
    /// Which query–key pairs the masks allow, `queries × keys`; `None` when nothing is masked.
    pub allowed: Option<&'a [bool]>,
    /// The focused layer and head: outlined, and with one layer the layer shown.
    pub layer: usize,
    pub head: usize,
    pub caption: &'a str,
    /// One colour scale for every head: fixed from 0 to 1, or stretched to the largest weight of them all.
    pub scale: Scale,
}

/// The head grid.
pub fn grid(spec: &Grid<'_>) -> Result<Scene, RenderError> {
    let Grid { queries, keys, layers, heads, layer, head, .. } = *spec;
    let size = queries * keys;
    if spec.weights.len() != layers * heads * size || spec.allowed.is_some_and(|a| a.len() != size) {
        return Err(RenderError(format!(
            "the head grid takes {layers} × {heads} heads of {queries} × {keys} weights, not {} numbers",
            spec.weights.len()
        )));
    }
    if layers == 0 || heads == 0 || layer >= layers || head >= heads {
        return Err(RenderError(format!("layer {layer}, head {head} is not among {layers} layers of {heads} heads")));
    }
    let several = layers > 1;
    let cell = ((if several { 72 } else { 150 }) / queries.max(keys).max(1)).max(1) as f32;
    let (thumb_width, thumb_height) = (keys as f32 * cell, queries as f32 * cell);
    let columns = if several { heads } else { heads.min(4) };
    let gap = if several { 10.0 } else { 28.0 };
    let label_height = if several { 0.0 } else { 22.0 };
    let row_gap = if several { 10.0 } else { 44.0 };
    let left = PAD + if several { 64.0 } else { 0.0 };
    let tile_width = thumb_width.max(if several { 20.0 } else { 70.0 });
    let max = spec.scale.top(spec.weights.iter().copied());
    let allowed: Option<Vec<bool>> = spec.allowed.map(<[bool]>::to_vec);
    let masked = allowed.as_ref().is_some_and(|a| a.contains(&false));

    let title = if several {
        format!("Attention weights of every head · {layers} layers × {heads} heads")
    } else {
        format!("Attention weights of every head · layer {}", layer + 1)
    };
    let content = (left + columns as f32 * tile_width + (columns - 1) as f32 * gap + PAD).max(PAD + legend_width(masked) + PAD);
    let mut shapes = Vec::new();
    let caption = format!("{} · {}", spec.caption, spec.scale.caption(max));
    let (below_header, width) = header(&mut shapes, &title, &caption, content);
    let top = below_header + if several { 22.0 } else { 4.0 };
    let tiles = if several { layers * heads } else { heads };
    for t in 0..tiles {
        let (l, h) = if several { (t / heads, t % heads) } else { (layer, t) };
        let (column, row) = if several { (h, l) } else { (h % columns, h / columns) };
        let x = left + column as f32 * (tile_width + gap);
        let y = top + row as f32 * (thumb_height + label_height + row_gap);
        let focused = h == head && l == layer;
        if !several {
            let ink = if focused { paper::ACCENT } else { paper::INK };
            shapes.push(Shape::Text(Text::new(x, y + 8.0, format!("Head {}", h + 1), 13.0, ink).weight(if focused {
                BOLD
            } else {
                SEMIBOLD
            })));
        }
        if focused {
            let outline = Rect::outline(x - 4.0, y + label_height - 4.0, thumb_width + 8.0, thumb_height + 8.0, paper::ACCENT, 3.0);
            shapes.push(Shape::Rect(outline.rounded(4.0)));
        }
        let at = (l * heads + h) * size;
        shapes.push(Shape::Cells(Cells {
            x,
            y: y + label_height,
            cell,
            rows: queries,
            cols: keys,
            values: spec.weights[at..at + size].to_vec(),
            allowed: allowed.clone(),
            colours: Colours::Weights(max),
        }));
    }
    if several {
        for h in 0..heads {
            let (ink, weight) = if h == head { (paper::ACCENT, BOLD) } else { (paper::INK3, REGULAR) };
            let x = left + h as f32 * (tile_width + gap) + thumb_width / 2.0;
            shapes.push(Shape::Text(Text::new(x, top - 12.0, (h + 1).to_string(), 11.0, ink).anchor(Anchor::Middle).weight(weight)));
        }
        for l in 0..layers {
            let (ink, weight) = if l == layer { (paper::ACCENT, BOLD) } else { (paper::INK2, REGULAR) };
            let y = top + l as f32 * (thumb_height + row_gap) + thumb_height / 2.0;
            shapes.push(Shape::Text(Text::new(left - 12.0, y, format!("Layer {}", l + 1), 12.0, ink).anchor(Anchor::End).weight(weight)));
        }
    }
    let rows = if several { layers } else { heads.div_ceil(columns) };
    let legend_y = top + rows as f32 * (thumb_height + label_height + row_gap) + 4.0;
    legend(&mut shapes, PAD, legend_y, max, masked);
    let (name, description) = if several {
        (
            "Attention weights of every layer and head".to_owned(),
            format!(
                "One heatmap per head (queries down, keys across): a row per layer, a column per head, all on one colour scale; layer {}, head {} is outlined.",
                layer + 1,
                head + 1
            ),
        )
    } else {
        (
            format!("Attention weights of every head, layer {}", layer + 1),
            format!("One heatmap per head (queries down, keys across), all on one colour scale; head {} is outlined.", head + 1),
        )
    };
    Ok(Scene { width: width as u32, height: (legend_y + 34.0 + PAD).ceil() as u32, title: name, description, shapes })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spec<'a>(layers: usize, heads: usize, weights: &'a [f32], allowed: Option<&'a [bool]>) -> Grid<'a> {
        Grid { queries: 2, keys: 3, layers, heads, weights, allowed, layer: 0, head: 1, caption: "toy", scale: Scale::Fixed }
    }

    #[test]
    fn one_layer_is_tiles_with_titles_and_the_focused_head_outlined() {
        let weights = vec![0.25; 5 * 6];
        let scene = grid(&spec(1, 5, &weights, None)).unwrap();
        assert_eq!(scene.cell_count(), 5 * 6);
        let texts: Vec<&str> = scene.texts().map(|t| t.text.as_str()).collect();
        assert!(texts.contains(&"Head 1") && texts.contains(&"Head 5") && texts.contains(&"Attention weights of every head · layer 1"));
        let focused = scene.texts().find(|t| t.text == "Head 2").unwrap();
        assert_eq!((focused.fill, focused.weight), (paper::ACCENT, BOLD));
        assert_eq!(scene.shapes.iter().filter(|s| matches!(s, Shape::Rect(r) if r.stroke == Some(paper::ACCENT))).count(), 1);
        // Four tiles to a row: the fifth starts the second row.
        let corners: Vec<(f32, f32)> =
            scene.shapes.iter().filter_map(|s| if let Shape::Cells(c) = s { Some((c.x, c.y)) } else { None }).collect();
        assert_eq!(corners[4].0, corners[0].0);
        assert!(corners[4].1 > corners[0].1);
        assert_eq!(scene.title, "Attention weights of every head, layer 1");
    }

    #[test]
    fn layers_are_rows_and_heads_columns() {
        let weights = vec![0.5; 2 * 3 * 6];
        let allowed = [true, false, true, true, true, true];
        let scene = grid(&spec(2, 3, &weights, Some(&allowed))).unwrap();
        assert_eq!(scene.cell_count(), 2 * 3 * 6);
        let texts: Vec<&str> = scene.texts().map(|t| t.text.as_str()).collect();
        for expected in ["Layer 1", "Layer 2", "1", "2", "3", "masked", "Attention weights of every head · 2 layers × 3 heads"] {
            assert!(texts.contains(&expected), "{expected} in {texts:?}");
        }
        assert!(grid(&spec(2, 3, &weights[1..], None)).is_err());
        assert!(grid(&Grid { head: 3, ..spec(2, 3, &weights, None) }).is_err());
    }
}
