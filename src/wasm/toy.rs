//! The JavaScript API: every `#[wasm_bindgen]` item of the crate, and nothing else.
//!
//! Thin by design: convert arguments, call the core, convert back. Small metadata crosses as
//! plain objects (serde-wasm-bindgen); bulk numbers as flat row-major `Float32Array`s.
//! The TypeScript types are `www/src/types.d.ts`, included verbatim below.

use js_sys::{Array, Float32Array, Object, Reflect, Uint8Array};
use ndarray::{Array1, Array2};
use serde::Serialize;
use wasm_bindgen::prelude::*;

use crate::attention::{HeadTrace, Stage};
use crate::error::Error;
use crate::text::Token;
use crate::attention::multi_head::Projections;
use crate::toy::{run_toy_with, ToyConfig, ToyRun, Truncation};

#[wasm_bindgen(typescript_custom_section)]
const TYPES: &str = include_str!("../www/src/types.d.ts");

/// Installs the panic hook so that a bug reports itself with a message instead of a bare trap.
#[wasm_bindgen(start)]
pub fn start() {
    #[cfg(feature = "panic-hook")]
    console_error_panic_hook::set_once();
}

/// The default toy configuration.
#[wasm_bindgen(js_name = defaultConfig, unchecked_return_type = "ToyConfig")]
pub fn default_config() -> Result<JsValue, JsError> {
    to_js(&ToyConfig::default())
}

/// Configure once, `run` once, then ask for any head's stages and any query's breakdown.
#[wasm_bindgen]
pub struct Playground {
    config: ToyConfig,
    /// Built at `configure`, so typing does not redraw the random matrices on every keystroke.
    projections: Projections,
    run: Option<ToyRun>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct RunSummary<'a> {
    query_tokens: &'a [Token],
    key_tokens: &'a [Token],
    heads: usize,
    kv_heads: usize,
    d_model: usize,
    d_k: usize,
    scale: f32,
    temperature: f32,
    score: crate::ScoreKind,
    fully_masked_rows: &'a [usize],
    truncated: &'a Option<Truncation>,
}

impl Default for Playground {
    fn default() -> Self {
        Self::new()
    }
}

#[wasm_bindgen]
impl Playground {
    #[wasm_bindgen(constructor)]
    pub fn new() -> Playground {
        let config = ToyConfig::default();
        Playground { projections: config.build_projections(), config, run: None }
    }

    /// Replaces the configuration (checked now, so the message can sit beside the control).
    pub fn configure(&mut self, #[wasm_bindgen(unchecked_param_type = "ToyConfig")] config: JsValue) -> Result<(), JsError> {
        // Through a JSON value so that unknown or misspelt fields are refused, not ignored.
        let config: ToyConfig = serde_wasm_bindgen::from_value::<serde_json::Value>(config)
            .map_err(|e| e.to_string())
            .and_then(|value| serde_json::from_value(value).map_err(|e| e.to_string()))
            .map_err(|e| JsError::new(&format!("invalid configuration: {e}")))?;
        config.validate().map_err(js_error)?;
        self.projections = config.build_projections();
        self.config = config;
        self.run = None;
        Ok(())
    }

    /// Runs attention on `text` (and `crossText` for keys/values in cross mode).
    #[wasm_bindgen(unchecked_return_type = "RunSummary")]
    pub fn run(&mut self, text: &str, #[wasm_bindgen(js_name = crossText)] cross_text: Option<String>) -> Result<JsValue, JsError> {
        let run = run_toy_with(&self.config, text, cross_text.as_deref(), self.projections.clone()).map_err(js_error)?;
        let summary = summary(&run);
        self.run = Some(run);
        summary
    }

    /// One named intermediate of one head as a flat row-major matrix (shape from `stageShape`).
    pub fn stage(&self, head: usize, stage: &str) -> Result<Float32Array, JsError> {
        let m = self.head(head)?.stage(parse_stage(stage)?);
        Ok(matrix(&m))
    }

    /// `[rows, columns]` of a stage.
    #[wasm_bindgen(js_name = stageShape, unchecked_return_type = "[number, number]")]
    pub fn stage_shape(&self, head: usize, stage: &str) -> Result<Vec<u32>, JsError> {
        let head = self.head(head)?;
        let (rows, cols) = match parse_stage(stage)? {
            Stage::Q => head.q.dim(),
            Stage::K => head.k.dim(),
            Stage::V => head.v.dim(),
            Stage::Output => head.output.dim(),
            Stage::Scores | Stage::Scaled | Stage::Masked | Stage::Weights => head.scores.dim(),
        };
        Ok(vec![rows as u32, cols as u32])
    }

    /// Every number the step-by-step player shows for one query of one head.
    #[wasm_bindgen(unchecked_return_type = "QueryBreakdown")]
    pub fn breakdown(&self, head: usize, query: usize) -> Result<JsValue, JsError> {
        let b = self.head(head)?.breakdown(query).map_err(js_error)?;
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
            Reflect::set(&obj, &key.into(), &value).map_err(|_| JsError::new("could not build the breakdown object"))?;
        }
        Ok(obj.into())
    }

    /// The layer's final output after W_O (`T_q × d_model`, flat row-major).
    pub fn output(&self) -> Result<Float32Array, JsError> {
        Ok(matrix(&self.current()?.trace.output))
    }

    /// The key tokens' texts (a convenience for quick checks in the console).
    #[wasm_bindgen(js_name = keyTexts)]
    pub fn key_texts(&self) -> Result<Array, JsError> {
        Ok(self.current()?.key_tokens.iter().map(|t| JsValue::from_str(&t.text)).collect())
    }
}

impl Playground {
    fn current(&self) -> Result<&ToyRun, JsError> {
        self.run.as_ref().ok_or_else(|| JsError::new("nothing has been computed yet: call run(text) first"))
    }

    fn head(&self, head: usize) -> Result<&HeadTrace, JsError> {
        let heads = &self.current()?.trace.heads;
        heads.get(head).ok_or_else(|| {
            js_error(Error::OutOfRange(format!("head {head} does not exist: there are {} heads (0–{})", heads.len(), heads.len() - 1)))
        })
    }
}

fn summary(run: &ToyRun) -> Result<JsValue, JsError> {
    let first = &run.trace.heads[0];
    to_js(&RunSummary {
        query_tokens: &run.query_tokens,
        key_tokens: &run.key_tokens,
        heads: run.config.heads,
        kv_heads: run.config.kv_heads,
        d_model: run.config.d_model,
        d_k: first.q.ncols(),
        scale: first.scale,
        temperature: first.temperature,
        score: run.config.score,
        fully_masked_rows: &run.trace.fully_masked,
        truncated: &run.truncated,
    })
}

fn parse_stage(name: &str) -> Result<Stage, JsError> {
    name.parse().map_err(js_error)
}

fn to_js<T: Serialize>(value: &T) -> Result<JsValue, JsError> {
    value
        .serialize(&serde_wasm_bindgen::Serializer::json_compatible())
        .map_err(|e| JsError::new(&format!("could not pass the result to JavaScript: {e}")))
}

fn js_error(e: Error) -> JsError {
    JsError::new(&e.to_string())
}

fn matrix(m: &Array2<f32>) -> Float32Array {
    match m.as_slice() {
        Some(flat) => Float32Array::from(flat),
        None => Float32Array::from(m.iter().copied().collect::<Vec<_>>().as_slice()),
    }
}

fn vector(v: &Array1<f32>) -> Float32Array {
    Float32Array::from(v.to_vec().as_slice())
}
