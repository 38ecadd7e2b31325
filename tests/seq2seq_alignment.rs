//! What the date models' attention learned, checked loosely on dates none of them saw in training:
//! days of the test split (a hash of the ISO date puts them there, training/data_dates.py),
//! written in the twelve styles of the training data. Every translation must be right; and where
//! the model has attention, the step that writes the year's first digit must look hardest at a
//! character of the year, the steps that write the month's digits at the month's word,
//! abbreviation or number (as `eval.json`'s alignment checks measure on the test set).
//!
//! The grammar models' alignment is checked the same way on held-out English sentences
//! (tests/fixtures/trained/grammar-alignment.json, written by
//! training/make_grammar_alignment_fixture.py from the evaluation's own test sentences): where
//! French puts the adjective after the noun ("the black cat" → "le chat noir"), the step that
//! writes the French noun must look hardest at the English noun and the step that writes the
//! adjective at the English adjective, so the lines cross as in Bahdanau's figure.

use std::path::PathBuf;

use attention_playground::model::Seq2Seq;
use attention_playground::run::{BlockKind, Run};
use attention_playground::translation::Seq2SeqArchitecture;
use serde::Deserialize;
use serde_json::Value;

/// Days of the test split (year, month, day), six months; numeric styles zero-pad the day and
/// month of every other one.
const DAYS: [(u32, u32, u32); 6] = [(1977, 8, 31), (1981, 12, 31), (1985, 5, 1), (2020, 1, 25), (2055, 3, 14), (2058, 2, 13)];

const MONTHS: [&str; 12] =
    ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"];
const WEEKDAYS: [&str; 7] = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"];

/// A date written one way: the text, and the byte ranges of its year and its month.
struct Written {
    text: String,
    year: (usize, usize),
    month: (usize, usize),
    iso: String,
}

/// Monday = 0 (Sakamoto's method).
fn weekday(y: u32, m: u32, d: u32) -> usize {
    const T: [u32; 12] = [0, 3, 2, 5, 0, 3, 5, 1, 4, 6, 2, 4];
    let y = if m < 3 { y - 1 } else { y };
    let sunday_first = (y + y / 4 - y / 100 + y / 400 + T[m as usize - 1] + d) % 7;
    ((sunday_first + 6) % 7) as usize
}

fn ordinal(d: u32) -> String {
    let suffix = match (d % 10, d % 100) {
        (_, 11..=13) => "th",
        (1, _) => "st",
        (2, _) => "nd",
        (3, _) => "rd",
        _ => "th",
    };
    format!("{d}{suffix}")
}

/// Pieces of a written date: plain text, or the year (`Y`) or the month (`M`).
enum Part {
    Plain(String),
    Year(String),
    Month(String),
}

fn written(parts: Vec<Part>, iso: &str) -> Written {
    let (mut text, mut year, mut month) = (String::new(), (0, 0), (0, 0));
    for part in parts {
        match part {
            Part::Plain(s) => text.push_str(&s),
            Part::Year(s) => {
                year = (text.len(), text.len() + s.len());
                text.push_str(&s);
            }
            Part::Month(s) => {
                month = (text.len(), text.len() + s.len());
                text.push_str(&s);
            }
        }
    }
    Written { text, year, month, iso: iso.to_owned() }
}

/// The day in the twelve styles of the training data (numeric days and months zero-padded when
/// `pad`).
fn styles((y, m, d): (u32, u32, u32), pad: bool) -> Vec<Written> {
    use Part::{Month as M, Plain as P, Year as Y};
    let p = |s: &str| P(s.to_owned());
    let month = MONTHS[m as usize - 1];
    let mon = &month[..3];
    let wd = WEEKDAYS[weekday(y, m, d)];
    let num = |n: u32| if pad { format!("{n:02}") } else { n.to_string() };
    let iso = format!("{y:04}-{m:02}-{d:02}");
    let year = y.to_string();
    [
        vec![P(d.to_string()), p(" "), M(month.into()), p(" "), Y(year.clone())],
        vec![M(month.into()), P(format!(" {d}, ")), Y(year.clone())],
        vec![P(num(d)), p("/"), M(num(m)), p("/"), Y(year.clone())],
        vec![P(format!("{wd}, {} of ", ordinal(d))), M(month.into()), p(" "), Y(year.clone())],
        vec![M(mon.to_lowercase()), P(format!(" {d} ")), Y(format!("{:02}", y % 100))],
        vec![Y(year.clone()), p("."), M(format!("{m:02}")), P(format!(".{d:02}"))],
        vec![P(format!("the {} of ", ordinal(d))), M(month.into()), p(" "), Y(year.clone())],
        vec![P(format!("{d} ")), M(mon.into()), p(" "), Y(year.clone())],
        vec![P(format!("{}, {d} ", &wd[..3])), M(mon.into()), p(" "), Y(year.clone())],
        vec![M(month.into()), P(format!(" {}, ", ordinal(d))), Y(year.clone())],
        vec![P(num(d)), p("."), M(num(m)), p("."), Y(year.clone())],
        vec![P(format!("{d}-")), M(mon.to_lowercase()), p("-"), Y(year)],
    ]
    .into_iter()
    .map(|parts| written(parts, &iso))
    .collect()
}

fn inputs() -> Vec<Written> {
    DAYS.iter().enumerate().flat_map(|(i, &day)| styles(day, i % 2 == 0)).collect()
}

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn model(name: &str) -> Seq2Seq {
    Seq2Seq::from_dir(&root().join("trained").join(name)).unwrap()
}

/// The source token that step `step` weighs most in the cross-attention block of decoder layer
/// `layer`: in head `head`, or averaged over the layer's heads when `head` is `None`.
fn strongest(run: &Run, layer: usize, head: Option<usize>, step: usize) -> usize {
    let block = run.blocks.iter().filter(|b| b.kind == BlockKind::Cross).nth(layer).expect("a cross-attention block");
    let heads = match head {
        Some(h) => &block.heads[h..=h],
        None => &block.heads[..],
    };
    let keys = block.shape().1;
    let sum: Vec<f32> = (0..keys).map(|j| heads.iter().map(|h| h.weights[[step, j]]).sum::<f32>()).collect();
    (0..keys).fold(0, |best, j| if sum[j] > sum[best] { j } else { best })
}

/// Whether source token `index` lies inside the byte range `span` of the typed text (dates are
/// ASCII, so bytes and UTF-16 units agree).
fn inside(run: &Run, index: usize, span: (usize, usize)) -> bool {
    let token = &run.sequences[0].tokens[index];
    !token.special && token.start >= span.0 && token.end <= span.1
}

/// Fractions of inputs passing the year, first and second month digit checks, with the year
/// read from decoder layer `year_layer` and the month from `month_layer`.
fn alignment(model: &Seq2Seq, year_layer: usize, month_layer: usize) -> [f32; 3] {
    let inputs = inputs();
    let mut passed = [0usize; 3];
    for input in &inputs {
        let run = model.translate(&input.text).unwrap();
        assert_eq!(run.generation.as_ref().unwrap().text, input.iso, "{}: {:?}", model.name(), input.text);
        // Output YYYY-MM-DD: step 0 writes the year's first digit, steps 5 and 6 the month's.
        let checks = [(year_layer, 0, input.year), (month_layer, 5, input.month), (month_layer, 6, input.month)];
        for (count, (layer, step, span)) in passed.iter_mut().zip(checks) {
            *count += usize::from(inside(&run, strongest(&run, layer, None, step), span));
        }
    }
    passed.map(|n| n as f32 / inputs.len() as f32)
}

#[test]
fn the_model_without_attention_translates_every_held_out_date_too() {
    let model = model("dates-gru");
    for input in inputs() {
        let run = model.translate(&input.text).unwrap();
        assert_eq!(run.generation.as_ref().unwrap().text, input.iso, "{:?}", input.text);
        assert!(run.blocks.is_empty());
    }
}

#[test]
fn the_gru_attention_points_at_the_year_and_the_month() {
    let model = model("dates-gru-additive");
    assert_eq!(model.config().architecture, Seq2SeqArchitecture::GruAdditive);
    let [year, first, second] = alignment(&model, 0, 0);
    eprintln!("dates-gru-additive: year {year:.3}, month first digit {first:.3}, second digit {second:.3}");
    assert!(year >= 0.9 && first >= 0.9 && second >= 0.9, "year {year}, month {first} {second}");
}

#[test]
fn the_transformer_reads_the_year_in_its_first_layer_and_the_month_in_its_second() {
    // eval.json names layer 0's heads year heads and layer 1's month heads; the mean over a
    // layer's heads is checked.
    let model = model("dates-transformer");
    let [year, first, second] = alignment(&model, 0, 1);
    eprintln!("dates-transformer: year (layer 0) {year:.3}, month first digit (layer 1) {first:.3}, second digit {second:.3}");
    assert!(year >= 0.9, "year {year}");
    assert!(first >= 0.75 && second >= 0.9, "month {first} {second}");
}

/// A noun–adjective pair of a fixture sentence: word indices in the English and the French.
#[derive(Deserialize)]
struct Pair {
    /// Where French puts the adjective: "after" the noun (crosswise) or "before" it.
    order: String,
    en_adjective: usize,
    en_noun: usize,
    fr_adjective: usize,
    fr_noun: usize,
}

#[derive(Deserialize)]
struct Sentence {
    source: String,
    source_words: Vec<String>,
    target: String,
    target_tokens: Vec<String>,
    pairs: Vec<Pair>,
}

#[derive(Deserialize)]
struct GrammarFixture {
    sentences: Vec<Sentence>,
}

fn grammar_sentences() -> Vec<Sentence> {
    let path = root().join("tests/fixtures/trained/grammar-alignment.json");
    let fixture: GrammarFixture = read_json(&path);
    assert!(fixture.sentences.len() >= 50, "{}: {} sentences", path.display(), fixture.sentences.len());
    fixture.sentences
}

/// What the crosswise checks measured: the fraction of sentences translated exactly, and over
/// the crossing pairs of those, the fractions whose noun step looks hardest at the English noun,
/// whose adjective step at the English adjective, and both; and, with the expected positions
/// swapped (the straight alignment the crosswise one is not), the fractions whose noun step looks
/// hardest at the English adjective and whose adjective step at the English noun.
#[derive(Debug)]
struct Crosswise {
    exact: f32,
    pairs: usize,
    noun: f32,
    adjective: f32,
    pair: f32,
    swapped_noun: f32,
    swapped_adjective: f32,
}

/// Translates every fixture sentence and measures the crossing pairs of the exact translations in
/// the cross-attention of decoder layer `layer`, head `head`.
fn crosswise(model: &Seq2Seq, layer: usize, head: usize) -> Crosswise {
    let sentences = grammar_sentences();
    let (mut exact, mut pairs, mut noun, mut adjective, mut both, mut swapped_noun, mut swapped_adjective) = (0, 0, 0, 0, 0, 0, 0);
    for sentence in &sentences {
        let run = model.translate(&sentence.source).unwrap();
        let words: Vec<&str> = run.sequences[0].tokens.iter().filter(|t| !t.special).map(|t| t.text.as_str()).collect();
        assert_eq!(words, sentence.source_words, "{}: the fixture's English words", model.name());
        if run.generation.as_ref().unwrap().text != sentence.target {
            continue;
        }
        exact += 1;
        let written: Vec<&str> = run.sequences[1].tokens.iter().filter(|t| !t.special).map(|t| t.text.as_str()).collect();
        assert_eq!(written, sentence.target_tokens, "{}: {:?}", model.name(), sentence.source);
        for pair in sentence.pairs.iter().filter(|p| p.order == "after") {
            assert!(pair.fr_noun < pair.fr_adjective && pair.en_adjective < pair.en_noun, "{:?}: a crossing pair", sentence.source);
            let from_noun = strongest(&run, layer, Some(head), pair.fr_noun);
            let from_adjective = strongest(&run, layer, Some(head), pair.fr_adjective);
            let (n, a) = (from_noun == pair.en_noun, from_adjective == pair.en_adjective);
            pairs += 1;
            noun += usize::from(n);
            adjective += usize::from(a);
            both += usize::from(n && a);
            swapped_noun += usize::from(from_noun == pair.en_adjective);
            swapped_adjective += usize::from(from_adjective == pair.en_noun);
        }
    }
    let share = |n: usize, of: usize| n as f32 / of.max(1) as f32;
    Crosswise {
        exact: share(exact, sentences.len()),
        pairs,
        noun: share(noun, pairs),
        adjective: share(adjective, pairs),
        pair: share(both, pairs),
        swapped_noun: share(swapped_noun, pairs),
        swapped_adjective: share(swapped_adjective, pairs),
    }
}

/// The JSON document at `path`, or a panic naming the file.
fn read_json<T: serde::de::DeserializeOwned>(path: &std::path::Path) -> T {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// `alignment` of the model's eval.json.
fn evaluated_alignment(name: &str) -> Value {
    let path = root().join("trained").join(name).join("eval.json");
    let eval: Value = read_json(&path);
    eval["alignment"].clone()
}

/// The crosswise checks hold for ≥ 90% of pairs (on ≥ 90% exact translations) and agree within
/// 0.05 with the evaluation's fractions `evaluated` ("after:noun", "after:adjective",
/// "after:pair"); the swapped expectation fails for most pairs.
fn assert_crosswise(model: &Seq2Seq, layer: usize, head: usize, evaluated: &Value) {
    let name = model.name();
    let found = crosswise(model, layer, head);
    eprintln!("{name} (layer {layer}, head {head}): {found:?}");
    assert!(found.exact >= 0.9, "{name}: exact translations {}", found.exact);
    assert!(found.pairs >= 40, "{name}: {} crossing pairs", found.pairs);
    for (check, value) in [("after:noun", found.noun), ("after:adjective", found.adjective), ("after:pair", found.pair)] {
        let expected = evaluated[check].as_f64().unwrap_or_else(|| panic!("{name}: eval.json has no fraction {check:?}")) as f32;
        assert!(value >= 0.9, "{name}: {check} {value}");
        assert!((value - expected).abs() <= 0.05, "{name}: {check} {value}, eval.json {expected}");
    }
    assert!(found.swapped_noun <= 0.1 && found.swapped_adjective <= 0.1, "{name}: the swapped positions pass too: {found:?}");
}

#[test]
fn the_gru_attention_crosses_from_the_french_noun_and_adjective_to_the_english_ones() {
    let model = model("grammar-gru-additive");
    assert_eq!(model.config().architecture, Seq2SeqArchitecture::GruAdditive);
    assert_crosswise(&model, 0, 0, &evaluated_alignment(model.name())["fractions"]);
}

#[test]
fn the_transformer_head_eval_names_for_crossing_pairs_crosses() {
    let model = model("grammar-transformer");
    let alignment = evaluated_alignment(model.name());
    let best = &alignment["best_head_by_role"]["crossing noun–adjective pairs"];
    let (layer, head) = (best["layer"].as_u64().unwrap() as usize, best["head"].as_u64().unwrap() as usize);
    let measured = alignment["by_head"].as_array().unwrap().iter().find(|h| h["layer"] == best["layer"] && h["head"] == best["head"]);
    assert_crosswise(&model, layer, head, &measured.expect("eval.json measures the head it names")["fractions"]);
}
