//! # Attention Playground — the core
//!
//! Attention as it is taught, with every intermediate kept so it can be shown:
//! tokens → token vectors (+ positions) → projections Q, K, V → scores (dot, scaled dot,
//! additive, general, cosine) → scaling and temperature → masks → softmax → weighted sum of
//! values → concatenated heads → W_O.
//!
//! The core is plain Rust on `ndarray`; the WebAssembly bindings live in `wasm` (compiled for
//! `wasm32` only) and the command-line tool in `src/bin/attn`, which draws its figures with
//! [`render`] (SVG always, PNG with the `cli` feature).
//!
//! Every source (the toy, a pretrained encoder or decoder, an encoder–decoder) produces the same
//! [`Run`]: its token sequences and a list of attention blocks, each with its heads' Q, K, V,
//! weights and mask.
//!
//! ```
//! use attention_playground::toy::{run_toy, ToyConfig};
//! let run = run_toy(&ToyConfig::default(), "The cat sat.", None).unwrap();
//! let weights = run.head(0, 0).unwrap().weights.row(0).sum();
//! assert!((weights - 1.0).abs() < 1e-5);
//! ```

pub mod attention;
pub mod catalog;
pub mod embedding;
pub mod error;
pub mod flow;
pub mod generation;
pub mod limits;
pub mod linear;
pub mod model;
mod parallel;
pub mod positions;
pub mod render;
pub mod rng;
pub mod rollout;
pub mod run;
pub mod session;
pub mod text;
pub mod toy;
pub mod train;
pub mod translation;
pub mod vision;

#[cfg(target_arch = "wasm32")]
pub mod wasm;

pub use attention::{AttentionTrace, HeadTrace, QueryBreakdown, ScoreFunction, ScoreKind, Stage};
pub use error::{Error, Field};
pub use run::{Block, BlockKind, Run, RunSummary};
pub use session::{RunRequest, Session};
pub use text::{Token, TokenizerKind, Truncation};
pub use toy::{run_toy, ToyConfig};
