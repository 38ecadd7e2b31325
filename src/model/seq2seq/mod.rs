//! The project's encoder–decoder translation models (`"model_type": "seq2seq"`, trained by
//! `training/` and described in docs/trained-models.md): a GRU encoder–decoder with additive
//! attention, the same without attention, and a small Transformer. Files: `config.json`,
//! `vocab.json` (the source and target vocabularies), `model.safetensors` (F32).
//!
//! Inference is greedy translation: the source text is tokenized as `config.json` says
//! ([`vocab`]), encoded, and decoded one token at a time (the most probable each step) until
//! `<eos>` or `max_output_length` steps. The run has two sequences, the source (with `<eos>`)
//! and the target (what each step wrote), and the attention blocks of the architecture: one
//! cross-attention block of one additive head for `gru-additive` ([`gru`]), none for `gru`, and
//! for the Transformer ([`transformer`]) a self-attention block per encoder layer, then a causal
//! and a cross-attention block per decoder layer. Beside them, `generation` keeps every step's
//! ten most probable tokens (and a GRU's context vector and state), `translation` the
//! architecture and the source tokens outside the vocabulary.
//!
//! ```no_run
//! use attention_playground::model::Seq2Seq;
//! let model = Seq2Seq::from_dir(std::path::Path::new("trained/dates-gru-additive")).unwrap();
//! let run = model.translate("Sunday, 29th of November 2026").unwrap();
//! let output = run.generation.as_ref().unwrap();
//! assert_eq!(output.text, "2026-11-29");
//! let alignment = &run.head(0, 0).unwrap().weights; // [target step][source token]
//! ```

pub mod config;
pub mod gru;
pub mod transformer;
pub mod vocab;

use ndarray::{Array1, Array2};

use super::error::{ModelError, ModelResult};
use super::info::ModelInfo;
use super::safetensors::SafeTensors;
use super::tokenizer::Encoding;
use super::weights::{Reader, StoredAs};
use crate::attention::softmax::softmax_row;
use crate::generation::{best, Candidate, Generation, GenerationStep, StopReason, TOP_CANDIDATES};
use crate::run::{Block, Role, Run, Sequence, SourceInfo, SourceKind};
use crate::text::{utf16_len, Token};
use crate::toy::{TokenVectors, VectorSource};
use crate::translation::{Translation, NO_ATTENTION};
pub use config::{Seq2SeqArchitecture, Seq2SeqConfig, Sizes, TransformerSizes, Unit};
pub use gru::GruWeights;
pub use transformer::{DecodingLimits, TransformerDecoder, TransformerWeights};
pub use vocab::{SourceEncoding, Vocabulary};

/// The parameters of either architecture.
#[derive(Debug, Clone)]
pub enum Seq2SeqWeights {
    Gru(Box<GruWeights>),
    Transformer(Box<TransformerWeights>),
}

/// A loaded encoder–decoder with its vocabularies.
#[derive(Debug, Clone)]
pub struct Seq2Seq {
    /// What runs call the model (the folder's name, or the name it was loaded under).
    name: String,
    config: Seq2SeqConfig,
    vocabulary: Vocabulary,
    weights: Seq2SeqWeights,
    /// Values read from the weights file.
    parameters: usize,
    stored_as: StoredAs,
}

/// One decoding step as an architecture computes it.
#[derive(Debug, Clone)]
pub(crate) struct DecodedStep {
    /// The chosen token (the most probable, the lowest id among equals).
    pub id: u32,
    /// The next-token logits.
    pub logits: Array1<f32>,
    /// A GRU's context vector and new state.
    pub context: Option<Vec<f32>>,
    pub state: Option<Vec<f32>>,
}

/// What greedy decoding gives: the steps and the attention blocks.
#[derive(Debug, Clone)]
pub(crate) struct Decoded {
    pub steps: Vec<DecodedStep>,
    pub blocks: Vec<Block>,
}

impl Seq2Seq {
    /// Loads an encoder–decoder from the contents of its files: `config.json`, `vocab.json` and
    /// `model.safetensors`.
    pub fn from_files(config_json: &str, vocab_json: Option<&str>, safetensors: &[u8]) -> ModelResult<Seq2Seq> {
        let config = Seq2SeqConfig::from_json(config_json)?;
        let vocab_json = vocab_json.ok_or_else(|| {
            ModelError::Vocabulary("missing: an encoder–decoder reads its source and target vocabularies from vocab.json".into())
        })?;
        let vocabulary = Vocabulary::from_json(vocab_json, &config)?;
        let file = SafeTensors::parse(safetensors)?;
        let r = Reader::new(&file, "");
        let weights = match &config.sizes {
            Sizes::Gru(sizes) => Seq2SeqWeights::Gru(Box::new(GruWeights::load(&config, sizes, &r)?)),
            Sizes::Transformer(sizes) => Seq2SeqWeights::Transformer(Box::new(TransformerWeights::load(&config, sizes, &r)?)),
        };
        let name = config.architecture.name().to_owned();
        Ok(Seq2Seq { name, config, vocabulary, weights, parameters: r.parameters(), stored_as: r.stored_as() })
    }

    /// Loads a model folder: `config.json`, `vocab.json` and `model.safetensors`.
    #[cfg(not(target_arch = "wasm32"))]
    pub fn from_dir(dir: &std::path::Path) -> ModelResult<Seq2Seq> {
        let read = |name: &str| {
            crate::limits::read_model_file(&dir.join(name)).map_err(|e| ModelError::File {
                path: dir.join(name).display().to_string(),
                problem: format!("{e} (an encoder–decoder folder holds config.json, vocab.json and model.safetensors)"),
            })
        };
        let text = |name: &str| read(name).map(|bytes| String::from_utf8_lossy(&bytes).into_owned());
        let model = Self::from_files(&text("config.json")?, Some(&text("vocab.json")?), &read("model.safetensors")?)?;
        let folder = dir.canonicalize().ok().and_then(|d| d.file_name().map(|n| n.to_string_lossy().into_owned()));
        Ok(match folder {
            Some(name) => model.named(name),
            None => model,
        })
    }

    /// The model under another name.
    pub fn named(mut self, name: impl Into<String>) -> Seq2Seq {
        self.name = name.into();
        self
    }

    pub fn name(&self) -> &str {
        &self.name
    }

    pub fn config(&self) -> &Seq2SeqConfig {
        &self.config
    }

    pub fn vocabulary(&self) -> &Vocabulary {
        &self.vocabulary
    }

    /// The parameters, as loaded (f32, in the core's orientation).
    pub fn weights(&self) -> &Seq2SeqWeights {
        &self.weights
    }

    /// The source tokens the model reads for `text` (`<eos>` last), cut to `max_source_length`
    /// (and saying so).
    pub fn tokenize(&self, text: &str) -> Encoding {
        self.encode_source(text).encoding
    }

    /// The source tokens of `text` and those its vocabulary lacks.
    pub fn encode_source(&self, text: &str) -> SourceEncoding {
        self.vocabulary.encode_source(text, &self.config)
    }

    /// The model's sizes and how its weights were stored. For an encoder–decoder, `architecture`
    /// is `gru-additive`, `gru` or `transformer`; `layers` the decoder's (1 for a GRU); `heads`
    /// those of each attention block (1 for `gru-additive`, 0 for `gru`); `hidden` the decoder's
    /// width (its state for a GRU, d for the Transformer); `dK` a head's query width;
    /// `vocabSize` the source vocabulary's; `maxPositions` the longest source, `<eos>` included.
    pub fn info(&self) -> ModelInfo {
        let c = &self.config;
        let (layers, heads, hidden, d_k) = match &c.sizes {
            Sizes::Gru(g) => {
                (1, usize::from(g.attention.is_some()), g.decoder_hidden, if g.attention.is_some() { g.decoder_hidden } else { 0 })
            }
            Sizes::Transformer(t) => (t.decoder_layers, t.heads, t.d_model, t.head_dim()),
        };
        ModelInfo {
            architecture: c.architecture.name(),
            kind: SourceKind::EncoderDecoder,
            layers,
            heads,
            kv_heads: heads,
            hidden,
            d_k,
            vocab_size: c.source_vocab_size,
            max_positions: c.max_source_length,
            dtype: self.stored_as,
            parameters: self.parameters,
        }
    }

    /// Runs the model on `text`: its greedy translation ([`Seq2Seq::translate`]).
    pub fn forward(&self, text: &str) -> ModelResult<Run> {
        self.translate(text)
    }

    /// Translates `text` greedily: the most probable token at each step until `<eos>` or
    /// `max_output_length` steps. The run's sequences are the source (index 0) and the target
    /// (index 1); its blocks those of the architecture; `generation` holds the output text and
    /// every step (its row in the decoder blocks, the chosen token, the ten most probable, and a
    /// GRU's context vector and state); `translation` the source tokens outside the vocabulary
    /// and, without attention, why there is no block.
    pub fn translate(&self, text: &str) -> ModelResult<Run> {
        let SourceEncoding { encoding, unknown } = self.encode_source(text);
        if encoding.tokens.len() <= 1 {
            return Err(ModelError::EmptyText);
        }
        let ids = encoding.ids();
        let decoded = match &self.weights {
            Seq2SeqWeights::Gru(w) => w.translate(&self.config, &ids)?,
            Seq2SeqWeights::Transformer(w) => w.translate(&self.config, &ids)?,
        };
        let chosen: Vec<u32> = decoded.steps.iter().map(|s| s.id).collect();
        let c = &self.config;
        let (target, output) = self.vocabulary.decode_target(&chosen, [c.pad_id, c.bos_id, c.eos_id], c.target_unit);
        let generation = generation(decoded.steps, output, c.eos_id, self.vocabulary.target());
        let no_attention = decoded.blocks.is_empty().then(|| NO_ATTENTION.to_owned());
        Ok(Run {
            source: SourceInfo { name: self.name.clone(), kind: SourceKind::EncoderDecoder, trained: true },
            sequences: vec![Sequence { role: Role::Source, tokens: encoding.tokens }, Sequence { role: Role::Target, tokens: target }],
            blocks: decoded.blocks,
            d_model: self.info().hidden,
            truncated: encoding.truncated,
            pooled: None,
            generation: Some(generation),
            translation: Some(Translation { architecture: self.config.architecture, unknown, no_attention }),
            vision: None,
        })
    }

    /// The source embedding rows of `tokens` (vectors the toy mode can use).
    pub fn input_embeddings(&self, tokens: &[Token]) -> ModelResult<Array2<f32>> {
        let table = match &self.weights {
            Seq2SeqWeights::Gru(w) => &w.source_embedding,
            Seq2SeqWeights::Transformer(w) => &w.source_embedding,
        };
        let mut out = Array2::zeros((tokens.len(), table.ncols()));
        for (mut row, token) in out.rows_mut().into_iter().zip(tokens) {
            let id = token.id.map_or(usize::MAX, |id| id as usize);
            if id >= table.nrows() {
                return Err(ModelError::OutOfRange(format!(
                    "token {:?} has id {:?}, outside the model's {} source embeddings",
                    token.text,
                    token.id,
                    table.nrows()
                )));
            }
            row.assign(&table.row(id));
        }
        Ok(out)
    }
}

/// What greedy decoding wrote, as a run keeps it: the output `text`, whether it ended with
/// `<eos>` (`eos_id`) or ran out of steps, and each step's chosen token with the best candidates
/// of its distribution (`target`: the output vocabulary's tokens by id).
pub(crate) fn generation(steps: Vec<DecodedStep>, text: String, eos_id: u32, target: &[String]) -> Generation {
    let stopped = if steps.last().map(|s| s.id) == Some(eos_id) { StopReason::EndOfText } else { StopReason::Steps };
    let text_of = |id: u32| target.get(id as usize).cloned().unwrap_or_default();
    let steps = steps
        .into_iter()
        .enumerate()
        .map(|(position, step)| {
            let mut probabilities = Array1::zeros(step.logits.len());
            softmax_row(step.logits.view(), None, probabilities.view_mut());
            let probabilities = probabilities.to_vec();
            let top = best(&probabilities, TOP_CANDIDATES)
                .into_iter()
                .map(|id| Candidate { id, text: text_of(id), probability: probabilities[id as usize] })
                .collect();
            GenerationStep {
                position,
                id: step.id,
                probability: probabilities[step.id as usize],
                top,
                context: step.context,
                state: step.state,
            }
        })
        .collect();
    Generation { prompt_tokens: 0, text, steps, stopped }
}

/// The model's source tokens (without `<eos>`) and source embeddings as the toy's token vectors
/// (positions are not added).
impl VectorSource for Seq2Seq {
    fn token_vectors(&self, text: &str, limit: usize) -> crate::error::Result<(TokenVectors, usize)> {
        let encoding = self.tokenize(text);
        let pieces = &encoding.tokens[..encoding.tokens.len() - 1];
        let total = encoding.truncated.map_or(pieces.len(), |t| t.total - 1);
        let kept = &pieces[..pieces.len().min(limit)];
        let vectors = self.input_embeddings(kept)?;
        Ok((TokenVectors { tokens: kept.to_vec(), vectors, text_len: utf16_len(text) }, total))
    }

    fn width(&self) -> Option<usize> {
        Some(match &self.weights {
            Seq2SeqWeights::Gru(w) => w.source_embedding.ncols(),
            Seq2SeqWeights::Transformer(w) => w.source_embedding.ncols(),
        })
    }

    fn describe(&self) -> String {
        format!("{}'s source embeddings", self.name)
    }

    fn source_name(&self) -> String {
        format!("toy on {}'s source embeddings", self.name)
    }
}
