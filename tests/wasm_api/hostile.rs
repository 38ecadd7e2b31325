//! The hostile model folders of `tests/hostile/mod.rs` through the wasm Session: refused with a
//! message naming the file, field or tensor, or loaded and run with finite weights only. A panic
//! would abort the wasm instance and fail the test run.

use attention_playground::wasm::Session;
use serde_json::json;
use wasm_bindgen_test::wasm_bindgen_test;

use crate::hostile;
use crate::{error_message, js_object};

#[wasm_bindgen_test]
fn every_hostile_variant_is_refused_by_name_or_runs_finite() {
    hostile::check(|files| {
        let mut session = Session::new();
        session
            .load_model("hostile", &files.config, files.tokenizer.clone(), files.vocab.clone(), &files.weights)
            .map_err(|e| error_message(&e))?;
        session.run(js_object(&json!({"source": "model", "text": hostile::TEXT}))).map_err(|e| error_message(&e))?;
        Ok(session.attentions().map_err(|e| error_message(&e))?.to_vec().iter().all(|w| w.is_finite()))
    });
}
