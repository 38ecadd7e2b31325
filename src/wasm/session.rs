//! `Session`: the one handle JavaScript holds. Load a model (or not), `run` any source, then ask
//! for any block's and head's weights, mask, stages and breakdowns.

use js_sys::{Float32Array, Uint8Array};
use wasm_bindgen::prelude::*;

use super::convert::{js_error, matrices, matrix, run_request, to_js, vector};
use crate::attention::Stage;
use crate::error::invalid;
use crate::flow::flow;
use crate::model::LoadedModel;
use crate::rollout::rollout;
use crate::session::Session as CoreSession;
use crate::translation::Vocabularies;

/// One loaded model (or none), the toy's projections and the last run.
///
/// A model's weights live in WebAssembly memory as f32 (about 90 MB for all-MiniLM-L6-v2), which
/// JavaScript's garbage collector cannot see: `unloadModel()` (or `free()` the session) when the
/// page no longer needs it.
#[wasm_bindgen]
#[derive(Default)]
pub struct Session {
    core: CoreSession,
}

#[wasm_bindgen]
impl Session {
    #[wasm_bindgen(constructor)]
    pub fn new() -> Session {
        Session::default()
    }

    /// Loads a model from the contents of its files: `config.json` (whose `model_type` says
    /// whether it is an encoder, a decoder or an encoder–decoder), the tokenizer's files, and
    /// `model.safetensors` (F32, F16 or BF16). An encoder takes `tokenizer.json` and/or
    /// `vocab.txt` (tokenizer.json wins when both are given), a decoder `tokenizer.json`, an
    /// encoder–decoder (`seq2seq`) its `vocab.json` as `vocab`. The model loaded before, and its
    /// run, are released first. Throws an `Error` saying what is wrong with which file.
    #[wasm_bindgen(js_name = loadModel, unchecked_return_type = "ModelInfo")]
    pub fn load_model(
        &mut self,
        name: &str,
        #[wasm_bindgen(js_name = configJson)] config_json: &str,
        #[wasm_bindgen(js_name = tokenizerJson)] tokenizer_json: Option<String>,
        vocab: Option<String>,
        weights: &[u8],
    ) -> Result<JsValue, JsValue> {
        self.core.set_model(None);
        let model = LoadedModel::from_files(config_json, tokenizer_json.as_deref(), vocab.as_deref(), weights).map_err(js_error)?;
        let info = model.info();
        self.core.set_model(Some(model.named(name)));
        to_js(&info)
    }

    /// Releases the loaded model.
    #[wasm_bindgen(js_name = unloadModel)]
    pub fn unload_model(&mut self) {
        self.core.set_model(None);
    }

    /// The tokens the loaded model would see for `text` (an encoder's with `[CLS]` … `[SEP]`, an
    /// encoder–decoder's source tokens with `<eos>`), without running it.
    #[wasm_bindgen(unchecked_return_type = "Encoding")]
    pub fn tokenize(&self, text: &str) -> Result<JsValue, JsValue> {
        let model = self.core.model().ok_or_else(|| js_error(invalid!(Field::Model, "no pretrained model is loaded: load one first")))?;
        to_js(&model.tokenize(text))
    }

    /// Computes what the request asks for (the toy, the loaded model, or a generation by the
    /// loaded decoder) and keeps it as the current run; returns its summary (with `generation`
    /// when the decoder generated). A loaded encoder–decoder translates on `{source: "model"}`:
    /// the summary's sequences are the source and the target, `generation` holds the output
    /// step by step, `translation` the unknown source tokens and, for a model without
    /// attention, why there is no block. After a failed run there is none.
    pub fn run(&mut self, #[wasm_bindgen(unchecked_param_type = "RunRequest")] request: JsValue) -> Result<JsValue, JsValue> {
        let request = run_request(request)?;
        let run = self.core.run(&request).map_err(js_error)?;
        to_js(&run.summary())
    }

    /// Every head's weights of the last run, flat `[block][head][query][key]`, blocks in order
    /// (shapes from the summary).
    pub fn attentions(&self) -> Result<Float32Array, JsValue> {
        Ok(Float32Array::from(self.core.current().map_err(js_error)?.attentions_flat().as_slice()))
    }

    /// Every block's mask, flat `[block][query][key]`: 1 allowed, 0 masked.
    pub fn masks(&self) -> Result<Uint8Array, JsValue> {
        Ok(Uint8Array::from(self.core.current().map_err(js_error)?.allowed_flat().as_slice()))
    }

    /// The weights among the ordinary tokens (`[CLS]`, `[SEP]` and other special tokens removed,
    /// rows renormalised to sum to 1), or `undefined` when no token is special or nothing else is
    /// left.
    #[wasm_bindgen(js_name = withoutSpecial, unchecked_return_type = "WithoutSpecial | undefined")]
    pub fn without_special(&self) -> Result<JsValue, JsValue> {
        let Some(w) = self.core.current().map_err(js_error)?.without_special() else { return Ok(JsValue::UNDEFINED) };
        let obj = js_sys::Object::new();
        js_sys::Reflect::set(&obj, &"kept".into(), &to_js(&w.kept)?)?;
        js_sys::Reflect::set(&obj, &"weights".into(), &Float32Array::from(w.weights.as_slice()))?;
        Ok(obj.into())
    }

    /// One head's weights, `T_q × T_k` `[query][key]`.
    pub fn weights(&self, block: usize, head: usize) -> Result<Float32Array, JsValue> {
        Ok(matrix(&self.core.current().map_err(js_error)?.head(block, head).map_err(js_error)?.weights))
    }

    /// One head's mask, `T_q × T_k`: 1 allowed, 0 masked.
    pub fn allowed(&self, block: usize, head: usize) -> Result<Uint8Array, JsValue> {
        let run = self.core.current().map_err(js_error)?;
        run.head(block, head).map_err(js_error)?;
        Ok(Uint8Array::from(run.blocks[block].allowed_flat().as_slice()))
    }

    /// One named intermediate of one head, flat row-major (shape from `stageShape`).
    pub fn stage(
        &self,
        block: usize,
        head: usize,
        #[wasm_bindgen(unchecked_param_type = "Stage")] stage: &str,
    ) -> Result<Float32Array, JsValue> {
        let stage: Stage = stage.parse().map_err(js_error)?;
        Ok(matrix(self.core.current().map_err(js_error)?.head(block, head).map_err(js_error)?.stage(stage).as_ref()))
    }

    /// `[rows, columns]` of a stage.
    #[wasm_bindgen(js_name = stageShape, unchecked_return_type = "[number, number]")]
    pub fn stage_shape(
        &self,
        block: usize,
        head: usize,
        #[wasm_bindgen(unchecked_param_type = "Stage")] stage: &str,
    ) -> Result<Vec<u32>, JsValue> {
        let stage: Stage = stage.parse().map_err(js_error)?;
        let (rows, cols) = self.core.current().map_err(js_error)?.head(block, head).map_err(js_error)?.stage_shape(stage);
        Ok(vec![rows as u32, cols as u32])
    }

    /// Every number the step-by-step player shows for one query of one head.
    #[wasm_bindgen(unchecked_return_type = "HeadBreakdown")]
    pub fn breakdown(&self, block: usize, head: usize, query: usize) -> Result<JsValue, JsValue> {
        to_js(&self.core.current().map_err(js_error)?.breakdown(block, head, query).map_err(js_error)?)
    }

    /// A block's output after concatenating its heads and multiplying by W_O (`T_q × d_model`),
    /// when the source keeps it (the toy does).
    pub fn output(&self, block: usize) -> Result<Option<Float32Array>, JsValue> {
        let run = self.core.current().map_err(js_error)?;
        Ok(run.block(block).map_err(js_error)?.output.as_ref().map(matrix))
    }

    /// The attention rollout (Abnar & Zuidema 2020) of the last run's self-attention layers over
    /// sequence `sequence` (an encoder's text, a picture's `[CLS]` and patches), flat
    /// `[layer][query][key]`: after layer l, the product of every layer's head-averaged weights
    /// with the residual added, `(A + I) / 2`, from layer 1 to l. Throws for a run without such
    /// layers (a decoder's are causal).
    pub fn rollout(&self, sequence: usize) -> Result<Float32Array, JsValue> {
        Ok(matrices(&rollout(self.core.current().map_err(js_error)?, sequence).map_err(js_error)?))
    }

    /// The attention flow (Abnar & Zuidema 2020) of the same layers, flat `[layer][query][key]`:
    /// the maximum flow from each token after layer l to each input token through the network
    /// whose capacities are the layers' `(A + I) / 2`, each row divided by its sum. Throws for a run
    /// without such layers, or a sequence longer than the flow is computed for.
    pub fn flow(&self, sequence: usize) -> Result<Float32Array, JsValue> {
        Ok(matrices(&flow(self.core.current().map_err(js_error)?, sequence).map_err(js_error)?))
    }

    /// The attention of generation step `step`'s query over the keys it could see, flat
    /// `[block][head][key]`: for a decoder, every block, keys `0..=position` (the token before the
    /// generated one and all earlier ones); for an encoder–decoder, the blocks whose queries are
    /// the target, each causal block's keys `0..=position` and each cross-attention block's every
    /// source token (the encoder's blocks are left out). The step's `position` and top candidates
    /// are in the run summary's `generation`.
    #[wasm_bindgen(js_name = stepAttentions)]
    pub fn step_attentions(&self, step: usize) -> Result<Float32Array, JsValue> {
        Ok(Float32Array::from(self.core.current().map_err(js_error)?.step_attentions(step).map_err(js_error)?.as_slice()))
    }

    /// The additive score of one query of the last run against every key, stage by stage (`W₁q`,
    /// each `W₂k`, the bias, their sums, tanh, `v`), or `undefined` when the head's score is not
    /// additive.
    #[wasm_bindgen(js_name = additiveParts, unchecked_return_type = "AdditiveParts | undefined")]
    pub fn additive_parts(&self, block: usize, head: usize, query: usize) -> Result<JsValue, JsValue> {
        let trace = self.core.current().map_err(js_error)?.head(block, head).map_err(js_error)?;
        if query >= trace.q.nrows() {
            return Err(js_error(invalid!("query {query} is outside the run's {} queries", trace.q.nrows())));
        }
        match trace.score.additive_parts(trace.q.row(query), trace.k.view()) {
            Some(parts) => to_js(&parts),
            None => Ok(JsValue::UNDEFINED),
        }
    }

    /// The loaded encoder–decoder's source and target vocabularies (`vocab.json`, token strings
    /// by id), or `undefined` when no encoder–decoder is loaded.
    #[wasm_bindgen(unchecked_return_type = "Vocabularies | undefined")]
    pub fn vocabulary(&self) -> Result<JsValue, JsValue> {
        match self.core.model().and_then(LoadedModel::seq2seq) {
            Some(model) => to_js(&Vocabularies::from(model.vocabulary())),
            None => Ok(JsValue::UNDEFINED),
        }
    }

    /// The sentence embedding of the last run, when it has one (an encoder's: mean of the last
    /// layer's token vectors, unit length).
    pub fn pooled(&self) -> Result<Option<Float32Array>, JsValue> {
        Ok(self.core.current().map_err(js_error)?.pooled.as_ref().map(vector))
    }
}
