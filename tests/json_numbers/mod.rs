//! The numbers of a reference fixture's JSON, read and compared the same way by every test that
//! checks the core against one (native, and the wasm API tests through `tests/wasm_api.rs`).
#![allow(dead_code)] // each test file uses its own share of these helpers

use serde_json::Value;

/// Every number of a nested JSON array, in order.
pub fn flat(v: &Value) -> Vec<f32> {
    match v {
        Value::Array(items) => items.iter().flat_map(flat).collect(),
        other => vec![other.as_f64().unwrap_or_else(|| panic!("not a number: {other}")) as f32],
    }
}

/// A JSON array of token ids.
pub fn ids(v: &Value) -> Vec<u32> {
    v.as_array().expect("an array of ids").iter().map(|i| u32::try_from(i.as_u64().expect("an id")).expect("an id below 2^32")).collect()
}

/// A JSON array of strings.
pub fn strings(v: &Value) -> Vec<String> {
    v.as_array().expect("an array of strings").iter().map(|s| s.as_str().expect("a string").to_owned()).collect()
}

/// The largest absolute difference between `got` and `want`, which must be as long (`what` names
/// them in the failure); NaN when any number is NaN, so that no tolerance accepts it.
pub fn max_error(got: &[f32], want: &[f32], what: &str) -> f32 {
    assert_eq!(got.len(), want.len(), "{what}: length");
    got.iter().zip(want).map(|(a, b)| (a - b).abs()).fold(0.0, |worst, d| if d > worst || d.is_nan() { d } else { worst })
}
