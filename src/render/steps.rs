//! One step of the step-by-step player as a figure (the page's export of the player, and each
//! frame of its clip): the stages with the current one lit, the step's sentence and formula,
//! and the query's numbers key by key, as far as they are computed at that step.

use super::design::LINES_LABEL;
use super::figure::{capitalised, header, number_text, quoted, token_label, weight_text, TokenLabel, PAD};
use super::scene::{paper, text_width, wrap_text, Anchor, Line, Rect, Scene, Shape, Text, BOLD, SEMIBOLD};
use super::RenderError;

/// The width of every frame, so that a clip's frames line up.
const WIDTH: f32 = 820.0;
/// Rows of the number table shown in one frame; longer queries show a window around the key.
const FRAME_ROWS: usize = 16;
const ROW_HEIGHT: f32 = 24.0;
const KEY_COLUMN: f32 = 150.0;
const NUMBER_COLUMN: f32 = 104.0;

/// What the step says: a title, a sentence, its formula as plain text, and the key it is about.
#[derive(Debug, Clone, Copy)]
pub struct Story<'a> {
    pub title: &'a str,
    pub explanation: &'a str,
    pub formula: &'a str,
    /// The key whose row is lit (and around which a long table is windowed).
    pub key: usize,
}

/// One column of the number table: a value per key, the first `shown` of them computed.
#[derive(Debug, Clone, Copy)]
pub struct Column<'a> {
    pub label: &'a str,
    pub values: &'a [f32],
    /// How many keys, from the first, have this value computed at the step; the others read "·".
    pub shown: usize,
    /// Softmax weights: three decimals and a bar.
    pub weight: bool,
    /// Masked keys' values are drawn faint (they are −∞ or 0 from the mask on).
    pub faint_when_masked: bool,
}

/// One step of one query of one head.
#[derive(Debug, Clone, Copy)]
pub struct Steps<'a> {
    /// "head 2", "layer 1 · head 2".
    pub head_name: &'a str,
    /// The pretrained model's name, if the numbers are a model's.
    pub model: Option<&'a str>,
    pub query: &'a TokenLabel,
    /// The query's place among `queries`, from 0.
    pub query_index: usize,
    pub queries: usize,
    pub step: usize,
    pub steps: usize,
    /// The stages' names in order, and which one the step is in.
    pub stages: &'a [String],
    pub stage: usize,
    pub story: Story<'a>,
    pub keys: &'a [TokenLabel],
    /// Which keys the query may attend to.
    pub allowed: &'a [bool],
    pub columns: &'a [Column<'a>],
}

/// The figure of a step.
pub fn steps(spec: &Steps<'_>) -> Result<Scene, RenderError> {
    let keys = spec.keys.len();
    if keys == 0 || spec.allowed.len() != keys || spec.columns.iter().any(|c| c.values.len() != keys) {
        return Err(RenderError(format!("a step needs a value per key in every column and {keys} keys")));
    }
    let inner = WIDTH - 2.0 * PAD;
    let query = quoted(&spec.query.text);
    let title = format!("{} · query {query} ({} of {})", capitalised(spec.head_name), spec.query_index + 1, spec.queries);
    let model = spec.model.map_or(String::new(), |m| format!("{m} · "));
    let caption = format!("{model}step {} of {}", spec.step + 1, spec.steps);
    let mut shapes = Vec::new();
    let (mut y, _) = header(&mut shapes, &title, &caption, WIDTH);

    let mut x = PAD;
    for (i, stage) in spec.stages.iter().enumerate() {
        let chip = text_width(stage, 12.0, true) + 22.0;
        let (fill, stroke, ink) = match i.cmp(&spec.stage) {
            std::cmp::Ordering::Equal => (paper::ACCENT, paper::ACCENT, paper::ACCENT_INK),
            std::cmp::Ordering::Less => (paper::BACKGROUND, paper::LINE, paper::INK),
            std::cmp::Ordering::Greater => (paper::SURFACE2, paper::LINE, paper::INK3),
        };
        shapes.push(Shape::Rect(Rect::filled(x, y, chip, 24.0, fill).rounded(12.0).stroked(stroke)));
        shapes.push(Shape::Text(Text::new(x + chip / 2.0, y + 12.0, stage.clone(), 12.0, ink).anchor(Anchor::Middle).weight(SEMIBOLD)));
        x += chip + 6.0;
    }
    y += 46.0;
    shapes.push(Shape::Text(Text::new(PAD, y, spec.story.title, 16.0, paper::INK).weight(BOLD)));
    y += 26.0;
    for line in wrap_text(spec.story.explanation, inner, 14.0, false) {
        shapes.push(Shape::Text(Text::new(PAD, y, line, 14.0, paper::INK2)));
        y += 20.0;
    }
    let formula = wrap_text(spec.story.formula, inner - 28.0, 13.0, true);
    shapes.push(Shape::Rect(Rect::filled(PAD, y - 4.0, inner, formula.len() as f32 * 20.0 + 16.0, paper::SURFACE2).rounded(8.0)));
    y += 14.0;
    for line in formula {
        shapes.push(Shape::Text(Text::new(PAD + 14.0, y, line, 13.0, paper::INK).mono()));
        y += 20.0;
    }
    y += 16.0;

    let count = spec.columns.len();
    let weight_column = inner - KEY_COLUMN - NUMBER_COLUMN * count.saturating_sub(1) as f32;
    let column_width = |c: usize| if c + 1 == count { weight_column } else { NUMBER_COLUMN };
    let column_left = |c: usize| PAD + KEY_COLUMN + NUMBER_COLUMN * c as f32;
    let middle = ROW_HEIGHT / 2.0;
    shapes.push(Shape::Text(Text::new(PAD + 6.0, y + middle, "key", 12.0, paper::INK2).weight(SEMIBOLD)));
    for (c, column) in spec.columns.iter().enumerate() {
        let right = column_left(c) + column_width(c) - 6.0;
        shapes.push(Shape::Text(Text::new(right, y + middle, column.label, 12.0, paper::INK2).weight(SEMIBOLD).anchor(Anchor::End)));
    }
    y += ROW_HEIGHT;
    let rule = |y: f32| Shape::Line(Line { x1: PAD, y1: y, x2: PAD + inner, y2: y, stroke: paper::LINE, width: 1.0, opacity: 1.0 });
    shapes.push(rule(y));
    let current = spec.story.key;
    let first = if keys <= FRAME_ROWS { 0 } else { current.saturating_sub(FRAME_ROWS / 2).min(keys - FRAME_ROWS) };
    let last = keys.min(first + FRAME_ROWS);
    for (j, token) in spec.keys.iter().enumerate().take(last).skip(first) {
        if j == current {
            shapes.push(Shape::Rect(Rect::filled(PAD, y, inner, ROW_HEIGHT, paper::ACCENT_SOFT)));
        }
        let label = Text::new(PAD + 6.0, y + middle, token_label(&token.text, LINES_LABEL), 12.0, paper::INK2);
        shapes.push(Shape::Text(label.weight(SEMIBOLD).italic(token.special)));
        for (c, column) in spec.columns.iter().enumerate() {
            let left = column_left(c);
            let right = left + column_width(c) - 6.0;
            let shown = j < column.shown;
            let value = column.values[j];
            if column.weight && shown {
                let bar = value.clamp(0.0, 1.0) * (weight_column - 76.0);
                shapes
                    .push(Shape::Rect(Rect::filled(left + 6.0, y + 6.0, bar, ROW_HEIGHT - 12.0, paper::ACCENT).rounded(2.0).opacity(0.28)));
            }
            let text = match (shown, column.weight) {
                (false, _) => "·".to_owned(),
                (true, true) => weight_text(value),
                (true, false) => number_text(value, 3),
            };
            let faint = !shown || (column.faint_when_masked && !spec.allowed[j]);
            let ink = if faint { paper::INK3 } else { paper::INK };
            shapes.push(Shape::Text(Text::new(right, y + middle, text, 12.0, ink).mono().anchor(Anchor::End)));
        }
        y += ROW_HEIGHT;
        shapes.push(rule(y));
    }
    if last - first < keys {
        y += 14.0;
        shapes.push(Shape::Text(Text::new(PAD, y, format!("keys {}–{last} of {keys}", first + 1), 12.0, paper::INK3)));
    }
    Ok(Scene {
        width: WIDTH as u32,
        height: (y + PAD).ceil() as u32,
        title: format!("{} — query {query}, {}", spec.story.title, spec.head_name),
        description: format!("{} {}", spec.story.explanation, spec.story.formula),
        shapes,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn token(text: &str) -> TokenLabel {
        TokenLabel { text: text.to_owned(), special: false }
    }

    #[test]
    fn a_step_lights_its_stage_and_shows_what_is_computed() {
        let keys: Vec<TokenLabel> = ["the", "cat", "sat"].into_iter().map(token).collect();
        let stages: Vec<String> = ["Score", "Scale", "Softmax"].into_iter().map(str::to_owned).collect();
        let scores = [1.0, -2.5, f32::NEG_INFINITY];
        let weights = [0.0625, 0.9375, 0.0];
        let columns = [
            Column { label: "score s", values: &scores, shown: 2, weight: false, faint_when_masked: false },
            Column { label: "weight w", values: &weights, shown: 0, weight: true, faint_when_masked: true },
        ];
        let query = token("cat");
        let spec = Steps {
            head_name: "layer 1 · head 2",
            model: Some("all-MiniLM-L6-v2"),
            query: &query,
            query_index: 1,
            queries: 3,
            step: 1,
            steps: 11,
            stages: &stages,
            stage: 0,
            story: Story {
                title: "Score of ‘cat’",
                explanation: "The dot product of the query and the key.",
                formula: "s = q · k = 1.000",
                key: 1,
            },
            keys: &keys,
            allowed: &[true, true, false],
            columns: &columns,
        };
        let scene = steps(&spec).unwrap();
        assert_eq!(scene.width, 820);
        let texts: Vec<&str> = scene.texts().map(|t| t.text.as_str()).collect();
        for expected in [
            "Layer 1 · head 2 · query ‘cat’ (2 of 3)",
            "all-MiniLM-L6-v2 · step 2 of 11",
            "Score",
            "score s",
            "1.000",
            "\u{2212}2.500",
            "s = q · k = 1.000",
        ] {
            assert!(texts.contains(&expected), "{expected} in {texts:?}");
        }
        assert_eq!(texts.iter().filter(|t| **t == "·").count(), 1 + 3, "the third score and every weight are not computed yet");
        let chip = scene.texts().find(|t| t.text == "Score").unwrap();
        assert_eq!(chip.fill, paper::ACCENT_INK);
        assert!(scene.shapes.iter().any(|s| matches!(s, Shape::Rect(r) if r.fill == Some(paper::ACCENT_SOFT))), "the key's row is lit");
        assert!(scene.texts().filter(|t| t.mono).count() >= 7);

        let all = [Column { shown: 3, ..columns[1] }];
        let scene = steps(&Steps { columns: &all, stage: 2, ..spec }).unwrap();
        let texts: Vec<&str> = scene.texts().map(|t| t.text.as_str()).collect();
        assert!(texts.contains(&"0.063") && texts.contains(&"0.938"), "{texts:?}");
        assert_eq!(scene.shapes.iter().filter(|s| matches!(s, Shape::Rect(r) if r.opacity < 1.0)).count(), 3, "a bar per weight");
        let masked = scene.texts().find(|t| t.text == "0.000").unwrap();
        assert_eq!(masked.fill, paper::INK3);
    }

    #[test]
    fn long_queries_show_a_window_around_the_key() {
        let keys: Vec<TokenLabel> = (0..40).map(|i| token(&format!("k{i}"))).collect();
        let values = vec![0.025; 40];
        let columns = [Column { label: "weight w", values: &values, shown: 40, weight: true, faint_when_masked: true }];
        let query = token("q");
        let spec = Steps {
            head_name: "head 1",
            model: None,
            query: &query,
            query_index: 0,
            queries: 40,
            step: 0,
            steps: 85,
            stages: &[],
            stage: 0,
            story: Story { title: "t", explanation: "e", formula: "f", key: 30 },
            keys: &keys,
            allowed: &[true; 40],
            columns: &columns,
        };
        let scene = steps(&spec).unwrap();
        let texts: Vec<&str> = scene.texts().map(|t| t.text.as_str()).collect();
        assert!(texts.contains(&"keys 23–38 of 40") && texts.contains(&"k22") && !texts.contains(&"k21"), "{texts:?}");
        assert!(steps(&Steps { allowed: &[true; 3], ..spec }).is_err());
    }
}
