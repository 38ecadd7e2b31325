//! The JavaScript API in a real wasm engine (`wasm-pack test --node`): the numbers it hands to
//! JavaScript equal the committed reference, which the native core reproduces
//! (`tests/reference_run.rs`), so wasm and native agree. The pretrained-model side of the same
//! `Session` is tested in `wasm_api/model.rs`, against the tiny encoders' reference attentions, and
//! in `wasm_api/decoder.rs`, against the tiny decoders' attentions and greedy generations, and in
//! `wasm_api/seq2seq.rs`, against the trained encoder–decoders' translations and attentions, and in
//! `wasm_api/vision.rs`, against a tiny vision transformer's attentions on pictures, and in
//! `wasm_api/captioner.rs`, against the trained captioner's captions and cross-attentions; `Trainer` in
//! `wasm_api/train.rs`, against the native build's weights after the same steps.
#![cfg(target_arch = "wasm32")]

/// A model folder's files compiled into the tests: `fixture!(FOLDER, NAME, tokenizer: FILE)` or
/// `fixture!(FOLDER, NAME, vocab: FILE)` reads `config.json`, FILE (a `tokenizer.json`, or a
/// `vocab.txt` or `vocab.json`) and `model.safetensors` of FOLDER/NAME/, and the reference outputs
/// of FOLDER/NAME/expected.json or of the file `expected: PATH` names (paths from the
/// repository's root).
macro_rules! fixture {
    ($folder:literal, $name:literal, tokenizer: $file:literal) => {
        fixture!(@make $folder, $name, Some(fixture!(@text $folder, $name, $file)), None, concat!($folder, "/", $name, "/expected.json"))
    };
    ($folder:literal, $name:literal, vocab: $file:literal) => {
        fixture!(@make $folder, $name, None, Some(fixture!(@text $folder, $name, $file)), concat!($folder, "/", $name, "/expected.json"))
    };
    ($folder:literal, $name:literal, vocab: $file:literal, expected: $expected:expr) => {
        fixture!(@make $folder, $name, None, Some(fixture!(@text $folder, $name, $file)), $expected)
    };
    (@text $folder:literal, $name:literal, $file:literal) => {
        include_str!(concat!(env!("CARGO_MANIFEST_DIR"), "/", $folder, "/", $name, "/", $file))
    };
    (@make $folder:literal, $name:literal, $tokenizer:expr, $vocab:expr, $expected:expr) => {
        $crate::Fixture {
            name: $name,
            config: fixture!(@text $folder, $name, "config.json"),
            tokenizer: $tokenizer,
            vocab: $vocab,
            weights: include_bytes!(concat!(env!("CARGO_MANIFEST_DIR"), "/", $folder, "/", $name, "/model.safetensors")),
            expected: include_str!(concat!(env!("CARGO_MANIFEST_DIR"), "/", $expected)),
        }
    };
}

#[path = "wasm_api/captioner.rs"]
mod captioner;
#[path = "wasm_api/decoder.rs"]
mod decoder;
#[path = "hostile/mod.rs"]
mod hostile;
#[path = "wasm_api/hostile.rs"]
mod hostile_wasm;
#[path = "json_numbers/mod.rs"]
mod json_numbers;
#[path = "wasm_api/model.rs"]
mod model;
#[path = "wasm_api/seq2seq.rs"]
mod seq2seq;
#[path = "wasm_api/train.rs"]
mod train;
#[path = "wasm_api/vision.rs"]
mod vision;

use attention_playground::wasm::Session;
use js_sys::{Array, Reflect};
use serde_json::{json, Value};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_test::wasm_bindgen_test;

const REFERENCE: &str = include_str!("fixtures/reference/toy_runs.json");

/// A model's files and reference outputs, as `fixture!` reads them.
struct Fixture {
    name: &'static str,
    config: &'static str,
    /// `tokenizer.json`.
    tokenizer: Option<&'static str>,
    /// `vocab.txt` or `vocab.json`.
    vocab: Option<&'static str>,
    /// `model.safetensors`.
    weights: &'static [u8],
    expected: &'static str,
}

impl Fixture {
    /// Loads the model into `session`, in place of any other; returns the model's info.
    fn load_into(&self, session: &mut Session) -> JsValue {
        session.load_model(self.name, self.config, self.tokenizer.map(str::to_owned), self.vocab.map(str::to_owned), self.weights).unwrap()
    }

    /// A new session with the model loaded.
    fn loaded(&self) -> Session {
        let mut session = Session::new();
        self.load_into(&mut session);
        session
    }
}

/// What every call on a session without a run says.
const NOTHING_YET: &str = "nothing has been computed yet: run a text first";

fn get(obj: &JsValue, key: &str) -> JsValue {
    Reflect::get(obj, &key.into()).unwrap()
}

fn number(obj: &JsValue, key: &str) -> f64 {
    get(obj, key).as_f64().unwrap_or_else(|| panic!("{key} is not a number"))
}

fn floats(v: &Value) -> Vec<f32> {
    v.as_array().unwrap().iter().map(|x| x.as_f64().unwrap() as f32).collect()
}

/// The numbers of a JavaScript array or typed array (−∞ stays −∞).
fn numbers(v: &JsValue) -> Vec<f32> {
    Array::from(v).iter().map(|x| x.as_f64().expect("a number") as f32).collect()
}

/// The elements of a JavaScript array.
fn items(v: &JsValue) -> Vec<JsValue> {
    Array::from(v).iter().collect()
}

/// The `text` of every token of sequence `index` of a run summary.
fn token_texts(summary: &JsValue, index: u32) -> Vec<String> {
    let sequence = Array::from(&get(summary, "sequences")).get(index);
    items(&get(&sequence, "tokens")).iter().map(|t| get(t, "text").as_string().unwrap()).collect()
}

/// Block `index` of a run summary.
fn block(summary: &JsValue, index: u32) -> JsValue {
    Array::from(&get(summary, "blocks")).get(index)
}

/// A JavaScript value as JSON, to compare whole (−∞ would become `null`).
fn json_of(value: &JsValue) -> Value {
    serde_json::from_str(&js_sys::JSON::stringify(value).unwrap().as_string().unwrap()).unwrap()
}

/// Native (x86 SIMD) and wasm kernels sum in different orders: agreement to 1e-5, not bit for bit.
fn assert_close(got: &[f32], want: &[f32], what: &str) {
    assert_eq!(got.len(), want.len(), "{what}: length");
    let worst = got.iter().zip(want).map(|(a, b)| (a - b).abs()).fold(0.0, f32::max);
    assert!(worst <= 1e-5, "{what}: max abs error {worst}");
}

fn error_message(err: &JsValue) -> String {
    assert!(err.is_instance_of::<js_sys::Error>(), "not an Error: {err:?}");
    get(err, "message").as_string().unwrap()
}

/// The `field` property of an error (`None` when it has none).
fn error_field(err: &JsValue) -> Option<String> {
    get(err, "field").as_string()
}

/// An error's message and field together.
fn error_of(err: JsValue) -> (String, Option<String>) {
    (error_message(&err), error_field(&err))
}

/// The message and field of a call that must fail.
fn failure<T>(result: Result<T, JsValue>) -> (String, Option<String>) {
    match result {
        Ok(_) => panic!("succeeded"),
        Err(e) => error_of(e),
    }
}

/// Size of the WebAssembly memory (it grows, never shrinks).
fn memory_bytes() -> u32 {
    let memory: js_sys::WebAssembly::Memory = wasm_bindgen::memory().unchecked_into();
    memory.buffer().unchecked_into::<js_sys::ArrayBuffer>().byte_length()
}

/// The message of an error that names no field.
fn plain_error(err: JsValue) -> String {
    let (message, field) = error_of(err);
    assert_eq!(field, None, "{message}");
    message
}

/// A plain JavaScript object, as the page passes it.
fn js_object(value: &Value) -> JsValue {
    js_sys::JSON::parse(&value.to_string()).unwrap()
}

/// A toy run request; `cross_text` for cross-attention.
fn toy_request(config: &Value, text: &str, cross_text: Option<&str>) -> JsValue {
    let mut request = json!({"source": "toy", "config": config, "text": text, "vectors": false});
    if let Some(cross) = cross_text {
        request["crossText"] = cross.into();
    }
    js_object(&request)
}

/// A new session that has run the toy once; returns it and the run's summary.
fn toy_run(config: &Value, text: &str, cross_text: Option<&str>) -> (Session, JsValue) {
    let mut session = Session::new();
    let summary = session.run(toy_request(config, text, cross_text)).unwrap();
    (session, summary)
}

fn reference() -> Vec<Value> {
    serde_json::from_str(REFERENCE).unwrap()
}

#[wasm_bindgen_test]
fn weights_and_outputs_equal_the_native_reference() {
    for run in reference() {
        let (session, summary) = toy_run(&run["config"], run["text"].as_str().unwrap(), run["crossText"].as_str());
        let b = block(&summary, 0);
        let keys = number(&b, "keys") as u32;
        let want_keys: Vec<&str> = run["keyTokens"].as_array().unwrap().iter().map(|t| t.as_str().unwrap()).collect();
        assert_eq!(token_texts(&summary, keys), want_keys);
        let heads = run["heads"].as_array().unwrap();
        assert_eq!(number(&b, "heads") as usize, heads.len());
        let mut all = Vec::new();
        for (h, head) in heads.iter().enumerate() {
            let weights = session.stage(0, h, "weights").unwrap().to_vec();
            assert_close(&weights, &floats(&head["weights"]), &format!("head {h} weights"));
            assert_eq!(session.weights(0, h).unwrap().to_vec(), weights, "head {h}: weights() is the weights stage");
            let output = session.stage(0, h, "output").unwrap().to_vec();
            assert_close(&output, &floats(&head["output"]), &format!("head {h} output"));
            all.extend(weights);
        }
        assert_eq!(session.attentions().unwrap().to_vec(), all, "attentions() is every head's weights in order");
        let output = session.output(0).unwrap().expect("the toy keeps its output after W_O").to_vec();
        assert_close(&output, &floats(&run["output"]), "final output");
        assert!(session.pooled().unwrap().is_none(), "the toy has no sentence embedding");
    }
}

#[wasm_bindgen_test]
fn a_toy_run_is_one_self_attention_block() {
    let runs = reference();
    let (session, summary) = toy_run(&runs[0]["config"], runs[0]["text"].as_str().unwrap(), None);
    assert_eq!(json_of(&get(&summary, "source")), json!({"name": "toy", "kind": "toy", "trained": false}));
    let sequences = items(&get(&summary, "sequences"));
    assert_eq!(sequences.len(), 1);
    assert_eq!(get(&sequences[0], "role").as_string().unwrap(), "text");
    let t = token_texts(&summary, 0).len();
    assert_eq!(t, runs[0]["keyTokens"].as_array().unwrap().len());
    assert_eq!(number(&summary, "dModel"), 64.0);
    assert!(get(&summary, "truncated").is_null());
    assert_eq!(get(&summary, "pooled").as_bool(), Some(false));

    let blocks = items(&get(&summary, "blocks"));
    assert_eq!(blocks.len(), 1);
    let mut b = json_of(&blocks[0]);
    let scale = b["scale"].take().as_f64().unwrap();
    assert!((scale - 1.0 / 16f64.sqrt()).abs() < 1e-7, "scale {scale}");
    let want = json!({"layer": 0, "kind": "self", "queries": 0, "keys": 0, "heads": 4, "kvHeads": 4, "dK": 16, "dV": 16,
                      "score": "dot", "scale": null, "temperature": 1, "fullyMaskedRows": [], "masked": false, "combined": true});
    assert_eq!(b, want);

    assert_eq!(session.stage_shape(0, 1, "q").unwrap(), vec![t as u32, 16]);
    assert_eq!(session.stage_shape(0, 1, "scores").unwrap(), vec![t as u32, t as u32]);
    assert_eq!(session.stage_shape(0, 1, "output").unwrap(), vec![t as u32, 16]);
    assert_eq!(session.stage(0, 1, "v").unwrap().length() as usize, t * 16);
    assert_eq!(session.output(0).unwrap().unwrap().length() as usize, t * 64);
    // Without a mask every pair is allowed, and no token is special.
    assert!(session.masks().unwrap().to_vec().iter().all(|&a| a == 1));
    assert_eq!(session.allowed(0, 3).unwrap().to_vec(), vec![1; t * t]);
    assert!(session.without_special().unwrap().is_undefined());
}

#[wasm_bindgen_test]
fn cross_attention_is_one_block_over_two_sequences() {
    let runs = reference();
    let run = &runs[2];
    let (session, summary) = toy_run(&run["config"], run["text"].as_str().unwrap(), run["crossText"].as_str());
    let roles: Vec<String> = items(&get(&summary, "sequences")).iter().map(|s| get(s, "role").as_string().unwrap()).collect();
    assert_eq!(roles, ["text", "crossText"]);
    let (t_q, t_k) = (token_texts(&summary, 0).len(), token_texts(&summary, 1).len());
    assert_eq!((t_q, t_k), (3, 4));
    let blocks = items(&get(&summary, "blocks"));
    assert_eq!(blocks.len(), 1);
    let want = json!({"layer": 0, "kind": "cross", "queries": 0, "keys": 1, "heads": 2, "kvHeads": 1, "dK": 8, "dV": 8,
                      "score": "cosine", "scale": 1, "temperature": 0.5, "fullyMaskedRows": [], "masked": false, "combined": true});
    assert_eq!(json_of(&blocks[0]), want);
    assert_eq!(session.stage_shape(0, 0, "q").unwrap(), vec![3, 8]);
    assert_eq!(session.stage_shape(0, 0, "k").unwrap(), vec![4, 8]);
    assert_eq!(session.stage_shape(0, 1, "weights").unwrap(), vec![3, 4]);
    assert_eq!(session.attentions().unwrap().length(), 2 * 3 * 4);
    assert_eq!(session.masks().unwrap().to_vec(), vec![1; 12]);
    let b = session.breakdown(0, 1, 2).unwrap();
    assert_eq!(numbers(&get(&b, "weights")).len(), 4);
    assert_eq!(items(&get(&b, "values")).len(), 4);
}

#[wasm_bindgen_test]
fn masks_and_allowed_reflect_a_causal_mask() {
    let runs = reference();
    let (session, summary) = toy_run(&runs[1]["config"], runs[1]["text"].as_str().unwrap(), None);
    let t = token_texts(&summary, 0).len();
    assert_eq!(t, 7);
    let b = block(&summary, 0);
    assert_eq!(get(&b, "masked").as_bool(), Some(true));
    assert_eq!(Array::from(&get(&b, "fullyMaskedRows")).length(), 0);
    let causal: Vec<u8> = (0..t).flat_map(|i| (0..t).map(move |j| u8::from(j <= i))).collect();
    assert_eq!(session.masks().unwrap().to_vec(), causal);
    for h in 0..4 {
        assert_eq!(session.allowed(0, h).unwrap().to_vec(), causal, "head {h}");
        // Masked pairs get no weight.
        let weights = session.weights(0, h).unwrap().to_vec();
        assert!(weights.iter().zip(&causal).all(|(&w, &a)| a == 1 || w == 0.0), "head {h}");
    }
}

#[wasm_bindgen_test]
fn breakdown_matches_the_weights_row() {
    let runs = reference();
    let (session, _) = toy_run(&runs[1]["config"], runs[1]["text"].as_str().unwrap(), None);
    let b = session.breakdown(0, 3, 2).unwrap();
    assert_eq!((number(&b, "block"), number(&b, "layer"), number(&b, "head"), number(&b, "query")), (0.0, 0.0, 3.0, 2.0));
    let weights = numbers(&get(&b, "weights"));
    let all = floats(&runs[1]["heads"][3]["weights"]);
    let n = weights.len();
    assert_eq!(n, 7);
    assert_close(&weights, &all[2 * n..3 * n], "breakdown weights of query 2");
    // Causal: query 2 sees keys 0..=2 only; masked scores are −∞ (a number), never NaN.
    let masked = numbers(&get(&b, "masked"));
    assert!(masked[3..].iter().all(|&m| m == f32::NEG_INFINITY), "{masked:?}");
    assert!(masked.iter().all(|m| !m.is_nan()));
    let allowed: Vec<bool> = items(&get(&b, "allowed")).iter().map(|a| a.as_bool().unwrap()).collect();
    assert_eq!(allowed, [true, true, true, false, false, false, false]);
    assert_eq!(get(&b, "fullyMasked").as_bool(), Some(false));
    assert!((number(&b, "scale") - 1.0 / 8f64.sqrt()).abs() < 1e-7);
    assert_eq!(number(&b, "temperature"), 1.0);
    let exp = numbers(&get(&b, "exp"));
    assert!(exp[3..].iter().all(|&e| e == 0.0));
    assert!((exp.iter().sum::<f32>() - number(&b, "sumExp") as f32).abs() < 1e-5);
    // One row of terms, values and weighted values per key; the output is the weighted sum.
    assert_eq!(items(&get(&b, "terms")).len(), 7);
    assert!(get(&b, "termLabel").as_string().is_some_and(|l| !l.is_empty()));
    let values: Vec<Vec<f32>> = items(&get(&b, "values")).iter().map(numbers).collect();
    assert_eq!(values.len(), 7);
    let output = numbers(&get(&b, "output"));
    assert_eq!(output.len(), values[0].len());
    let sum: Vec<f32> = (0..output.len()).map(|d| (0..7).map(|j| weights[j] * values[j][d]).sum()).collect();
    assert_close(&output, &sum, "output = Σ weights · values");
    let stage_output = session.stage(0, 3, "output").unwrap().to_vec();
    assert_close(&output, &stage_output[2 * output.len()..3 * output.len()], "output row 2");
}

#[wasm_bindgen_test]
fn errors_are_readable() {
    let mut session = Session::new();
    assert_eq!(plain_error(session.stage(0, 0, "weights").unwrap_err()), NOTHING_YET);
    assert_eq!(plain_error(session.attentions().unwrap_err()), NOTHING_YET);
    assert_eq!(plain_error(session.masks().unwrap_err()), NOTHING_YET);
    assert_eq!(plain_error(session.breakdown(0, 0, 0).unwrap_err()), NOTHING_YET);
    assert_eq!(plain_error(session.output(0).unwrap_err()), NOTHING_YET);

    let bad = json!({"dModel": 10, "heads": 3});
    let (msg, field) = error_of(session.run(toy_request(&bad, "a b", None)).unwrap_err());
    assert_eq!(msg, "d_model 10 is not divisible by 3 heads: choose heads that divide d_model");
    assert_eq!(field.as_deref(), Some("heads"));
    let (msg, field) = error_of(session.run(toy_request(&json!({"dModel": 1}), "a b", None)).unwrap_err());
    assert_eq!(msg, "d_model must be between 2 and 1024, not 1");
    assert_eq!(field.as_deref(), Some("dModel"));
    let (msg, field) = error_of(session.run(toy_request(&json!({"heads": 4, "kvHeads": 3}), "a b", None)).unwrap_err());
    assert_eq!(msg, "4 heads cannot be shared evenly by 3 key/value heads: key/value heads must divide heads");
    assert_eq!(field.as_deref(), Some("kvHeads"));

    let typo = json!({"dmodel": 8});
    let msg = plain_error(session.run(toy_request(&typo, "a b", None)).unwrap_err());
    assert!(msg.starts_with("invalid run request: unknown field `dmodel`"), "{msg}");
    let msg = plain_error(session.run(js_object(&json!({"source": "toy", "config": {}, "txt": "a b"}))).unwrap_err());
    assert!(msg.starts_with("invalid run request: ") && msg.contains("txt"), "{msg}");
    let msg = plain_error(session.run(js_object(&json!({"source": "oracle", "text": "a b"}))).unwrap_err());
    assert!(msg.starts_with("invalid run request: unknown variant `oracle`"), "{msg}");

    let (msg, field) = error_of(session.run(toy_request(&json!({}), "   ", None)).unwrap_err());
    assert_eq!(msg, "the text is empty: type at least one word");
    assert_eq!(field.as_deref(), Some("text"));
    let cross = json!({"mode": "cross"});
    let (msg, field) = error_of(session.run(toy_request(&cross, "a b", Some(" "))).unwrap_err());
    assert_eq!(msg, "the cross-attention text is empty: type at least one word");
    assert_eq!(field.as_deref(), Some("crossText"));
    let (msg, field) = error_of(session.run(toy_request(&cross, "a b", None)).unwrap_err());
    assert_eq!(msg, "cross-attention needs a second text for the keys and values");
    assert_eq!(field.as_deref(), Some("crossText"));

    session.run(toy_request(&json!({}), "a b", None)).unwrap();
    let (msg, field) = error_of(session.stage(0, 0, "softmax").unwrap_err());
    assert!(msg.starts_with("unknown stage 'softmax'"), "{msg}");
    assert_eq!(field.as_deref(), Some("stage"));
    assert!(error_message(&session.stage_shape(0, 0, "softmax").unwrap_err()).starts_with("unknown stage 'softmax'"));
    assert_eq!(plain_error(session.breakdown(0, 0, 5).unwrap_err()), "query 5 does not exist: there are 2 queries (0–1)");
    assert_eq!(plain_error(session.weights(1, 0).unwrap_err()), "block 1 does not exist: the run has 1 block (counted from 0)");
    assert_eq!(plain_error(session.output(1).unwrap_err()), "block 1 does not exist: the run has 1 block (counted from 0)");
    assert_eq!(plain_error(session.allowed(0, 4).unwrap_err()), "head 4 does not exist: layer 0 has 4 heads (counted from 0)");

    // A failed run leaves no run behind.
    session.run(toy_request(&json!({}), "", None)).unwrap_err();
    assert_eq!(plain_error(session.weights(0, 0).unwrap_err()), NOTHING_YET);

    // Without a model, neither the model nor its embeddings can run.
    let no_model = "no pretrained model is loaded: load one first";
    let (msg, field) = error_of(session.run(js_object(&json!({"source": "model", "text": "a b"}))).unwrap_err());
    assert_eq!((msg.as_str(), field.as_deref()), (no_model, Some("model")));
    let vectors = json!({"source": "toy", "config": {}, "text": "a b", "vectors": true});
    let (msg, field) = error_of(session.run(js_object(&vectors)).unwrap_err());
    assert_eq!((msg.as_str(), field.as_deref()), (no_model, Some("model")));
    let (msg, field) = error_of(session.tokenize("a b").unwrap_err());
    assert_eq!((msg.as_str(), field.as_deref()), (no_model, Some("model")));
}

#[wasm_bindgen_test]
fn the_same_configuration_gives_the_same_numbers_again() {
    // The session keeps the projections of the last configuration; a run with another one and
    // back gives the first numbers again.
    let runs = reference();
    let config = &runs[1]["config"];
    let text = runs[1]["text"].as_str().unwrap();
    let (mut session, _) = toy_run(config, text, None);
    let first = session.attentions().unwrap().to_vec();
    let mut other = config.clone();
    other["seed"] = 8.into();
    session.run(toy_request(&other, text, None)).unwrap();
    assert_ne!(session.attentions().unwrap().to_vec(), first);
    session.run(toy_request(config, text, None)).unwrap();
    assert_eq!(session.attentions().unwrap().to_vec(), first);
}

#[wasm_bindgen_test]
fn token_vectors_are_bit_identical_to_native() {
    // The same pinned bits as the native test in src/embedding.rs: toy token vectors do not
    // depend on the platform's maths library.
    let v = attention_playground::embedding::token_vector("attention", 3);
    assert_eq!(v, vec![0.02749293, 1.2212253, -1.3355415]);
}
