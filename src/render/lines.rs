//! The lines view: query tokens in a column on the left, key tokens on the right, and a line
//! from each query to each key whose opacity and width grow with the weight; one colour per
//! head (Okabe–Ito), a legend of the heads drawn. Singling out a query draws only its lines.

use super::colormap::head_colour;
use super::figure::{header, quoted, token_label, Figure, HeadWeights, TokenLabel, MIN_WIDTH, PAD};
use super::scene::{paper, text_width, Anchor, Line, Rect, Scene, Shape, Text};
use super::RenderError;

/// Most tokens on either side.
pub const TOKEN_LIMIT: usize = 256;
/// Most lines in one figure.
pub const LINE_LIMIT: usize = 20_000;
/// Weights below this are not drawn (they would be invisible anyway).
const MIN_WEIGHT: f32 = 0.01;
/// Height of one token's row.
const ROW: f32 = 26.0;
/// Least distance between the two columns of tokens.
const SPAN: f32 = 280.0;
const LABEL: usize = 18;
const SIZE: f32 = 13.0;

/// The lines of `heads` (all of the same tokens), on top of one another.
pub fn lines(figure: &Figure<'_>, heads: &[HeadWeights]) -> Result<Scene, RenderError> {
    let first = heads.first().ok_or_else(|| RenderError("the lines view needs at least one head".into()))?;
    for head in heads {
        figure.check(head)?;
    }
    let (queries, keys) = (&figure.tokens.queries, &figure.tokens.keys);
    let n = queries.len().max(keys.len());
    if n > TOKEN_LIMIT {
        return Err(RenderError(format!(
            "the lines view draws up to {TOKEN_LIMIT} tokens and this text has {n}: draw the heatmap instead"
        )));
    }
    let total = figure.query.map_or(queries.len(), |_| 1) * keys.len() * heads.len();
    if total > LINE_LIMIT {
        return Err(RenderError(format!(
            "{total} lines are too many for one figure (at most {LINE_LIMIT}): draw the lines of one query, or fewer heads"
        )));
    }
    let top_weight = heads.iter().flat_map(|h| h.weights.iter().copied()).filter(|w| w.is_finite()).fold(MIN_WEIGHT, f32::max);
    let label = |t: &TokenLabel| token_label(&t.text, LABEL);
    let widest = |tokens: &[TokenLabel]| tokens.iter().map(|t| text_width(&label(t), SIZE, true)).fold(0.0, f32::max);

    let mut shapes = Vec::new();
    let title = match (figure.title, figure.query) {
        (Some(title), _) => title.to_owned(),
        (None, Some(q)) => format!("Attention lines of the query {}", quoted(&queries[q].text)),
        (None, None) => "Attention lines".to_owned(),
    };
    let caption = format!("{} · line strength is the weight", figure.caption);
    let x1 = (PAD + widest(queries).max(text_width("query", 11.0, false)) + 12.0).ceil();
    // The lines take whatever width the figure has beyond the labels.
    let x2 = (x1 + SPAN).max(MIN_WIDTH - PAD - 10.0 - widest(keys)).floor();
    let (below_header, width) = header(&mut shapes, &title, &caption, x2 + 10.0 + widest(keys) + PAD);
    let headings = below_header + 4.0;
    shapes.push(Shape::Text(Text::new(x1 - 10.0, headings, "query", 11.0, paper::INK3).anchor(Anchor::End)));
    shapes.push(Shape::Text(Text::new(x2 + 10.0, headings, "key", 11.0, paper::INK3)));
    let top = headings + 14.0;
    let row_middle = |i: usize| top + i as f32 * ROW + ROW / 2.0;
    for (q, token) in queries.iter().enumerate() {
        let on = figure.query == Some(q);
        let fill = if on {
            paper::ACCENT
        } else if token.special {
            paper::INK3
        } else {
            paper::INK
        };
        shapes.push(Shape::Text(Text::new(x1 - 10.0, row_middle(q), label(token), SIZE, fill).anchor(Anchor::End).bold(on)));
    }
    for (k, token) in keys.iter().enumerate() {
        let fill = if token.special { paper::INK3 } else { paper::INK };
        shapes.push(Shape::Text(Text::new(x2 + 10.0, row_middle(k), label(token), SIZE, fill)));
    }
    let mut drawn: Vec<(f32, Line)> = Vec::new();
    for head in heads {
        for ((q, k), &w) in head.weights.indexed_iter() {
            // NaN weights fail the comparison and are skipped too.
            let visible = w >= MIN_WEIGHT;
            if figure.query.is_some_and(|only| only != q) || !visible {
                continue;
            }
            let line = Line {
                x1,
                y1: row_middle(q),
                x2,
                y2: row_middle(k),
                stroke: head_colour(head.head),
                width: 1.5 + 4.0 * w / top_weight,
                opacity: (0.95 * w / top_weight).min(1.0),
            };
            drawn.push((w, line));
        }
    }
    // The strongest lines last, on top.
    drawn.sort_by(|a, b| a.0.total_cmp(&b.0));
    shapes.extend(drawn.into_iter().map(|(_, line)| Shape::Line(line)));

    let (mut x, mut y) = (PAD, top + n as f32 * ROW + 20.0);
    for head in heads {
        let item = 18.0 + text_width(&head.name, 12.0, false) + 18.0;
        if x + item > width - PAD && x > PAD {
            x = PAD;
            y += 22.0;
        }
        shapes.push(Shape::Rect(Rect { x, y: y - 6.0, w: 12.0, h: 12.0, fill: Some(head_colour(head.head)), stroke: None, rx: 2.0 }));
        shapes.push(Shape::Text(Text::new(x + 18.0, y, head.name.clone(), 12.0, paper::INK2)));
        x += item;
    }
    let heads_drawn = if heads.len() == 1 { first.name.clone() } else { format!("{} heads, one colour each", heads.len()) };
    Ok(Scene {
        width: width as u32,
        height: (y + 12.0 + PAD).ceil() as u32,
        description: format!(
            "Lines from each query token (left) to each key token (right) for {heads_drawn}; a line's opacity and width grow with the attention weight. Weights below {MIN_WEIGHT} are not drawn."
        ),
        title,
        shapes,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::render::figure::Tokens;
    use ndarray::{array, Array2};

    fn tokens(n: usize) -> Vec<TokenLabel> {
        (0..n).map(|i| TokenLabel { text: format!("t{i}"), special: false }).collect()
    }

    fn head(head: usize, weights: Array2<f32>) -> HeadWeights {
        HeadWeights { head, name: format!("head {head}"), weights, allowed: None }
    }

    fn line_count(scene: &Scene) -> usize {
        scene.shapes.iter().filter(|s| matches!(s, Shape::Line(_))).count()
    }

    #[test]
    fn one_line_per_visible_weight_in_the_heads_colours() {
        let t = Tokens { queries: tokens(2), keys: tokens(2) };
        let figure = Figure { tokens: &t, title: None, caption: "toy", query: None };
        let heads = [head(0, array![[1.0, 0.0], [0.5, 0.5]]), head(1, array![[0.995, 0.005], [0.2, 0.8]])];
        let scene = lines(&figure, &heads).unwrap();
        assert_eq!(line_count(&scene), 3 + 3, "weights below 0.01 are not drawn");
        let colours: Vec<_> = scene.shapes.iter().filter_map(|s| if let Shape::Line(l) = s { Some(l.stroke) } else { None }).collect();
        assert!(colours.contains(&head_colour(0)) && colours.contains(&head_colour(1)));
        let Some(Shape::Line(strongest)) = scene.shapes.iter().rfind(|s| matches!(s, Shape::Line(_))) else { unreachable!() };
        assert_eq!((strongest.opacity, strongest.width), (0.95, 5.5), "drawn last, the strongest line is the most opaque and widest");
        assert!(scene.texts().any(|t| t.text == "head 1"));
    }

    #[test]
    fn a_query_draws_only_its_lines() {
        let t = Tokens { queries: tokens(3), keys: tokens(3) };
        let figure = Figure { tokens: &t, title: None, caption: "", query: Some(2) };
        let scene = lines(&figure, &[head(0, Array2::from_elem((3, 3), 1.0 / 3.0))]).unwrap();
        assert_eq!(line_count(&scene), 3);
        assert_eq!(scene.title, "Attention lines of the query ‘t2’");
    }

    #[test]
    fn too_many_tokens_or_lines_are_refused() {
        let t = Tokens { queries: tokens(300), keys: tokens(300) };
        let figure = Figure { tokens: &t, title: None, caption: "", query: None };
        let message = lines(&figure, &[head(0, Array2::zeros((300, 300)))]).unwrap_err().to_string();
        assert!(message.contains("up to 256 tokens"), "{message}");
        let t = Tokens { queries: tokens(100), keys: tokens(100) };
        let figure = Figure { tokens: &t, title: None, caption: "", query: None };
        let heads: Vec<HeadWeights> = (0..3).map(|h| head(h, Array2::zeros((100, 100)))).collect();
        assert!(lines(&figure, &heads).unwrap_err().to_string().contains("30000 lines are too many"));
        assert!(lines(&Figure { query: Some(0), ..figure }, &heads).is_ok());
    }
}
