//! A `Session` with an encoder–decoder loaded: the six models of `trained/` (GRU with additive
//! attention, GRU without, Transformer; dates by characters and English → French by words)
//! translate the reference inputs of `tests/fixtures/trained/` into the same outputs with the same
//! attentions and top-10 probabilities; the run summary carries the source and target sequences, the steps and the
//! translation's extras; bad files and requests get one message each.

use attention_playground::wasm::Session;
use js_sys::Array;
use serde_json::{json, Value};
use wasm_bindgen::JsValue;
use wasm_bindgen_test::wasm_bindgen_test;

use super::json_numbers::{flat, max_error, strings};
use super::{block, failure, get, items, js_object, json_of, number, numbers, token_texts, Fixture};

/// A trained encoder–decoder of `trained/` with its reference of `tests/fixtures/trained/`.
macro_rules! model {
    ($name:literal) => {
        fixture!("trained", $name, vocab: "vocab.json", expected: concat!("tests/fixtures/trained/", $name, ".json"))
    };
}

const GRU_ADDITIVE: Fixture = model!("dates-gru-additive");
const GRU: Fixture = model!("dates-gru");
const TRANSFORMER: Fixture = model!("dates-transformer");
const GRAMMAR_GRU_ADDITIVE: Fixture = model!("grammar-gru-additive");
const GRAMMAR_GRU: Fixture = model!("grammar-gru");
const GRAMMAR_TRANSFORMER: Fixture = model!("grammar-transformer");

/// Agreement required of every weight and probability.
const TOLERANCE: f32 = 1e-4;

fn translate(session: &mut Session, text: &str) -> JsValue {
    session.run(js_object(&json!({"source": "model", "text": text}))).unwrap()
}

/// Row `row` of a flat head whose rows are `keys` wide.
fn row(weights: &[f32], keys: usize, row: usize) -> &[f32] {
    &weights[row * keys..(row + 1) * keys]
}

fn cases(m: &Fixture) -> Vec<Value> {
    let expected: Value = serde_json::from_str(m.expected).unwrap();
    expected["cases"].as_array().unwrap().clone()
}

/// The steps of a summary's generation.
fn steps(summary: &JsValue) -> Vec<JsValue> {
    items(&get(&get(summary, "generation"), "steps"))
}

/// Checks what every architecture shares: sequences, output, top-10 probabilities; returns the
/// number of source tokens and of steps.
fn check_output(summary: &JsValue, case: &Value, what: &str) -> (usize, usize) {
    let roles: Vec<String> = items(&get(summary, "sequences")).iter().map(|s| get(s, "role").as_string().unwrap()).collect();
    assert_eq!(roles, ["source", "target"]);
    assert_eq!(token_texts(summary, 0), strings(&case["source"]["tokens"]), "{what}: source tokens");
    assert_eq!(token_texts(summary, 1), strings(&case["output"]["tokens"]), "{what}: target tokens");
    let generation = get(summary, "generation");
    assert_eq!(get(&generation, "text").as_string().unwrap(), case["output"]["text"].as_str().unwrap(), "{what}");
    assert_eq!(number(&generation, "promptTokens"), 0.0);
    assert_eq!(get(&generation, "stopped").as_string().unwrap(), "endOfText");
    let steps = steps(summary);
    let want_steps = case["steps"].as_array().unwrap();
    assert_eq!(steps.len(), want_steps.len(), "{what}: steps");
    for (i, (step, want)) in steps.iter().zip(want_steps).enumerate() {
        assert_eq!((number(step, "position"), number(step, "id")), (i as f64, want["token_id"].as_f64().unwrap()), "{what}: step {i}");
        let top = items(&get(step, "top"));
        let probabilities: Vec<f32> = top.iter().map(|c| number(c, "probability") as f32).collect();
        let err = max_error(&probabilities, &flat(&want["top_probs"]), what);
        assert!(err <= TOLERANCE, "{what}: step {i}: top-10 probabilities differ by {err}");
        assert_eq!(number(&top[0], "id"), want["top_ids"][0].as_f64().unwrap(), "{what}: step {i}: the most probable token");
    }
    (token_texts(summary, 0).len(), steps.len())
}

#[wasm_bindgen_test]
fn the_gru_with_attention_equals_the_reference() {
    for m in [&GRU_ADDITIVE, &GRAMMAR_GRU_ADDITIVE] {
        check_gru_additive(m);
    }
}

fn check_gru_additive(m: &Fixture) {
    let mut session = m.loaded();
    for case in cases(m) {
        let what = format!("{}: {}", m.name, case["input"]);
        let summary = translate(&mut session, case["input"].as_str().unwrap());
        let (s, t) = check_output(&summary, &case, &what);
        let weights = session.weights(0, 0).unwrap().to_vec();
        assert_eq!(weights.len(), t * s);
        for (i, (step, want)) in steps(&summary).iter().zip(case["steps"].as_array().unwrap()).enumerate() {
            let err = max_error(row(&weights, s, i), &flat(&want["cross_attention"]), &what);
            assert!(err <= TOLERANCE, "{what}: step {i}: cross-attention differs by {err}");
            assert_eq!(session.step_attentions(i).unwrap().to_vec(), row(&weights, s, i), "a step's attentions are its row");
            assert_eq!(numbers(&get(step, "context")).len(), 128);
            assert_eq!(numbers(&get(step, "state")).len(), 128);
        }
        assert!(get(&get(&summary, "translation"), "noAttention").is_null());
    }
}

#[wasm_bindgen_test]
fn the_gru_without_attention_has_no_block_and_says_so() {
    for m in [&GRU, &GRAMMAR_GRU] {
        check_gru(m);
    }
}

fn check_gru(m: &Fixture) {
    let mut session = m.loaded();
    for case in cases(m) {
        let what = format!("{}: {}", m.name, case["input"]);
        let summary = translate(&mut session, case["input"].as_str().unwrap());
        check_output(&summary, &case, &what);
        assert_eq!(items(&get(&summary, "blocks")).len(), 0);
        // The reference's <unk> (id 3) tokens are the ones named.
        let source = strings(&case["source"]["tokens"]);
        let unknown: Vec<Value> =
            (0..source.len()).filter(|&i| case["source"]["ids"][i] == 3).map(|i| json!({"index": i, "text": source[i]})).collect();
        let translation = get(&summary, "translation");
        assert_eq!(
            json_of(&translation),
            json!({"architecture": "gru", "unknown": unknown,
                   "noAttention": "this model has no attention: the decoder sees only the final encoder state"})
        );
        assert_eq!(session.attentions().unwrap().length(), 0);
        assert_eq!(session.step_attentions(0).unwrap().length(), 0);
        // The context is the same fixed vector at every step; the state moves.
        let steps = steps(&summary);
        let contexts: Vec<Vec<f32>> = steps.iter().map(|s| numbers(&get(s, "context"))).collect();
        assert!(contexts.iter().all(|c| c == &contexts[0] && c.len() == 128));
        assert_ne!(numbers(&get(&steps[0], "state")), numbers(&get(&steps[1], "state")));
    }
}

#[wasm_bindgen_test]
fn the_transformer_equals_the_reference_block_by_block() {
    for m in [&TRANSFORMER, &GRAMMAR_TRANSFORMER] {
        check_transformer(m);
    }
}

/// Both Transformers have 2 encoder and 2 decoder layers of 4 heads.
fn check_transformer(m: &Fixture) {
    let mut session = m.loaded();
    for case in cases(m) {
        let what = format!("{}: {}", m.name, case["input"]);
        let summary = translate(&mut session, case["input"].as_str().unwrap());
        let (s, t) = check_output(&summary, &case, &what);
        let kinds: Vec<(String, f64, f64)> = items(&get(&summary, "blocks"))
            .iter()
            .map(|b| (get(b, "kind").as_string().unwrap(), number(b, "queries"), number(b, "keys")))
            .collect();
        let encoder = ("self".to_owned(), 0.0, 0.0);
        let (causal, cross) = (("causal".to_owned(), 1.0, 1.0), ("cross".to_owned(), 1.0, 0.0));
        assert_eq!(kinds, [encoder.clone(), encoder, causal.clone(), cross.clone(), causal, cross]);
        let head = |b: usize, h: usize| session.weights(b, h).unwrap().to_vec();
        let all = |blocks: &[usize]| blocks.iter().flat_map(|&b| (0..4).flat_map(move |h| head(b, h))).collect::<Vec<f32>>();
        let err = max_error(&all(&[0, 1]), &flat(&case["encoder_self_attention"]), &what);
        assert!(err <= TOLERANCE, "{what}: encoder self-attention differs by {err}");
        let err = max_error(&all(&[2, 4]), &flat(&case["decoder_self_attention"]), &what);
        assert!(err <= TOLERANCE, "{what}: decoder self-attention differs by {err}");
        for (i, want) in case["steps"].as_array().unwrap().iter().enumerate() {
            let got: Vec<f32> = [3, 5].iter().flat_map(|&b| (0..4).flat_map(move |h| row(&head(b, h), s, i).to_vec())).collect();
            let err = max_error(&got, &flat(&want["cross_attention"]), &what);
            assert!(err <= TOLERANCE, "{what}: step {i}: cross-attention differs by {err}");
            // The step's attentions: per decoder layer, the causal heads' rows up to the step,
            // then the cross-attention heads' rows over the source.
            let mut expected = Vec::new();
            for (causal, cross) in [(2, 3), (4, 5)] {
                (0..4).for_each(|h| expected.extend_from_slice(&row(&head(causal, h), t, i)[..=i]));
                (0..4).for_each(|h| expected.extend_from_slice(row(&head(cross, h), s, i)));
            }
            assert_eq!(session.step_attentions(i).unwrap().to_vec(), expected, "{what}: step {i}");
        }
        // The causal blocks' masks: step i sees steps 0..=i.
        let causal_mask: Vec<u8> = (0..t * t).map(|n| u8::from(n % t <= n / t)).collect();
        assert_eq!(session.allowed(2, 0).unwrap().to_vec(), causal_mask);
        assert_eq!(session.allowed(3, 0).unwrap().to_vec(), vec![1; t * s]);
    }
}

#[wasm_bindgen_test]
fn model_info_blocks_and_breakdowns_say_what_the_model_is() {
    let mut session = Session::new();
    let info = GRU_ADDITIVE.load_into(&mut session);
    let want = json!({"architecture": "gru-additive", "kind": "encoder-decoder", "layers": 1, "heads": 1, "kvHeads": 1, "hidden": 128,
                      "dK": 128, "vocabSize": 45, "maxPositions": 48, "dtype": "F32", "parameters": 187791});
    assert_eq!(json_of(&info), want);
    let summary = translate(&mut session, "Sun, 29 Nov 2026");
    assert_eq!(json_of(&get(&summary, "source")), json!({"name": "dates-gru-additive", "kind": "encoder-decoder", "trained": true}));
    let want = json!({"layer": 0, "kind": "cross", "queries": 1, "keys": 0, "heads": 1, "kvHeads": 1, "dK": 128, "dV": 128,
                      "score": "additive", "scale": 1, "temperature": 1, "fullyMaskedRows": [], "masked": false, "combined": false});
    assert_eq!(json_of(&block(&summary, 0)), want);
    // The player's breakdown of a step: the model's additive terms (v ∘ tanh(W₁s + W₂h + b), one
    // per hidden unit of the attention) add up to the scores the weights came from.
    let b = session.breakdown(0, 0, 2).unwrap();
    assert_eq!(get(&b, "termLabel").as_string().unwrap(), "v ∘ tanh(W₁q + W₂k + b)");
    let terms: Vec<Vec<f32>> = items(&get(&b, "terms")).iter().map(numbers).collect();
    let scores = numbers(&get(&b, "scores"));
    assert_eq!((terms.len(), terms[0].len()), (scores.len(), 64));
    for (t, score) in terms.iter().zip(&scores) {
        assert!((t.iter().sum::<f32>() - score).abs() < 1e-4);
    }
    let weights = numbers(&get(&b, "weights"));
    let s = scores.len();
    assert_eq!(weights, row(&session.weights(0, 0).unwrap().to_vec(), s, 2));
    assert_eq!(session.stage_shape(0, 0, "q").unwrap(), vec![11, 128], "a query per step: the decoder state before it");
    assert_eq!(session.stage_shape(0, 0, "k").unwrap(), vec![s as u32, 128], "a key per source token: its encoder state");

    let info = TRANSFORMER.load_into(&mut session);
    assert_eq!(
        (number(&info, "layers"), number(&info, "heads"), number(&info, "dK"), number(&info, "parameters")),
        (2.0, 4.0, 16.0, 238543.0)
    );
    let info = GRU.load_into(&mut session);
    assert_eq!((number(&info, "heads"), number(&info, "dK"), number(&info, "parameters")), (0.0, 0.0, 171279.0));
    // The source tokens, without translating.
    let tokens = session.tokenize("3/3/1999").unwrap();
    let list = items(&get(&tokens, "tokens"));
    assert_eq!(list.len(), 9);
    assert_eq!(get(&list[8], "text").as_string().unwrap(), "<eos>");
}

#[wasm_bindgen_test]
fn unknown_characters_are_named_and_long_text_is_cut() {
    let mut session = TRANSFORMER.loaded();
    let summary = translate(&mut session, "29 Décembre 2026");
    let translation = get(&summary, "translation");
    assert_eq!(json_of(&get(&translation, "unknown")), json!([{"index": 4, "text": "é"}]));
    assert_eq!(get(&translation, "architecture").as_string().unwrap(), "transformer");
    let sequence = Array::from(&get(&summary, "sequences")).get(0);
    let e = Array::from(&get(&sequence, "tokens")).get(4);
    assert_eq!((number(&e, "id"), number(&e, "start"), number(&e, "end")), (3.0, 4.0, 5.0));

    // Words: punctuation goes, U+2019 is an apostrophe, a word the vocabulary lacks is named.
    let mut words = GRAMMAR_GRU_ADDITIVE.loaded();
    let summary = translate(&mut words, "I don’t see the Zebra!");
    assert_eq!(token_texts(&summary, 0), ["i", "don't", "see", "the", "zebra", "<eos>"]);
    assert_eq!(json_of(&get(&get(&summary, "translation"), "unknown")), json!([{"index": 4, "text": "zebra"}]));
    let sequence = Array::from(&get(&summary, "sequences")).get(0);
    let zebra = Array::from(&get(&sequence, "tokens")).get(4);
    assert_eq!((number(&zebra, "start"), number(&zebra, "end")), (16.0, 21.0));

    let long = "Sunday, the 29th day of the month of November in the year 2026";
    let summary = translate(&mut session, long);
    let total = long.len() + 1;
    assert_eq!(json_of(&get(&summary, "truncated")), json!({"limit": 48, "total": total, "which": "text"}));
    assert_eq!(token_texts(&summary, 0).len(), 48);
}

#[wasm_bindgen_test]
fn bad_files_and_requests_name_what_is_wrong() {
    let mut session = Session::new();
    let m = &GRU_ADDITIVE;
    let load = |session: &mut Session, config: &str, vocab: Option<&str>, weights: &[u8]| {
        failure(session.load_model("bad", config, None, vocab.map(str::to_owned), weights))
    };
    let with = |config: &str, key: &str, value: &str| {
        let mut map: serde_json::Map<String, Value> = serde_json::from_str(config).unwrap();
        map.insert(key.to_owned(), serde_json::from_str(value).unwrap());
        serde_json::to_string(&map).unwrap()
    };
    let model = Some("model".to_owned());
    assert_eq!(
        load(&mut session, m.config, None, m.weights),
        ("vocab.json: missing: an encoder–decoder reads its source and target vocabularies from vocab.json".into(), model.clone())
    );
    let (msg, field) = load(&mut session, m.config, Some("{\"source\": 3}"), m.weights);
    assert_eq!((msg.as_str(), field), ("vocab.json: source must be a list of token strings, found a number", model.clone()));
    let (msg, _) = load(&mut session, m.config, Some("source, target"), m.weights);
    assert!(msg.starts_with("vocab.json: not valid JSON ("), "{msg}");
    let (msg, _) = load(&mut session, &with(m.config, "embedding_size", "16"), m.vocab, m.weights);
    assert_eq!(msg, "tensor src_embedding.weight has shape [45, 32], but config.json implies [45, 16]");
    let t = &TRANSFORMER;
    let (msg, _) = load(&mut session, &with(t.config, "encoder_layers", "3"), t.vocab, t.weights);
    assert_eq!(msg, "model.safetensors has no tensor encoder_layers.2.ln1.weight: the weights do not match config.json");
    let (msg, _) = load(&mut session, m.config, m.vocab, &m.weights[..4096]);
    assert!(msg.starts_with("model.safetensors: "), "{msg}");
    // Sizes of 2³² and more would wrap to small numbers in a 32-bit usize: refused as they are.
    for (key, value) in [("decoder_hidden_size", "4294967424"), ("max_source_length", "4294967344"), ("source_vocab_size", "4294967341")] {
        let (msg, field) = load(&mut session, &with(m.config, key, value), m.vocab, m.weights);
        assert!(msg.starts_with(&format!("config.json: {key} must be a whole number from 1 to ")), "{msg}");
        assert_eq!(field, model);
    }
    let (msg, _) = load(&mut session, &with(t.config, "d_model", "4294967360"), t.vocab, t.weights);
    assert!(msg.starts_with("config.json: d_model must be a whole number from 1 to 65536"), "{msg}");
    // Sizes each within their limits whose weights would not fit 32-bit memory.
    let huge = with(&with(m.config, "source_vocab_size", "1048576"), "embedding_size", "65536");
    let (msg, _) = load(&mut session, &huge, m.vocab, m.weights);
    assert_eq!(msg, "config.json: vocabulary × embedding_size (1048576 × 65536) is too large for this build's memory");
    assert!(session.tokenize("x").is_err(), "a failed load leaves no model");

    m.load_into(&mut session);
    for empty in ["", "   "] {
        let (msg, field) = failure(session.run(js_object(&json!({"source": "model", "text": empty}))));
        assert_eq!((msg.as_str(), field.as_deref()), ("the text is empty: type at least one word", Some("text")));
    }
    let (msg, field) = failure(session.run(js_object(&json!({"source": "generate", "text": "3/3/1999", "steps": 4}))));
    assert_eq!(
        (msg.as_str(), field.as_deref()),
        ("dates-gru-additive is an encoder–decoder: it translates the text (run it as the model) rather than continuing it", Some("model"))
    );
    translate(&mut session, "3/3/1999");
    let (msg, _) = failure(session.step_attentions(11));
    assert_eq!(msg, "generation step 11 does not exist: the run generated 11 tokens");
}

#[wasm_bindgen_test]
fn the_page_reads_the_vocabularies_and_the_additive_score_stage_by_stage() {
    let mut session = Session::new();
    assert!(session.vocabulary().unwrap().is_undefined(), "no model loaded: no vocabulary");
    GRU_ADDITIVE.load_into(&mut session);
    let file: Value = serde_json::from_str(GRU_ADDITIVE.vocab.unwrap()).unwrap();
    assert_eq!(json_of(&session.vocabulary().unwrap()), file, "the source and target lists of vocab.json");
    translate(&mut session, "Sun, 29 Nov 2026");
    // Step 3's query against every source character: W₁q, W₂k, b, their sum, tanh and v are the
    // breakdown's terms (v ∘ tanh) stage by stage.
    let parts = session.additive_parts(0, 0, 2).unwrap();
    let rows = |key: &str| -> Vec<Vec<f32>> { items(&get(&parts, key)).iter().map(numbers).collect() };
    let (keys, sum, tanh) = (rows("keys"), rows("sum"), rows("tanh"));
    let (query, bias, v) = (numbers(&get(&parts, "query")), numbers(&get(&parts, "bias")), numbers(&get(&parts, "v")));
    let b = session.breakdown(0, 0, 2).unwrap();
    let terms: Vec<Vec<f32>> = items(&get(&b, "terms")).iter().map(numbers).collect();
    assert_eq!((keys.len(), query.len(), bias.len(), v.len()), (terms.len(), 64, 64, 64));
    for j in 0..terms.len() {
        for u in 0..64 {
            assert!((query[u] + keys[j][u] + bias[u] - sum[j][u]).abs() < 1e-5, "key {j} unit {u}: the sum");
            assert!((sum[j][u].tanh() - tanh[j][u]).abs() < 1e-5, "key {j} unit {u}: tanh");
            assert!((v[u] * tanh[j][u] - terms[j][u]).abs() < 1e-5, "key {j} unit {u}: the term");
        }
    }
    assert!(failure(session.additive_parts(0, 0, 99)).0.contains("outside the run's 11 queries"));
    // A dot-product head has no additive stages; the Transformer's vocabularies are its own.
    TRANSFORMER.load_into(&mut session);
    translate(&mut session, "Sun, 29 Nov 2026");
    assert!(session.additive_parts(3, 0, 0).unwrap().is_undefined());
    assert_eq!(items(&get(&session.vocabulary().unwrap(), "source")).len(), 45);
}
