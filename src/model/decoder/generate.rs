//! Generation: the prompt is fed once, then each chosen token is fed alone against the cached
//! keys and values. Each step keeps the next-token distribution's best candidates; the query that
//! predicted the token is a row of the final run's blocks, which cover prompt and generated tokens.

use ndarray::Array1;

use super::Decoder;
use crate::attention::softmax::softmax_row;
use crate::error::{invalid, Result};
use crate::generation::{best, Candidate, Generation, GenerationStep, Sampler, Sampling, StopReason, MAX_STEPS, TOP_CANDIDATES};
use crate::model::error::ModelError;
use crate::text::{utf16_len, Token};

impl Decoder {
    /// Continues `text` by up to `steps` tokens chosen as `sampling` says. Stops early at an
    /// end-of-text token (`eos_token_id`, kept as the last token) or when the context is full.
    /// A prompt longer than the context is cut to it, as [`Decoder::forward`] cuts it (and then
    /// nothing is generated). The run's text sequence is the prompt's tokens followed by the
    /// generated ones; its `generation` says where they start and how each was chosen.
    pub fn generate(&self, text: &str, steps: usize, sampling: Sampling) -> Result<crate::run::Run> {
        if steps > MAX_STEPS {
            return Err(invalid!(Field::Steps, "at most {MAX_STEPS} tokens can be generated at once, not {steps}"));
        }
        sampling.validate()?;
        let mut encoding = self.tokenize(text);
        if encoding.tokens.is_empty() {
            return Err(ModelError::EmptyText.into());
        }
        let prompt_tokens = encoding.tokens.len();
        let mut cache = self.cache();
        let hidden = self.feed(&mut cache, &encoding.ids())?;
        let mut last = hidden.row(prompt_tokens - 1).to_owned();
        let mut sampler = Sampler::new(sampling);
        let mut chosen = Vec::new();
        let mut records = Vec::new();
        let stopped = loop {
            if chosen.len() == steps {
                break StopReason::Steps;
            }
            if cache.len() >= self.config.max_positions {
                break StopReason::Context;
            }
            let logits = self.logits(last.view());
            let mut probabilities = Array1::zeros(logits.len());
            softmax_row(logits.view(), None, probabilities.view_mut());
            let probabilities = probabilities.to_vec();
            let id = sampler.choose(logits.as_slice().expect("a fresh vector is contiguous"));
            let top = best(&probabilities, TOP_CANDIDATES)
                .into_iter()
                .map(|c| Candidate { id: c, text: self.tokenizer.token_text(c).to_owned(), probability: probabilities[c as usize] })
                .collect();
            records.push(GenerationStep {
                position: cache.len() - 1,
                id,
                probability: probabilities[id as usize],
                top,
                context: None,
                state: None,
            });
            chosen.push(id);
            last = self.feed(&mut cache, &[id])?.row(0).to_owned();
            if self.config.end_of_text.contains(&id) {
                break StopReason::EndOfText;
            }
        };
        let (generated, text_out) = self.generated_tokens(&chosen, utf16_len(text));
        encoding.tokens.extend(generated);
        let generation = Generation { prompt_tokens, text: text_out, steps: records, stopped };
        Ok(self.run(cache, encoding, Some(generation)))
    }

    /// Tokens given by id (a generated continuation, or ids chosen by hand) and the text they
    /// decode to, each token's span a UTF-16 range of that text. Special tokens add no text and
    /// get an empty span where they stand; bytes that do not form UTF-8 become U+FFFD, and a
    /// token holding part of a character's bytes gets the whole character's span.
    pub fn tokens_of_ids(&self, ids: &[u32]) -> (Vec<Token>, String) {
        self.generated_tokens(ids, 0)
    }

    /// [`Decoder::tokens_of_ids`] with spans starting at UTF-16 offset `base` (after the prompt).
    fn generated_tokens(&self, ids: &[u32], base: usize) -> (Vec<Token>, String) {
        let bytes: Vec<Vec<u8>> =
            ids.iter().map(|&id| if self.tokenizer.is_special(id) { Vec::new() } else { self.tokenizer.token_bytes(id) }).collect();
        let all: Vec<u8> = bytes.concat();
        // For every byte, the UTF-16 span of the character it decodes into.
        let (mut start, mut end) = (Vec::with_capacity(all.len()), Vec::with_capacity(all.len()));
        let mut text = String::new();
        let mut at = base;
        for chunk in all.utf8_chunks() {
            for c in chunk.valid().chars() {
                let next = at + c.len_utf16();
                start.extend(std::iter::repeat_n(at, c.len_utf8()));
                end.extend(std::iter::repeat_n(next, c.len_utf8()));
                text.push(c);
                at = next;
            }
            if !chunk.invalid().is_empty() {
                start.extend(std::iter::repeat_n(at, chunk.invalid().len()));
                end.extend(std::iter::repeat_n(at + 1, chunk.invalid().len()));
                text.push(char::REPLACEMENT_CHARACTER);
                at += 1;
            }
        }
        let mut cursor = 0;
        let tokens = ids
            .iter()
            .zip(&bytes)
            .map(|(&id, token_bytes)| {
                let (from, to) = if token_bytes.is_empty() {
                    let here = if cursor == 0 { base } else { end[cursor - 1] };
                    (here, here)
                } else {
                    (start[cursor], end[cursor + token_bytes.len() - 1])
                };
                cursor += token_bytes.len();
                Token {
                    text: self.tokenizer.token_text(id).to_owned(),
                    start: from,
                    end: to,
                    special: self.tokenizer.is_special(id),
                    id: Some(id),
                }
            })
            .collect();
        (tokens, text)
    }
}
