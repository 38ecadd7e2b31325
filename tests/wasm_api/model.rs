//! `ModelSession` and the toy mode on a model's embeddings, with the tiny reference encoders of
//! `tests/fixtures/model/` (made by Hugging Face transformers; see docs/model.md).

use attention_playground::wasm::{ModelSession, Playground};
use js_sys::{Array, Float32Array};
use serde_json::Value;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_test::wasm_bindgen_test;

use super::{error_message, floats, get, js_object};

struct Fixture {
    config: &'static str,
    vocab: &'static str,
    weights: &'static [u8],
    expected: &'static str,
}

macro_rules! fixture {
    ($name:literal) => {
        Fixture {
            config: include_str!(concat!("../fixtures/model/", $name, "/config.json")),
            vocab: include_str!(concat!("../fixtures/model/", $name, "/vocab.txt")),
            weights: include_bytes!(concat!("../fixtures/model/", $name, "/model.safetensors")),
            expected: include_str!(concat!("../fixtures/model/", $name, "/expected.json")),
        }
    };
}

const TINY_BERT: Fixture = fixture!("tiny-bert");
const FIXTURES: [Fixture; 3] = [TINY_BERT, fixture!("tiny-bert-mlm-f16"), fixture!("tiny-distilbert-bf16")];

fn load(f: &Fixture) -> ModelSession {
    ModelSession::from_files(f.config, None, Some(f.vocab.to_owned()), f.weights).map_err(JsValue::from).unwrap()
}

fn load_error(config: &str, weights: &[u8]) -> String {
    match ModelSession::from_files(config, None, Some(TINY_BERT.vocab.to_owned()), weights) {
        Ok(_) => panic!("loaded"),
        Err(e) => error_message(e.into()),
    }
}

fn number(obj: &JsValue, key: &str) -> f64 {
    get(obj, key).as_f64().unwrap()
}

fn max_error(got: &[f32], want: &[f32]) -> f32 {
    assert_eq!(got.len(), want.len());
    got.iter().zip(want).map(|(a, b)| (a - b).abs()).fold(0.0, f32::max)
}

#[wasm_bindgen_test]
fn attentions_and_pooled_equal_transformers() {
    for fixture in &FIXTURES {
        let mut session = load(fixture);
        let expected: Value = serde_json::from_str(fixture.expected).unwrap();
        for case in expected["cases"].as_array().unwrap() {
            let summary = session.run(case["text"].as_str().unwrap()).map_err(JsValue::from).unwrap();
            let tokens = Array::from(&get(&summary, "tokens"));
            let texts: Vec<String> = tokens.iter().map(|t| get(&t, "text").as_string().unwrap()).collect();
            let want: Vec<&str> = case["tokens"].as_array().unwrap().iter().map(|t| t.as_str().unwrap()).collect();
            assert_eq!(texts, want);
            let want = floats_deep(&case["attentions"]);
            let got = session.attentions().map_err(JsValue::from).unwrap().to_vec();
            let worst = max_error(&got, &want);
            assert!(worst <= 1e-4, "{}: attentions differ by {worst}", expected["model"]);
            let pooled = session.pooled().map_err(JsValue::from).unwrap().to_vec();
            assert!(max_error(&pooled, &floats(&case["pooled"])) <= 1e-4, "{}: pooled", expected["model"]);
        }
    }
}

/// All numbers of a nested JSON array, in order.
fn floats_deep(v: &Value) -> Vec<f32> {
    match v {
        Value::Array(items) => items.iter().flat_map(floats_deep).collect(),
        other => vec![other.as_f64().unwrap() as f32],
    }
}

#[wasm_bindgen_test]
fn info_and_tokens_describe_the_model() {
    let session = load(&TINY_BERT);
    let info = session.info().map_err(JsValue::from).unwrap();
    let got: Value = serde_json::from_str(&js_sys::JSON::stringify(&info).unwrap().as_string().unwrap()).unwrap();
    let want = serde_json::json!({"architecture": "bert", "layers": 2, "heads": 4, "hidden": 32, "dK": 8, "vocabSize": 76,
                                  "maxPositions": 40, "dtype": "F32", "parameters": 20928});
    assert_eq!(got, want);
    assert_eq!(get(&load(&FIXTURES[1]).info().map_err(JsValue::from).unwrap(), "dtype").as_string().unwrap(), "F16");
    assert_eq!(get(&load(&FIXTURES[2]).info().map_err(JsValue::from).unwrap(), "architecture").as_string().unwrap(), "distilbert");

    let text = "é cat [MASK]";
    let tokens = session.tokenize(text).map_err(JsValue::from).unwrap();
    assert!(get(&tokens, "truncated").is_null());
    let list = Array::from(&get(&tokens, "tokens"));
    let cells: Vec<(String, f64, f64, bool)> = list
        .iter()
        .map(|t| (get(&t, "text").as_string().unwrap(), number(&t, "start"), number(&t, "end"), get(&t, "special").as_bool().unwrap()))
        .collect();
    assert_eq!(cells[0], ("[CLS]".into(), 0.0, 0.0, true));
    assert_eq!(cells[1], ("e".into(), 0.0, 1.0, false));
    assert_eq!(cells[3], ("[MASK]".into(), 6.0, 12.0, true));
    assert_eq!(number(&list.get(2), "id"), 64.0, "cat");
    let long = "a ".repeat(60);
    let truncated = get(&session.tokenize(&long).map_err(JsValue::from).unwrap(), "truncated");
    assert_eq!((number(&truncated, "limit"), number(&truncated, "total")), (40.0, 62.0));
}

#[wasm_bindgen_test]
fn a_model_head_breaks_down_like_a_toy_head() {
    let mut session = load(&TINY_BERT);
    let summary = session.run("the cat sat on the mat.").map_err(JsValue::from).unwrap();
    assert_eq!((number(&summary, "layers"), number(&summary, "heads"), number(&summary, "dK")), (2.0, 4.0, 8.0));
    assert!((number(&summary, "scale") - 1.0 / 8f64.sqrt()).abs() < 1e-7);
    let t = 9;
    let weights = session.weights(1, 2).map_err(JsValue::from).unwrap().to_vec();
    let all = session.attentions().map_err(JsValue::from).unwrap().to_vec();
    assert_eq!(weights, all[(4 + 2) * t * t..(4 + 3) * t * t]);
    assert_eq!(session.stage_shape(1, 2, "q").map_err(JsValue::from).unwrap(), vec![9, 8]);
    assert_eq!(session.stage_shape(1, 2, "masked").map_err(JsValue::from).unwrap(), vec![9, 9]);
    assert_eq!(session.stage(1, 2, "weights").map_err(JsValue::from).unwrap().to_vec(), weights);

    let b = session.breakdown(1, 2, 4).map_err(JsValue::from).unwrap();
    assert_eq!((number(&b, "layer"), number(&b, "head"), number(&b, "query"), number(&b, "keys")), (1.0, 2.0, 4.0, 9.0));
    let row = Float32Array::from(get(&b, "weights")).to_vec();
    assert!(max_error(&row, &weights[4 * t..5 * t]) <= 1e-6);
    assert!((row.iter().sum::<f32>() - 1.0).abs() < 1e-5);
    let exp = Float32Array::from(get(&b, "exp")).to_vec();
    assert!((exp.iter().sum::<f32>() - number(&b, "sumExp") as f32).abs() < 1e-4);
    // Each score is the sum of its q ∘ k terms, and scaled = score × 1/√dK.
    let terms = Float32Array::from(get(&b, "terms")).to_vec();
    let scores = Float32Array::from(get(&b, "scores")).to_vec();
    let scaled = Float32Array::from(get(&b, "scaled")).to_vec();
    for j in 0..t {
        assert!((terms[j * 8..(j + 1) * 8].iter().sum::<f32>() - scores[j]).abs() < 1e-4);
        assert!((scaled[j] - scores[j] / 8f32.sqrt()).abs() < 1e-5);
    }

    let without = session.weights_without_special(0, 1).map_err(JsValue::from).unwrap();
    let kept: Vec<f64> = Array::from(&get(&without, "tokens")).iter().map(|i| i.as_f64().unwrap()).collect();
    assert_eq!(kept, (1..8).map(f64::from).collect::<Vec<_>>());
    let w = Float32Array::from(get(&without, "weights")).to_vec();
    assert_eq!(w.len(), 49);
    assert!(w.chunks(7).all(|r| (r.iter().sum::<f32>() - 1.0).abs() < 1e-5));
}

#[wasm_bindgen_test]
fn bad_files_and_calls_give_readable_errors() {
    let msg = load_error(TINY_BERT.config, &TINY_BERT.weights[..TINY_BERT.weights.len() / 2]);
    assert!(msg.starts_with("model.safetensors: ") && msg.contains("truncated"), "{msg}");
    assert_eq!(
        load_error(TINY_BERT.config, b"abc"),
        "model.safetensors: the file is 3 bytes long: too short to be safetensors (truncated download?)"
    );
    let mut garbage = TINY_BERT.weights.to_vec();
    garbage[8..16].copy_from_slice(b"not json");
    assert!(load_error(TINY_BERT.config, &garbage).starts_with("model.safetensors: the header is not a JSON object"));
    let gpt2 = r#"{"architectures": ["GPT2LMHeadModel"], "model_type": "gpt2"}"#;
    assert!(load_error(gpt2, TINY_BERT.weights).starts_with("unsupported architecture gpt2"));
    let other = FIXTURES[2].weights;
    assert!(load_error(TINY_BERT.config, other).contains("the weights do not match config.json"));
    let none = ModelSession::from_files(TINY_BERT.config, None, None, TINY_BERT.weights).map(drop).map_err(|e| error_message(e.into()));
    assert_eq!(none.unwrap_err(), "tokenizer: give tokenizer.json or vocab.txt with the model");

    let mut session = load(&TINY_BERT);
    assert_eq!(error_message(session.attentions().unwrap_err().into()), "nothing has been computed yet: call run(text) first");
    session.run("a cat").map_err(JsValue::from).unwrap();
    assert_eq!(error_message(session.run(" \u{7} ").unwrap_err().into()), "the text is empty: type at least one word");
    assert_eq!(error_message(session.pooled().unwrap_err().into()), "nothing has been computed yet: call run(text) first");
    session.run("a cat").map_err(JsValue::from).unwrap();
    assert!(error_message(session.weights(2, 0).unwrap_err().into()).contains("2 layers of 4 heads"));
    assert!(error_message(session.stage(0, 0, "softmax").unwrap_err().into()).starts_with("unknown stage 'softmax'"));
    assert_eq!(error_message(session.breakdown(0, 0, 9).unwrap_err().into()), "query 9 does not exist: there are 4 queries (0–3)");
}

/// Size of the WebAssembly memory (it grows, never shrinks).
fn memory_bytes() -> u32 {
    let memory: js_sys::WebAssembly::Memory = wasm_bindgen::memory().unchecked_into();
    memory.buffer().unchecked_into::<js_sys::ArrayBuffer>().byte_length()
}

#[wasm_bindgen_test]
fn dropped_sessions_give_their_memory_back() {
    let first = load(&TINY_BERT);
    drop(first);
    let before = memory_bytes();
    for _ in 0..50 {
        let mut session = load(&TINY_BERT);
        session.run("the cat sat on the mat.").map_err(JsValue::from).unwrap();
    }
    let after = memory_bytes();
    assert_eq!(before, after, "50 loads of a 92 KB model, each dropped (free() in JavaScript), must reuse the same memory");
}

#[wasm_bindgen_test]
fn toy_mode_borrows_the_model_embeddings() {
    let session = load(&TINY_BERT);
    let mut p = Playground::new();
    p.configure(js_object(&serde_json::json!({"dModel": 32, "heads": 4, "kvHeads": 4}))).map_err(JsValue::from).unwrap();
    let summary = p.run_with_model_embeddings(&session, "the cat sat", None).map_err(JsValue::from).unwrap();
    let texts: Vec<String> = Array::from(&get(&summary, "queryTokens")).iter().map(|t| get(&t, "text").as_string().unwrap()).collect();
    assert_eq!(texts, ["the", "cat", "sat"]);
    let weights = p.stage(3, "weights").map_err(JsValue::from).unwrap().to_vec();
    assert!(weights.chunks(3).all(|r| (r.iter().sum::<f32>() - 1.0).abs() < 1e-5));
    let b = p.breakdown(0, 1).map_err(JsValue::from).unwrap();
    assert_eq!(number(&b, "keys"), 3.0);
    // The hashed path of the same text tokenizes differently and gives other vectors.
    p.run("the cat sat", None).map_err(JsValue::from).unwrap();
    assert_ne!(p.stage(3, "weights").map_err(JsValue::from).unwrap().to_vec(), weights);

    let mut p = Playground::new();
    let msg = error_message(p.run_with_model_embeddings(&session, "the cat", None).unwrap_err().into());
    assert_eq!(msg, "the model's embeddings have 32 dimensions but d_model is 64: set d_model to 32 to use them");
}
