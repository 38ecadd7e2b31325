//! Conversions between the core's values and JavaScript's: errors (with the field they concern),
//! metadata as plain objects, numbers as typed arrays.

use js_sys::{Array, Float32Array, Object, Reflect, Uint8Array, Uint8ClampedArray};
use ndarray::{Array2, ArrayBase, Data, Ix1, Ix2};
use serde::Serialize;
use wasm_bindgen::prelude::*;

use crate::error::Error;
use crate::session::RunRequest;

/// A core error as a JavaScript `Error` carrying its message, and `field` (the setting or input it
/// is about, as the page names it) when there is one.
pub fn js_error(e: impl Into<Error>) -> JsValue {
    let e = e.into();
    let error = js_sys::Error::new(&e.to_string());
    if let Some(field) = e.field().and_then(|f| serde_json::to_value(f).ok()).and_then(|v| v.as_str().map(str::to_owned)) {
        // Setting a property on a fresh Error object cannot fail.
        let _ = Reflect::set(&error, &"field".into(), &field.into());
    }
    error.into()
}

/// Metadata as a plain JavaScript object (camelCase keys come from the serde attributes;
/// non-finite numbers stay numbers, so a masked score arrives as `-Infinity`).
pub fn to_js<T: Serialize>(value: &T) -> Result<JsValue, JsValue> {
    value
        .serialize(&serde_wasm_bindgen::Serializer::json_compatible())
        .map_err(|e| js_sys::Error::new(&format!("could not pass the result to JavaScript: {e}")).into())
}

/// A value from JavaScript, through JSON so that unknown or misspelt fields are refused, not
/// ignored; `what` names it in the message.
pub fn from_js<T: serde::de::DeserializeOwned>(value: JsValue, what: &str) -> Result<T, JsValue> {
    serde_wasm_bindgen::from_value::<serde_json::Value>(value)
        .map_err(|e| e.to_string())
        .and_then(|value| serde_json::from_value(value).map_err(|e| e.to_string()))
        .map_err(|e| js_sys::Error::new(&format!("invalid {what}: {e}")).into())
}

/// A run request. A picture's `pixels` given as a typed array (`Uint8Array`, or a canvas's
/// `Uint8ClampedArray`) are copied once as bytes while the rest of the request goes through
/// [`from_js`], so its fields are checked as every request's are.
pub fn run_request(value: JsValue) -> Result<RunRequest, JsValue> {
    let pixels = Reflect::get(&value, &"pixels".into()).unwrap_or(JsValue::UNDEFINED);
    if !(pixels.is_instance_of::<Uint8Array>() || pixels.is_instance_of::<Uint8ClampedArray>()) {
        return from_js(value, "run request");
    }
    let rest = Object::assign(&Object::new(), value.unchecked_ref());
    Reflect::set(&rest, &"pixels".into(), &Array::new())?;
    let mut request: RunRequest = from_js(rest.into(), "run request")?;
    if let RunRequest::Image { pixels: bytes, .. } = &mut request {
        *bytes = Uint8Array::new(&pixels).to_vec();
    }
    Ok(request)
}

/// A matrix as a flat row-major `Float32Array`.
pub fn matrix<S: Data<Elem = f32>>(m: &ArrayBase<S, Ix2>) -> Float32Array {
    match m.as_slice() {
        Some(flat) => Float32Array::from(flat),
        None => Float32Array::from(m.iter().copied().collect::<Vec<_>>().as_slice()),
    }
}

/// Matrices of one shape as one flat `Float32Array`, each row-major, in order.
pub fn matrices(list: &[Array2<f32>]) -> Float32Array {
    Float32Array::from(list.iter().flat_map(|m| m.iter().copied()).collect::<Vec<_>>().as_slice())
}

/// A vector as a `Float32Array`.
pub fn vector<S: Data<Elem = f32>>(v: &ArrayBase<S, Ix1>) -> Float32Array {
    match v.as_slice() {
        Some(flat) => Float32Array::from(flat),
        None => Float32Array::from(v.to_vec().as_slice()),
    }
}
