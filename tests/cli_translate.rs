//! `attn translate`: the shipped encoder–decoders (dates and grammar, each as a GRU with additive
//! attention, a GRU without attention and a Transformer) against their reference fixtures
//! (`tests/fixtures/trained/*.json`, written by the training framework): the same source and
//! target tokens, the same greedy translation and top-10 tokens, every cross-attention (and a
//! Transformer's self-attentions) within 1e-4; the readable output; refused models and texts.
#![cfg(feature = "cli")]

mod cli_common;

use cli_common::{attn, fails, json, ok, repo, stderr, stdout};
use serde_json::Value;

/// Agreement required of every weight and probability.
const TOLERANCE: f64 = 1e-4;

const MODELS: [&str; 6] =
    ["dates-gru-additive", "dates-gru", "dates-transformer", "grammar-gru-additive", "grammar-gru", "grammar-transformer"];

fn fixture(name: &str) -> Value {
    let text = std::fs::read_to_string(repo(&format!("tests/fixtures/trained/{name}.json"))).unwrap();
    serde_json::from_str(&text).unwrap()
}

/// Every number of a nested JSON array, in order.
fn flat(v: &Value) -> Vec<f64> {
    match v {
        Value::Array(items) => items.iter().flat_map(flat).collect(),
        other => vec![other.as_f64().unwrap()],
    }
}

/// The largest difference between two nested arrays of the same shape.
fn max_error(got: &Value, want: &Value, what: &str) -> f64 {
    let (got, want) = (flat(got), flat(want));
    assert_eq!(got.len(), want.len(), "{what}: count of numbers");
    got.iter().zip(&want).map(|(a, b)| (a - b).abs()).fold(0.0, f64::max)
}

fn texts(v: &Value) -> Vec<String> {
    v.as_array().unwrap().iter().map(|t| t["text"].as_str().unwrap().to_owned()).collect()
}

fn field(v: &Value, key: &str) -> Vec<Value> {
    v.as_array().unwrap().iter().map(|t| t[key].clone()).collect()
}

#[test]
fn every_shipped_translation_model_matches_its_fixture() {
    for name in MODELS {
        let reference = fixture(name);
        let architecture = reference["architecture"].as_str().unwrap().to_owned();
        let mut worst: f64 = 0.0;
        for case in reference["cases"].as_array().unwrap() {
            let input = case["input"].as_str().unwrap();
            let what = format!("{name}: {input:?}");
            let got = json(&["translate", "--model", name, "--text", input, "--json"]);
            assert_eq!(got["model"]["name"], name);
            assert_eq!(got["model"]["architecture"].as_str(), Some(architecture.as_str()));
            // Both sides' tokens, the translation and its ids.
            assert_eq!(Value::from(texts(&got["sourceTokens"])), case["source"]["tokens"], "{what}: source tokens");
            assert_eq!(Value::from(field(&got["sourceTokens"], "id")), case["source"]["ids"], "{what}: source ids");
            assert_eq!(Value::from(texts(&got["targetTokens"])), case["output"]["tokens"], "{what}: target tokens");
            assert_eq!(got["translation"], case["output"]["text"], "{what}: translation");
            let steps = got["steps"].as_array().unwrap();
            let want_steps = case["steps"].as_array().unwrap();
            assert_eq!(Value::from(field(&got["steps"], "id")), case["output"]["ids"], "{what}: greedy ids");
            assert_eq!(steps.len(), want_steps.len());
            for (i, (step, want)) in steps.iter().zip(want_steps).enumerate() {
                assert_eq!(step["text"], want["token"], "{what}: step {i}'s token");
                let top = step["top"].as_array().unwrap();
                assert_eq!(top.len(), 10, "{what}: step {i}'s top-10");
                let probabilities: Value = top.iter().map(|c| c["probability"].clone()).collect();
                worst = worst.max(max_error(&probabilities, &want["top_probs"], &what));
                assert_eq!(top[0]["id"], want["top_ids"][0], "{what}: step {i}'s most probable token");
            }
            // Cross-attention, [layer][head][target step][source token]; the fixture keeps it by step.
            let cross = &got["crossAttentions"];
            match architecture.as_str() {
                "gru" => {
                    assert_eq!(got["attention"], false, "{what}");
                    assert_eq!(cross, &Value::Array(vec![]), "{what}");
                    assert!(got["noAttention"].as_str().unwrap().starts_with("this model has no attention"));
                    assert!(got.get("encoderAttentions").is_none() && got.get("decoderAttentions").is_none());
                }
                "gru-additive" => {
                    assert_eq!(got["attention"], true);
                    assert_eq!(
                        (cross.as_array().unwrap().len(), cross[0].as_array().unwrap().len()),
                        (1, 1),
                        "{what}: one layer, one head"
                    );
                    for (i, want) in want_steps.iter().enumerate() {
                        worst = worst.max(max_error(&cross[0][0][i], &want["cross_attention"], &what));
                    }
                }
                _ => {
                    assert_eq!(got["attention"], true);
                    for (i, want) in want_steps.iter().enumerate() {
                        // The fixture's step i: [layer][head][source].
                        let rows: Value = cross
                            .as_array()
                            .unwrap()
                            .iter()
                            .map(|layer| layer.as_array().unwrap().iter().map(|head| head[i].clone()).collect::<Vec<_>>())
                            .collect();
                        worst = worst.max(max_error(&rows, &want["cross_attention"], &what));
                    }
                    worst = worst.max(max_error(&got["encoderAttentions"], &case["encoder_self_attention"], &what));
                    worst = worst.max(max_error(&got["decoderAttentions"], &case["decoder_self_attention"], &what));
                }
            }
        }
        eprintln!("{name}: largest difference from the fixture {worst:.1e}");
        assert!(worst <= TOLERANCE, "{name}: differs from the fixture by {worst}");
    }
}

#[test]
fn offsets_are_utf16_units_of_each_side() {
    let text = "Éa 🙂 1 March 2021";
    let got = json(&["translate", "--model", "dates-gru-additive", "--text", text, "--json"]);
    let units: Vec<u16> = text.encode_utf16().collect();
    for token in got["sourceTokens"].as_array().unwrap() {
        if token["special"] == true {
            continue;
        }
        let (start, end) = (token["start"].as_u64().unwrap() as usize, token["end"].as_u64().unwrap() as usize);
        let typed = String::from_utf16(&units[start..end]).unwrap();
        let read = token["text"].as_str().unwrap();
        assert!(typed.to_lowercase() == read || (read == " " && typed.trim().is_empty()), "{typed:?} read as {read:?}");
    }
    // The emoji is one token the vocabulary lacks, two UTF-16 units wide.
    let unknown = got["outOfVocabulary"].as_array().unwrap();
    let emoji = unknown.iter().find(|u| u["text"] == "🙂").expect("the emoji is out of the vocabulary");
    let index = emoji["index"].as_u64().unwrap() as usize;
    let token = &got["sourceTokens"][index];
    assert_eq!((token["start"].as_u64(), token["end"].as_u64(), token["id"].as_u64()), (Some(3), Some(5), Some(3)));
    let translation = got["translation"].as_str().unwrap();
    assert_eq!(translation, "2021-03-01");
    for token in got["targetTokens"].as_array().unwrap() {
        let (start, end) = (token["start"].as_u64().unwrap() as usize, token["end"].as_u64().unwrap() as usize);
        if token["special"] == false {
            assert_eq!(&translation[start..end], token["text"].as_str().unwrap());
        }
    }
    let sentence = json(&["translate", "--model", "grammar-transformer", "--text", "The small cat sees the red house.", "--json"]);
    let french = sentence["translation"].as_str().unwrap();
    assert_eq!(french, "le petit chat voit la maison rouge");
    let words: Vec<&str> = sentence["targetTokens"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|t| t["special"] == false)
        .map(|t| &french[t["start"].as_u64().unwrap() as usize..t["end"].as_u64().unwrap() as usize])
        .collect();
    assert_eq!(words, ["le", "petit", "chat", "voit", "la", "maison", "rouge"]);
}

#[test]
fn readable_output_shows_the_translation_and_the_alignment() {
    let date = ok(&["translate", "--model", "dates-gru-additive", "--text", "3 May 2020"]);
    let lines: Vec<&str> = date.lines().collect();
    assert!(lines[0].starts_with("dates-gru-additive (GRU encoder–decoder with additive attention; characters → characters"), "{date}");
    assert_eq!(lines[1], "source as read (11 tokens): 3 may 2020 <eos>");
    assert_eq!(lines[2], "translation (11 tokens):    2020-05-03");
    assert!(
        date.contains("cross-attention, layer 0, head 0 (additive score): a row per target step, a column per source token\n"),
        "{date}"
    );
    let header = lines.iter().find(|l| l.starts_with("target \\ source")).unwrap();
    assert_eq!(
        header.split_whitespace().collect::<Vec<_>>()[3..],
        ["0", "3", "1", "␣", "2", "m", "3", "a", "4", "y", "5", "␣", "6", "2", "7", "0", "8", "2", "9", "0", "10", "<eos>"]
    );
    // The year's first digit is read from the year: row 0's largest weight is in column 6 or later.
    let row0: Vec<f64> =
        lines.iter().find(|l| l.starts_with("0 2 ")).unwrap().split_whitespace().skip(2).map(|x| x.parse().unwrap()).collect();
    let best = (0..row0.len()).max_by(|&a, &b| row0[a].total_cmp(&row0[b])).unwrap();
    assert!((6..=9).contains(&best), "{date}");
    assert!(date.ends_with("10 <eos>") || date.contains("\n10 <eos> "), "{date}");

    let sentence =
        ok(&["translate", "--model", "grammar-transformer", "--text", "The small cat sees the red house.", "--layer", "1", "--head", "2"]);
    assert!(sentence.contains("translation (8 tokens):    le petit chat voit la maison rouge\n"), "{sentence}");
    assert!(sentence.contains("cross-attention, layer 1, head 2 (scaled dot-product; the evaluation says it aligns nouns)"), "{sentence}");
    assert!(
        sentence.contains("8 heads of cross-attention (2 layers × 4 heads, counted from 0): pick another with --layer L --head H"),
        "{sentence}"
    );
    let maison = sentence.lines().find(|l| l.starts_with("5 maison")).unwrap();
    let weights: Vec<f64> = maison.split_whitespace().skip(2).map(|x| x.parse().unwrap()).collect();
    assert!(weights[6] > 0.5, "maison reads house: {maison}");

    let none = ok(&["translate", "--model", "grammar-gru", "--text", "The small cat sees the zorblax."]);
    assert!(none.contains("translation (7 tokens):"), "{none}");
    assert!(none.contains("note: the model does not know the word \"zorblax\": it was read as <unk>"), "{none}");
    assert!(
        none.contains("This model has no attention: the decoder sees only the final encoder state. There is no alignment to show"),
        "{none}"
    );
    assert!(!none.contains("target \\ source"), "{none}");
    let two = ok(&["translate", "--model", "grammar-gru-additive", "--text", "the dog sees the qqq and the zzz"]);
    assert!(two.contains("the words \"qqq\", \"zzz\": each was read as <unk>"), "{two}");
}

#[test]
fn models_of_other_kinds_and_bad_texts_are_refused() {
    let names =
        "the shipped ones are dates-gru-additive, dates-gru, dates-transformer, grammar-gru-additive, grammar-gru, grammar-transformer";
    fails(&["translate", "--text", "3 May 2020"], "", &format!("give the model that translates with --model: {names}"));
    fails(
        &["translate", "--model", "--text", "3 May 2020"],
        "",
        "all-MiniLM-L6-v2 is an encoder, which does not translate: attn translate runs encoder–decoders",
    );
    let gpt2 = repo("tests/fixtures/decoder/tiny-gpt2");
    fails(&["translate", "--model", gpt2.to_str().unwrap(), "--text", "hi"], "", "tiny-gpt2 is a decoder, which does not translate");
    fails(&["translate", "--model", "dates-gru", "--text", ""], "", "the text is empty: type some characters to translate");
    fails(&["translate", "--model", "grammar-gru", "--text", "   "], "", "the text is empty: type some words to translate");
    fails(&["translate", "--model", "grammar-gru", "--text", "?!."], "", "the text is empty");
    fails(
        &["translate", "--model", "grammar-gru", "--text", "I see him.", "--head", "0"],
        "",
        "grammar-gru has no attention, so --layer and --head have nothing to pick",
    );
    fails(
        &["translate", "--model", "dates-transformer", "--text", "3/4", "--layer", "2"],
        "",
        "--layer 2 does not exist: there are 2 decoder layers (0–1)",
    );
    fails(
        &["translate", "--model", "dates-gru-additive", "--text", "3/4", "--head", "1"],
        "",
        "--head 1 does not exist: there is 1 head (0)",
    );
    fails(&["translate", "--model", "no-such-model", "--text", "3/4"], "", "'no-such-model' is neither a shipped model nor a folder here");
}

#[test]
fn long_texts_are_cut_as_the_model_reads_them() {
    let long = "the small cat sees the red house and ".repeat(8);
    let o = attn(&["translate", "--model", "grammar-gru-additive", "--text", &long, "--json"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let err = stderr(&o);
    assert!(err.starts_with("note: the text has 65 tokens; the model takes 48, so the text up to \"…"), "{err}");
    let got: Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(got["sourceTokens"].as_array().unwrap().len(), 48);
    assert_eq!(got["truncated"]["limit"], 48);
    assert_eq!(got["truncated"]["total"], 65);
    let date = attn(&["translate", "--model", "dates-gru-additive", "--text", &"29 November 2026 ".repeat(5)]);
    assert!(date.status.success() && stderr(&date).contains("the model takes 48"), "{}", stderr(&date));
}

#[test]
fn unknown_characters_are_named() {
    let got = json(&["translate", "--model", "dates-transformer", "--text", "3 мая 2020", "--json"]);
    let unknown: Vec<&str> = got["outOfVocabulary"].as_array().unwrap().iter().map(|u| u["text"].as_str().unwrap()).collect();
    assert_eq!(unknown, ["м", "а", "я"]);
    let text = ok(&["translate", "--model", "dates-transformer", "--text", "3 мая 2020"]);
    assert!(text.contains("note: the model does not know the characters \"м\", \"а\", \"я\": each was read as <unk>"), "{text}");
}

#[test]
fn the_six_translation_models_are_listed() {
    let listing = json(&["models", "--json"]);
    let translators: Vec<&str> = listing["models"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|m| m["kind"] == "encoder-decoder")
        .map(|m| m["name"].as_str().unwrap())
        .collect();
    assert_eq!(translators, MODELS);
    let text = ok(&["models"]);
    for name in MODELS {
        assert!(text.contains(&format!("\n{name} (encoder-decoder, trained by this project): ")), "{name}: {text}");
    }
    assert!(
        text.contains("Generated English → simplified French, word by word: a small Transformer encoder–decoder (2+2 layers, 4 heads).")
    );
    let help = ok(&["translate", "--help"]);
    assert!(help.contains("--layer") && help.contains("--head") && help.contains("--json"), "{help}");
}
