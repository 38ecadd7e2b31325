//! Attention on hand-written Q, K and V (the lessons' editable numbers): a free function, since
//! it needs nothing of a session.

use js_sys::{Object, Reflect};
use wasm_bindgen::prelude::*;

use super::convert::{js_error, matrix};
use crate::attention::attend_given;

/// `softmax(Q·Kᵀ/√d_k / temperature) · V` (without the √d_k when `scale` is false; causal: query
/// i sees keys 0…i) on flat row-major lists: Q has `queries` rows, K as many columns as Q, V one
/// row per key. Returns `{ scores, weights, output }` as flat row-major `Float32Array`s (masked
/// weights are 0); bad sizes or numbers give an `Error` naming the matrix.
#[wasm_bindgen(js_name = attendGiven)]
pub fn attend_given_js(
    q: &[f32],
    k: &[f32],
    v: &[f32],
    queries: usize,
    scale: bool,
    temperature: f32,
    causal: bool,
) -> Result<Object, JsValue> {
    let given = attend_given(q, k, v, queries, scale, temperature, causal).map_err(js_error)?;
    let result = Object::new();
    Reflect::set(&result, &"scores".into(), &matrix(&given.head.scores()))?;
    Reflect::set(&result, &"weights".into(), &matrix(&given.head.weights))?;
    Reflect::set(&result, &"output".into(), &matrix(&given.output))?;
    Ok(result)
}
