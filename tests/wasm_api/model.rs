//! A `Session` with a pretrained encoder loaded, and the toy on the model's embeddings, with the
//! tiny reference encoders of `tests/fixtures/model/` (made by Hugging Face transformers; see
//! docs/model.md).

use attention_playground::wasm::Session;
use js_sys::Array;
use serde_json::{json, Value};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_test::wasm_bindgen_test;

use super::json_numbers::{flat, max_error};
use super::{
    block, error_message, error_of, floats, get, items, js_object, json_of, memory_bytes, number, numbers, plain_error, token_texts,
    Fixture, NOTHING_YET,
};

const TINY_BERT: Fixture = fixture!("tests/fixtures/model", "tiny-bert", vocab: "vocab.txt");
const FIXTURES: [Fixture; 3] = [
    TINY_BERT,
    fixture!("tests/fixtures/model", "tiny-bert-mlm-f16", vocab: "vocab.txt"),
    fixture!("tests/fixtures/model", "tiny-distilbert-bf16", vocab: "vocab.txt"),
];

const NO_MODEL: &str = "no pretrained model is loaded: load one first";

/// The message of a failed load of the tiny BERT's vocabulary with `config` and `weights`; the
/// error must be about the model.
fn load_error(config: &str, weights: &[u8]) -> String {
    let mut session = Session::new();
    match session.load_model("broken", config, None, TINY_BERT.vocab.map(str::to_owned), weights) {
        Ok(_) => panic!("loaded"),
        Err(e) => model_error(e),
    }
}

/// The message of an error whose field is "model".
fn model_error(err: JsValue) -> String {
    let (message, field) = error_of(err);
    assert_eq!(field.as_deref(), Some("model"), "{message}");
    message
}

fn model_request(text: &str) -> JsValue {
    js_object(&json!({"source": "model", "text": text}))
}

#[wasm_bindgen_test]
fn attentions_and_pooled_equal_transformers() {
    // One session, each model loaded in place of the one before.
    let mut session = Session::new();
    for fixture in &FIXTURES {
        fixture.load_into(&mut session);
        let expected: Value = serde_json::from_str(fixture.expected).unwrap();
        for case in expected["cases"].as_array().unwrap() {
            let summary = session.run(model_request(case["text"].as_str().unwrap())).unwrap();
            let want: Vec<&str> = case["tokens"].as_array().unwrap().iter().map(|t| t.as_str().unwrap()).collect();
            assert_eq!(token_texts(&summary, 0), want);
            let sequence = Array::from(&get(&summary, "sequences")).get(0);
            let ids: Vec<u64> = items(&get(&sequence, "tokens")).iter().map(|t| number(t, "id") as u64).collect();
            let want_ids: Vec<u64> = case["ids"].as_array().unwrap().iter().map(|i| i.as_u64().unwrap()).collect();
            assert_eq!(ids, want_ids);
            let want = flat(&case["attentions"]);
            let got = session.attentions().unwrap().to_vec();
            let worst = max_error(&got, &want, "attentions");
            assert!(worst <= 1e-4, "{}: attentions differ by {worst}", expected["model"]);
            let pooled = session.pooled().unwrap().expect("an encoder run has a sentence embedding").to_vec();
            assert!(max_error(&pooled, &floats(&case["pooled"]), "pooled") <= 1e-4, "{}: pooled", expected["model"]);
        }
    }
}

#[wasm_bindgen_test]
fn info_and_tokens_describe_the_model() {
    let mut session = Session::new();
    let info = TINY_BERT.load_into(&mut session);
    let want = json!({"architecture": "bert", "kind": "encoder", "layers": 2, "heads": 4, "kvHeads": 4, "hidden": 32, "dK": 8,
                      "vocabSize": 76, "maxPositions": 40, "dtype": "F32", "parameters": 20928});
    assert_eq!(json_of(&info), want);
    let mut other = Session::new();
    assert_eq!(get(&FIXTURES[1].load_into(&mut other), "dtype").as_string().unwrap(), "F16");
    assert_eq!(get(&FIXTURES[2].load_into(&mut other), "architecture").as_string().unwrap(), "distilbert");

    let text = "é cat [MASK]";
    let tokens = session.tokenize(text).unwrap();
    assert!(get(&tokens, "truncated").is_null());
    let list = items(&get(&tokens, "tokens"));
    let cells: Vec<(String, f64, f64, bool)> = list
        .iter()
        .map(|t| (get(t, "text").as_string().unwrap(), number(t, "start"), number(t, "end"), get(t, "special").as_bool().unwrap()))
        .collect();
    assert_eq!(cells[0], ("[CLS]".into(), 0.0, 0.0, true));
    assert_eq!(cells[1], ("e".into(), 0.0, 1.0, false));
    assert_eq!(cells[3], ("[MASK]".into(), 6.0, 12.0, true));
    assert_eq!(number(&list[2], "id"), 64.0, "cat");
    let long = "a ".repeat(60);
    let truncated = get(&session.tokenize(&long).unwrap(), "truncated");
    assert_eq!((number(&truncated, "limit"), number(&truncated, "total")), (40.0, 62.0));
    assert_eq!(get(&truncated, "which").as_string().unwrap(), "text");
    // A run of the same long text is cut the same way and says so.
    let summary = session.run(model_request(&long)).unwrap();
    assert_eq!(json_of(&get(&summary, "truncated")), json!({"limit": 40, "total": 62, "which": "text"}));
    assert_eq!(token_texts(&summary, 0).len(), 40);
}

#[wasm_bindgen_test]
fn a_model_run_has_one_block_per_layer() {
    let mut session = TINY_BERT.loaded();
    let summary = session.run(model_request("the cat sat on the mat.")).unwrap();
    assert_eq!(json_of(&get(&summary, "source")), json!({"name": "tiny-bert", "kind": "encoder", "trained": true}));
    assert_eq!(number(&summary, "dModel"), 32.0);
    assert_eq!(get(&summary, "pooled").as_bool(), Some(true));
    assert!(get(&summary, "truncated").is_null());
    let sequences = items(&get(&summary, "sequences"));
    assert_eq!(sequences.len(), 1);
    assert_eq!(get(&sequences[0], "role").as_string().unwrap(), "text");
    let blocks = items(&get(&summary, "blocks"));
    assert_eq!(blocks.len(), 2);
    for (layer, b) in blocks.iter().enumerate() {
        let mut b = json_of(b);
        let scale = b["scale"].take().as_f64().unwrap();
        assert!((scale - 1.0 / 8f64.sqrt()).abs() < 1e-7, "scale {scale}");
        let want = json!({"layer": layer, "kind": "self", "queries": 0, "keys": 0, "heads": 4, "kvHeads": 4, "dK": 8, "dV": 8,
                          "score": "dot", "scale": null, "temperature": 1, "fullyMaskedRows": [], "masked": false, "combined": true});
        assert_eq!(b, want);
    }
    assert_eq!(session.attentions().unwrap().length(), 2 * 4 * 9 * 9);
    assert_eq!(session.masks().unwrap().to_vec(), vec![1; 2 * 9 * 9]);
    // Each block keeps its output (the heads side by side times W_O), for the player's last stage.
    assert_eq!(session.output(1).unwrap().unwrap().length(), 9 * 32);
}

#[wasm_bindgen_test]
fn a_model_head_breaks_down_like_a_toy_head() {
    let mut session = TINY_BERT.loaded();
    let summary = session.run(model_request("the cat sat on the mat.")).unwrap();
    let b1 = block(&summary, 1);
    assert_eq!((number(&b1, "layer"), number(&b1, "heads"), number(&b1, "dK")), (1.0, 4.0, 8.0));
    assert!((number(&b1, "scale") - 1.0 / 8f64.sqrt()).abs() < 1e-7);
    let t = 9;
    let weights = session.weights(1, 2).unwrap().to_vec();
    let all = session.attentions().unwrap().to_vec();
    assert_eq!(weights, all[(4 + 2) * t * t..(4 + 3) * t * t]);
    assert_eq!(session.stage_shape(1, 2, "q").unwrap(), vec![9, 8]);
    assert_eq!(session.stage_shape(1, 2, "masked").unwrap(), vec![9, 9]);
    assert_eq!(session.stage(1, 2, "weights").unwrap().to_vec(), weights);

    let b = session.breakdown(1, 2, 4).unwrap();
    assert_eq!((number(&b, "block"), number(&b, "layer"), number(&b, "head"), number(&b, "query")), (1.0, 1.0, 2.0, 4.0));
    let row = numbers(&get(&b, "weights"));
    assert_eq!(row.len(), t, "one weight per key");
    assert!(max_error(&row, &weights[4 * t..5 * t], "row") <= 1e-6);
    assert!((row.iter().sum::<f32>() - 1.0).abs() < 1e-5);
    let exp = numbers(&get(&b, "exp"));
    assert!((exp.iter().sum::<f32>() - number(&b, "sumExp") as f32).abs() < 1e-4);
    assert_eq!(numbers(&get(&b, "q")).len(), 8);
    // Each score is the sum of its q ∘ k terms, and scaled = score × 1/√dK.
    let terms: Vec<Vec<f32>> = items(&get(&b, "terms")).iter().map(numbers).collect();
    let scores = numbers(&get(&b, "scores"));
    let scaled = numbers(&get(&b, "scaled"));
    assert_eq!(terms.len(), t);
    for j in 0..t {
        assert_eq!(terms[j].len(), 8);
        assert!((terms[j].iter().sum::<f32>() - scores[j]).abs() < 1e-4);
        assert!((scaled[j] - scores[j] / 8f32.sqrt()).abs() < 1e-5);
    }
    assert!(get(&b, "allowed").dyn_into::<Array>().unwrap().every(&mut |a, _, _| a.as_bool() == Some(true)));
}

#[wasm_bindgen_test]
fn without_special_renormalises_the_rows() {
    let mut session = TINY_BERT.loaded();
    session.run(model_request("the cat sat on the mat.")).unwrap();
    let (t, kept_t) = (9, 7);
    let without = session.without_special().unwrap();
    let kept: Vec<Vec<f64>> =
        items(&get(&without, "kept")).iter().map(|k| Array::from(k).iter().map(|i| i.as_f64().unwrap()).collect()).collect();
    assert_eq!(kept, [(1..8).map(f64::from).collect::<Vec<_>>()]);
    let w = numbers(&get(&without, "weights"));
    assert_eq!(w.len(), 2 * 4 * kept_t * kept_t, "every block's heads over the kept tokens");
    assert!(w.chunks(kept_t).all(|r| (r.iter().sum::<f32>() - 1.0).abs() < 1e-5));
    // Block 0, head 1: the ordinary tokens' weights of the full head, each row divided by its sum.
    let full = session.weights(0, 1).unwrap().to_vec();
    let mut want = Vec::new();
    for i in 1..8 {
        let row = &full[i * t + 1..i * t + 8];
        let sum: f32 = row.iter().sum();
        want.extend(row.iter().map(|x| x / sum));
    }
    assert!(max_error(&w[kept_t * kept_t..2 * kept_t * kept_t], &want, "renormalised rows") <= 1e-6);
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
    let t5 = r#"{"architectures": ["T5Model"], "model_type": "t5"}"#;
    assert!(load_error(t5, TINY_BERT.weights).starts_with("config.json: model_type 't5' is not supported: this playground runs"));
    let roberta = r#"{"architectures": ["RobertaModel"]}"#;
    assert!(load_error(roberta, TINY_BERT.weights).starts_with("unsupported architecture RobertaModel"));
    let other = FIXTURES[2].weights;
    assert!(load_error(TINY_BERT.config, other).contains("the weights do not match config.json"));
    assert!(load_error("{", TINY_BERT.weights).starts_with("config.json: "));
    let mut session = Session::new();
    let none = session.load_model("tiny-bert", TINY_BERT.config, None, None, TINY_BERT.weights).map(drop).map_err(model_error);
    assert_eq!(none.unwrap_err(), "tokenizer: give tokenizer.json or vocab.txt with the model");

    // A failed load leaves no model, even when one was loaded before.
    TINY_BERT.load_into(&mut session);
    session.load_model("broken", TINY_BERT.config, None, TINY_BERT.vocab.map(str::to_owned), b"abc").unwrap_err();
    assert_eq!(model_error(session.run(model_request("a cat")).unwrap_err()), NO_MODEL);

    let mut session = TINY_BERT.loaded();
    assert_eq!(plain_error(session.attentions().unwrap_err()), NOTHING_YET);
    session.run(model_request("a cat")).unwrap();
    let (msg, field) = error_of(session.run(model_request(" \u{7} ")).unwrap_err());
    assert_eq!(msg, "the text is empty: type at least one word");
    assert_eq!(field.as_deref(), Some("text"));
    assert_eq!(plain_error(session.pooled().unwrap_err()), NOTHING_YET);
    session.run(model_request("a cat")).unwrap();
    assert_eq!(plain_error(session.weights(2, 0).unwrap_err()), "block 2 does not exist: the run has 2 blocks (counted from 0)");
    assert_eq!(plain_error(session.weights(1, 4).unwrap_err()), "head 4 does not exist: layer 1 has 4 heads (counted from 0)");
    assert!(error_message(&session.stage(0, 0, "softmax").unwrap_err()).starts_with("unknown stage 'softmax'"));
    assert_eq!(plain_error(session.breakdown(0, 0, 9).unwrap_err()), "query 9 does not exist: there are 4 queries (0–3)");
    let typo = js_object(&json!({"source": "model", "text": "a cat", "vectors": true}));
    let msg = plain_error(session.run(typo).unwrap_err());
    assert!(msg.starts_with("invalid run request: unknown field `vectors`"), "{msg}");
}

#[wasm_bindgen_test]
fn an_unloaded_model_can_no_longer_run() {
    let mut session = TINY_BERT.loaded();
    session.run(model_request("the cat sat")).unwrap();
    session.unload_model();
    assert_eq!(plain_error(session.attentions().unwrap_err()), NOTHING_YET, "the model's run goes with it");
    assert_eq!(model_error(session.run(model_request("the cat sat")).unwrap_err()), NO_MODEL);
    assert_eq!(model_error(session.tokenize("the cat sat").unwrap_err()), NO_MODEL);
    // The toy still runs.
    session.run(js_object(&json!({"source": "toy", "config": {}, "text": "the cat sat"}))).unwrap();
    // And a model can be loaded again.
    TINY_BERT.load_into(&mut session);
    session.run(model_request("the cat sat")).unwrap();
}

#[wasm_bindgen_test]
fn loading_again_and_again_reuses_the_memory() {
    let mut session = TINY_BERT.loaded();
    session.run(model_request("the cat sat on the mat.")).unwrap();
    session.unload_model();
    let before = memory_bytes();
    for i in 0..50 {
        // Half the loads replace the model in place, half follow an unloadModel().
        TINY_BERT.load_into(&mut session);
        session.run(model_request("the cat sat on the mat.")).unwrap();
        if i % 2 == 0 {
            session.unload_model();
        }
    }
    session.unload_model();
    let after = memory_bytes();
    assert_eq!(
        before, after,
        "50 loads of a 92 KB model, each released (unloadModel() or the next loadModel()), must reuse the same memory"
    );
}

#[wasm_bindgen_test]
fn toy_mode_borrows_the_model_embeddings() {
    let mut session = TINY_BERT.loaded();
    let request =
        |config: Value, vectors: bool| js_object(&json!({"source": "toy", "config": config, "text": "the cat sat", "vectors": vectors}));
    let config = json!({"dModel": 32, "heads": 4, "kvHeads": 4});
    let summary = session.run(request(config.clone(), true)).unwrap();
    assert_eq!(token_texts(&summary, 0), ["the", "cat", "sat"]);
    let sequence = Array::from(&get(&summary, "sequences")).get(0);
    assert_eq!(number(&items(&get(&sequence, "tokens"))[1], "id"), 64.0, "the model's id of cat");
    assert_eq!(json_of(&get(&summary, "source")), json!({"name": "toy on tiny-bert's word embeddings", "kind": "toy", "trained": false}));
    let blocks = items(&get(&summary, "blocks"));
    assert_eq!(blocks.len(), 1);
    assert_eq!(get(&blocks[0], "kind").as_string().unwrap(), "self");
    let weights = session.stage(0, 3, "weights").unwrap().to_vec();
    assert!(weights.chunks(3).all(|r| (r.iter().sum::<f32>() - 1.0).abs() < 1e-5));
    let b = session.breakdown(0, 0, 1).unwrap();
    assert_eq!(numbers(&get(&b, "weights")).len(), 3, "three keys");
    // The hashed path of the same text tokenizes differently and gives other vectors.
    let summary = session.run(request(config, false)).unwrap();
    assert_eq!(get(&get(&summary, "source"), "name").as_string().unwrap(), "toy");
    assert_ne!(session.stage(0, 3, "weights").unwrap().to_vec(), weights);

    let (msg, field) = error_of(session.run(request(json!({}), true)).unwrap_err());
    assert_eq!(msg, "tiny-bert's word embeddings have 32 dimensions but d_model is 64: set d_model to 32 to use them");
    assert_eq!(field.as_deref(), Some("dModel"));
}

/// The tiny BERT's weights with every value of the tensors whose names contain one of `names`
/// replaced by `value`.
fn with_weights(names: &[&str], value: f32) -> Vec<u8> {
    use attention_playground::model::safetensors::{Dtype, SafeTensors, SafeTensorsWriter};
    let file = SafeTensors::parse(TINY_BERT.weights).unwrap();
    let mut out = SafeTensorsWriter::new();
    for (name, view) in file.tensors() {
        let mut values = view.to_f32(name).unwrap();
        if names.iter().any(|n| name.contains(n)) {
            values.iter_mut().for_each(|v| *v = value);
        }
        out.f32(name, Dtype::F32, &view.shape, &values).unwrap();
    }
    out.to_bytes()
}

#[wasm_bindgen_test]
fn weights_too_large_for_f32_are_refused_as_natively_never_shown_as_zeros() {
    let weights = with_weights(&["layer.0.attention.self.query.weight", "layer.0.attention.self.key.weight"], 3e38);
    let mut session = Session::new();
    session.load_model("huge", TINY_BERT.config, None, TINY_BERT.vocab.map(str::to_owned), &weights).unwrap();
    let (message, field) = error_of(session.run(model_request("the cat sat on the mat.")).unwrap_err());
    assert_eq!(field.as_deref(), Some("model"));
    assert!(message.contains("layer 0 produced a non-finite number"), "{message}");
}
