//! The page's figures: what is on screen, as the page describes it ([`FigureInput`], read with
//! serde from camelCase keys), turned into the same scenes `attn render` draws, with the page's
//! titles, captions and messages.
//!
//! Bulk numbers come beside the description: `weights`, flat and row-major, whose layout the
//! view gives (one head's queries × keys for the heatmap, the shown heads' one after another for
//! the lines, every layer's and head's for the grid, none for a step), and `allowed`, queries ×
//! keys with 0 for a masked pair (empty when nothing is masked).

use ndarray::Array2;
use serde::Deserialize;

use super::compare::{compare_scene, Compare, Map};
use super::design::{LINES_LIMIT, LINES_TOKEN_LIMIT};
use super::figure::{quoted, HeadWeights, Scale, TokenLabel, Tokens};
use super::formula::Formula;
use super::grid::{grid, Grid};
use super::heatmap::{heatmap_scene, Heatmap};
use super::lines::{line_count, lines_scene, Lines, Pin};
use super::steps::{steps, Column, Steps, Story, StoryVector};
use super::{RenderError, Scene};
use crate::attention::ScoreKind;

/// What is on screen: the tokens, where the weights come from, and the view.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct FigureInput {
    /// The query tokens shown (rows).
    pub queries: Vec<TokenLabel>,
    /// The key tokens shown (columns).
    pub keys: Vec<TokenLabel>,
    /// The pretrained model's name; absent for the toy.
    #[serde(default)]
    pub model: Option<String>,
    /// The toy's score function (a model's is scaled dot-product).
    #[serde(default)]
    pub score: ScoreKind,
    pub layers: usize,
    pub heads: usize,
    /// The layer whose heads are shown.
    pub layer: usize,
    /// Special tokens are hidden and each row renormalised among the others.
    #[serde(default)]
    pub renormalised: bool,
    /// What computed the weights and how, in the page's words: the model (trained, or the toy's
    /// random projections), the masks, the temperature, the scaling.
    #[serde(default)]
    pub settings: Option<String>,
    /// The colour scale: fixed from 0 to 1 (the default) or stretched to the largest weight.
    #[serde(default)]
    pub scale: Scale,
    pub view: View,
}

/// The view, and what it singles out.
#[derive(Debug, Clone, Deserialize)]
#[serde(tag = "kind", rename_all = "camelCase", rename_all_fields = "camelCase")]
pub enum View {
    /// One head, its query outlined.
    Heatmap { head: usize, query: usize },
    /// The attention rollout or flow through `layer` (every head averaged, the residual counted),
    /// one queries × keys map in `weights`, its query outlined.
    Rollout { across: Across, query: usize },
    /// The heads `shown` (in this order in `weights`), only the pinned token's lines if any.
    Lines {
        shown: Vec<usize>,
        #[serde(default)]
        pin: Option<PinInput>,
    },
    /// Every head (of every layer), the focused one outlined.
    Grid { head: usize },
    /// One step of the player.
    Steps(StepInput),
    /// One head on two sentences: `weights` holds A's weights (the figure's queries × keys), then
    /// B's, then B − A over the shared pairs; `allowed` is empty or holds the three masks so.
    Compare(CompareInput),
}

/// What a rollout figure shows (`crate::rollout`, `crate::flow`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum Across {
    Rollout,
    Flow,
}

/// The Compare view: sentence B's tokens, the shared token pairs the difference is over, and
/// what the page says of the two texts and of how their tokens were aligned.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CompareInput {
    pub head: usize,
    /// A's focused query, and where it is among B's queries and the difference's rows (if there).
    pub query: usize,
    #[serde(default)]
    pub other_query: Option<usize>,
    #[serde(default)]
    pub row: Option<usize>,
    pub other_queries: Vec<TokenLabel>,
    pub other_keys: Vec<TokenLabel>,
    /// The difference's rows and columns: one label per shared pair ("tired/wide" where the two
    /// sentences have different tokens there).
    pub rows: Vec<TokenLabel>,
    pub cols: Vec<TokenLabel>,
    /// The two texts, for the caption (the page shortens long ones).
    pub text_a: String,
    pub text_b: String,
    /// How the tokens were aligned, in the page's words.
    pub alignment: String,
}

/// A pinned token of the lines view: `side` "q" or "k", `index` among that side's tokens.
#[derive(Debug, Clone, Copy, Deserialize)]
pub struct PinInput {
    pub side: Side,
    pub index: usize,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
pub enum Side {
    #[serde(rename = "q")]
    Query,
    #[serde(rename = "k")]
    Key,
}

/// One step of the player: the story the page tells of it (title, sentence, formula as text,
/// the key it is about), the stages, and the query's numbers.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct StepInput {
    pub head: usize,
    pub query: usize,
    pub step: usize,
    pub steps: usize,
    /// The stages' names, and the index of the step's.
    pub stages: Vec<String>,
    pub stage: usize,
    pub title: String,
    pub explanation: String,
    /// The formula as the page's tree of maths (`www/src/math.js`).
    pub formula: Formula,
    /// The vectors the step shows in full.
    #[serde(default)]
    pub vectors: Vec<StoryVector>,
    pub key: usize,
    /// Per key: whether the query may attend to it.
    pub allowed: Vec<bool>,
    pub columns: Vec<ColumnInput>,
}

/// A column of the player's number table.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ColumnInput {
    pub label: String,
    /// One per key (masked scores are −∞).
    pub values: Vec<f32>,
    /// How many keys, from the first, have the value computed at the step.
    pub shown: usize,
    #[serde(default)]
    pub weight: bool,
    #[serde(default)]
    pub faint_when_masked: bool,
}

/// A typed text in quotes for a caption: “The animal …”.
fn quoted_text(text: &str) -> String {
    format!("“{}”", text.trim())
}

/// `n` with thousands separated by commas, as the page writes counts: 20,000.
pub fn grouped(n: usize) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    out
}

fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

impl FigureInput {
    /// How a head is named: "head 3", or "layer 2 · head 3" when there are several layers.
    pub fn head_name(&self, head: usize) -> String {
        if self.layers > 1 {
            format!("layer {} · head {}", self.layer + 1, head + 1)
        } else {
            format!("head {}", head + 1)
        }
    }

    /// Where the weights come from: the page's settings line after the counts ("12 tokens ·
    /// all-MiniLM-L6-v2, pretrained · …"), or without one "all-MiniLM-L6-v2 · 12 tokens · scaled
    /// dot-product scores", "4 queries × 4 keys · dot-product scores".
    fn source_line(&self) -> String {
        let (q, k) = (self.queries.len(), self.keys.len());
        let counts = match &self.model {
            Some(_) => plural(q, "token", "tokens"),
            None => format!("{} × {}", plural(q, "query", "queries"), plural(k, "key", "keys")),
        };
        if let Some(settings) = &self.settings {
            return format!("{counts} · {settings}");
        }
        match &self.model {
            Some(model) => format!("{model} · {counts} · scaled dot-product scores"),
            None => {
                let score = match self.score {
                    ScoreKind::Dot => "dot-product",
                    ScoreKind::General => "general (q·W·k)",
                    ScoreKind::Additive => "additive",
                    ScoreKind::Cosine => "cosine",
                };
                format!("{counts} · {score} scores")
            }
        }
    }

    /// What the rows of the weights add up to.
    fn rows_note(&self) -> &'static str {
        if self.renormalised {
            "[CLS] and [SEP] hidden, each row renormalised to sum to 1"
        } else {
            "each row sums to 1"
        }
    }

    fn tokens(&self) -> Tokens {
        Tokens { queries: self.queries.clone(), keys: self.keys.clone() }
    }

    /// The masks as booleans, or `None` when nothing is masked.
    fn allowed(&self, allowed: &[u8]) -> Result<Option<Vec<bool>>, RenderError> {
        let size = self.queries.len() * self.keys.len();
        match allowed.len() {
            0 => Ok(None),
            n if n == size => Ok(allowed.contains(&0).then(|| allowed.iter().map(|&a| a != 0).collect())),
            n => Err(RenderError(format!("the mask has {n} entries for {size} query–key pairs"))),
        }
    }

    /// One head's weights, the `index`-th queries × keys block of `weights`.
    fn head_weights(
        &self,
        weights: &[f32],
        index: usize,
        head: usize,
        name: String,
        allowed: &Option<Vec<bool>>,
    ) -> Result<HeadWeights, RenderError> {
        let (q, k) = (self.queries.len(), self.keys.len());
        let block = weights
            .get(index * q * k..(index + 1) * q * k)
            .ok_or_else(|| RenderError(format!("{} weights are too few for {name} of {q} × {k}", weights.len())))?;
        let weights = Array2::from_shape_vec((q, k), block.to_vec()).map_err(|e| RenderError(e.to_string()))?;
        let allowed =
            allowed.as_ref().map(|a| Array2::from_shape_vec((q, k), a.clone())).transpose().map_err(|e| RenderError(e.to_string()))?;
        Ok(HeadWeights { head, name, weights, allowed })
    }

    /// A heatmap of one map of the queries × keys, the query outlined when it is one of them.
    fn heatmap(&self, weights: &HeadWeights, title: &str, name: &str, caption: &str, query: usize) -> Result<Scene, RenderError> {
        heatmap_scene(&Heatmap {
            tokens: &self.tokens(),
            head: weights,
            title,
            name,
            caption,
            query: (query < self.queries.len()).then_some(query),
            scale: self.scale,
        })
    }

    /// The figure, or why it cannot be made (in a sentence for the page's reader).
    pub fn scene(&self, weights: &[f32], allowed: &[u8]) -> Result<Scene, RenderError> {
        // The comparison's mask covers its three maps; every other view's is queries × keys.
        let mask = match &self.view {
            View::Compare(compare) => return self.compare(compare, weights, allowed),
            _ => self.allowed(allowed)?,
        };
        match &self.view {
            View::Heatmap { head, query } => {
                let name = self.head_name(*head);
                let weights = self.head_weights(weights, 0, *head, name.clone(), &mask)?;
                let title = format!("Attention weights · {name} of {}", self.heads);
                let caption = format!("{} · {}", self.source_line(), self.rows_note());
                let document = format!("Attention weights of {name}");
                self.heatmap(&weights, &title, &document, &caption, *query)
            }
            View::Rollout { across, query } => {
                let kind = match across {
                    Across::Rollout => "rollout",
                    Across::Flow => "flow",
                };
                let name = format!("the {kind} through layer {}", self.layer + 1);
                let weights = self.head_weights(weights, 0, 0, name.clone(), &None)?;
                let title = format!("Attention {kind} · through layer {}", self.layer + 1);
                let caption = format!(
                    "{} · every head averaged, the residual counted (Abnar & Zuidema 2020) · each row sums to 1",
                    self.source_line()
                );
                let document = format!("Attention {kind} through layer {}", self.layer + 1);
                self.heatmap(&weights, &title, &document, &caption, *query)
            }
            View::Lines { shown, pin } => self.lines(weights, &mask, shown, *pin),
            View::Grid { head } => {
                let several = self.layers > 1;
                let heads = if several { self.layers * self.heads } else { self.heads };
                let renormalised = if self.renormalised { format!(" · {}", self.rows_note()) } else { String::new() };
                let caption = format!("{} · {heads} heads on one colour scale{renormalised}", self.source_line());
                grid(&Grid {
                    queries: self.queries.len(),
                    keys: self.keys.len(),
                    layers: self.layers,
                    heads: self.heads,
                    weights,
                    allowed: mask.as_deref(),
                    layer: if several { self.layer } else { 0 },
                    head: *head,
                    caption: &caption,
                    scale: self.scale,
                })
            }
            View::Steps(step) => self.step(step),
            View::Compare(compare) => self.compare(compare, weights, allowed),
        }
    }

    fn compare(&self, c: &CompareInput, weights: &[f32], allowed: &[u8]) -> Result<Scene, RenderError> {
        let sizes = [self.queries.len() * self.keys.len(), c.other_queries.len() * c.other_keys.len(), c.rows.len() * c.cols.len()];
        let total: usize = sizes.iter().sum();
        if weights.len() != total || !(allowed.is_empty() || allowed.len() == total) {
            return Err(RenderError(format!(
                "the comparison takes {total} weights (A, B and B − A) and as many mask entries or none, not {} and {}",
                weights.len(),
                allowed.len()
            )));
        }
        let mask: Option<Vec<bool>> = (!allowed.is_empty()).then(|| allowed.iter().map(|&a| a != 0).collect());
        let (a, rest) = weights.split_at(sizes[0]);
        let (b, difference) = rest.split_at(sizes[1]);
        let part = |i: usize| mask.as_deref().map(|m| &m[sizes[..i].iter().sum::<usize>()..sizes[..=i].iter().sum::<usize>()]);
        let query = (c.query < self.queries.len()).then_some(c.query);
        let name = self.head_name(c.head);
        let title = format!("Two sentences, one head · {name} of {}", self.heads);
        let top = self.scale.top(a.iter().chain(b).copied());
        let caption = format!(
            "{} · A: {} · B: {} · {} · A and B: {}",
            self.source_line(),
            quoted_text(&c.text_a),
            quoted_text(&c.text_b),
            c.alignment,
            self.scale.caption(top)
        );
        compare_scene(&Compare {
            title: &title,
            name: &format!("Attention of {name} on two sentences"),
            caption: &caption,
            a: Map { title: "A", queries: &self.queries, keys: &self.keys, values: a, allowed: part(0), row: query },
            b: Map { title: "B", queries: &c.other_queries, keys: &c.other_keys, values: b, allowed: part(1), row: c.other_query },
            difference: Map { title: "B − A", queries: &c.rows, keys: &c.cols, values: difference, allowed: part(2), row: c.row },
            top,
        })
    }

    fn lines(&self, weights: &[f32], mask: &Option<Vec<bool>>, shown: &[usize], pin: Option<PinInput>) -> Result<Scene, RenderError> {
        let n = self.queries.len().max(self.keys.len());
        if n > LINES_TOKEN_LIMIT {
            return Err(RenderError(format!(
                "The lines view shows up to {LINES_TOKEN_LIMIT} tokens and this text has {}; export the heatmap instead.",
                grouped(n)
            )));
        }
        if shown.is_empty() {
            return Err(RenderError("Every head is switched off in the lines view: switch one on, then export its lines.".into()));
        }
        let tokens = self.tokens();
        let pin = pin.map(|p| match p.side {
            Side::Query => Pin::Query(p.index),
            Side::Key => Pin::Key(p.index),
        });
        if line_count(&tokens, shown.len(), pin) > LINES_LIMIT {
            return Err(RenderError(format!(
                "{} lines are too many for one figure: pin a token in the lines view (click it), then export its lines.",
                grouped(line_count(&tokens, shown.len(), None))
            )));
        }
        let heads = shown
            .iter()
            .enumerate()
            .map(|(i, &h)| self.head_weights(weights, i, h, format!("Head {}", h + 1), mask))
            .collect::<Result<Vec<_>, _>>()?;
        let title = match pin {
            Some(Pin::Query(q)) if q < self.queries.len() => format!("Attention lines of the query {}", quoted(&self.queries[q].text)),
            Some(Pin::Key(k)) if k < self.keys.len() => format!("Attention lines of the key {}", quoted(&self.keys[k].text)),
            _ => "Attention lines".to_owned(),
        };
        let layer = if self.layers > 1 { format!(" of layer {}", self.layer + 1) } else { String::new() };
        let renormalised = if self.renormalised { " (renormalised without [CLS]/[SEP])" } else { "" };
        let strength = match self.scale {
            Scale::Fixed => "line strength is the weight, out of 1",
            Scale::Stretched => "line strength is the weight over the largest drawn",
        };
        let caption = format!("{} · {} of {} heads{layer} · {strength}{renormalised}", self.source_line(), shown.len(), self.heads);
        lines_scene(&Lines { tokens: &tokens, heads: &heads, title: &title, caption: &caption, pin, scale: self.scale })
    }

    fn step(&self, s: &StepInput) -> Result<Scene, RenderError> {
        let query = self
            .queries
            .get(s.query)
            .ok_or_else(|| RenderError(format!("query {} is not among the {} queries", s.query, self.queries.len())))?;
        let columns: Vec<Column<'_>> = s
            .columns
            .iter()
            .map(|c| Column {
                label: &c.label,
                values: &c.values,
                shown: c.shown,
                weight: c.weight,
                faint_when_masked: c.faint_when_masked,
            })
            .collect();
        steps(&Steps {
            head_name: &self.head_name(s.head),
            model: self.settings.as_deref().or(self.model.as_deref()),
            query,
            query_index: s.query,
            queries: self.queries.len(),
            step: s.step,
            steps: s.steps,
            stages: &s.stages,
            stage: s.stage,
            story: Story { title: &s.title, explanation: &s.explanation, formula: &s.formula, vectors: &s.vectors, key: s.key },
            keys: &self.keys,
            allowed: &s.allowed,
            columns: &columns,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::render::scene::Shape;
    use serde_json::json;

    fn input(view: serde_json::Value) -> FigureInput {
        serde_json::from_value(json!({
            "queries": [{ "text": "the", "special": false }, { "text": "cat", "special": false }, { "text": "sat", "special": false }],
            "keys": [{ "text": "the", "special": false }, { "text": "cat", "special": false }, { "text": "sat", "special": false }],
            "score": "dot",
            "layers": 1,
            "heads": 2,
            "layer": 0,
            "view": view,
        }))
        .unwrap()
    }

    fn texts(scene: &Scene) -> Vec<&str> {
        scene.texts().map(|t| t.text.as_str()).collect()
    }

    #[test]
    fn the_heatmap_has_the_page_titles() {
        let weights = [1.0, 0.0, 0.0, 0.5, 0.5, 0.0, 0.2, 0.3, 0.5];
        let scene = input(json!({ "kind": "heatmap", "head": 1, "query": 2 })).scene(&weights, &[1, 0, 0, 1, 1, 0, 1, 1, 1]).unwrap();
        assert_eq!(scene.title, "Attention weights of head 2");
        let texts = texts(&scene);
        assert!(texts.contains(&"Attention weights · head 2 of 2"), "{texts:?}");
        assert!(texts.contains(&"3 queries × 3 keys · dot-product scores · each row sums to 1"), "{texts:?}");
        assert!(texts.contains(&"masked") && texts.contains(&".500"));
        assert_eq!(scene.cell_count(), 9);
    }

    #[test]
    fn a_rollout_figure_says_what_it_is_through_which_layer() {
        let weights = [0.6, 0.2, 0.2, 0.3, 0.5, 0.2, 0.25, 0.25, 0.5];
        let mut figure = input(json!({ "kind": "rollout", "across": "flow", "query": 1 }));
        figure.layers = 6;
        figure.layer = 3;
        let scene = figure.scene(&weights, &[]).unwrap();
        assert_eq!(scene.title, "Attention flow through layer 4");
        let texts = texts(&scene);
        assert!(texts.contains(&"Attention flow · through layer 4"), "{texts:?}");
        assert!(texts.contains(&"every head averaged, the residual counted (Abnar & Zuidema 2020)"), "{texts:?}");
        let rollout = input(json!({ "kind": "rollout", "across": "rollout", "query": 0 })).scene(&weights, &[]).unwrap();
        assert_eq!(rollout.title, "Attention rollout through layer 1");
        assert!(input(json!({ "kind": "rollout", "across": "rollout", "query": 0 })).scene(&weights[..4], &[]).is_err());
    }

    #[test]
    fn the_lines_draw_the_shown_heads_and_the_pinned_token() {
        let weights = [[0.5_f32; 9], [0.25; 9]].concat();
        let lines = |pin: serde_json::Value| {
            let scene = input(json!({ "kind": "lines", "shown": [0, 1], "pin": pin })).scene(&weights, &[]).unwrap();
            let count = scene.shapes.iter().filter(|s| matches!(s, Shape::Line(_))).count();
            (scene, count)
        };
        let (all, count) = lines(serde_json::Value::Null);
        assert_eq!(count, 18);
        assert_eq!(all.title, "Attention lines");
        assert!(texts(&all).contains(&"Head 1") && texts(&all).contains(&"Head 2"));
        assert_eq!(
            texts(&all)[1..3].join(" · "),
            "3 queries × 3 keys · dot-product scores · 2 of 2 heads · line strength is the weight, out of 1"
        );
        let (key, count) = lines(json!({ "side": "k", "index": 1 }));
        assert_eq!((key.title.as_str(), count), ("Attention lines of the key ‘cat’", 6));
        let (query, count) = lines(json!({ "side": "q", "index": 2 }));
        assert_eq!((query.title.as_str(), count), ("Attention lines of the query ‘sat’", 6));
    }

    #[test]
    fn the_page_settings_and_the_scale_are_in_the_caption() {
        let mut toy = input(json!({ "kind": "heatmap", "head": 0, "query": 0 }));
        toy.settings = Some("toy model, random projections: shows the mechanism, not meaning · causal mask · temperature 5".into());
        toy.scale = Scale::Stretched;
        let weights = [1.0, 0.0, 0.0, 0.5, 0.5, 0.0, 0.2, 0.3, 0.5];
        let caption = texts(&toy.scene(&weights, &[]).unwrap())[1..].join(" · ");
        assert!(caption.starts_with("3 queries × 3 keys · toy model, random projections: shows the mechanism, not meaning"), "{caption}");
        assert!(
            caption.contains("causal mask · temperature 5") && caption.contains("colours stretched to the largest weight, 1.000"),
            "{caption}"
        );
        let step = FigureInput {
            view: View::Steps(StepInput {
                head: 0,
                query: 0,
                step: 0,
                steps: 1,
                stages: vec!["Score".into()],
                stage: 0,
                title: "Score".into(),
                explanation: "".into(),
                formula: Formula::Mi { v: "s".into() },
                vectors: vec![],
                key: 0,
                allowed: vec![true; 3],
                columns: vec![],
            }),
            ..toy
        };
        let texts = texts_owned(&step.scene(&[], &[]).unwrap());
        assert!(texts.iter().any(|t| t.contains("random projections: shows the mechanism, not meaning")), "{texts:?}");
    }

    fn texts_owned(scene: &Scene) -> Vec<String> {
        scene.texts().map(|t| t.text.clone()).collect()
    }

    #[test]
    fn refusals_say_what_to_do_on_the_page() {
        let tokens: Vec<serde_json::Value> = (0..300).map(|i| json!({ "text": format!("w{i}"), "special": false })).collect();
        let long: FigureInput = serde_json::from_value(json!({
            "queries": tokens, "keys": tokens, "layers": 1, "heads": 1, "layer": 0,
            "view": { "kind": "lines", "shown": [0] },
        }))
        .unwrap();
        let message = long.scene(&vec![0.0; 90_000], &[]).unwrap_err().to_string();
        assert_eq!(message, "The lines view shows up to 256 tokens and this text has 300; export the heatmap instead.");
        let tokens: Vec<serde_json::Value> = (0..200).map(|i| json!({ "text": format!("w{i}"), "special": false })).collect();
        let many: FigureInput = serde_json::from_value(json!({
            "queries": tokens, "keys": tokens, "layers": 1, "heads": 1, "layer": 0,
            "view": { "kind": "lines", "shown": [0] },
        }))
        .unwrap();
        let message = many.scene(&vec![0.0; 40_000], &[]).unwrap_err().to_string();
        assert!(message.starts_with("40,000 lines are too many for one figure"), "{message}");
        let pinned = FigureInput { view: View::Lines { shown: vec![0], pin: Some(PinInput { side: Side::Query, index: 3 }) }, ..many };
        assert!(pinned.scene(&vec![0.0; 40_000], &[]).is_ok());
        assert!(input(json!({ "kind": "heatmap", "head": 0, "query": 0 })).scene(&[0.0; 8], &[]).is_err(), "too few weights");
        assert!(input(json!({ "kind": "heatmap", "head": 0, "query": 0 })).scene(&[0.0; 9], &[1; 4]).is_err(), "a mask of another size");
        assert_eq!([grouped(7), grouped(1000), grouped(1_234_567)], ["7", "1,000", "1,234,567"]);
    }

    #[test]
    fn the_comparison_draws_a_b_and_their_difference_and_names_both_texts() {
        let compare = |weights: usize, allowed: usize| {
            input(json!({
                "kind": "compare", "head": 1, "query": 2, "otherQuery": 1, "row": 1,
                "otherQueries": [{ "text": "the", "special": false }, { "text": "dog", "special": false }],
                "otherKeys": [{ "text": "the", "special": false }, { "text": "dog", "special": false }],
                "rows": [{ "text": "the", "special": false }, { "text": "cat / dog", "special": false }],
                "cols": [{ "text": "the", "special": false }, { "text": "cat / dog", "special": false }],
                "textA": "the cat sat", "textB": "the dog",
                "alignment": "2 of 3 tokens shared",
            }))
            .scene(&vec![0.25; weights], &vec![1; allowed])
        };
        let scene = compare(9 + 4 + 4, 0).unwrap();
        assert_eq!(scene.cell_count(), 17);
        assert_eq!(scene.title, "Attention of head 2 on two sentences");
        let caption = texts(&scene)[1..4].join(" · ");
        assert!(caption.contains("A: “the cat sat” · B: “the dog” · 2 of 3 tokens shared · A and B: colour scale 0 to 1"), "{caption}");
        assert!(compare(9 + 4 + 4, 17).is_ok());
        let message = compare(9 + 4, 0).unwrap_err().to_string();
        assert!(message.contains("takes 17 weights"), "{message}");
        assert!(compare(17, 5).is_err(), "a mask of another size");
    }

    #[test]
    fn the_grid_of_a_model_and_a_step_of_the_player() {
        let mut model = input(json!({ "kind": "grid", "head": 1 }));
        model.model = Some("all-MiniLM-L6-v2".into());
        model.layers = 2;
        model.layer = 1;
        model.renormalised = true;
        let scene = model.scene(&[0.1; 2 * 2 * 9], &[]).unwrap();
        assert_eq!(scene.cell_count(), 36);
        let caption = texts(&scene)[1..].join(" · ");
        assert!(
            caption.starts_with(
                "all-MiniLM-L6-v2 · 3 tokens · scaled dot-product scores · 4 heads on one colour scale · [CLS] and [SEP] hidden, each row renormalised to sum to 1"
            ),
            "{caption}"
        );
        assert_eq!(model.head_name(1), "layer 2 · head 2");

        let step: FigureInput = input(json!({
            "kind": "steps", "head": 0, "query": 1, "step": 3, "steps": 11,
            "stages": ["Score", "Scale", "Mask", "Exp", "Softmax", "Weigh values", "Output"], "stage": 1,
            "title": "Scale", "explanation": "Every score is divided by √d_k.", "key": 0,
            "formula": { "t": "row", "items": [
                { "t": "mi", "v": "ŝ" }, { "t": "mo", "v": "=" },
                { "t": "frac", "num": { "t": "mi", "v": "s" }, "den": { "t": "sqrt", "body": { "t": "mn", "v": "4" } } },
            ] },
            "vectors": [{ "label": { "t": "mi", "v": "q" }, "values": [0.5, -1.25], "highlight": [1, 2] }],
            "allowed": [true, true, false],
            "columns": [
                { "label": "score s", "values": [1.0, 2.0, 3.0], "shown": 3 },
                { "label": "weight w", "values": [0.5, 0.5, 0.0], "shown": 0, "weight": true, "faintWhenMasked": true },
            ],
        }));
        let scene = step.scene(&[], &[]).unwrap();
        let texts = texts(&scene);
        for expected in
            ["Head 1 · query ‘cat’ (2 of 3)", "step 4 of 11", "Weigh values", "ŝ", "√", "4", "3.000", "weight w", "q", "\u{2212}1.250"]
        {
            assert!(texts.contains(&expected), "{expected} in {texts:?}");
        }
        assert!(scene.description.contains("ŝ = (s) / (√(4))"), "{}", scene.description);
        let formula: Result<FigureInput, _> = serde_json::from_value(json!({ "view": { "kind": "steps", "formula": "s" } }));
        assert!(formula.is_err(), "a formula is a tree, not text");
    }
}
