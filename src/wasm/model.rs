//! `ModelSession`: a pretrained encoder loaded from its files, and its last run. Load once with
//! `fromFiles`, `run` a text, then ask for any layer's and head's weights, stages and breakdowns.

use std::cell::RefCell;

use js_sys::{Float32Array, Object};
use serde::Serialize;
use wasm_bindgen::prelude::*;

use super::convert::{self, js_error, to_js};
use crate::attention::HeadTrace;
use crate::model::{Model, ModelToken, ModelTrace, Truncation};

/// A loaded pretrained encoder (BERT, MiniLM, DistilBERT) and the trace of its last `run`.
///
/// It owns the model's weights as f32 (about 90 MB for all-MiniLM-L6-v2) in WebAssembly memory,
/// which JavaScript's garbage collector cannot see: call `free()` on a session before loading
/// another one (and when the page no longer needs it), or the two are held at once.
#[wasm_bindgen]
pub struct ModelSession {
    model: Model,
    trace: Option<ModelTrace>,
    /// The last head rebuilt for `stage`/`breakdown`, so the player's many calls on one head
    /// rebuild it once.
    head: RefCell<Option<((usize, usize), HeadTrace)>>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ModelRunSummary<'a> {
    tokens: &'a [ModelToken],
    layers: usize,
    heads: usize,
    d_k: usize,
    truncated: &'a Option<Truncation>,
    scale: f32,
}

#[wasm_bindgen]
impl ModelSession {
    /// Loads a model from the contents of its files: `config.json`, `tokenizer.json` and/or
    /// `vocab.txt` (tokenizer.json wins when both are given), and `model.safetensors` (F32, F16
    /// or BF16). Throws an `Error` saying what is wrong with which file.
    #[wasm_bindgen(js_name = fromFiles)]
    pub fn from_files(
        #[wasm_bindgen(js_name = configJson)] config_json: &str,
        #[wasm_bindgen(js_name = tokenizerJson)] tokenizer_json: Option<String>,
        #[wasm_bindgen(js_name = vocabTxt)] vocab_txt: Option<String>,
        weights: &[u8],
    ) -> Result<ModelSession, JsError> {
        let model = Model::from_files(config_json, tokenizer_json.as_deref(), vocab_txt.as_deref(), weights).map_err(js_error)?;
        Ok(ModelSession { model, trace: None, head: RefCell::new(None) })
    }

    /// The model's sizes, parameter count and how its weights file stored the weights.
    #[wasm_bindgen(unchecked_return_type = "ModelInfo")]
    pub fn info(&self) -> Result<JsValue, JsError> {
        to_js(&self.model.info())
    }

    /// The tokens the model would see for `text` (`[CLS]` … `[SEP]`), without running it.
    #[wasm_bindgen(unchecked_return_type = "ModelTokens")]
    pub fn tokenize(&self, text: &str) -> Result<JsValue, JsError> {
        to_js(&self.model.tokenize(text))
    }

    /// Runs the encoder on `text`, keeping every layer's and head's attention. The previous
    /// run's trace is released first (at 512 tokens it holds about 90 MB), so after a failed run
    /// there is none.
    #[wasm_bindgen(unchecked_return_type = "ModelRunSummary")]
    pub fn run(&mut self, text: &str) -> Result<JsValue, JsError> {
        self.trace = None;
        self.head.take();
        let trace = self.trace.insert(self.model.forward(text).map_err(js_error)?);
        to_js(&ModelRunSummary {
            tokens: &trace.tokens,
            layers: trace.layers(),
            heads: trace.heads(),
            d_k: self.model.config().head_dim(),
            truncated: &trace.truncated,
            scale: trace.scale,
        })
    }

    /// Every attention weight of the last run, flat: `[layer][head][query][key]`
    /// (`layers × heads × T × T`, sizes in the run's summary).
    pub fn attentions(&self) -> Result<Float32Array, JsError> {
        let trace = self.current()?;
        let t2 = trace.len() * trace.len();
        let out = Float32Array::new_with_length((trace.layers() * trace.heads() * t2) as u32);
        let mut at = 0u32;
        for layer in 0..trace.layers() {
            for head in 0..trace.heads() {
                let w = trace.weights(layer, head).map_err(js_error)?;
                let target = out.subarray(at, at + t2 as u32);
                match w.as_slice() {
                    Some(flat) => target.copy_from(flat),
                    None => target.copy_from(&w.iter().copied().collect::<Vec<_>>()),
                }
                at += t2 as u32;
            }
        }
        Ok(out)
    }

    /// One head's attention weights, `T × T` `[query][key]`.
    pub fn weights(&self, layer: usize, head: usize) -> Result<Float32Array, JsError> {
        Ok(convert::matrix(&self.current()?.weights(layer, head).map_err(js_error)?))
    }

    /// One head's weights among the ordinary tokens: `[CLS]`, `[SEP]` and other special tokens
    /// removed and each row renormalised to sum to 1 (a row whose weight all went to special
    /// tokens stays 0).
    #[wasm_bindgen(js_name = weightsWithoutSpecial, unchecked_return_type = "WeightsWithoutSpecial")]
    pub fn weights_without_special(&self, layer: usize, head: usize) -> Result<JsValue, JsError> {
        let (kept, weights) = self.current()?.weights_without_special(layer, head).map_err(js_error)?;
        let obj = Object::new();
        convert::set(&obj, "tokens", kept.iter().map(|&i| JsValue::from(i)).collect::<js_sys::Array>().into())?;
        convert::set(&obj, "weights", convert::matrix(&weights).into())?;
        Ok(obj.into())
    }

    /// One named intermediate of one head, flat row-major (shape from `stageShape`).
    pub fn stage(
        &self,
        layer: usize,
        head: usize,
        #[wasm_bindgen(unchecked_param_type = "StageName")] stage: &str,
    ) -> Result<Float32Array, JsError> {
        self.with_head(layer, head, |h| convert::stage(h, stage))
    }

    /// `[rows, columns]` of a stage.
    #[wasm_bindgen(js_name = stageShape, unchecked_return_type = "[number, number]")]
    pub fn stage_shape(
        &self,
        layer: usize,
        head: usize,
        #[wasm_bindgen(unchecked_param_type = "StageName")] stage: &str,
    ) -> Result<Vec<u32>, JsError> {
        self.with_head(layer, head, |h| convert::stage_shape(h, stage))
    }

    /// Every number the step-by-step player shows for one query of one head.
    #[wasm_bindgen(unchecked_return_type = "ModelQueryBreakdown")]
    pub fn breakdown(&self, layer: usize, head: usize, query: usize) -> Result<JsValue, JsError> {
        let obj = self.with_head(layer, head, |h| convert::breakdown(h, head, query))?;
        convert::set(&obj, "layer", layer.into())?;
        Ok(obj.into())
    }

    /// The sentence embedding of the last run: mean of the last layer's token vectors,
    /// L2-normalised (length `info().hidden`).
    pub fn pooled(&self) -> Result<Float32Array, JsError> {
        Ok(convert::vector(&self.current()?.pooled))
    }
}

impl ModelSession {
    /// The loaded model, for the toy mode that borrows its embeddings.
    pub fn model(&self) -> &Model {
        &self.model
    }

    fn current(&self) -> Result<&ModelTrace, JsError> {
        self.trace.as_ref().ok_or_else(|| JsError::new("nothing has been computed yet: call run(text) first"))
    }

    /// Calls `f` with the full trace of one head, rebuilt from the stored Q, K, V (and kept until
    /// another head or run is asked for).
    fn with_head<R>(&self, layer: usize, head: usize, f: impl FnOnce(&HeadTrace) -> Result<R, JsError>) -> Result<R, JsError> {
        let mut cached = self.head.borrow_mut();
        if cached.as_ref().is_none_or(|(at, _)| *at != (layer, head)) {
            let rebuilt = self.current()?.head(layer, head).map_err(js_error)?;
            *cached = Some(((layer, head), rebuilt));
        }
        let (_, trace) = cached.as_ref().expect("filled above");
        f(trace)
    }
}
