//! Loading an encoder–decoder from bad files, and what a translation does with hard text: each
//! problem is refused with one message naming the file or field (a tensor missing or of the
//! wrong shape, a malformed vocab.json, sizes of 2^32 and more, empty text), text longer than the
//! model reads is cut and says so, and what the vocabulary lacks is read as `<unk>` and named.

use std::path::PathBuf;

use attention_playground::error::Field;
use attention_playground::model::safetensors::{SafeTensors, SafeTensorsWriter};
use attention_playground::model::{LoadedModel, ModelError, Seq2Seq};
use attention_playground::text::Truncation;
use attention_playground::translation::UnknownToken;
use proptest::prelude::*;
use serde_json::Value;

/// The files of a committed model folder.
struct Files {
    config: String,
    vocab: String,
    weights: Vec<u8>,
}

fn files(name: &str) -> Files {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("trained").join(name);
    let text = |file: &str| std::fs::read_to_string(dir.join(file)).unwrap();
    Files { config: text("config.json"), vocab: text("vocab.json"), weights: std::fs::read(dir.join("model.safetensors")).unwrap() }
}

fn load(config: &str, vocab: Option<&str>, weights: &[u8]) -> Result<Seq2Seq, ModelError> {
    Seq2Seq::from_files(config, vocab, weights)
}

fn error(config: &str, vocab: Option<&str>, weights: &[u8]) -> String {
    load(config, vocab, weights).unwrap_err().to_string()
}

/// `config.json` with `key` set to `value` (raw JSON).
fn with(config: &str, key: &str, value: &str) -> String {
    let mut map: serde_json::Map<String, Value> = serde_json::from_str(config).unwrap();
    map.insert(key.to_owned(), serde_json::from_str(value).unwrap_or_else(|_| Value::String(value.to_owned())));
    serde_json::to_string(&map).unwrap()
}

/// The weights file rewritten: `change` sees every tensor's name and shape and says what to write
/// (`None` leaves the tensor out).
fn rewritten(weights: &[u8], change: impl Fn(&str, &[usize]) -> Option<Vec<usize>>) -> Vec<u8> {
    let file = SafeTensors::parse(weights).unwrap();
    let mut out = SafeTensorsWriter::new();
    for (name, tensor) in file.tensors() {
        if let Some(shape) = change(name, &tensor.shape) {
            let count: usize = shape.iter().product();
            let values: Vec<f32> = tensor.to_f32(name).unwrap().into_iter().cycle().take(count).collect();
            out.f32(name, tensor.dtype, &shape, &values).unwrap();
        }
    }
    out.to_bytes()
}

#[test]
fn missing_and_misshapen_tensors_are_named() {
    let gru = files("dates-gru-additive");
    let without = rewritten(&gru.weights, |name, shape| (name != "attn_v.weight").then(|| shape.to_vec()));
    assert_eq!(
        error(&gru.config, Some(&gru.vocab), &without),
        "model.safetensors has no tensor attn_v.weight: the weights do not match config.json"
    );
    let reshaped = rewritten(&gru.weights, |name, shape| Some(if name == "decoder.bias_hh" { vec![shape[0] - 3] } else { shape.to_vec() }));
    assert_eq!(error(&gru.config, Some(&gru.vocab), &reshaped), "tensor decoder.bias_hh has shape [381], but config.json implies [384]");
    let wider = with(&gru.config, "embedding_size", "16");
    assert_eq!(
        error(&wider, Some(&gru.vocab), &gru.weights),
        "tensor src_embedding.weight has shape [45, 32], but config.json implies [45, 16]"
    );
    // The model without attention has no attention tensors, so the one with attention cannot use
    // its file.
    let plain = files("dates-gru");
    assert_eq!(
        error(&gru.config, Some(&gru.vocab), &plain.weights),
        "model.safetensors has no tensor attn_query.weight: the weights do not match config.json"
    );

    let t = files("dates-transformer");
    let deeper = with(&t.config, "decoder_layers", "3");
    assert_eq!(
        error(&deeper, Some(&t.vocab), &t.weights),
        "model.safetensors has no tensor decoder_layers.2.ln1.weight: the weights do not match config.json"
    );
    let without = rewritten(&t.weights, |name, shape| (name != "decoder_layers.1.cross_attn.v.bias").then(|| shape.to_vec()));
    assert!(error(&t.config, Some(&t.vocab), &without).contains("no tensor decoder_layers.1.cross_attn.v.bias"));
    let truncated = &t.weights[..t.weights.len() / 2];
    assert!(error(&t.config, Some(&t.vocab), truncated).starts_with("model.safetensors: "));
    // The errors reach the page as errors about the model.
    let err: attention_playground::Error = load(&deeper, Some(&t.vocab), &t.weights).unwrap_err().into();
    assert_eq!(err.field(), Some(Field::Model));
}

#[test]
fn malformed_vocabularies_are_named() {
    let f = files("dates-gru");
    let cases = [
        ("{\"source\": [", "vocab.json: not valid JSON ("),
        ("[\"a\", \"b\"]", "vocab.json: expected an object {\"source\": [...], \"target\": [...]}"),
        ("{\"source\": []}", "vocab.json: source has 0 tokens but config.json says source_vocab_size 45"),
        ("{\"source\": \"abc\", \"target\": []}", "vocab.json: source must be a list of token strings, found a string"),
    ];
    for (vocab, message) in cases {
        let got = error(&f.config, Some(vocab), &f.weights);
        assert!(got.starts_with(message), "{got}");
    }
    let mut vocab: Value = serde_json::from_str(&f.vocab).unwrap();
    vocab.as_object_mut().unwrap().remove("target");
    assert_eq!(
        error(&f.config, Some(&vocab.to_string()), &f.weights),
        "vocab.json: missing target: expected an object {\"source\": [...], \"target\": [...]}"
    );
    let mut vocab: Value = serde_json::from_str(&f.vocab).unwrap();
    vocab["target"][7] = Value::from(7);
    assert_eq!(error(&f.config, Some(&vocab.to_string()), &f.weights), "vocab.json: target[7] must be a string, found 7");
    let mut vocab: Value = serde_json::from_str(&f.vocab).unwrap();
    vocab["source"][9] = Value::from("a");
    assert_eq!(
        error(&f.config, Some(&vocab.to_string()), &f.weights),
        "vocab.json: source lists \"a\" twice (ids 4 and 9): a token must have one id"
    );
    let mut vocab: Value = serde_json::from_str(&f.vocab).unwrap();
    vocab["target"].as_array_mut().unwrap().push(Value::from("+"));
    assert_eq!(
        error(&f.config, Some(&vocab.to_string()), &f.weights),
        "vocab.json: target has 16 tokens but config.json says target_vocab_size 15"
    );
    // Without vocab.json, and with a tokenizer.json in its place.
    assert_eq!(
        error(&f.config, None, &f.weights),
        "vocab.json: missing: an encoder–decoder reads its source and target vocabularies from vocab.json"
    );
    let err = LoadedModel::from_files(&f.config, Some("{}"), None, &f.weights).unwrap_err().to_string();
    assert!(err.starts_with("vocab.json: missing: an encoder–decoder reads its vocabularies from vocab.json"), "{err}");
}

#[test]
fn sizes_of_2_to_the_32_and_more_are_refused_before_anything_is_reserved() {
    let gru = files("dates-gru-additive");
    for (key, value) in [
        ("decoder_hidden_size", "4294967424"),
        ("source_vocab_size", "18446744073709551615"),
        ("max_source_length", "4294967344"),
        ("max_output_length", "4294967308"),
        ("attention_size", "4294967360"),
    ] {
        let message = error(&with(&gru.config, key, value), Some(&gru.vocab), &gru.weights);
        assert!(message.starts_with(&format!("config.json: {key} must be a whole number from 1 to ")), "{message}");
        assert!(message.ends_with(&format!("found {value}")), "{message}");
    }
    let t = files("dates-transformer");
    for (key, value) in [("d_model", "4294967360"), ("encoder_layers", "4294967298"), ("ffn_size", "4294967552"), ("num_heads", "-4")] {
        let message = error(&with(&t.config, key, value), Some(&t.vocab), &t.weights);
        assert!(message.starts_with(&format!("config.json: {key} must be a whole number from 1 to ")), "{message}");
    }
    assert!(error(&with(&t.config, "eos_id", "4294967298"), Some(&t.vocab), &t.weights).contains("eos_id must be a token id from 0 to 14"));
    let message = error(&with(&gru.config, "architecture", "lstm"), Some(&gru.vocab), &gru.weights);
    assert_eq!(message, "config.json: architecture 'lstm' is not supported: an encoder–decoder is gru-additive, gru or transformer");
}

#[test]
fn empty_text_is_refused_and_long_text_is_cut_and_says_so() {
    let f = files("dates-gru-additive");
    let model = load(&f.config, Some(&f.vocab), &f.weights).unwrap();
    for empty in ["", "  \n\t ", "\u{3000}"] {
        assert_eq!(model.translate(empty).unwrap_err(), ModelError::EmptyText);
        let err: attention_playground::Error = model.translate(empty).unwrap_err().into();
        assert_eq!((err.to_string().as_str(), err.field()), ("the text is empty: type at least one word", Some(Field::Text)));
    }
    let long = "Sunday, the 29th day of the month of November in the year 2026";
    let run = model.translate(long).unwrap();
    let total = long.chars().count() + 1;
    assert_eq!(run.truncated, Some(Truncation { limit: 48, total, which: Field::Text }));
    assert_eq!(run.sequences[0].tokens.len(), 48);
    assert_eq!(run.sequences[0].tokens[47].text, "<eos>");
    assert_eq!(run.blocks[0].shape().1, 48);
    assert_eq!(model.tokenize(long).truncated, run.truncated);
    assert!(model.translate("29 November 2026").unwrap().truncated.is_none());
}

#[test]
fn out_of_vocabulary_tokens_are_read_as_unknown_and_named() {
    let f = files("dates-transformer");
    let model = load(&f.config, Some(&f.vocab), &f.weights).unwrap();
    let run = model.translate("29 Décembre 2026 ✓").unwrap();
    let translation = run.translation.as_ref().unwrap();
    assert_eq!(translation.unknown, [UnknownToken { index: 4, text: "é".into() }, UnknownToken { index: 17, text: "✓".into() }]);
    let source = &run.sequences[0].tokens;
    assert_eq!(source[4].id, Some(model.config().unk_id));
    assert_eq!((source[4].start, source[4].end), (4, 5));
    // Lower-cased, white space runs become one space, and the spans index the typed text.
    let run = model.translate("  NOV \t 29   26 ").unwrap();
    let texts: Vec<&str> = run.sequences[0].tokens.iter().map(|t| t.text.as_str()).collect();
    assert_eq!(texts, ["n", "o", "v", " ", "2", "9", " ", "2", "6", "<eos>"]);
    let spans: Vec<(usize, usize)> = run.sequences[0].tokens.iter().map(|t| (t.start, t.end)).collect();
    assert_eq!(spans, [(2, 3), (3, 4), (4, 5), (5, 8), (8, 9), (9, 10), (10, 13), (13, 14), (14, 15), (16, 16)]);
    assert!(run.translation.as_ref().unwrap().unknown.is_empty());
    // The target's spans index the translation.
    let generation = run.generation.as_ref().unwrap();
    assert_eq!(generation.text, "2026-11-29");
    let target = &run.sequences[1].tokens;
    assert!(target[..10].iter().enumerate().all(|(i, t)| (t.start, t.end) == (i, i + 1) && !t.special));
    assert!(target[10].special && target[10].text == "<eos>" && (target[10].start, target[10].end) == (10, 10));
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    /// Any text: no panic, spans inside the typed text and in order, unknown tokens exactly those
    /// with the unknown id, at most 48 source tokens, at most 12 steps.
    #[test]
    fn any_text_translates_or_is_refused_as_empty(text in "\\PC{0,60}") {
        let model = model();
        let units = text.encode_utf16().count();
        match model.translate(&text) {
            Err(e) => prop_assert_eq!(e, ModelError::EmptyText),
            Ok(run) => {
                let source = &run.sequences[0].tokens;
                prop_assert!(source.len() <= 48 && source.last().unwrap().special);
                let mut last = 0;
                for token in &source[..source.len() - 1] {
                    prop_assert!(token.start <= token.end && token.end <= units && token.start >= last, "{:?}", token);
                    last = token.start;
                }
                let unknown: Vec<usize> = run.translation.as_ref().unwrap().unknown.iter().map(|u| u.index).collect();
                let with_unknown_id: Vec<usize> = (0..source.len()).filter(|&i| source[i].id == Some(3)).collect();
                prop_assert_eq!(unknown, with_unknown_id);
                prop_assert!((1..=12).contains(&run.generation.as_ref().unwrap().steps.len()));
            }
        }
    }
}

fn model() -> &'static Seq2Seq {
    static MODEL: std::sync::OnceLock<Seq2Seq> = std::sync::OnceLock::new();
    MODEL.get_or_init(|| {
        let f = files("dates-gru-additive");
        load(&f.config, Some(&f.vocab), &f.weights).unwrap()
    })
}
