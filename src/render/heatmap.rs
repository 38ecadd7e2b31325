//! The heatmap of one head: queries down, keys across, one viridis cell per weight, token labels
//! on both axes (the keys' turned 45°), the weights printed in the cells when they fit, masked
//! cells grey with a diagonal stroke, the singled-out query outlined, and the colour legend.

use super::colormap::needs_light_text;
use super::design::HEATMAP_LABEL as LABEL;
use super::figure::{
    header, label_fill, legend, legend_width, quoted, token_label, weight_text, Figure, HeadWeights, Scale, TokenLabel, Tokens, PAD,
};
use super::scene::{paper, text_width, Anchor, Cells, Colours, Rect, Scene, Shape, Text, SEMIBOLD};
use super::RenderError;

/// Cells at least this large show their weight.
const NUMBERS_MIN: f32 = 36.0;
/// Labels are at least this far apart (closer, the turned labels of neighbouring keys would
/// overlap): smaller cells label every second, third… token.
const LABELS_MIN: f32 = 14.0;
/// The axes' titles, in the corner between the query and the key labels.
const CORNER: &str = "queries ↓ / keys →";

/// Cell size for `n` tokens: large for a sentence, a label per token up to 68 tokens, then about
/// 960 pixels across with every k-th token labelled.
fn cell_size(n: usize) -> f32 {
    match n {
        0..=12 => 40.0,
        13..=24 => 28.0,
        25..=48 => 18.0,
        49..=68 => 14.0,
        _ => (960 / n).max(1) as f32,
    }
}

/// The heatmap of `head`, titled "Attention weights · " and the head's name unless the figure
/// has a title.
pub fn heatmap(figure: &Figure<'_>, head: &HeadWeights) -> Result<Scene, RenderError> {
    let title = figure.title.map_or_else(|| format!("Attention weights · {}", head.name), str::to_owned);
    let spec = Heatmap {
        tokens: figure.tokens,
        head,
        title: &title,
        name: &title,
        caption: figure.caption,
        query: figure.query,
        scale: Scale::Fixed,
    };
    heatmap_scene(&spec)
}

/// What a heatmap shows and says.
#[derive(Debug, Clone, Copy)]
pub struct Heatmap<'a> {
    pub tokens: &'a Tokens,
    pub head: &'a HeadWeights,
    /// The title above the figure.
    pub title: &'a str,
    /// The file's name for it (the SVG's `<title>`).
    pub name: &'a str,
    pub caption: &'a str,
    /// The query outlined.
    pub query: Option<usize>,
    pub scale: Scale,
}

/// The heatmap of a head: queries down, keys across.
pub fn heatmap_scene(spec: &Heatmap<'_>) -> Result<Scene, RenderError> {
    let figure = Figure { tokens: spec.tokens, title: Some(spec.title), caption: spec.caption, query: spec.query };
    let head = spec.head;
    figure.check(head)?;
    let (queries, keys) = (&figure.tokens.queries, &figure.tokens.keys);
    let (rows, cols) = head.weights.dim();
    let cell = cell_size(rows.max(cols));
    // Cells too small for a label each keep every `stride`-th one (the focused query's always).
    let stride = (LABELS_MIN / cell).ceil().max(1.0) as usize;
    let size = if cell >= 18.0 { 13.0 } else { 10.0 };
    let label = |t: &TokenLabel| token_label(&t.text, LABEL);
    let kept = |i: usize| i % stride == 0;
    let widest = |tokens: &[TokenLabel]| {
        tokens.iter().enumerate().filter(|(i, _)| kept(*i)).map(|(_, t)| text_width(&label(t), size, true)).fold(0.0, f32::max)
    };
    let (query_width, key_width) = (widest(queries), widest(keys));
    let max = spec.scale.top(head.weights.iter().copied());

    let allowed = head.allowed.as_ref().map(|a| a.iter().copied().collect::<Vec<bool>>());
    let masked = allowed.as_ref().is_some_and(|a| a.contains(&false));
    let left = (PAD + query_width.max(text_width(CORNER, 11.0, false)) + 12.0).ceil();
    let content = (left + cols as f32 * cell + key_width * 0.71).max(left + legend_width(masked)) + PAD;

    let mut shapes = Vec::new();
    let caption =
        [figure.caption, &spec.scale.caption(max)].iter().filter(|part| !part.is_empty()).copied().collect::<Vec<_>>().join(" · ");
    let (below_header, width) = header(&mut shapes, spec.title, &caption, content);
    let top = (below_header + key_width * 0.71 + 14.0).ceil();
    shapes.push(Shape::Text(Text::new(left - 8.0, top - 8.0, CORNER, 11.0, paper::INK3).anchor(Anchor::End)));
    for (k, token) in keys.iter().enumerate().filter(|(k, _)| kept(*k)) {
        let x = left + k as f32 * cell + cell / 2.0;
        shapes.push(Shape::Text(Text::new(x, top - 8.0, label(token), size, label_fill(token)).italic(token.special).rotate(-45.0)));
    }
    for (q, token) in queries.iter().enumerate() {
        let current = figure.query == Some(q);
        if !kept(q) && !current {
            continue;
        }
        let fill = if current { paper::ACCENT } else { label_fill(token) };
        let y = top + q as f32 * cell + cell / 2.0;
        let text = Text::new(left - 8.0, y, label(token), size, fill).anchor(Anchor::End).bold(current).italic(token.special);
        shapes.push(Shape::Text(text));
    }
    shapes.push(Shape::Cells(Cells {
        x: left,
        y: top,
        cell,
        rows,
        cols,
        values: head.weights.iter().copied().collect(),
        allowed,
        colours: Colours::Weights(max),
    }));
    if cell >= NUMBERS_MIN {
        for ((i, j), &w) in head.weights.indexed_iter() {
            if head.allowed.as_ref().is_some_and(|a| !a[[i, j]]) {
                continue;
            }
            let text = weight_text(w);
            let text = text.strip_prefix('0').unwrap_or(&text);
            let fill = if needs_light_text(w, max) { paper::LIGHT_TEXT } else { paper::INK };
            let (x, y) = (left + j as f32 * cell + cell / 2.0, top + i as f32 * cell + cell / 2.0);
            shapes.push(Shape::Text(Text::new(x, y, text, 11.0, fill).anchor(Anchor::Middle).weight(SEMIBOLD)));
        }
    }
    if let Some(q) = figure.query {
        shapes.push(Shape::Rect(
            Rect::outline(left - 2.0, top + q as f32 * cell, cols as f32 * cell + 4.0, cell, paper::INK, 2.0).rounded(3.0),
        ));
    }
    let legend_y = top + rows as f32 * cell + 22.0;
    legend(&mut shapes, left, legend_y, max, masked);
    let outlined = figure.query.map_or(String::new(), |q| format!(" The outlined row is the query {}.", quoted(&queries[q].text)));
    Ok(Scene {
        width: width as u32,
        height: (legend_y + 34.0 + PAD).ceil() as u32,
        description: format!(
            "Heatmap of the attention weights of {}: each row is a query token, each column a key token, the colour is the weight (viridis, from 0 to {}).{outlined}",
            head.name,
            weight_text(max)
        ),
        title: spec.name.to_owned(),
        shapes,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::render::figure::Tokens;
    use ndarray::{array, Array2};

    fn tokens(texts: &[&str]) -> Vec<TokenLabel> {
        texts.iter().map(|t| TokenLabel { text: (*t).to_owned(), special: t.starts_with('[') }).collect()
    }

    fn head(weights: Array2<f32>) -> HeadWeights {
        HeadWeights { head: 0, name: "head 0".into(), weights, allowed: None }
    }

    #[test]
    fn every_weight_is_a_cell_with_its_number() {
        let t = Tokens { queries: tokens(&["[CLS]", "cat"]), keys: tokens(&["[CLS]", "cat"]) };
        let figure = Figure { tokens: &t, title: None, caption: "caption", query: Some(1) };
        let scene = heatmap(&figure, &head(array![[1.0, 0.0], [0.25, 0.75]])).unwrap();
        assert_eq!(scene.cell_count(), 4);
        let texts: Vec<&str> = scene.texts().map(|t| t.text.as_str()).collect();
        for expected in ["Attention weights · head 0", "caption · colour scale 0 to 1", ".250", ".750", "1.000", "cat", "[CLS]", "0.500"]
        {
            assert!(texts.contains(&expected), "{expected} in {texts:?}");
        }
        assert!(scene.shapes.iter().any(|s| matches!(s, Shape::Rect(r) if r.stroke.is_some())), "the query is outlined");
        assert!(scene.description.contains("the query ‘cat’"));
    }

    #[test]
    fn masked_cells_have_no_number_and_the_legend_says_masked() {
        let t = Tokens { queries: tokens(&["a", "b"]), keys: tokens(&["a", "b"]) };
        let figure = Figure { tokens: &t, title: Some("Mine"), caption: "", query: None };
        let mut h = head(array![[1.0, 0.0], [0.5, 0.5]]);
        h.allowed = Some(array![[true, false], [true, true]]);
        let scene = heatmap(&figure, &h).unwrap();
        let texts: Vec<&str> = scene.texts().map(|t| t.text.as_str()).collect();
        assert_eq!(texts.iter().filter(|t| **t == ".000").count(), 0, "{texts:?}");
        assert!(texts.contains(&"masked") && texts.contains(&"Mine"));
    }

    #[test]
    fn long_texts_get_small_cells_and_every_kth_label() {
        let words: Vec<String> = (0..200).map(|i| format!("w{i}")).collect();
        let labels: Vec<&str> = words.iter().map(String::as_str).collect();
        let t = Tokens { queries: tokens(&labels), keys: tokens(&labels) };
        let figure = Figure { tokens: &t, title: None, caption: "", query: Some(5) };
        let scene = heatmap(&figure, &head(Array2::from_elem((200, 200), 0.005))).unwrap();
        let count = |text: &str| scene.texts().filter(|t| t.text == text).count();
        // 960 / 200 = 4 px cells: every 4th token labelled, on both axes; the query always.
        assert_eq!((count("w0"), count("w4"), count("w196"), count("w1"), count("w5")), (2, 2, 2, 0, 1));
        assert_eq!(count("queries ↓ / keys →"), 1);
        assert!(scene.texts().any(|t| t.text.contains("colour scale 0 to 1")));
        assert!(scene.width < 1200, "{}", scene.width);
    }

    #[test]
    fn the_fixed_scale_keeps_a_flat_row_dark_and_the_stretched_one_says_so() {
        let t = Tokens { queries: tokens(&["a", "b"]), keys: tokens(&["a", "b"]) };
        let h = head(array![[0.5, 0.5], [0.4, 0.6]]);
        let spec = Heatmap { tokens: &t, head: &h, title: "T", name: "T", caption: "c", query: None, scale: Scale::Fixed };
        let fixed = heatmap_scene(&spec).unwrap();
        let stretched = heatmap_scene(&Heatmap { scale: Scale::Stretched, ..spec }).unwrap();
        let cells = |scene: &Scene| scene.shapes.iter().find_map(|s| if let Shape::Cells(c) = s { Some(c.colours) } else { None }).unwrap();
        assert_eq!((cells(&fixed), cells(&stretched)), (Colours::Weights(1.0), Colours::Weights(0.6)));
        let texts = |scene: &Scene| scene.texts().map(|t| t.text.clone()).collect::<Vec<_>>();
        assert!(texts(&fixed).contains(&"c · colour scale 0 to 1".to_owned()), "{:?}", texts(&fixed));
        assert!(texts(&stretched).contains(&"c · colours stretched to the largest weight, 0.600".to_owned()));
        assert!(texts(&fixed).contains(&"1.000".to_owned()) && texts(&stretched).contains(&"0.600".to_owned()), "the legend's top");
    }

    #[test]
    fn shapes_must_match_the_tokens() {
        let t = Tokens { queries: tokens(&["a"]), keys: tokens(&["a"]) };
        let figure = Figure { tokens: &t, title: None, caption: "", query: Some(3) };
        assert!(heatmap(&figure, &head(array![[1.0, 0.0]])).is_err());
        assert!(heatmap(&figure, &head(array![[1.0]])).unwrap_err().to_string().contains("query 3 does not exist"));
    }
}
