//! Text generation by a decoder, one token at a time: how the next token is chosen (greedy, or
//! sampled with a temperature and top-k from a seeded generator), and what a run keeps of each
//! step ([`Generation`], beside the run's blocks). The model side is
//! [`Decoder::generate`](crate::model::Decoder::generate); an encoder–decoder's greedy translation
//! ([`Seq2Seq::translate`](crate::model::Seq2Seq::translate)) keeps its steps the same way.

use serde::Serialize;

use crate::error::{invalid, Result};
use crate::rng::SplitMix64;

/// The most tokens one request may generate.
pub const MAX_STEPS: usize = 1024;

/// The highest sampling temperature accepted.
pub const MAX_TEMPERATURE: f32 = 100.0;

/// Candidates kept per step.
pub const TOP_CANDIDATES: usize = 10;

/// How the next token is chosen.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Sampling {
    /// 0: greedy (the most probable token, the lowest id among equals). Above 0: sampled from
    /// `softmax(logits / temperature)`.
    pub temperature: f32,
    /// Sample among the `k` most probable tokens only (`None`: among all).
    pub top_k: Option<usize>,
    /// The seed of the generator the samples are drawn from.
    pub seed: u32,
}

impl Default for Sampling {
    fn default() -> Self {
        Sampling::GREEDY
    }
}

impl Sampling {
    /// Always the most probable token.
    pub const GREEDY: Sampling = Sampling { temperature: 0.0, top_k: None, seed: 0 };

    /// Fails, naming the setting, on a temperature outside 0 … 100 or a top-k of 0.
    pub fn validate(&self) -> Result<()> {
        if !(self.temperature.is_finite() && (0.0..=MAX_TEMPERATURE).contains(&self.temperature)) {
            return Err(invalid!(
                Field::Sampling,
                "the sampling temperature must be from 0 (greedy) to {MAX_TEMPERATURE}, found {}",
                self.temperature
            ));
        }
        if self.top_k == Some(0) {
            return Err(invalid!(Field::Sampling, "top-k must be at least 1 (or left out to sample among all tokens)"));
        }
        Ok(())
    }

    /// Greedy: no randomness.
    pub fn is_greedy(&self) -> bool {
        self.temperature == 0.0
    }
}

/// Chooses tokens from logits as a [`Sampling`] says; the same seed gives the same choices on
/// every machine (the arithmetic is f64 with `libm`'s exponential).
#[derive(Debug, Clone)]
pub struct Sampler {
    sampling: Sampling,
    rng: SplitMix64,
}

impl Sampler {
    pub fn new(sampling: Sampling) -> Self {
        Sampler { sampling, rng: SplitMix64::new(u64::from(sampling.seed)) }
    }

    /// The id of the next token.
    pub fn choose(&mut self, logits: &[f32]) -> u32 {
        if self.sampling.is_greedy() || logits.len() <= 1 {
            return argmax(logits);
        }
        let candidates: Vec<u32> = match self.sampling.top_k.filter(|&k| k < logits.len()) {
            Some(k) => best(logits, k),
            None => (0..logits.len() as u32).collect(),
        };
        let max = candidates.iter().map(|&i| logits[i as usize]).fold(f32::NEG_INFINITY, f32::max);
        let inverse = 1.0 / f64::from(self.sampling.temperature);
        let weights: Vec<f64> = candidates.iter().map(|&i| libm::exp(f64::from(logits[i as usize] - max) * inverse)).collect();
        let mut u = self.rng.next_f64() * weights.iter().sum::<f64>();
        for (&id, &w) in candidates.iter().zip(&weights) {
            if u < w {
                return id;
            }
            u -= w;
        }
        // Rounding left a sliver past the last weight: the last candidate with any weight.
        candidates.iter().zip(&weights).rev().find(|(_, &w)| w > 0.0).map_or(candidates[0], |(&id, _)| id)
    }
}

/// The index of the largest value (the first among equals).
pub fn argmax(values: &[f32]) -> u32 {
    let mut best = 0;
    for (i, &v) in values.iter().enumerate() {
        if v > values[best] {
            best = i;
        }
    }
    best as u32
}

/// The indices of the `k` largest values, largest first (lower index first among equals).
pub fn best(values: &[f32], k: usize) -> Vec<u32> {
    let order = |a: &u32, b: &u32| values[*b as usize].total_cmp(&values[*a as usize]).then(a.cmp(b));
    let mut ids: Vec<u32> = (0..values.len() as u32).collect();
    let k = k.min(ids.len());
    if k == 0 {
        return Vec::new();
    }
    if k < ids.len() {
        ids.select_nth_unstable_by(k - 1, order);
        ids.truncate(k);
    }
    ids.sort_unstable_by(order);
    ids
}

/// Why generation stopped.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "typescript", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub enum StopReason {
    /// As many tokens as asked for were generated (for an encoder–decoder: as many as its
    /// `max_output_length`, without an `<eos>`).
    Steps,
    /// The model chose an end-of-text token (it is kept, the last generated token).
    EndOfText,
    /// The context is full: prompt and generated tokens fill the model's positions.
    Context,
}

/// A candidate for the next token.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "typescript", derive(ts_rs::TS))]
pub struct Candidate {
    pub id: u32,
    /// The vocabulary entry (byte-level symbols such as `"Ġthe"`).
    pub text: String,
    /// Its probability under the model: softmax of the logits, before temperature and top-k.
    pub probability: f32,
}

/// One generated token and the distribution it was chosen from.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "typescript", derive(ts_rs::TS))]
pub struct GenerationStep {
    /// The query whose output predicted the token: for a decoder, the position of the token before
    /// it; for an encoder–decoder, the token's own index in the target sequence (row `i` of a
    /// decoder block is the step that wrote target token `i`). Its attention is row `position`
    /// of each block over the generated sequence (`Run::step_attentions` in Rust,
    /// `stepAttentions` in JavaScript).
    pub position: usize,
    /// The chosen token's id.
    pub id: u32,
    /// The chosen token's probability under the model.
    pub probability: f32,
    /// The most probable next tokens under the model, most probable first.
    pub top: Vec<Candidate>,
    /// A GRU encoder–decoder's context vector of the step, `c_i`: the attention-weighted sum of
    /// the encoder states (without attention, the same fixed vector at every step).
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "typescript", ts(optional))]
    pub context: Option<Vec<f32>>,
    /// A GRU encoder–decoder's decoder state after the step, `s_i` (the next step's query).
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "typescript", ts(optional))]
    pub state: Option<Vec<f32>>,
}

/// What a run that generated keeps beside its blocks. The generated tokens end the run's text
/// sequence, after the prompt's tokens, and the blocks cover prompt and generated tokens together.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "typescript", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct Generation {
    /// Tokens of the prompt: the index of the first generated token (0 for an encoder–decoder,
    /// whose target sequence holds only what it wrote).
    pub prompt_tokens: usize,
    /// The generated text (special tokens such as `<|endoftext|>` left out; bytes that do not
    /// form UTF-8 become U+FFFD). The generated tokens' spans are UTF-16 offsets into the typed
    /// text followed by this text; an encoder–decoder's target tokens' spans are offsets into
    /// this text alone (its translation).
    pub text: String,
    /// One step per generated token, in order.
    pub steps: Vec<GenerationStep>,
    pub stopped: StopReason,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn greedy_takes_the_first_largest() {
        assert_eq!(Sampler::new(Sampling::GREEDY).choose(&[0.5, 2.0, 2.0, -1.0]), 1);
        assert_eq!(best(&[0.5, 2.0, 2.0, -1.0, 3.0], 3), vec![4, 1, 2]);
        assert_eq!(best(&[1.0], 5), vec![0]);
    }

    #[test]
    fn top_k_one_is_greedy_and_seeds_repeat() {
        let logits: Vec<f32> = (0..50).map(|i| ((i * 37) % 11) as f32 * 0.3).collect();
        let mut one = Sampler::new(Sampling { temperature: 1.0, top_k: Some(1), seed: 9 });
        assert_eq!(one.choose(&logits), argmax(&logits));
        let draws = |seed| {
            let mut s = Sampler::new(Sampling { temperature: 1.5, top_k: Some(5), seed });
            (0..20).map(|_| s.choose(&logits)).collect::<Vec<_>>()
        };
        assert_eq!(draws(3), draws(3));
        let allowed = best(&logits, 5);
        assert!(draws(3).iter().all(|id| allowed.contains(id)));
        assert_ne!(draws(3), draws(4));
    }

    #[test]
    fn sampling_follows_the_distribution() {
        // Two tokens with probabilities 0.75 and 0.25 at temperature 1.
        let logits = [3f32.ln(), 0.0];
        let mut s = Sampler::new(Sampling { temperature: 1.0, top_k: None, seed: 1 });
        let first = (0..4000).filter(|_| s.choose(&logits) == 0).count();
        assert!((2850..3150).contains(&first), "{first} of 4000");
    }

    #[test]
    fn settings_are_checked() {
        assert!(Sampling { temperature: -1.0, ..Sampling::GREEDY }.validate().unwrap_err().to_string().contains("temperature"));
        assert!(Sampling { temperature: f32::NAN, ..Sampling::GREEDY }.validate().is_err());
        let err = Sampling { top_k: Some(0), ..Sampling::GREEDY }.validate().unwrap_err();
        assert_eq!(err.field(), Some(crate::error::Field::Sampling));
    }
}
