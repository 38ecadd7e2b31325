//! Pretrained decoders: GPT-2 and Llama families from Hugging Face files (`config.json`,
//! `tokenizer.json` with a byte-level BPE model, `model.safetensors` in F32, F16 or BF16).
//!
//! A run of a decoder is one text sequence and one causal block per layer, every head with its
//! (rotated, for Llama) queries and keys, values, weights and causal mask. Generation feeds one
//! token at a time against the cached keys and values, keeps each step's next-token distribution,
//! and ends with a run whose blocks cover the prompt and the generated tokens.
//!
//! ```no_run
//! use attention_playground::generation::Sampling;
//! use attention_playground::model::Decoder;
//! let dir = std::path::Path::new("tests/fixtures/decoder/tiny-gpt2");
//! let model = Decoder::from_dir(dir).unwrap();
//! let run = model.forward("The playground shows how attention works.").unwrap();
//! let weights = &run.head(0, 0).unwrap().weights; // [query][key]; keys after the query are 0
//! let run = model.generate("Once upon a time", 20, Sampling::GREEDY).unwrap();
//! let generation = run.generation.as_ref().unwrap();
//! println!("{}", generation.text);
//! ```
//!
//! See `docs/model.md` for what is supported, the numerics and how the reference fixtures are made.

pub mod config;
mod forward;
mod generate;
pub mod weights;

use ndarray::{Array1, Array2};

use super::error::{ModelError, ModelResult};
use super::safetensors::SafeTensors;
use super::tokenizer::{BpeTokenizer, Encoding};
use crate::positions::RotaryHalf;
use crate::run::{Role, Run, Sequence, SourceInfo, SourceKind};
use crate::text::{utf16_len, Token};
use crate::toy::{TokenVectors, VectorSource};
pub use config::{DecoderConfig, Family};
pub use weights::DecoderWeights;

/// A loaded pretrained decoder with its tokenizer.
#[derive(Debug, Clone)]
pub struct Decoder {
    /// What runs call the model (the folder's name, or the name it was loaded under).
    name: String,
    config: DecoderConfig,
    tokenizer: BpeTokenizer,
    weights: DecoderWeights,
    /// Llama's rotary positions.
    rope: Option<RotaryHalf>,
}

/// A run with what only a forward pass of a decoder gives besides it.
#[derive(Debug, Clone)]
pub struct DecoderTrace {
    pub run: Run,
    /// Every position's last hidden state, after the final norm (`T × d`).
    pub hidden: Array2<f32>,
    /// The next-token logits at the last position (one per vocabulary entry).
    pub logits: Array1<f32>,
}

impl Decoder {
    /// Loads a decoder from the contents of its files: `config.json`, `tokenizer.json` (a
    /// byte-level BPE model; `vocab.txt` alone is refused) and `model.safetensors`.
    pub fn from_files(
        config_json: &str,
        tokenizer_json: Option<&str>,
        vocab_txt: Option<&str>,
        safetensors: &[u8],
    ) -> ModelResult<Decoder> {
        let config = DecoderConfig::from_json(config_json)?;
        let tokenizer = BpeTokenizer::from_files(tokenizer_json, vocab_txt)?;
        Self::assemble(config, tokenizer, safetensors)
    }

    fn assemble(config: DecoderConfig, tokenizer: BpeTokenizer, safetensors: &[u8]) -> ModelResult<Decoder> {
        // As for the encoders: an embedding table may be padded a little past the tokenizer's
        // ids, never by a tenth.
        let (ids, embedded) = (tokenizer.id_bound(), config.vocab_size);
        if ids > embedded || ids * 10 < embedded * 9 {
            return Err(ModelError::Tokenizer(format!(
                "the tokenizer has {ids} token ids but the model embeds {embedded} tokens: they belong to different models"
            )));
        }
        let file = SafeTensors::parse(safetensors)?;
        let weights = DecoderWeights::load(&config, &file)?;
        let rope = config.rope_theta.map(|theta| RotaryHalf::new(config.head_dim, theta));
        let name = config.family.name().to_owned();
        Ok(Decoder { name, config, tokenizer, weights, rope })
    }

    /// Loads a Hugging Face model folder: `config.json`, `tokenizer.json` and
    /// `model.safetensors` (or, when absent, `model.f16.safetensors`).
    #[cfg(not(target_arch = "wasm32"))]
    pub fn from_dir(dir: &std::path::Path) -> ModelResult<Decoder> {
        let read = |name: &str| {
            crate::limits::read_model_file(&dir.join(name)).map_err(|e| ModelError::File {
                path: dir.join(name).display().to_string(),
                problem: format!("{e} (give a Hugging Face model folder)"),
            })
        };
        let text = |name: &str| read(name).map(|bytes| String::from_utf8_lossy(&bytes).into_owned());
        let config = text("config.json")?;
        let tokenizer = text("tokenizer.json")?;
        let weights = read("model.safetensors").or_else(|e| read("model.f16.safetensors").map_err(|_| e))?;
        let model = Self::from_files(&config, Some(&tokenizer), None, &weights)?;
        let folder = dir.canonicalize().ok().and_then(|d| d.file_name().map(|n| n.to_string_lossy().into_owned()));
        Ok(match folder {
            Some(name) => model.named(name),
            None => model,
        })
    }

    /// The model under another name.
    pub fn named(mut self, name: impl Into<String>) -> Decoder {
        self.name = name.into();
        self
    }

    pub fn name(&self) -> &str {
        &self.name
    }

    pub fn config(&self) -> &DecoderConfig {
        &self.config
    }

    pub fn tokenizer(&self) -> &BpeTokenizer {
        &self.tokenizer
    }

    /// The parameters, as loaded (f32, in the core's orientation).
    pub fn weights(&self) -> &DecoderWeights {
        &self.weights
    }

    /// The tokens the model sees for `text`, cut to its context (and saying so).
    pub fn tokenize(&self, text: &str) -> Encoding {
        self.tokenizer.encode(text, self.config.max_positions)
    }

    /// The token-embedding row of every token (vectors the toy mode can use). Fails on an id
    /// outside the table.
    pub fn input_embeddings(&self, tokens: &[Token]) -> ModelResult<Array2<f32>> {
        let table = &self.weights.token_embedding;
        let mut out = Array2::zeros((tokens.len(), table.ncols()));
        for (mut row, token) in out.rows_mut().into_iter().zip(tokens) {
            let id = token.id.map_or(usize::MAX, |id| id as usize);
            if id >= table.nrows() {
                return Err(ModelError::OutOfRange(format!(
                    "token {:?} has id {:?}, outside the model's {} embeddings",
                    token.text,
                    token.id,
                    table.nrows()
                )));
            }
            row.assign(&table.row(id));
        }
        Ok(out)
    }

    /// Runs the decoder on `text`: a run of one causal block per layer.
    pub fn forward(&self, text: &str) -> ModelResult<Run> {
        Ok(self.trace(self.tokenize(text))?.run)
    }

    /// Runs the decoder on tokens from [`Decoder::tokenize`], keeping the last hidden states and
    /// the next-token logits too.
    pub fn trace(&self, encoding: Encoding) -> ModelResult<DecoderTrace> {
        if encoding.tokens.is_empty() {
            return Err(ModelError::EmptyText);
        }
        let mut cache = self.cache();
        let hidden = self.feed(&mut cache, &encoding.ids())?;
        let logits = self.logits(hidden.row(hidden.nrows() - 1));
        let run = self.run(cache, encoding, None);
        Ok(DecoderTrace { run, hidden, logits })
    }

    /// The run of the tokens fed to `cache`: `encoding`'s tokens (and any generated ones after
    /// them, in `encoding.tokens`), blocks from the cache.
    fn run(&self, cache: forward::Cache, encoding: Encoding, generation: Option<crate::generation::Generation>) -> Run {
        Run {
            source: SourceInfo { name: self.name.clone(), kind: SourceKind::Decoder, trained: true },
            sequences: vec![Sequence { role: Role::Text, tokens: encoding.tokens }],
            blocks: self.blocks(cache),
            d_model: self.config.hidden_size,
            truncated: encoding.truncated,
            pooled: None,
            generation,
            translation: None,
            vision: None,
        }
    }
}

/// The model's BPE tokens and token embeddings as the toy's token vectors (positions are not
/// added).
impl VectorSource for Decoder {
    fn token_vectors(&self, text: &str, limit: usize) -> crate::error::Result<(TokenVectors, usize)> {
        let encoding = self.tokenizer.encode(text, limit);
        let total = encoding.truncated.map_or(encoding.tokens.len(), |t| t.total);
        let vectors = self.input_embeddings(&encoding.tokens)?;
        Ok((TokenVectors { tokens: encoding.tokens, vectors, text_len: utf16_len(text) }, total))
    }

    fn width(&self) -> Option<usize> {
        Some(self.config.hidden_size)
    }

    fn describe(&self) -> String {
        format!("{}'s token embeddings", self.name)
    }

    fn source_name(&self) -> String {
        format!("toy on {}'s token embeddings", self.name)
    }
}
