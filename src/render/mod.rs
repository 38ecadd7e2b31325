//! Figures of attention weights for slides and papers, drawn from the numbers: the heatmap of
//! one head, the lines view of one or more heads, the grid of every head, one step of the
//! step-by-step player and one head on two sentences with their difference, in the playground's design (viridis cells, token labels, a colour
//! legend, Okabe–Ito colours for heads, generic font families), defined once in [`design`].
//!
//! A figure is first a [`Scene`], a list of plain shapes; [`svg::to_svg`] writes it as a
//! self-contained SVG file and, with the `cli` feature, [`raster::to_png`] draws it as PNG.
//! `attn render` builds its figures here, and so does the page: it describes what is on screen
//! as a [`input::FigureInput`] and paints the scene it gets back (serialized by serde as a
//! display list) or saves its SVG.
//!
//! ```
//! use attention_playground::render::{heatmap, svg::to_svg, Figure, HeadWeights, TokenLabel, Tokens};
//! let token = |t: &str| TokenLabel { text: t.to_owned(), special: false };
//! let tokens = Tokens { queries: vec![token("cat"), token("sat")], keys: vec![token("cat"), token("sat")] };
//! let head = HeadWeights { head: 0, name: "head 0".into(), weights: ndarray::array![[1.0, 0.0], [0.4, 0.6]], allowed: None };
//! let figure = Figure { tokens: &tokens, title: None, caption: "2 tokens", query: None };
//! let svg = to_svg(&heatmap(&figure, &head).unwrap());
//! assert!(svg.starts_with("<?xml"));
//! ```

pub mod colormap;
pub mod compare;
pub mod design;
pub mod figure;
pub mod formula;
pub mod grid;
pub mod heatmap;
pub mod input;
pub mod lines;
pub mod overlay;
#[cfg(feature = "cli")]
pub mod raster;
pub mod scene;
pub mod steps;
pub mod svg;

pub use figure::{Figure, HeadWeights, TokenLabel, Tokens};
pub use grid::grid;
pub use heatmap::heatmap;
pub use input::FigureInput;
pub use lines::lines;
pub use overlay::{overlay, Overlay};
pub use scene::Scene;
pub use steps::steps;

/// Why a figure cannot be made, said so that someone can change what they asked for.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct RenderError(pub String);
