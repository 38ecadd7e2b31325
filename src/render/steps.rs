//! One step of the step-by-step player as a figure (the page's export of the player, and each
//! frame of its clip): the stages with the current one lit, the step's sentence, its formula laid
//! out as maths, its vectors with their numbers, and the query's numbers key by key, as far as
//! they are computed at that step.

use super::design::LINES_LABEL;
use super::figure::{capitalised, header, number_text, quoted, token_label, weight_text, TokenLabel, PAD};
use super::formula::{layout, Formula, Laid};
use super::scene::{mono_width, paper, text_width, wrap_text, Anchor, Line, Rect, Scene, Shape, Text, BOLD, SEMIBOLD};
use super::RenderError;

/// The width of every frame, so that a clip's frames line up.
const WIDTH: f32 = 820.0;
/// Rows of the number table shown in one frame; longer queries show a window around the key.
const FRAME_ROWS: usize = 16;
const ROW_HEIGHT: f32 = 24.0;
const KEY_COLUMN: f32 = 150.0;
const NUMBER_COLUMN: f32 = 104.0;

/// What the step says: a title, a sentence, its formula, the vectors it shows in full, and the
/// key it is about.
#[derive(Debug, Clone, Copy)]
pub struct Story<'a> {
    pub title: &'a str,
    pub explanation: &'a str,
    pub formula: &'a Formula,
    pub vectors: &'a [StoryVector],
    /// The key whose row is lit (and around which a long table is windowed).
    pub key: usize,
}

/// A vector of the step's formula with its name: as many of its numbers as fit on a line.
#[derive(Debug, Clone, PartialEq, serde::Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct StoryVector {
    pub label: Formula,
    pub values: Vec<f32>,
    /// Entries `[from, to)` to mark (a head's part of the heads side by side).
    #[serde(default)]
    pub highlight: Option<[usize; 2]>,
}

/// The formula's size, and the smallest it shrinks to when a part does not fit a line.
const FORMULA_SIZE: f32 = 16.0;
const FORMULA_MIN: f32 = 10.0;
/// The numbers of a vector line, and its name.
const VECTOR_SIZE: f32 = 11.0;
const VECTOR_NAME: f32 = 14.0;

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
        // The chips wrap onto a second row rather than run off the figure.
        if x + chip > WIDTH - PAD && x > PAD {
            x = PAD;
            y += 30.0;
        }
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
    let laid = layout(spec.story.formula, FORMULA_SIZE, FORMULA_MIN, inner - 28.0, 28.0);
    let height = laid.height(10.0);
    shapes.push(Shape::Rect(Rect::filled(PAD, y, inner, height + 24.0, paper::SURFACE2).rounded(8.0)));
    shapes.extend(laid.shapes(PAD + 14.0, y + 12.0, 10.0, 28.0, paper::INK));
    y += height + 24.0 + 12.0;
    // The vectors' names in a column as wide as the widest of them.
    let names: Vec<Laid> = spec.story.vectors.iter().map(|v| layout(&v.label, VECTOR_NAME, 9.0, inner / 4.0, 0.0)).collect();
    let column = names.iter().map(Laid::width).fold(0.0, f32::max) + 10.0;
    for (vector, name) in spec.story.vectors.iter().zip(&names) {
        y = vector_line(&mut shapes, vector, name, column, y, inner);
    }
    y += 8.0;

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
        description: format!("{} {}", spec.story.explanation, spec.story.formula.text()),
        shapes,
    })
}

/// One vector on a line below the formula: its name, then its numbers in cells (a head's part
/// on a tinted ground), as many as fit, and how many there are when not all do. Returns the y
/// below it.
fn vector_line(shapes: &mut Vec<Shape>, vector: &StoryVector, name: &Laid, column: f32, y: f32, inner: f32) -> f32 {
    const HEIGHT: f32 = 22.0;
    let middle = y + HEIGHT / 2.0;
    shapes.extend(name.shapes(PAD + column - 10.0 - name.width(), middle - name.height(0.0) / 2.0, 0.0, 0.0, paper::INK));
    let cell = mono_width("−0.000", VECTOR_SIZE) + 8.0;
    let count = vector.values.len();
    let fits = (((inner - column) / cell).floor() as usize).max(1);
    // Too many to show: a window of them, from the marked part when it lies beyond the start,
    // and which numbers of how many it shows.
    let note = |first: usize, shown: usize| format!("{}–{} of {count}", first + 1, first + shown);
    let shown = if count > fits {
        fits.saturating_sub(((text_width(&note(count, count), VECTOR_SIZE, false) + 8.0) / cell).ceil() as usize).max(1)
    } else {
        count
    };
    let first = match vector.highlight {
        Some([from, to]) if to > shown => from.min(count - shown),
        _ => 0,
    };
    for (c, value) in vector.values.iter().enumerate().skip(first).take(shown) {
        let left = PAD + column + (c - first) as f32 * cell;
        let mine = vector.highlight.is_some_and(|[from, to]| (from..to).contains(&c));
        let ground = if mine { paper::ACCENT_SOFT } else { paper::SURFACE2 };
        shapes.push(Shape::Rect(Rect::filled(left, y + 1.0, cell - 2.0, HEIGHT - 2.0, ground).rounded(3.0)));
        shapes.push(Shape::Text(
            Text::new(left + cell - 6.0, middle, number_text(*value, 3), VECTOR_SIZE, paper::INK).mono().anchor(Anchor::End),
        ));
    }
    if shown < count {
        let left = PAD + column + shown as f32 * cell + 4.0;
        shapes.push(Shape::Text(Text::new(left, middle, note(first, shown), VECTOR_SIZE, paper::INK3)));
    }
    y + HEIGHT + 4.0
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
        let formula: Formula = serde_json::from_value(serde_json::json!({ "t": "row", "items": [
            { "t": "mi", "v": "s" }, { "t": "mo", "v": "=" }, { "t": "mi", "v": "q" }, { "t": "mo", "v": "·" }, { "t": "mi", "v": "k" },
            { "t": "mo", "v": "=" }, { "t": "mn", "v": "1.000" },
        ] }))
        .unwrap();
        let long: Vec<f32> = (1..65).map(|c| c as f32 / 8.0).collect();
        let vectors = [
            StoryVector { label: Formula::Mi { v: "q".into() }, values: vec![0.25, -0.5], highlight: None },
            StoryVector { label: Formula::Mi { v: "x".into() }, values: long, highlight: Some([2, 4]) },
        ];
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
                formula: &formula,
                vectors: &vectors,
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
            "s",
            "q",
            "0.250",
            "\u{2212}0.500",
            "1–13 of 64",
        ] {
            assert!(texts.contains(&expected), "{expected} in {texts:?}");
        }
        assert_eq!(
            scene.texts().filter(|t| t.text == "·" && t.mono).count(),
            1 + 3,
            "the third score and every weight are not computed yet"
        );
        let chip = scene.texts().find(|t| t.text == "Score").unwrap();
        assert_eq!(chip.fill, paper::ACCENT_INK);
        assert!(scene.shapes.iter().any(|s| matches!(s, Shape::Rect(r) if r.fill == Some(paper::ACCENT_SOFT))), "the key's row is lit");
        assert!(scene.texts().filter(|t| t.mono).count() >= 7);
        assert!(scene.description.ends_with("s = q · k = 1.000"), "{}", scene.description);
        let tinted =
            scene.shapes.iter().filter(|s| matches!(s, Shape::Rect(r) if r.fill == Some(paper::ACCENT_SOFT) && r.h < 24.0)).count();
        assert_eq!(tinted, 2, "the marked part of a vector");
        // A marked part beyond the numbers that fit: the line starts there.
        let far = [StoryVector { highlight: Some([40, 48]), ..vectors[1].clone() }];
        let scene = steps(&Steps { story: Story { vectors: &far, ..spec.story }, ..spec }).unwrap();
        let texts: Vec<&str> = scene.texts().map(|t| t.text.as_str()).collect();
        assert!(texts.iter().any(|t| t.starts_with("41–") && t.ends_with(" of 64")) && texts.contains(&"5.125"), "{texts:?}");

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
            story: Story { title: "t", explanation: "e", formula: &Formula::Mi { v: "f".into() }, vectors: &[], key: 30 },
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
