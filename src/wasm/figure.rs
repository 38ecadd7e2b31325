//! The page's figures, built by the same code as `attn render`'s ([`crate::render`]): the page
//! describes what is on screen (a [`FigureInput`], read from a plain object, and the weights and
//! masks as typed arrays) and gets back the scene as a display list to paint on a canvas (PNG,
//! the frames of a clip), or the figure's SVG file.
//!
//! Both are free functions: a figure needs nothing of a session, so any worker can draw one.

use serde::Serialize;
use wasm_bindgen::prelude::*;

use crate::render::design::SVG_CELL_LIMIT;
use crate::render::input::{grouped, FigureInput};
use crate::render::{svg, Scene};

fn scene(input: JsValue, weights: &[f32], allowed: &[u8]) -> Result<Scene, JsError> {
    // Straight from the JavaScript object, not through JSON: a masked score is −∞.
    let input: FigureInput = serde_wasm_bindgen::from_value(input).map_err(|e| JsError::new(&format!("invalid figure input: {e}")))?;
    input.scene(weights, allowed).map_err(|e| JsError::new(&e.to_string()))
}

/// The figure of what `input` describes, as a display list: `{ width, height, title,
/// description, background, shapes }`, each shape a `rect`, `line`, `text` or `cells` (whose
/// `pixels` are RGBA bytes, one pixel per cell). `weights` and `allowed` are laid out as the
/// view of `input` says (see `src/render/input.rs`); `allowed` is empty when nothing is masked.
#[wasm_bindgen(js_name = figureScene)]
pub fn figure_scene(input: JsValue, weights: &[f32], allowed: &[u8]) -> Result<JsValue, JsError> {
    let scene = scene(input, weights, allowed)?;
    scene
        .serialize(&serde_wasm_bindgen::Serializer::new())
        .map_err(|e| JsError::new(&format!("could not pass the figure to JavaScript: {e}")))
}

/// The figure of what `input` describes as a self-contained SVG file; refused when it has more
/// weight cells than a vector file should hold.
#[wasm_bindgen(js_name = figureSvg)]
pub fn figure_svg(input: JsValue, weights: &[f32], allowed: &[u8]) -> Result<String, JsError> {
    let scene = scene(input, weights, allowed)?;
    let cells = scene.cell_count();
    if cells > SVG_CELL_LIMIT {
        return Err(JsError::new(&format!(
            "This figure has {} cells, too many for a vector file (at most {}); export a PNG instead.",
            grouped(cells),
            grouped(SVG_CELL_LIMIT)
        )));
    }
    Ok(svg::to_svg(&scene))
}
