//! The lines view: query tokens in a column on the left, key tokens on the right, and a line
//! from each query to each key whose opacity and width grow with the weight; one colour per
//! head (Okabe–Ito), a legend of the heads drawn. Singling out a query draws only its lines.

use super::colormap::head_colour;
use super::design::{LINES_LABEL as LABEL, LINE_OPACITY, LINE_WIDTH, LINE_WIDTH_GROWTH, MIN_WEIGHT, ROW};
pub use super::design::{LINES_LIMIT as LINE_LIMIT, LINES_TOKEN_LIMIT as TOKEN_LIMIT};
use super::figure::{header, quoted, token_label, Figure, HeadWeights, Scale, TokenLabel, Tokens, MIN_WIDTH, PAD};
use super::scene::{paper, text_width, Anchor, Line, Rect, Scene, Shape, Text};
use super::RenderError;

/// Least distance between the two columns of tokens.
const SPAN: f32 = 280.0;
const SIZE: f32 = 13.0;

/// The lines of `heads` (all of the same tokens), on top of one another; only the lines of the
/// figure's query when it has one.
pub fn lines(figure: &Figure<'_>, heads: &[HeadWeights]) -> Result<Scene, RenderError> {
    if heads.is_empty() {
        return Err(RenderError("the lines view needs at least one head".into()));
    }
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
    let pin = figure.query.map(Pin::Query);
    let total = line_count(figure.tokens, heads.len(), pin);
    if total > LINE_LIMIT {
        return Err(RenderError(format!(
            "{total} lines are too many for one figure (at most {LINE_LIMIT}): draw the lines of one query, or fewer heads"
        )));
    }
    let title = match (figure.title, figure.query) {
        (Some(title), _) => title.to_owned(),
        (None, Some(q)) => format!("Attention lines of the query {}", quoted(&queries[q].text)),
        (None, _) => "Attention lines".to_owned(),
    };
    let caption = format!("{} · line strength is the weight, out of 1", figure.caption);
    lines_scene(&Lines { tokens: figure.tokens, heads, title: &title, caption: &caption, pin, scale: Scale::Fixed })
}

/// The token whose lines alone are drawn.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Pin {
    Query(usize),
    Key(usize),
}

/// What a lines figure shows and says.
#[derive(Debug, Clone, Copy)]
pub struct Lines<'a> {
    pub tokens: &'a Tokens,
    /// Each in its colour; the legend names them.
    pub heads: &'a [HeadWeights],
    pub title: &'a str,
    pub caption: &'a str,
    pub pin: Option<Pin>,
    /// A line's strength is its weight (fixed: out of 1) or its weight over the largest drawn.
    pub scale: Scale,
}

/// How many lines there are to consider for `heads` heads: every query to every key, or the
/// pinned token's.
pub fn line_count(tokens: &Tokens, heads: usize, pin: Option<Pin>) -> usize {
    let (queries, keys) = (tokens.queries.len(), tokens.keys.len());
    heads
        * match pin {
            None => queries * keys,
            Some(Pin::Query(_)) => keys,
            Some(Pin::Key(_)) => queries,
        }
}

/// The lines figure: queries left, keys right, a line per weight of at least `MIN_WEIGHT`
/// whose opacity and width grow with it, one colour per head, the strongest lines on top.
pub fn lines_scene(spec: &Lines<'_>) -> Result<Scene, RenderError> {
    let first = spec.heads.first().ok_or_else(|| RenderError("the lines view needs at least one head".into()))?;
    let (queries, keys) = (&spec.tokens.queries, &spec.tokens.keys);
    let check = Figure { tokens: spec.tokens, title: None, caption: "", query: None };
    for head in spec.heads {
        check.check(head)?;
    }
    let (pinned_query, pinned_key) = match spec.pin {
        Some(Pin::Query(q)) => (Some(q), None),
        Some(Pin::Key(k)) => (None, Some(k)),
        None => (None, None),
    };
    match (pinned_query, pinned_key) {
        (Some(q), _) if q >= queries.len() => {
            return Err(RenderError(format!("query {q} does not exist: there are {} queries", queries.len())))
        }
        (_, Some(k)) if k >= keys.len() => return Err(RenderError(format!("key {k} does not exist: there are {} keys", keys.len()))),
        _ => {}
    }
    let n = queries.len().max(keys.len());
    let top_weight = spec.scale.top(spec.heads.iter().flat_map(|h| h.weights.iter().copied())).max(MIN_WEIGHT);
    let label = |t: &TokenLabel| token_label(&t.text, LABEL);
    let widest = |tokens: &[TokenLabel]| tokens.iter().map(|t| text_width(&label(t), SIZE, true)).fold(0.0, f32::max);

    let mut shapes = Vec::new();
    let x1 = (PAD + widest(queries).max(text_width("query", 11.0, false)) + 12.0).ceil();
    // The lines take whatever width the figure has beyond the labels.
    let x2 = (x1 + SPAN).max(MIN_WIDTH - PAD - 10.0 - widest(keys)).floor();
    let (below_header, width) = header(&mut shapes, spec.title, spec.caption, x2 + 10.0 + widest(keys) + PAD);
    let headings = below_header + 4.0;
    shapes.push(Shape::Text(Text::new(x1 - 10.0, headings, "query", 11.0, paper::INK3).anchor(Anchor::End)));
    shapes.push(Shape::Text(Text::new(x2 + 10.0, headings, "key", 11.0, paper::INK3)));
    let top = headings + 14.0;
    let row_middle = |i: usize| top + i as f32 * ROW + ROW / 2.0;
    let ink = |token: &TokenLabel, on: bool| {
        if on {
            paper::ACCENT
        } else if token.special {
            paper::INK3
        } else {
            paper::INK
        }
    };
    for (q, token) in queries.iter().enumerate() {
        let on = pinned_query == Some(q);
        let text =
            Text::new(x1 - 10.0, row_middle(q), label(token), SIZE, ink(token, on)).anchor(Anchor::End).bold(on).italic(token.special);
        shapes.push(Shape::Text(text));
    }
    for (k, token) in keys.iter().enumerate() {
        let on = pinned_key == Some(k);
        shapes.push(Shape::Text(Text::new(x2 + 10.0, row_middle(k), label(token), SIZE, ink(token, on)).bold(on).italic(token.special)));
    }
    let mut drawn: Vec<(f32, Line)> = Vec::new();
    for head in spec.heads {
        for ((q, k), &w) in head.weights.indexed_iter() {
            // NaN weights fail the comparison and are skipped too.
            let visible = w >= MIN_WEIGHT;
            if pinned_query.is_some_and(|only| only != q) || pinned_key.is_some_and(|only| only != k) || !visible {
                continue;
            }
            let line = Line {
                x1,
                y1: row_middle(q),
                x2,
                y2: row_middle(k),
                stroke: head_colour(head.head),
                width: LINE_WIDTH + LINE_WIDTH_GROWTH * w / top_weight,
                opacity: (LINE_OPACITY * w / top_weight).min(1.0),
            };
            drawn.push((w, line));
        }
    }
    // The strongest lines last, on top.
    drawn.sort_by(|a, b| a.0.total_cmp(&b.0));
    shapes.extend(drawn.into_iter().map(|(_, line)| Shape::Line(line)));

    let (mut x, mut y) = (PAD, top + n as f32 * ROW + 20.0);
    for head in spec.heads {
        let item = 18.0 + text_width(&head.name, 12.0, false) + 18.0;
        if x + item > width - PAD && x > PAD {
            x = PAD;
            y += 22.0;
        }
        shapes.push(Shape::Rect(Rect::filled(x, y - 6.0, 12.0, 12.0, head_colour(head.head)).rounded(2.0)));
        shapes.push(Shape::Text(Text::new(x + 18.0, y, head.name.clone(), 12.0, paper::INK2)));
        x += item;
    }
    let heads_drawn = if spec.heads.len() == 1 { first.name.clone() } else { format!("{} heads, one colour each", spec.heads.len()) };
    Ok(Scene {
        width: width as u32,
        height: (y + 12.0 + PAD).ceil() as u32,
        description: format!(
            "Lines from each query token (left) to each key token (right) for {heads_drawn}; a line's opacity and width grow with the attention weight. Weights below {MIN_WEIGHT} are not drawn."
        ),
        title: spec.title.to_owned(),
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
    fn a_pinned_key_draws_only_the_lines_to_it() {
        let t = Tokens { queries: tokens(3), keys: tokens(4) };
        let heads = [head(0, Array2::from_elem((3, 4), 0.25)), head(1, Array2::from_elem((3, 4), 0.25))];
        let spec = Lines { tokens: &t, heads: &heads, title: "T", caption: "c", pin: Some(Pin::Key(1)), scale: Scale::Fixed };
        let scene = lines_scene(&spec).unwrap();
        assert_eq!(line_count(&scene), 2 * 3);
        assert!(scene.shapes.iter().all(|s| !matches!(s, Shape::Line(l) if l.y2 != scene_row(&scene, 1))));
        let pinned = scene.texts().find(|t| t.text == "t1" && t.anchor == Anchor::Start).unwrap();
        assert_eq!((pinned.fill, pinned.weight), (paper::ACCENT, crate::render::scene::BOLD));
        assert_eq!(super::line_count(&t, 2, Some(Pin::Key(1))), 6);
        assert!(lines_scene(&Lines { pin: Some(Pin::Key(4)), ..spec }).is_err());
    }

    /// The middle of key `k`'s row, read from its label.
    fn scene_row(scene: &Scene, k: usize) -> f32 {
        scene.texts().find(|t| t.text == format!("t{k}") && t.anchor == Anchor::Start).unwrap().y
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
