//! `Trainer` in WebAssembly: the same seed gives the same weights as natively, bit for bit (the
//! hash `tests/train_learning.rs` asserts for the native build); a trained model's files load
//! into a `Session` and translate; bad settings name the setting.

use attention_playground::wasm::{Session, Trainer};
use serde_json::json;
use wasm_bindgen::JsValue;
use wasm_bindgen_test::wasm_bindgen_test;

use super::{failure, get, js_object, json_of, number};

#[wasm_bindgen_test]
fn twenty_steps_give_the_native_weights_bit_for_bit() {
    let settings = Trainer::default_settings("reverse").unwrap();
    let mut trainer = Trainer::new(settings).unwrap();
    let progress = trainer.train(20).unwrap();
    assert_eq!(number(&progress, "step"), 20.0);
    assert_eq!(trainer.weights_hash(), "56d3191721e1a49f");
}

#[wasm_bindgen_test]
fn a_trained_model_loads_into_a_session_and_translates() {
    let mut trainer = Trainer::new(Trainer::default_settings("reverse").unwrap()).unwrap();
    trainer.train(5).unwrap();
    assert_eq!(trainer.take_snapshot(), 1);
    assert_eq!(trainer.snapshot_steps(), vec![0, 5]);
    let files = trainer.files(Some(1)).unwrap();
    let text = |key: &str| get(&files, key).as_string();
    let weights = js_sys::Uint8Array::new(&get(&files, "weights")).to_vec();
    let mut session = Session::new();
    let info = session.load_model("reverse", &text("configJson").unwrap(), None, text("vocabJson"), &weights).unwrap();
    assert_eq!(number(&info, "parameters"), trainer.parameters() as f64);
    let probe = trainer.probe().unwrap();
    let request = js_object(&json!({"source": "model", "text": get(&probe, "prompt").as_string().unwrap()}));
    let summary = json_of(&session.run(request).unwrap());
    assert_eq!(summary["sequences"].as_array().unwrap().len(), 2, "source and target");
}

#[wasm_bindgen_test]
fn bad_settings_name_the_setting() {
    let mut settings = json_of(&Trainer::default_settings("sort").unwrap());
    settings["heads"] = json!(3);
    let (message, field) = failure(Trainer::new(js_object(&settings)));
    assert_eq!(field.as_deref(), Some("dModel"), "{message}");
    settings["heads"] = json!(2);
    settings["dModel"] = json!(512);
    settings["layers"] = json!(6);
    settings["batchSize"] = json!(512);
    let (message, field) = failure(Trainer::new(js_object(&settings)));
    assert!(message.contains("budget"), "{message}");
    assert_eq!(field.as_deref(), Some("dModel"));
    assert!(Trainer::default_settings("rot13").is_err());
    assert!(Trainer::new(JsValue::from_str("reverse")).is_err());
}
