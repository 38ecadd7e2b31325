//! `Playground`: toy attention on typed text. Configure once, `run` once, then ask for any head's
//! stages and any query's breakdown.

use js_sys::{Array, Float32Array};
use serde::Serialize;
use wasm_bindgen::prelude::*;

use super::convert::{self, js_error, to_js};
use super::model::ModelSession;
use crate::attention::multi_head::Projections;
use crate::attention::HeadTrace;
use crate::error::Error;
use crate::text::Token;
use crate::toy::{run_toy_with, run_toy_with_model_embeddings, ToyConfig, ToyRun, Truncation};

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
        let run = run_toy_with(&self.config, text, cross_text.as_deref(), self.projections.clone());
        self.keep(run)
    }

    /// Like `run`, on the model's tokens and input vectors instead of the toy tokenizer's and the
    /// hashed ones: the WordPiece pieces of the text without `[CLS]`/`[SEP]`, each with its row of
    /// the model's word-embedding table. Positions, projections, masks and scores stay the
    /// configuration's; `dModel` must equal the model's hidden size (`session.info().hidden`).
    /// The session is only read: it stays usable and must still be freed by its owner.
    #[wasm_bindgen(js_name = runWithModelEmbeddings, unchecked_return_type = "RunSummary")]
    pub fn run_with_model_embeddings(
        &mut self,
        session: &ModelSession,
        text: &str,
        #[wasm_bindgen(js_name = crossText)] cross_text: Option<String>,
    ) -> Result<JsValue, JsError> {
        let run = run_toy_with_model_embeddings(&self.config, session.model(), text, cross_text.as_deref(), self.projections.clone());
        self.keep(run)
    }

    /// One named intermediate of one head as a flat row-major matrix (shape from `stageShape`).
    pub fn stage(&self, head: usize, stage: &str) -> Result<Float32Array, JsError> {
        convert::stage(self.head(head)?, stage)
    }

    /// `[rows, columns]` of a stage.
    #[wasm_bindgen(js_name = stageShape, unchecked_return_type = "[number, number]")]
    pub fn stage_shape(&self, head: usize, stage: &str) -> Result<Vec<u32>, JsError> {
        convert::stage_shape(self.head(head)?, stage)
    }

    /// Every number the step-by-step player shows for one query of one head.
    #[wasm_bindgen(unchecked_return_type = "QueryBreakdown")]
    pub fn breakdown(&self, head: usize, query: usize) -> Result<JsValue, JsError> {
        Ok(convert::breakdown(self.head(head)?, head, query)?.into())
    }

    /// The layer's final output after W_O (`T_q × d_model`, flat row-major).
    pub fn output(&self) -> Result<Float32Array, JsError> {
        Ok(convert::matrix(&self.current()?.trace.output))
    }

    /// The key tokens' texts (a convenience for quick checks in the console).
    #[wasm_bindgen(js_name = keyTexts)]
    pub fn key_texts(&self) -> Result<Array, JsError> {
        Ok(self.current()?.key_tokens.iter().map(|t| JsValue::from_str(&t.text)).collect())
    }
}

impl Playground {
    /// Keeps a successful run and returns its summary (a failed run keeps the previous one).
    fn keep(&mut self, run: crate::error::Result<ToyRun>) -> Result<JsValue, JsError> {
        let run = self.run.insert(run.map_err(js_error)?);
        summary(run)
    }

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
