//! `Trainer`: a small Transformer learning a task in the worker, in slices of steps.
//!
//! A worker calls `train(n)` for a few steps at a time and answers the page's messages between
//! slices, so training never freezes the page and stopping is immediate. A trained model (or any
//! snapshot of it) comes out as a model folder's files (`files()`), which a `Session` loads like
//! any shipped model: the probe example's attention, the player, every view and "try your own
//! input" run through the same inference code.

use js_sys::{Object, Reflect, Uint8Array};
use wasm_bindgen::prelude::*;

use super::convert::{from_js, js_error, to_js};
use crate::train::tasks::TaskKind;
use crate::train::{TrainSettings, Trainer as CoreTrainer};

/// One model in training: weights, Adam's state, the data stream and the snapshots.
#[wasm_bindgen]
pub struct Trainer {
    core: CoreTrainer,
}

#[wasm_bindgen]
impl Trainer {
    /// A fresh model for `settings` (weights drawn from its seed, snapshot 0 kept). Throws an
    /// `Error` whose `field` names a setting out of range or a model over the memory budget.
    #[wasm_bindgen(constructor)]
    pub fn new(#[wasm_bindgen(unchecked_param_type = "TrainSettings")] settings: JsValue) -> Result<Trainer, JsValue> {
        let settings: TrainSettings = from_js(settings, "training settings")?;
        Ok(Trainer { core: CoreTrainer::new(settings).map_err(js_error)? })
    }

    /// The default settings for a task (`reverse`, `sort`, `copy-offset`, `add`, `induction`).
    #[wasm_bindgen(js_name = defaultSettings, unchecked_return_type = "TrainSettings")]
    pub fn default_settings(task: &str) -> Result<JsValue, JsValue> {
        to_js(&TrainSettings::for_task(TaskKind::from_name(task).map_err(js_error)?))
    }

    /// The settings this model trains with.
    #[wasm_bindgen(unchecked_return_type = "TrainSettings")]
    pub fn settings(&self) -> Result<JsValue, JsValue> {
        to_js(self.core.settings())
    }

    /// Trains `steps` more steps; returns each step's loss and accuracy. A diverging step (NaN or
    /// infinite loss) throws an `Error` (field `learningRate`) and keeps the weights before it.
    #[wasm_bindgen(unchecked_return_type = "TrainProgress")]
    pub fn train(&mut self, steps: usize) -> Result<JsValue, JsValue> {
        to_js(&self.core.train(steps).map_err(js_error)?)
    }

    /// Loss and accuracy on `examples` held-out examples (the same ones every call).
    #[wasm_bindgen(unchecked_return_type = "TrainEvaluation")]
    pub fn evaluate(&self, examples: usize) -> Result<JsValue, JsValue> {
        to_js(&self.core.evaluate(examples))
    }

    /// Steps taken so far.
    pub fn step(&self) -> usize {
        self.core.step()
    }

    /// Values in the model's parameters.
    pub fn parameters(&self) -> usize {
        self.core.parameters()
    }

    /// The probe example `{prompt, answer}`: the first held-out example of the task and seed.
    #[wasm_bindgen(unchecked_return_type = "{prompt: string, answer: string}")]
    pub fn probe(&self) -> Result<JsValue, JsValue> {
        let example = self.core.probe();
        let obj = Object::new();
        Reflect::set(&obj, &"prompt".into(), &example.prompt.into())?;
        Reflect::set(&obj, &"answer".into(), &example.answer.into())?;
        Ok(obj.into())
    }

    /// Keeps the current weights for the timeline; returns the snapshot's index.
    #[wasm_bindgen(js_name = takeSnapshot)]
    pub fn take_snapshot(&mut self) -> usize {
        self.core.take_snapshot()
    }

    /// The step of every kept snapshot, oldest first (index = snapshot).
    #[wasm_bindgen(js_name = snapshotSteps)]
    pub fn snapshot_steps(&self) -> Vec<u32> {
        self.core.snapshot_steps().into_iter().map(|s| s as u32).collect()
    }

    /// The model folder of snapshot `snapshot` (or of the current weights):
    /// `{configJson, vocabJson?, tokenizerJson?, weights}` — give them to `Session.loadModel`
    /// (`vocabJson` as its `vocab`, `tokenizerJson` as its tokenizer), or save them as
    /// `config.json`, `vocab.json`/`tokenizer.json` and `model.safetensors`.
    #[wasm_bindgen(unchecked_return_type = "{configJson: string, vocabJson?: string, tokenizerJson?: string, weights: Uint8Array}")]
    pub fn files(&self, snapshot: Option<usize>) -> Result<JsValue, JsValue> {
        let files = self.core.files(snapshot).map_err(js_error)?;
        let obj = Object::new();
        Reflect::set(&obj, &"configJson".into(), &files.config_json.into())?;
        if let Some(vocab) = files.vocab_json {
            Reflect::set(&obj, &"vocabJson".into(), &vocab.into())?;
        }
        if let Some(tokenizer) = files.tokenizer_json {
            Reflect::set(&obj, &"tokenizerJson".into(), &tokenizer.into())?;
        }
        Reflect::set(&obj, &"weights".into(), &Uint8Array::from(files.safetensors.as_slice()))?;
        Ok(obj.into())
    }

    /// FNV-1a of the weights' bytes, 16 hex digits: equal for equal weights (determinism checks).
    #[wasm_bindgen(js_name = weightsHash)]
    pub fn weights_hash(&self) -> String {
        format!("{:016x}", self.core.weights_hash())
    }
}
