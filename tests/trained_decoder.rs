//! The trained decoder's named heads (`trained/gpt2-2l-induction/`), measured by the core on
//! held-out inputs this test makes itself from its own seed, as `training/evaluate_decoder.py`
//! defines them:
//!
//! - **previous token**, on stories: the mean weight of a query on the key just before it. The
//!   stories are drawn from the grammar the model was trained and evaluated on
//!   (`training/decoder_grammar.json`: words, sentence templates, runs of days, months, numbers
//!   and letters, two characters per story, one with an invented name);
//! - **induction**, on `<|endoftext|> r r` (L distinct random ids other than `<|endoftext|>`,
//!   then the same L again): at the second copy of `r[i]`, the weight on the token after the
//!   first copy (`r[i + 1]`), and the share of those queries whose largest weight is on it;
//! - **the repeat**: the model's top-1 next-token accuracy on each copy.
//!
//! The numbers must meet the criteria that `heads.json`, `eval.json` and the page state (a
//! previous-token head with at least half its weight on the previous token; an induction head
//! with most of its weight, and its top key, on the token after the first occurrence; the repeat
//! predicted, the random first copy not) and agree, loosely, with every head's numbers in
//! `eval.json`: a retrained model that tells another story fails here until its evaluation is
//! run again.

use std::path::PathBuf;

use attention_playground::generation::argmax;
use attention_playground::model::{Decoder, DecoderTrace, Encoding};
use attention_playground::rng::SplitMix64;
use ndarray::Array2;
use serde_json::Value;

/// The seed of this test's held-out inputs (the evaluation's is another, in Python).
const SEED: u64 = 20_261_130;
/// Stories for the previous-token scores.
const STORIES: usize = 60;
/// Repeated random sequences for the induction scores.
const REPEATS: usize = 40;
/// How far the core's scores on these inputs may stray from `eval.json`'s on the evaluation's.
const AGREEMENT: f32 = 0.05;

fn folder() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("trained/gpt2-2l-induction")
}

fn json(name: &str) -> Value {
    let path = folder().join(name);
    serde_json::from_str(&std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))).unwrap()
}

fn number(v: &Value) -> f32 {
    v.as_f64().unwrap_or_else(|| panic!("not a number: {v}")) as f32
}

/// Per head (`[layer][head]`), a score summed over queries, and the number of queries.
struct Tally {
    sums: Vec<Vec<f32>>,
    count: usize,
}

impl Tally {
    fn new(model: &Decoder) -> Tally {
        Tally { sums: vec![vec![0.0; model.config().num_heads]; model.config().num_layers], count: 0 }
    }

    fn mean(&self, layer: usize, head: usize) -> f32 {
        self.sums[layer][head] / self.count as f32
    }
}

/// The core's run of `ids`, given as ids.
fn trace(model: &Decoder, ids: &[u32]) -> DecoderTrace {
    let (tokens, _) = model.tokens_of_ids(ids);
    model.trace(Encoding { tokens, truncated: None }).unwrap()
}

/// Adds `score(weights)` of every head of `trace` to its head's sum in `tally`.
fn add(tally: &mut Tally, trace: &DecoderTrace, score: impl Fn(&Array2<f32>) -> f32) {
    for (layer, block) in trace.run.blocks.iter().enumerate() {
        for (head, h) in block.heads.iter().enumerate() {
            tally.sums[layer][head] += score(&h.weights);
        }
    }
}

/// The stories' grammar, `training/decoder_grammar.json`, drawn from with this test's own
/// generator (the evaluation draws from it with Python's).
struct Grammar(Value);

impl Grammar {
    fn read() -> Grammar {
        let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("training/decoder_grammar.json");
        Grammar(serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap())
    }

    fn words(&self, key: &str) -> Vec<&str> {
        self.0[key].as_array().unwrap_or_else(|| panic!("decoder_grammar.json: {key}")).iter().map(|w| w.as_str().unwrap()).collect()
    }

    /// A whole number from the inclusive range `key` holds.
    fn count(&self, key: &str, rng: &mut SplitMix64) -> usize {
        let range = &self.0[key];
        let (low, high) = (range[0].as_u64().unwrap(), range[1].as_u64().unwrap());
        (low + rng.next_u64() % (high - low + 1)) as usize
    }

    /// A story of two characters: sentences from the templates, some of them runs of a list.
    fn story(&self, rng: &mut SplitMix64) -> String {
        let pick = |rng: &mut SplitMix64, words: &[&str]| words[(rng.next_u64() % words.len() as u64) as usize].to_owned();
        let syllables: Vec<String> =
            (0..self.count("syllables_per_invented_name", rng)).map(|_| pick(rng, &self.words("syllables"))).collect();
        let invented = syllables.concat();
        let invented = invented[..1].to_uppercase() + &invented[1..];
        let (mut a, mut b) = (pick(rng, &self.words("names")), invented);
        if rng.next_f64() < 0.5 {
            std::mem::swap(&mut a, &mut b);
        }
        let list_share = self.0["list_share"].as_f64().unwrap();
        let sentences: Vec<String> = (0..self.count("sentences_per_story", rng))
            .map(|_| {
                if rng.next_f64() < list_share {
                    return self.list_sentence(rng);
                }
                let (x, y) = if rng.next_f64() < 0.5 { (&a, &b) } else { (&b, &a) };
                let mut sentence = pick(rng, &self.words("templates")).replace("{x}", x).replace("{y}", y);
                for (field, key) in [
                    ("{adj}", "adjectives"),
                    ("{adj2}", "adjectives"),
                    ("{noun}", "nouns"),
                    ("{noun2}", "nouns"),
                    ("{place}", "places"),
                    ("{prep}", "prepositions"),
                    ("{verb}", "verbs"),
                    ("{rest}", "intransitive"),
                    ("{time}", "times"),
                ] {
                    sentence = sentence.replace(field, &pick(rng, &self.words(key)));
                }
                sentence
            })
            .collect();
        sentences.join(" ")
    }

    /// A run of one of the lists, in order from a random start (around the end when it wraps).
    fn list_sentence(&self, rng: &mut SplitMix64) -> String {
        let lists = self.0["lists"].as_array().unwrap();
        let list = &lists[(rng.next_u64() % lists.len() as u64) as usize];
        let items: Vec<&str> = list["items"].as_array().unwrap().iter().map(|w| w.as_str().unwrap()).collect();
        let count = self.count("list_length", rng);
        let run: Vec<&str> = if list["wrap"].as_bool().unwrap() {
            let start = (rng.next_u64() % items.len() as u64) as usize;
            (0..count).map(|i| items[(start + i) % items.len()]).collect()
        } else {
            let count = count.min(items.len());
            let start = (rng.next_u64() % (items.len() - count + 1) as u64) as usize;
            items[start..start + count].to_vec()
        };
        run.join(", ") + "."
    }
}

/// Previous-token scores over held-out stories.
fn previous_token(model: &Decoder) -> Tally {
    let grammar = Grammar::read();
    let mut rng = SplitMix64::new(SEED);
    let mut tally = Tally::new(model);
    for _ in 0..STORIES {
        let ids = model.tokenize(&grammar.story(&mut rng)).ids();
        add(&mut tally, &trace(model, &ids), |w| (1..ids.len()).map(|q| w[[q, q - 1]]).sum());
        tally.count += ids.len() - 1;
    }
    tally
}

/// What the repeated random sequences measure.
struct Repeats {
    /// Weight on the induction target.
    induction: Tally,
    /// Queries whose largest weight is on the target.
    top_key: Tally,
    /// Top-1 accuracy on the first copy (unpredictable) and on the second (the repeat).
    first_copy: f32,
    second_copy: f32,
}

/// `<|endoftext|>`, then `length` distinct random ids other than `end`, then the same again.
fn repeated_sequence(rng: &mut SplitMix64, vocabulary: u32, end: u32, length: usize) -> Vec<u32> {
    let mut first: Vec<u32> = Vec::with_capacity(length);
    while first.len() < length {
        let id = (rng.next_u64() % u64::from(vocabulary)) as u32;
        if id != end && !first.contains(&id) {
            first.push(id);
        }
    }
    [vec![end], first.clone(), first].concat()
}

fn repeats(model: &Decoder, length: usize) -> Repeats {
    let end = model.config().end_of_text[0];
    let vocabulary = model.config().vocab_size as u32;
    let mut rng = SplitMix64::new(SEED + 1);
    let (mut induction, mut top_key) = (Tally::new(model), Tally::new(model));
    let (mut first_hits, mut second_hits) = (0, 0);
    for _ in 0..REPEATS {
        let ids = repeated_sequence(&mut rng, vocabulary, end, length);
        let trace = trace(model, &ids);
        // The second copy of r[i] is at 1 + L + i; what followed its first copy, at 2 + i.
        let queries = || (0..length).map(|i| (1 + length + i, 2 + i));
        add(&mut induction, &trace, |w| queries().map(|(query, target)| w[[query, target]]).sum());
        add(&mut top_key, &trace, |w| {
            queries().filter(|&(query, target)| argmax(w.row(query).as_slice().unwrap()) as usize == target).count() as f32
        });
        induction.count += length;
        top_key.count += length;
        // r[i + 1] predicted from r[i], in each copy.
        let logits = trace.hidden.dot(&model.weights().output_matrix().t());
        let predicted: Vec<u32> = logits.rows().into_iter().map(|row| argmax(&row.to_vec())).collect();
        first_hits += (1..length).filter(|&p| predicted[p] == ids[p + 1]).count();
        second_hits += (1 + length..2 * length).filter(|&p| predicted[p] == ids[p + 1]).count();
    }
    let predictions = (REPEATS * (length - 1)) as f32;
    Repeats { induction, top_key, first_copy: first_hits as f32 / predictions, second_copy: second_hits as f32 / predictions }
}

/// The percentages a head's one-line description states, in order.
fn percentages(description: &str) -> Vec<u32> {
    description.split('%').filter_map(|before| before.rsplit(|c: char| !c.is_ascii_digit()).next()?.parse().ok()).collect()
}

#[test]
fn the_named_heads_do_what_their_names_say_and_what_the_evaluation_measured() {
    let model = Decoder::from_dir(&folder()).unwrap();
    let (eval, named) = (json("eval.json"), json("heads.json"));
    let length = eval["held_out"]["repeat_length"].as_u64().unwrap() as usize;
    let previous = previous_token(&model);
    let repeats = repeats(&model, length);
    let config = model.config();
    for layer in 0..config.num_layers {
        for head in 0..config.num_heads {
            eprintln!(
                "layer {layer} head {head}: previous token {:.3}, induction {:.3}, induction top-key share {:.3}",
                previous.mean(layer, head),
                repeats.induction.mean(layer, head),
                repeats.top_key.mean(layer, head)
            );
        }
    }
    eprintln!("repeat accuracy: first copy {:.3}, second copy {:.3}", repeats.first_copy, repeats.second_copy);

    // Every head agrees with the evaluation's numbers.
    let heads = eval["heads"].as_array().unwrap();
    assert_eq!(heads.len(), config.num_layers * config.num_heads);
    for h in heads {
        let (layer, head) = (h["layer"].as_u64().unwrap() as usize, h["head"].as_u64().unwrap() as usize);
        for (what, core, evaluated) in [
            ("previous token", previous.mean(layer, head), &h["previous_token"]),
            ("induction", repeats.induction.mean(layer, head), &h["induction"]),
            ("induction top-key share", repeats.top_key.mean(layer, head), &h["induction_argmax_fraction"]),
        ] {
            let evaluated = number(evaluated);
            assert!(
                (core - evaluated).abs() <= AGREEMENT,
                "layer {layer} head {head}: {what} {core:.3} here, {evaluated:.3} in eval.json: run training/evaluate_decoder.py again"
            );
        }
    }

    // The best heads are the evaluation's, and meet the criteria.
    let best = &eval["best"];
    let at = |v: &Value| (v["layer"].as_u64().unwrap() as usize, v["head"].as_u64().unwrap() as usize);
    let argmax_of = |tally: &Tally| {
        let all = (0..config.num_layers).flat_map(|l| (0..config.num_heads).map(move |h| (l, h)));
        all.max_by(|&(l1, h1), &(l2, h2)| tally.mean(l1, h1).total_cmp(&tally.mean(l2, h2))).unwrap()
    };
    let (layer, head) = argmax_of(&previous);
    assert_eq!((layer, head), at(&best["previous_token"]), "the best previous-token head");
    assert!(previous.mean(layer, head) >= 0.5, "previous-token head: {}", previous.mean(layer, head));
    let (layer, head) = argmax_of(&repeats.induction);
    assert_eq!((layer, head), at(&best["induction"]), "the best induction head");
    assert!(repeats.induction.mean(layer, head) > 0.5, "induction head: most of the weight on the target");
    assert!(repeats.top_key.mean(layer, head) > 0.5, "induction head: the target is the top key at most positions");

    // The model predicts the repeat, not the random first copy.
    assert!(repeats.second_copy > 0.5 && repeats.first_copy < 0.05, "{} / {}", repeats.first_copy, repeats.second_copy);
    let accuracy = &eval["accuracy"];
    assert!((repeats.second_copy - number(&accuracy["repeat_second_copy_top1"])).abs() <= AGREEMENT);
    assert!((repeats.first_copy - number(&accuracy["repeat_first_copy_top1"])).abs() <= AGREEMENT);

    // Each named head: its pattern's score here, and the numbers its description (the page's
    // line) states are the evaluation's.
    for entry in named["heads"].as_array().unwrap() {
        let (layer, head) = at(entry);
        let evaluated = heads.iter().find(|h| at(h) == (layer, head)).unwrap();
        let name = entry["name"].as_str().unwrap();
        let (core, stated) = match name {
            "previous token" => (previous.mean(layer, head), vec![&evaluated["previous_token"]]),
            "induction" => (repeats.induction.mean(layer, head), vec![&evaluated["induction"], &evaluated["induction_argmax_fraction"]]),
            other => panic!("layer {layer} head {head}: no check for a head named {other:?}"),
        };
        let threshold = number(&eval["name_threshold"]);
        assert!(core >= threshold - AGREEMENT, "layer {layer} head {head} ({name}): {core:.3} here");
        assert_eq!(number(&entry["score"]), (number(stated[0]) * 1000.0).round() / 1000.0, "layer {layer} head {head}: score");
        let percent: Vec<u32> = stated.iter().map(|v| (number(v) * 100.0).round() as u32).collect();
        assert_eq!(percentages(entry["description"].as_str().unwrap()), percent, "layer {layer} head {head}: description");
    }
}

#[test]
fn the_evaluation_names_every_head_whose_best_score_reaches_the_threshold() {
    // heads.json is derived from eval.json's scores, never written by hand.
    let (eval, named) = (json("eval.json"), json("heads.json"));
    let threshold = number(&eval["name_threshold"]);
    let patterns = [
        ("previous token", "previous_token"),
        ("first token", "first_token"),
        ("current token", "current_token"),
        ("duplicate token", "duplicate_token"),
        ("induction", "induction"),
    ];
    let mut expected = Vec::new();
    for h in eval["heads"].as_array().unwrap() {
        let (name, score) =
            patterns.iter().map(|(name, key)| (*name, number(&h[*key]))).fold(("", f32::MIN), |a, b| if b.1 > a.1 { b } else { a });
        let name = (score >= threshold).then_some(name);
        assert_eq!(h["name"].as_str(), name, "eval.json: layer {} head {}", h["layer"], h["head"]);
        if let Some(name) = name {
            expected.push((h["layer"].as_u64().unwrap(), h["head"].as_u64().unwrap(), name.to_owned()));
        }
    }
    let listed: Vec<(u64, u64, String)> = named["heads"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| (h["layer"].as_u64().unwrap(), h["head"].as_u64().unwrap(), h["name"].as_str().unwrap().to_owned()))
        .collect();
    assert_eq!(listed, expected);
}
