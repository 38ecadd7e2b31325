//! The committed reference run that the wasm API tests compare against: the native core must
//! reproduce it exactly, so the browser build and the native build agree through it.
//! Regenerate deliberately with `UPDATE_REFERENCE=1 cargo test --test reference_run`.
#![cfg(not(target_arch = "wasm32"))]

use attention_playground::toy::{run_toy, ToyConfig};
use serde_json::{json, Value};

const PATH: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/reference/toy_runs.json");

/// The cases: (config JSON, text, cross text).
fn cases() -> Vec<(Value, &'static str, Option<&'static str>)> {
    vec![
        (json!({}), "The animal didn't cross the street because it was too tired.", None),
        (
            json!({"dModel": 32, "heads": 4, "kvHeads": 2, "score": "additive", "positions": "rope",
                "masks": [{"kind": "causal"}], "seed": 7}),
            "naïve café 😀 日本語 works",
            None,
        ),
        (
            json!({"mode": "cross", "dModel": 16, "heads": 2, "kvHeads": 1, "score": "cosine", "scale": false,
                "temperature": 0.5, "positions": "none", "projections": "identity"}),
            "Le chat dort",
            Some("The cat is sleeping"),
        ),
    ]
}

fn compute() -> Value {
    let runs: Vec<Value> = cases()
        .into_iter()
        .map(|(config_json, text, cross)| {
            let config: ToyConfig = serde_json::from_value(config_json.clone()).unwrap();
            let run = run_toy(&config, text, cross).unwrap();
            let block = &run.blocks[0];
            let heads: Vec<Value> = block
                .heads
                .iter()
                .map(|h| json!({ "weights": h.weights.iter().collect::<Vec<_>>(), "output": h.output().iter().collect::<Vec<_>>() }))
                .collect();
            json!({ "config": config_json, "text": text, "crossText": cross,
                    "keyTokens": run.key_tokens(block).iter().map(|t| &t.text).collect::<Vec<_>>(),
                    "heads": heads, "output": block.output.as_ref().unwrap().iter().collect::<Vec<_>>() })
        })
        .collect();
    Value::Array(runs)
}

#[test]
fn native_core_reproduces_the_reference() {
    // Through text, as stored: f32s print as their shortest exact form and parse back identically.
    let text = serde_json::to_string(&compute()).unwrap();
    if std::env::var_os("UPDATE_REFERENCE").is_some() {
        std::fs::write(PATH, &text).unwrap();
    }
    let now: Value = serde_json::from_str(&text).unwrap();
    let stored: Value = serde_json::from_str(&std::fs::read_to_string(PATH).expect("reference file")).unwrap();
    assert_eq!(now, stored, "the core's numbers changed; if on purpose, regenerate with UPDATE_REFERENCE=1");
}
