//! A `Session` with a vision transformer loaded: the tiny ViT of `tests/fixtures/vision/` (made by
//! transformers; `training/make_vision_fixtures.py`), its preprocessor_config.json given in the
//! tokenizer's place, run on pictures of RGBA bytes (`{source: "image"}`) at the model's size and
//! at sizes that need resizing; its attentions, the patches' tokens and grid, the prediction;
//! the errors of a wrong picture and of a text model asked for a picture.

use attention_playground::wasm::Session;
use js_sys::{Uint8Array, Uint8ClampedArray};
use serde_json::{json, Value};
use wasm_bindgen::JsValue;
use wasm_bindgen_test::wasm_bindgen_test;

use super::json_numbers::{flat, max_error};
use super::{failure, get, items, js_object, json_of, token_texts};

const CONFIG: &str = include_str!("../fixtures/vision/tiny-vit/config.json");
const PREPROCESSOR: &str = include_str!("../fixtures/vision/tiny-vit/preprocessor_config.json");
const WEIGHTS: &[u8] = include_bytes!("../fixtures/vision/tiny-vit/model.safetensors");
const EXPECTED: &str = include_str!("../fixtures/vision/tiny-vit/expected.json");

fn loaded() -> Session {
    let mut session = Session::new();
    session.load_model("tiny-vit", CONFIG, Some(PREPROCESSOR.to_owned()), None, WEIGHTS).unwrap();
    session
}

/// An image request whose pixels are a `Uint8Array`, or a canvas's `Uint8ClampedArray`.
fn image_request(width: u64, height: u64, rgba: &[u8]) -> JsValue {
    let request = js_object(&json!({"source": "image", "width": width, "height": height}));
    let pixels: JsValue =
        if width % 2 == 0 { Uint8Array::from(rgba).into() } else { Uint8ClampedArray::new(&Uint8Array::from(rgba)).into() };
    js_sys::Reflect::set(&request, &"pixels".into(), &pixels).unwrap();
    request
}

#[wasm_bindgen_test]
fn attentions_and_prediction_equal_transformers_at_every_size() {
    let mut session = loaded();
    let expected: Value = serde_json::from_str(EXPECTED).unwrap();
    for (name, picture) in expected["images"].as_object().unwrap() {
        let rgba: Vec<u8> = picture["rgba"].as_array().unwrap().iter().map(|v| v.as_u64().unwrap() as u8).collect();
        let (width, height) = (picture["width"].as_u64().unwrap(), picture["height"].as_u64().unwrap());
        let summary = session.run(image_request(width, height, &rgba)).unwrap();
        let worst = max_error(&session.attentions().unwrap().to_vec(), &flat(&picture["attentions"]), "attentions");
        assert!(worst <= 1e-4, "{name}: attentions differ by {worst}");
        let worst = max_error(&session.rollout(0).unwrap().to_vec(), &flat(&picture["rollout"]), "rollout");
        assert!(worst <= 1e-4, "{name}: rollout differs by {worst}");
        let flow = session.flow(0).unwrap().to_vec();
        assert_eq!(flow.len(), session.rollout(0).unwrap().length() as usize);
        assert!(flow.chunks(17).all(|row| (row.iter().sum::<f32>() - 1.0).abs() < 1e-5), "{name}: every row of the flow sums to 1");
        let tokens = token_texts(&summary, 0);
        assert_eq!((tokens.len(), &tokens[0][..], &tokens[1][..], &tokens[16][..]), (17, "[CLS]", "r0c0", "r3c3"));
        let summary = json_of(&summary);
        assert_eq!(summary["sequences"][0]["role"], "patches");
        assert_eq!(summary["source"]["kind"], "vision");
        assert_eq!(summary["vision"]["patches"], json!({"rows": 4, "columns": 4, "patchSize": 8, "imageSize": 32, "prefix": 1}));
        let top = &summary["vision"]["prediction"]["top"];
        assert_eq!(top[0]["label"], picture["top"][0]["label"], "{name}");
        let p = top[0]["probability"].as_f64().unwrap() - picture["top"][0]["probability"].as_f64().unwrap();
        assert!(p.abs() < 1e-4, "{name}: probability differs by {p}");
    }
    // A list of numbers is read as well as a Uint8Array.
    let summary = session.run(js_object(&json!({"source": "image", "width": 1, "height": 1, "pixels": [0, 0, 0, 255]}))).unwrap();
    assert_eq!(items(&get(&summary, "blocks")).len(), 2);
}

#[wasm_bindgen_test]
fn wrong_pictures_and_models_are_refused_by_name() {
    let mut session = loaded();
    let (message, field) = failure(session.run(image_request(3, 2, &[0; 20])));
    assert_eq!(message, "image: a 3 × 2 picture has 24 RGBA bytes, not 20");
    assert_eq!(field.as_deref(), Some("image"));
    let (message, _) = failure(session.run(image_request(5000, 1, &[])));
    assert!(message.contains("from 1 to 4096"), "{message}");
    let (message, _) = failure(session.run(js_object(&json!({"source": "model", "text": "a cat"}))));
    assert!(message.contains("vision model: give it a picture"), "{message}");
    let mut typo = json!({"source": "image", "width": 1, "height": 1, "colour": "red"});
    let request = js_object(&typo);
    js_sys::Reflect::set(&request, &"pixels".into(), &Uint8Array::from(&[0u8, 0, 0, 255][..])).unwrap();
    let (message, _) = failure(session.run(request));
    assert!(message.contains("unknown field `colour`"), "{message}");
    typo["source"] = json!("model");
    let (message, _) = failure(session.run(js_object(&typo)));
    assert!(message.contains("unknown field"), "{message}");
    let (message, _) = failure(session.load_model("tiny-vit", CONFIG, None, None, WEIGHTS));
    assert!(message.contains("preprocessor_config.json"), "{message}");
    session.unload_model();
    let (message, field) = failure(session.run(image_request(1, 1, &[0; 4])));
    assert!(message.contains("no pretrained model is loaded"), "{message}");
    assert_eq!(field.as_deref(), Some("model"));
}
