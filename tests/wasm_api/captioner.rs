//! A `Session` with the trained captioner loaded (`trained/shapes-captioner/`: its
//! preprocessor_config.json in the tokenizer's place, its vocab.json as the vocabulary), run on
//! held-out scenes of RGBA bytes (`{source: "image"}`): the caption and every cross-attention map
//! equal PyTorch's (`tests/fixtures/trained/shapes-captioner.json`, from
//! `training/make_captioner_fixtures.py`), so the page's captions are the training framework's.

use attention_playground::wasm::Session;
use js_sys::Uint8Array;
use serde_json::{json, Value};
use wasm_bindgen::JsValue;
use wasm_bindgen_test::wasm_bindgen_test;

use super::json_numbers::{flat, max_error};
use super::{js_object, json_of, token_texts};

const CONFIG: &str = include_str!("../../trained/shapes-captioner/config.json");
const PREPROCESSOR: &str = include_str!("../../trained/shapes-captioner/preprocessor_config.json");
const VOCAB: &str = include_str!("../../trained/shapes-captioner/vocab.json");
const WEIGHTS: &[u8] = include_bytes!("../../trained/shapes-captioner/model.safetensors");
const EXPECTED: &str = include_str!("../fixtures/trained/shapes-captioner.json");

#[wasm_bindgen_test]
fn captions_and_cross_attentions_equal_pytorch() {
    let mut session = Session::new();
    session.load_model("shapes-captioner", CONFIG, Some(PREPROCESSOR.to_owned()), Some(VOCAB.to_owned()), WEIGHTS).unwrap();
    let expected: Value = serde_json::from_str(EXPECTED).unwrap();
    let references = expected["references"].as_array().unwrap();
    assert_eq!(references.len(), 4);
    for reference in references {
        let rgba: Vec<u8> = reference["rgba"].as_array().unwrap().iter().map(|v| v.as_u64().unwrap() as u8).collect();
        let request = js_object(&json!({"source": "image", "width": 64, "height": 64}));
        js_sys::Reflect::set(&request, &"pixels".into(), &JsValue::from(Uint8Array::from(&rgba[..]))).unwrap();
        let summary = session.run(request).unwrap();
        let words: Vec<String> = token_texts(&summary, 1);
        let expected_words: Vec<&str> = reference["words"].as_array().unwrap().iter().map(|w| w.as_str().unwrap()).collect();
        assert_eq!(words[..expected_words.len()], expected_words[..]);
        assert_eq!(words.last().map(String::as_str), Some("<eos>"));
        let summary = json_of(&summary);
        assert_eq!(summary["source"]["kind"], "captioner");
        assert_eq!(summary["generation"]["text"], expected_words.join(" "));
        let blocks = summary["blocks"].as_array().unwrap();
        let cross: Vec<usize> = (0..blocks.len()).filter(|&b| blocks[b]["kind"] == "cross").collect();
        let layers = reference["cross_attentions"].as_array().unwrap();
        assert_eq!(cross.len(), layers.len());
        for (&block, layer) in cross.iter().zip(layers) {
            for (head, map) in layer.as_array().unwrap().iter().enumerate() {
                let ours = session.weights(block, head).unwrap().to_vec();
                let worst = max_error(&ours, &flat(map), "cross-attention");
                assert!(worst <= 1e-4, "{}: block {block} head {head} differs by {worst}", summary["generation"]["text"]);
            }
        }
    }
}
