//! Training a small Transformer in the core: the settings, the step loop run in slices, the
//! held-out evaluation, snapshots, and the trained model as a model folder every loader reads.
//!
//! The maths (each layer's forward and backward, cross-entropy, Adam) is the `attention-train`
//! crate; this module adds what needs the rest of the core: the tasks and their data
//! ([`tasks`]), the seeded generator ([`crate::rng`]), the limits ([`crate::limits`]), and the
//! export into the `seq2seq` or GPT-2 layout ([`export`]), so a trained model runs through the
//! same inference code as every shipped model and produces the one [`crate::run::Run`].
//!
//! ```
//! use attention_playground::train::{TrainSettings, Trainer};
//! use attention_playground::train::tasks::TaskKind;
//! let mut trainer = Trainer::new(TrainSettings::for_task(TaskKind::Reverse)).unwrap();
//! let progress = trainer.train(5).unwrap();
//! assert_eq!(progress.step, 5);
//! let files = trainer.files(None).unwrap(); // config.json, vocab.json, model.safetensors
//! assert!(files.vocab_json.is_some());
//! ```

pub mod export;
pub mod tasks;

/// The training maths (the `attention-train` crate): layers, cross-entropy, Adam, the model.
pub use attention_train as maths;

use attention_train::{Adam, AdamSettings, Architecture, Batch, Init, Model, PositionKind, Spec, Stats};
use serde::{Deserialize, Serialize};

use crate::error::{invalid, Result};
use crate::limits::{
    format_bytes, MAX_TRAIN_BATCH, MAX_TRAIN_BYTES, MAX_TRAIN_D_MODEL, MAX_TRAIN_HEADS, MAX_TRAIN_LAYERS, MAX_TRAIN_SNAPSHOTS,
};
use crate::rng::{fnv1a64, SplitMix64};
pub use export::ModelFiles;
use tasks::{Example, Task, TaskKind};

/// Which model learns.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "typescript", derive(ts_rs::TS))]
#[serde(rename_all = "kebab-case")]
pub enum TrainArchitecture {
    /// Encoder and decoder (the `seq2seq` Transformer): self-attention over the prompt, causal and
    /// cross-attention while writing the answer. Sinusoidal positions.
    EncoderDecoder,
    /// One causal stack over `prompt=answer` (GPT-2's layout). Learned positions.
    DecoderOnly,
}

/// How the model knows where a token is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "typescript", derive(ts_rs::TS))]
#[serde(rename_all = "kebab-case")]
pub enum TrainPositions {
    /// Fixed sinusoids added to the embeddings (encoder–decoder).
    Sinusoidal,
    /// A learned table added to the embeddings (either model; GPT-2's layout has only these).
    Learned,
    /// Queries and keys of the self-attention heads turned by their position (encoder–decoder).
    Rotary,
}

/// Everything that decides a training run: the same settings give the same weights, bit for bit.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "typescript", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct TrainSettings {
    pub task: Task,
    pub architecture: TrainArchitecture,
    pub positions: TrainPositions,
    /// Layers of the encoder and of the decoder each (of the one stack for decoder-only).
    pub layers: usize,
    pub heads: usize,
    pub d_model: usize,
    /// Adam's peak learning rate.
    pub learning_rate: f64,
    /// Steps of linear warm-up to the peak.
    pub warmup: usize,
    /// Examples per step.
    pub batch_size: usize,
    /// Seeds the weights and the training data (the held-out data comes from another stream).
    pub seed: u32,
}

impl TrainSettings {
    /// The defaults for a task: an encoder–decoder with sinusoidal positions (a decoder-only model
    /// with learned positions for induction) with one layer on each side, 2 heads, d_model 32, learning rate 0.005 after 50 warm-up steps (then
    /// decaying as 1/√step), batches of 32, seed 1.
    pub fn for_task(kind: TaskKind) -> TrainSettings {
        TrainSettings {
            task: Task::new(kind),
            architecture: if kind == TaskKind::Induction { TrainArchitecture::DecoderOnly } else { TrainArchitecture::EncoderDecoder },
            positions: if kind == TaskKind::Induction { TrainPositions::Learned } else { TrainPositions::Sinusoidal },
            layers: 1,
            heads: 2,
            d_model: 32,
            learning_rate: 5e-3,
            warmup: 50,
            batch_size: 32,
            seed: 1,
        }
    }

    /// The model's sizes (the feed-forward block is 4·d_model wide).
    pub fn spec(&self) -> Spec {
        let vocab = export::Vocabulary::of(self).len();
        let (encoder_layers, max_positions) = match self.architecture {
            TrainArchitecture::EncoderDecoder => (self.layers, self.task.prompt_len().max(self.task.answer_len()) + 1),
            TrainArchitecture::DecoderOnly => (0, self.sequence_len()),
        };
        Spec {
            architecture: match self.architecture {
                TrainArchitecture::EncoderDecoder => Architecture::EncoderDecoder,
                TrainArchitecture::DecoderOnly => Architecture::DecoderOnly,
            },
            d_model: self.d_model,
            heads: self.heads,
            encoder_layers,
            decoder_layers: self.layers,
            ffn: 4 * self.d_model,
            source_vocab: vocab,
            target_vocab: vocab,
            max_positions,
            layer_norm_eps: 1e-5,
            positions: match self.positions {
                TrainPositions::Sinusoidal => PositionKind::Sinusoidal,
                TrainPositions::Learned => PositionKind::Learned,
                TrainPositions::Rotary => PositionKind::Rotary,
            },
        }
    }

    /// A decoder-only model's sequence: prompt, separator, answer.
    fn sequence_len(&self) -> usize {
        self.task.prompt_len() + usize::from(self.task.separator().is_some()) + self.task.answer_len()
    }

    /// Refuses settings out of range or a model whose training would not fit the memory budget,
    /// naming the setting.
    pub fn check(&self) -> Result<()> {
        self.task.check()?;
        if self.architecture == TrainArchitecture::DecoderOnly && self.positions != TrainPositions::Learned {
            return Err(invalid!(
                Field::Positions,
                "a decoder-only model is written in GPT-2's layout, whose positions are learned: choose learned positions or an \
                 encoder–decoder"
            ));
        }
        if !(1..=MAX_TRAIN_LAYERS).contains(&self.layers) {
            return Err(invalid!(Field::Layers, "layers must be from 1 to {MAX_TRAIN_LAYERS}, not {}", self.layers));
        }
        if !(1..=MAX_TRAIN_HEADS).contains(&self.heads) {
            return Err(invalid!(Field::Heads, "heads must be from 1 to {MAX_TRAIN_HEADS}, not {}", self.heads));
        }
        if !(2..=MAX_TRAIN_D_MODEL).contains(&self.d_model) || self.d_model % 2 != 0 {
            return Err(invalid!(Field::DModel, "d_model must be even, from 2 to {MAX_TRAIN_D_MODEL}, not {}", self.d_model));
        }
        if self.d_model % self.heads != 0 {
            return Err(invalid!(Field::DModel, "d_model {} must be a multiple of the {} heads", self.d_model, self.heads));
        }
        if !(self.learning_rate.is_finite() && self.learning_rate > 0.0 && self.learning_rate <= 1.0) {
            return Err(invalid!(Field::LearningRate, "the learning rate must be above 0 and at most 1, not {}", self.learning_rate));
        }
        if !(1..=MAX_TRAIN_BATCH).contains(&self.batch_size) {
            return Err(invalid!(Field::BatchSize, "the batch size must be from 1 to {MAX_TRAIN_BATCH}, not {}", self.batch_size));
        }
        let bytes = self.memory_bytes();
        if bytes > MAX_TRAIN_BYTES {
            return Err(invalid!(
                Field::DModel,
                "this model needs about {} to train, more than the {} budget: lower d_model, layers or the batch size",
                format_bytes_rounded(bytes),
                format_bytes(MAX_TRAIN_BYTES)
            ));
        }
        Ok(())
    }

    /// An upper estimate of the bytes a training step holds: the parameters four times (values,
    /// gradient, Adam's two moments) and every activation the backward pass keeps.
    pub fn memory_bytes(&self) -> u64 {
        let spec = self.spec();
        let parameters = spec.parameters() as u64;
        let (d, f, h) = (spec.d_model as u64, spec.ffn as u64, spec.heads as u64);
        let (s, t) = match self.architecture {
            TrainArchitecture::EncoderDecoder => ((self.task.prompt_len() + 1) as u64, (self.task.answer_len() + 1) as u64),
            TrainArchitecture::DecoderOnly => (0, self.sequence_len() as u64),
        };
        let b = self.batch_size as u64;
        // Per layer and token: the norms, Q, K, V, contexts and residuals (≈ 16 d), the MLP (2 F),
        // and each head's row of weights.
        let layer = |rows: u64, keys: u64| rows * (16 * d + 2 * f + h * keys);
        let encoder = spec.encoder_layers as u64 * layer(b * s, s);
        let decoder = spec.decoder_layers as u64 * (layer(b * t, t) + if s > 0 { layer(b * t, s) } else { 0 });
        let logits = 2 * b * t * spec.target_vocab as u64;
        4 * (4 * parameters + encoder + decoder + logits)
    }
}

fn format_bytes_rounded(bytes: u64) -> String {
    format!("{} MiB", bytes.div_ceil(1024 * 1024))
}

/// Where training stands after a slice of steps.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "typescript", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct TrainProgress {
    /// Steps taken so far.
    pub step: usize,
    /// Each step of the slice: its mean loss and the share of answer tokens predicted right
    /// (on that step's training batch).
    pub losses: Vec<f32>,
    pub accuracies: Vec<f32>,
    /// The learning rate of the last step.
    pub learning_rate: f64,
}

/// Accuracy on held-out examples.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
#[cfg_attr(feature = "typescript", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct TrainEvaluation {
    pub examples: usize,
    pub loss: f64,
    /// Share of answer tokens right.
    pub token_accuracy: f64,
    /// Share of answers right in full (greedy decoding gives the same answers).
    pub exact_match: f64,
}

/// The weights at one step, kept for the timeline.
#[derive(Debug, Clone, PartialEq)]
pub struct Snapshot {
    pub step: usize,
    pub values: Vec<f32>,
}

/// A model being trained: its weights, Adam's state, the data stream and the snapshots.
#[derive(Debug, Clone)]
pub struct Trainer {
    settings: TrainSettings,
    model: Model,
    values: Vec<f32>,
    adam: Adam<f32>,
    data: SplitMix64,
    vocabulary: export::Vocabulary,
    snapshots: Vec<Snapshot>,
}

/// The held-out examples come from this stream, never the training one.
const HELD_OUT_STREAM: u64 = 0x5EED_0FF5_E7A1_DA7A;

impl Trainer {
    /// A fresh model: the weights drawn from the seed, a snapshot of them at step 0.
    pub fn new(settings: TrainSettings) -> Result<Trainer> {
        settings.check()?;
        let model = Model::new(settings.spec());
        let mut init = SplitMix64::new(u64::from(settings.seed));
        let mut values = vec![0.0f32; model.layout.len()];
        for slot in model.layout.slots() {
            for v in &mut values[slot.range()] {
                *v = match slot.init {
                    Init::Zeros => 0.0,
                    Init::Ones => 1.0,
                    Init::Normal(std) => (f64::from(init.normal()) * std) as f32,
                    Init::Uniform(limit) => init.uniform(limit),
                };
            }
        }
        let adam = Adam::new(
            AdamSettings { learning_rate: settings.learning_rate, warmup: settings.warmup, ..AdamSettings::default() },
            values.len(),
        );
        let data = SplitMix64::new(u64::from(settings.seed).wrapping_mul(0x9E37_79B9_7F4A_7C15) ^ 0xDA7A);
        let snapshots = vec![Snapshot { step: 0, values: values.clone() }];
        Ok(Trainer { vocabulary: export::Vocabulary::of(&settings), settings, model, values, adam, data, snapshots })
    }

    pub fn settings(&self) -> &TrainSettings {
        &self.settings
    }

    /// Steps taken so far.
    pub fn step(&self) -> usize {
        self.adam.step
    }

    /// Values in the model's parameters.
    pub fn parameters(&self) -> usize {
        self.values.len()
    }

    /// The current weights, flat (the order of the model's layout).
    pub fn values(&self) -> &[f32] {
        &self.values
    }

    /// FNV-1a of the weights' bytes: equal hashes, equal weights (for determinism checks).
    pub fn weights_hash(&self) -> u64 {
        let bytes: Vec<u8> = self.values.iter().flat_map(|v| v.to_le_bytes()).collect();
        fnv1a64(&bytes)
    }

    /// A batch of `size` examples drawn from `rng`.
    fn batch(&self, rng: &mut SplitMix64, size: usize) -> Batch {
        let examples: Vec<Example> = (0..size).map(|_| self.settings.task.example(rng)).collect();
        self.vocabulary.batch(&self.settings, &examples)
    }

    /// Trains `steps` steps (a slice: the caller interleaves other work between slices). A step
    /// whose loss or gradient is not finite stops training with an error and leaves the weights
    /// as they were before it (the last good state).
    pub fn train(&mut self, steps: usize) -> Result<TrainProgress> {
        let mut losses = Vec::with_capacity(steps);
        let mut accuracies = Vec::with_capacity(steps);
        let mut data = self.data.clone();
        for _ in 0..steps {
            let batch = self.batch(&mut data, self.settings.batch_size);
            let mut grads = vec![0.0f32; self.values.len()];
            let stats = self.model.step_f32(&self.values, &batch, Some(&mut grads));
            let before = self.adam.clone();
            let previous = self.values.clone();
            let norm = self.adam.update_f32(&mut self.values, &grads);
            if !stats.loss.is_finite() || !norm.is_finite() || self.values.iter().any(|v| !v.is_finite()) {
                self.values = previous;
                self.adam = before;
                self.data = data;
                let what = if stats.loss.is_finite() {
                    "the gradient or the weights stopped being finite numbers".to_owned()
                } else {
                    format!("the loss became {}", stats.loss)
                };
                return Err(invalid!(
                    Field::LearningRate,
                    "training diverged at step {} ({what}): the weights of step {} are kept; lower the learning rate and train again",
                    self.adam.step + 1,
                    self.adam.step
                ));
            }
            losses.push(stats.loss as f32);
            accuracies.push(ratio(stats.correct_tokens, stats.tokens) as f32);
        }
        self.data = data;
        Ok(TrainProgress { step: self.adam.step, losses, accuracies, learning_rate: self.adam.rate_at(self.adam.step.max(1)) })
    }

    /// Loss and accuracy on `examples` held-out examples (the same ones every call).
    pub fn evaluate(&self, examples: usize) -> TrainEvaluation {
        let mut rng = SplitMix64::new(u64::from(self.settings.seed) ^ HELD_OUT_STREAM);
        let mut total = Stats { loss: 0.0, tokens: 0, correct_tokens: 0, sequences: 0, exact_sequences: 0 };
        let mut left = examples;
        while left > 0 {
            let size = left.min(256);
            let batch = self.batch(&mut rng, size);
            let s = self.model.step_f32(&self.values, &batch, None);
            total.loss += s.loss * size as f64;
            total.tokens += s.tokens;
            total.correct_tokens += s.correct_tokens;
            total.sequences += s.sequences;
            total.exact_sequences += s.exact_sequences;
            left -= size;
        }
        TrainEvaluation {
            examples,
            loss: total.loss / examples.max(1) as f64,
            token_accuracy: ratio(total.correct_tokens, total.tokens),
            exact_match: ratio(total.exact_sequences, total.sequences),
        }
    }

    /// The probe example: the first held-out prompt and its answer (the same for a seed and task),
    /// whose attention the page shows as training goes.
    pub fn probe(&self) -> Example {
        self.settings.task.example(&mut SplitMix64::new(u64::from(self.settings.seed) ^ HELD_OUT_STREAM))
    }

    /// Keeps the current weights as a snapshot for the timeline (the oldest after step 0 is
    /// dropped beyond [`MAX_TRAIN_SNAPSHOTS`]); returns its index.
    pub fn take_snapshot(&mut self) -> usize {
        if self.snapshots.last().is_some_and(|s| s.step == self.adam.step) {
            return self.snapshots.len() - 1;
        }
        if self.snapshots.len() >= MAX_TRAIN_SNAPSHOTS {
            self.snapshots.remove(1);
        }
        self.snapshots.push(Snapshot { step: self.adam.step, values: self.values.clone() });
        self.snapshots.len() - 1
    }

    /// The steps of the kept snapshots, oldest first.
    pub fn snapshot_steps(&self) -> Vec<usize> {
        self.snapshots.iter().map(|s| s.step).collect()
    }

    /// The model folder's files for snapshot `index`, or the current weights (`None`); the config
    /// names the step those weights come from.
    pub fn files(&self, snapshot: Option<usize>) -> Result<ModelFiles> {
        let (values, step) = match snapshot {
            None => (&self.values, self.adam.step),
            Some(i) => {
                let kept = self
                    .snapshots
                    .get(i)
                    .ok_or_else(|| invalid!(Field::Steps, "there is no snapshot {i}: {} are kept", self.snapshots.len()))?;
                (&kept.values, kept.step)
            }
        };
        Ok(export::files(&self.settings, &self.model, &self.vocabulary, values, step))
    }
}

fn ratio(part: usize, whole: usize) -> f64 {
    if whole == 0 {
        0.0
    } else {
        part as f64 / whole as f64
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::Field;

    #[test]
    fn a_diverging_step_stops_training_and_keeps_the_last_good_weights() {
        let mut trainer = Trainer::new(TrainSettings::for_task(TaskKind::Reverse)).unwrap();
        trainer.train(3).unwrap();
        // Weights so large that the output map's sums overflow: the next loss is not finite.
        let output = trainer.model.output.as_ref().unwrap().weight;
        for v in &mut trainer.values[trainer.model.layout.slot(output).range()] {
            *v = 3e38;
        }
        let before = trainer.values.clone();
        let error = trainer.train(5).unwrap_err();
        assert_eq!(error.field(), Some(Field::LearningRate));
        assert!(
            error.to_string().starts_with("training diverged at step 4 (the loss became NaN): the weights of step 3 are kept"),
            "{error}"
        );
        assert_eq!(trainer.step(), 3);
        assert_eq!(trainer.values, before);
    }

    #[test]
    fn a_model_over_the_memory_budget_is_refused_before_anything_is_reserved() {
        let settings = TrainSettings { d_model: 512, layers: 6, batch_size: 512, ..TrainSettings::for_task(TaskKind::Reverse) };
        assert!(settings.memory_bytes() > MAX_TRAIN_BYTES);
        let error = Trainer::new(settings).unwrap_err();
        assert_eq!(error.field(), Some(Field::DModel));
        assert!(error.to_string().contains("more than the 512 MiB budget"), "{error}");
        let default = TrainSettings::for_task(TaskKind::Reverse);
        assert!(default.memory_bytes() < 16 * 1024 * 1024, "{}", default.memory_bytes());
    }

    #[test]
    fn snapshots_keep_step_zero_and_the_latest() {
        let mut trainer = Trainer::new(TrainSettings { batch_size: 1, ..TrainSettings::for_task(TaskKind::Sort) }).unwrap();
        assert_eq!(trainer.snapshot_steps(), [0]);
        for _ in 0..MAX_TRAIN_SNAPSHOTS + 5 {
            trainer.train(1).unwrap();
            trainer.take_snapshot();
        }
        let steps = trainer.snapshot_steps();
        assert_eq!(steps.len(), MAX_TRAIN_SNAPSHOTS);
        assert_eq!((steps[0], steps[1], *steps.last().unwrap()), (0, 7, MAX_TRAIN_SNAPSHOTS + 5));
        assert_eq!(trainer.take_snapshot(), MAX_TRAIN_SNAPSHOTS - 1, "the same step is not kept twice");
        assert!(trainer.files(Some(MAX_TRAIN_SNAPSHOTS)).is_err());
        assert_ne!(trainer.files(Some(0)).unwrap().safetensors, trainer.files(None).unwrap().safetensors);
        let trained_steps = |config: &str| serde_json::from_str::<serde_json::Value>(config).unwrap()["training"]["steps"].as_u64();
        assert_eq!(trained_steps(&trainer.files(Some(0)).unwrap().config_json), Some(0), "a snapshot's config names its own step");
        assert_eq!(trained_steps(&trainer.files(Some(1)).unwrap().config_json), Some(7));
        assert_eq!(trained_steps(&trainer.files(None).unwrap().config_json), Some(MAX_TRAIN_SNAPSHOTS as u64 + 5));
    }
}
