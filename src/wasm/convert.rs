//! Conversions shared by the toy and model handles: errors, matrices and vectors, a head's
//! stages and shapes, and a query's breakdown. One head of a toy run and one head of a
//! pretrained model are both a core `HeadTrace`, so JavaScript receives them identically.

use std::fmt::Display;

use js_sys::{Float32Array, Object, Reflect, Uint8Array};
use ndarray::{Array1, ArrayBase, Data, Ix2};
use serde::Serialize;
use wasm_bindgen::prelude::*;

use crate::attention::{HeadTrace, Stage};

/// Any core error as a JavaScript `Error` carrying its message.
pub fn js_error(e: impl Display) -> JsError {
    JsError::new(&e.to_string())
}

/// Metadata as a plain JavaScript object (camelCase keys come from the serde attributes).
pub fn to_js<T: Serialize>(value: &T) -> Result<JsValue, JsError> {
    value
        .serialize(&serde_wasm_bindgen::Serializer::json_compatible())
        .map_err(|e| JsError::new(&format!("could not pass the result to JavaScript: {e}")))
}

/// A matrix as a flat row-major `Float32Array`.
pub fn matrix<S: Data<Elem = f32>>(m: &ArrayBase<S, Ix2>) -> Float32Array {
    match m.as_slice() {
        Some(flat) => Float32Array::from(flat),
        None => Float32Array::from(m.iter().copied().collect::<Vec<_>>().as_slice()),
    }
}

pub fn vector(v: &Array1<f32>) -> Float32Array {
    match v.as_slice() {
        Some(flat) => Float32Array::from(flat),
        None => Float32Array::from(v.to_vec().as_slice()),
    }
}

fn parse_stage(name: &str) -> Result<Stage, JsError> {
    name.parse::<Stage>().map_err(js_error)
}

/// One named intermediate of a head, flat row-major.
pub fn stage(head: &HeadTrace, name: &str) -> Result<Float32Array, JsError> {
    Ok(matrix(head.stage(parse_stage(name)?).as_ref()))
}

/// `[rows, columns]` of a named intermediate.
pub fn stage_shape(head: &HeadTrace, name: &str) -> Result<Vec<u32>, JsError> {
    let (rows, cols) = match parse_stage(name)? {
        Stage::Q => head.q.dim(),
        Stage::K => head.k.dim(),
        Stage::V => head.v.dim(),
        Stage::Output => head.output.dim(),
        Stage::Scores | Stage::Scaled | Stage::Masked | Stage::Weights => head.scores.dim(),
    };
    Ok(vec![rows as u32, cols as u32])
}

/// Every number the step-by-step player shows for one query of one head (a `QueryBreakdown`).
pub fn breakdown(trace: &HeadTrace, head: usize, query: usize) -> Result<Object, JsError> {
    let b = trace.breakdown(query).map_err(js_error)?;
    let allowed: Vec<u8> = b.allowed.iter().map(|&a| u8::from(a)).collect();
    let fields: [(&str, JsValue); 23] = [
        ("head", head.into()),
        ("query", query.into()),
        ("keys", b.scores.len().into()),
        ("dK", b.q.len().into()),
        ("dV", b.values.ncols().into()),
        ("scale", b.scale.into()),
        ("temperature", b.temperature.into()),
        ("q", vector(&b.q).into()),
        ("terms", matrix(&b.terms).into()),
        ("termLen", b.terms.ncols().into()),
        ("termLabel", b.term_label.into()),
        ("scores", vector(&b.scores).into()),
        ("scaled", vector(&b.scaled).into()),
        ("masked", vector(&b.masked).into()),
        ("allowed", Uint8Array::from(allowed.as_slice()).into()),
        ("max", b.max.into()),
        ("exp", vector(&b.exp).into()),
        ("sumExp", b.sum_exp.into()),
        ("weights", vector(&b.weights).into()),
        ("values", matrix(&b.values).into()),
        ("weighted", matrix(&b.weighted).into()),
        ("output", vector(&b.output).into()),
        ("fullyMasked", b.fully_masked.into()),
    ];
    let obj = Object::new();
    for (key, value) in fields {
        set(&obj, key, value)?;
    }
    Ok(obj)
}

/// Sets one property of a plain object.
pub fn set(obj: &Object, key: &str, value: JsValue) -> Result<(), JsError> {
    Reflect::set(obj, &key.into(), &value).map(drop).map_err(|_| JsError::new(&format!("could not set {key} on the result object")))
}
