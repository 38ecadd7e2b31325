//! The JavaScript API: every `#[wasm_bindgen]` item of the crate, and nothing else.
//!
//! Thin by design: convert arguments, call the core, convert back. Small metadata crosses as
//! plain objects (serde-wasm-bindgen); bulk numbers as flat row-major typed arrays. The
//! TypeScript declarations of the metadata are generated from the Rust types
//! (`www/src/generated/types.d.ts`, kept in step by `tests/typescript.rs`) and included below.
//!
//! - [`session`]: `Session`, the one handle: a loaded model (or none) and the last run of any source;
//! - [`given`]: `attendGiven`, attention on hand-written Q, K and V;
//! - [`train`]: `Trainer`, a small Transformer learning a task in slices of steps, its snapshots
//!   as model folders a `Session` loads;
//! - `convert`: errors (with the field they concern), metadata and typed arrays.
//!
//! A session owns Rust memory that JavaScript's garbage collector does not see (a MiniLM model
//! holds about 90 MB of weights): call `free()` on it as soon as it is no longer needed.

mod convert;
pub mod figure;
pub mod given;
pub mod session;
pub mod train;

use wasm_bindgen::prelude::*;

pub use figure::{figure_scene, figure_svg};
pub use given::attend_given_js;
pub use session::Session;
pub use train::Trainer;

#[wasm_bindgen(typescript_custom_section)]
const TYPES: &str = include_str!("../../www/src/generated/types.d.ts");

/// Installs the panic hook so that a bug reports itself with a message instead of a bare trap.
#[wasm_bindgen(start)]
pub fn start() {
    #[cfg(feature = "panic-hook")]
    console_error_panic_hook::set_once();
}
