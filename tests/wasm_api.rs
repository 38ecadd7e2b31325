//! The JavaScript API in a real wasm engine (`wasm-pack test --node`): the numbers it hands to
//! JavaScript equal the committed reference, which the native core reproduces
//! (`tests/reference_run.rs`), so wasm and native agree. The pretrained-model API is tested in
//! `wasm_api/model.rs`, against the tiny encoders' reference attentions.
#![cfg(target_arch = "wasm32")]

#[path = "wasm_api/model.rs"]
mod model;

use attention_playground::wasm::Playground;
use js_sys::{Float32Array, Reflect};
use serde_json::Value;
use wasm_bindgen::JsValue;
use wasm_bindgen_test::wasm_bindgen_test;

const REFERENCE: &str = include_str!("fixtures/reference/toy_runs.json");

fn get(obj: &JsValue, key: &str) -> JsValue {
    Reflect::get(obj, &key.into()).unwrap()
}

fn floats(v: &Value) -> Vec<f32> {
    v.as_array().unwrap().iter().map(|x| x.as_f64().unwrap() as f32).collect()
}

/// Native (x86 SIMD) and wasm kernels sum in different orders: agreement to 1e-5, not bit for bit.
fn assert_close(got: &[f32], want: &[f32], what: &str) {
    assert_eq!(got.len(), want.len(), "{what}: length");
    let worst = got.iter().zip(want).map(|(a, b)| (a - b).abs()).fold(0.0, f32::max);
    assert!(worst <= 1e-5, "{what}: max abs error {worst}");
}

fn error_message(err: JsValue) -> String {
    get(&err, "message").as_string().unwrap()
}

/// A plain JavaScript object, as the page passes it.
fn js_object(value: &Value) -> JsValue {
    js_sys::JSON::parse(&value.to_string()).unwrap()
}

fn configured(config: &Value) -> Playground {
    let mut p = Playground::new();
    p.configure(js_object(config)).map_err(JsValue::from).unwrap();
    p
}

#[wasm_bindgen_test]
fn weights_and_outputs_equal_the_native_reference() {
    let runs: Vec<Value> = serde_json::from_str(REFERENCE).unwrap();
    for run in runs {
        let mut p = configured(&run["config"]);
        let summary = p.run(run["text"].as_str().unwrap(), run["crossText"].as_str().map(str::to_owned)).map_err(JsValue::from).unwrap();
        let keys = js_sys::Array::from(&get(&summary, "keyTokens"));
        assert_eq!(keys.length() as usize, run["keyTokens"].as_array().unwrap().len());
        for (h, head) in run["heads"].as_array().unwrap().iter().enumerate() {
            let weights = p.stage(h, "weights").map_err(JsValue::from).unwrap().to_vec();
            assert_close(&weights, &floats(&head["weights"]), &format!("head {h} weights"));
            let output = p.stage(h, "output").map_err(JsValue::from).unwrap().to_vec();
            assert_close(&output, &floats(&head["output"]), &format!("head {h} output"));
        }
        assert_close(&p.output().map_err(JsValue::from).unwrap().to_vec(), &floats(&run["output"]), "final output");
    }
}

#[wasm_bindgen_test]
fn breakdown_matches_the_weights_row() {
    let runs: Vec<Value> = serde_json::from_str(REFERENCE).unwrap();
    let mut p = configured(&runs[1]["config"]);
    p.run(runs[1]["text"].as_str().unwrap(), None).map_err(JsValue::from).unwrap();
    let b = p.breakdown(3, 2).map_err(JsValue::from).unwrap();
    let weights = Float32Array::from(get(&b, "weights")).to_vec();
    let all = floats(&runs[1]["heads"][3]["weights"]);
    let n = weights.len();
    assert_close(&weights, &all[2 * n..3 * n], "breakdown weights of query 2");
    // Causal: query 2 sees keys 0..=2 only; masked scores are −∞, never NaN.
    let masked = Float32Array::from(get(&b, "masked")).to_vec();
    assert!(masked[3..].iter().all(|&m| m == f32::NEG_INFINITY));
    assert!(masked.iter().all(|m| !m.is_nan()));
}

#[wasm_bindgen_test]
fn errors_are_readable() {
    let mut p = Playground::new();
    assert_eq!(error_message(p.stage(0, "weights").unwrap_err().into()), "nothing has been computed yet: call run(text) first");
    let bad = serde_json::json!({"dModel": 10, "heads": 3});
    let msg = error_message(p.configure(js_object(&bad)).unwrap_err().into());
    assert_eq!(msg, "d_model 10 is not divisible by 3 heads: choose heads that divide d_model");
    let typo = serde_json::json!({"dmodel": 8});
    let msg = error_message(p.configure(js_object(&typo)).unwrap_err().into());
    assert!(msg.starts_with("invalid configuration: unknown field `dmodel`"), "{msg}");
    assert_eq!(error_message(p.run("   ", None).unwrap_err().into()), "the text is empty: type at least one word");
    p.run("a b", None).map_err(JsValue::from).unwrap();
    assert!(error_message(p.stage(0, "softmax").unwrap_err().into()).starts_with("unknown stage 'softmax'"));
    assert_eq!(error_message(p.breakdown(0, 5).unwrap_err().into()), "query 5 does not exist: there are 2 queries (0–1)");
}

#[wasm_bindgen_test]
fn token_vectors_are_bit_identical_to_native() {
    // The same pinned bits as the native test in src/embedding.rs: toy token vectors do not
    // depend on the platform's maths library.
    let v = attention_playground::embedding::token_vector("attention", 3);
    assert_eq!(v, vec![0.02749293, 1.2212253, -1.3355415]);
}
