//! A session: one loaded model (or none: an encoder, a decoder or an encoder–decoder), the toy's
//! projections, and the last [`Run`]. Every source is asked for through one [`RunRequest`] and
//! answers with the same run shape, so the WebAssembly handle, the worker and the page have one
//! path for all of them.

use serde::Deserialize;

use crate::attention::multi_head::Projections;
use crate::error::{invalid, Error, Result};
use crate::generation::Sampling;
use crate::model::LoadedModel;
use crate::run::Run;
use crate::toy::{run_toy_from, run_toy_with, ToyConfig};

/// What to compute. In JSON and JavaScript: `{"source": "toy", "config": {…}, "text": "…"}`,
/// `{"source": "model", "text": "…"}` or `{"source": "generate", "text": "…", "steps": 20,
/// "temperature": 0.8, "topK": 40, "seed": 7}` (camelCase fields).
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[cfg_attr(feature = "typescript", derive(ts_rs::TS))]
#[serde(tag = "source", rename_all = "camelCase", rename_all_fields = "camelCase", deny_unknown_fields)]
pub enum RunRequest {
    /// One layer of toy attention.
    Toy {
        config: ToyConfig,
        text: String,
        /// The keys' and values' text, in cross mode.
        #[serde(default)]
        #[cfg_attr(feature = "typescript", ts(optional))]
        cross_text: Option<String>,
        /// Take the loaded model's tokens and word embeddings instead of the toy's.
        #[serde(default)]
        vectors: bool,
    },
    /// The loaded model on the text (an encoder–decoder translates it).
    Model { text: String },
    /// The loaded vision model on a picture: `width × height` pixels, RGBA bytes row by row (a
    /// canvas's `ImageData.data`, a `Uint8Array` or an array of numbers).
    Image {
        width: u32,
        height: u32,
        #[cfg_attr(feature = "typescript", ts(type = "Uint8ClampedArray | Uint8Array | number[]"))]
        pixels: Vec<u8>,
    },
    /// The loaded decoder continues the text; the run covers the text and what was generated.
    Generate {
        text: String,
        /// How many tokens to generate at most (it stops early at an end-of-text token or when
        /// the context is full).
        steps: usize,
        /// 0 or left out: greedy (the most probable token each time); above 0: sampled from
        /// softmax(logits / temperature).
        #[serde(default)]
        #[cfg_attr(feature = "typescript", ts(optional))]
        temperature: Option<f32>,
        /// Sample among the k most probable tokens only.
        #[serde(default)]
        #[cfg_attr(feature = "typescript", ts(optional))]
        top_k: Option<usize>,
        /// The sampling generator's seed (0 when left out).
        #[serde(default)]
        #[cfg_attr(feature = "typescript", ts(optional))]
        seed: Option<u32>,
    },
}

/// One loaded model (or none), the toy's projections, and the last run.
#[derive(Debug, Default)]
pub struct Session {
    model: Option<LoadedModel>,
    /// The projections of the last toy configuration, so typing does not redraw the random
    /// matrices on every keystroke.
    projections: Option<(ToyConfig, Projections)>,
    run: Option<Run>,
}

impl Session {
    pub fn new() -> Session {
        Session::default()
    }

    /// Makes `model` the session's model (the previous one, and its run, are dropped first).
    pub fn set_model(&mut self, model: Option<LoadedModel>) {
        self.run = None;
        self.model = model;
    }

    pub fn model(&self) -> Option<&LoadedModel> {
        self.model.as_ref()
    }

    /// Computes what `request` asks for and keeps it as the current run. The previous run is
    /// released first (at 512 tokens a model's run holds about 90 MB), so after a failed run there
    /// is none.
    pub fn run(&mut self, request: &RunRequest) -> Result<&Run> {
        self.run = None;
        let run = match request {
            RunRequest::Toy { config, text, cross_text, vectors } => {
                config.validate()?;
                let projections = self.projections_for(config);
                if *vectors {
                    run_toy_from(config, self.loaded()?, text, cross_text.as_deref(), projections)?
                } else {
                    run_toy_with(config, text, cross_text.as_deref(), projections)?
                }
            }
            RunRequest::Model { text } => self.loaded()?.forward(text)?,
            RunRequest::Image { width, height, pixels } => self.loaded()?.forward_image(*width, *height, pixels)?,
            RunRequest::Generate { text, steps, temperature, top_k, seed } => {
                let sampling = Sampling { temperature: temperature.unwrap_or(0.0), top_k: *top_k, seed: seed.unwrap_or(0) };
                self.loaded()?.generate(text, *steps, sampling)?
            }
        };
        Ok(self.run.insert(run))
    }

    /// The last run.
    pub fn current(&self) -> Result<&Run> {
        self.run.as_ref().ok_or_else(|| Error::OutOfRange("nothing has been computed yet: run a text first".into()))
    }

    fn loaded(&self) -> Result<&LoadedModel> {
        self.model.as_ref().ok_or_else(|| invalid!(Field::Model, "no pretrained model is loaded: load one first"))
    }

    fn projections_for(&mut self, config: &ToyConfig) -> Projections {
        match &self.projections {
            Some((built_for, projections)) if built_for == config => projections.clone(),
            _ => {
                let projections = config.build_projections();
                self.projections = Some((config.clone(), projections.clone()));
                projections
            }
        }
    }
}
