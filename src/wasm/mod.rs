//! The JavaScript API: every `#[wasm_bindgen]` item of the crate, and nothing else.
//!
//! Thin by design: convert arguments, call the core, convert back. Small metadata crosses as
//! plain objects (serde-wasm-bindgen); bulk numbers as flat row-major `Float32Array`s.
//! The TypeScript types are `www/src/types.d.ts`, included verbatim below.
//!
//! - [`toy`]: `Playground`, toy attention on typed text (hashed or a model's embeddings);
//! - [`model`]: `ModelSession`, a pretrained encoder loaded from its files, and its last run;
//! - `convert`: what both hand to JavaScript the same way (a head's stages, a query's breakdown).
//!
//! Handles own Rust memory that JavaScript's garbage collector does not see (a MiniLM session
//! holds about 90 MB of weights): call `free()` on a handle as soon as it is no longer needed.

mod convert;
pub mod model;
pub mod toy;

use wasm_bindgen::prelude::*;

pub use model::ModelSession;
pub use toy::Playground;

#[wasm_bindgen(typescript_custom_section)]
const TYPES: &str = include_str!("../../www/src/types.d.ts");

/// Installs the panic hook so that a bug reports itself with a message instead of a bare trap.
#[wasm_bindgen(start)]
pub fn start() {
    #[cfg(feature = "panic-hook")]
    console_error_panic_hook::set_once();
}

/// The default toy configuration.
#[wasm_bindgen(js_name = defaultConfig, unchecked_return_type = "ToyConfig")]
pub fn default_config() -> Result<JsValue, JsError> {
    convert::to_js(&crate::toy::ToyConfig::default())
}
