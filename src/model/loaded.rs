//! A loaded model of any kind: an encoder, a decoder or an encoder–decoder. Which one a set of
//! files holds is decided once, from `config.json`'s `model_type` ([`ModelKind`]); everything else
//! asks the loaded model.

use super::bert::Model;
use super::decoder::Decoder;
use super::error::ModelResult;
use super::info::ModelInfo;
use super::kind::ModelKind;
use super::seq2seq::Seq2Seq;
use super::tokenizer::Encoding;
use crate::error::{invalid, Result};
use crate::generation::Sampling;
use crate::run::Run;
use crate::toy::{TokenVectors, VectorSource};

/// A pretrained model, ready to run.
#[derive(Debug, Clone)]
pub enum LoadedModel {
    /// A BERT-family encoder.
    Encoder(Model),
    /// A GPT-2 or Llama decoder.
    Decoder(Decoder),
    /// An encoder–decoder that translates (GRU or Transformer).
    Seq2Seq(Seq2Seq),
}

impl From<Model> for LoadedModel {
    fn from(model: Model) -> Self {
        LoadedModel::Encoder(model)
    }
}

impl From<Decoder> for LoadedModel {
    fn from(model: Decoder) -> Self {
        LoadedModel::Decoder(model)
    }
}

impl From<Seq2Seq> for LoadedModel {
    fn from(model: Seq2Seq) -> Self {
        LoadedModel::Seq2Seq(model)
    }
}

impl LoadedModel {
    /// Loads whatever model the files hold: `config.json` decides the kind; the tokenizer is
    /// `tokenizer.json` (WordPiece for an encoder, byte-level BPE for a decoder) or, for an
    /// encoder, `vocab.txt`; an encoder–decoder's vocabularies are `vocab.json`, given as the
    /// vocabulary file (`vocab`); the weights are `model.safetensors`.
    pub fn from_files(config_json: &str, tokenizer_json: Option<&str>, vocab: Option<&str>, safetensors: &[u8]) -> ModelResult<Self> {
        let kind = ModelKind::of_config_json(config_json)?;
        Ok(if kind.is_encoder_decoder() {
            if vocab.is_none() && tokenizer_json.is_some() {
                return Err(super::ModelError::Vocabulary(
                    "missing: an encoder–decoder reads its vocabularies from vocab.json (give it as the vocabulary file), not from \
                     tokenizer.json"
                        .into(),
                ));
            }
            Seq2Seq::from_files(config_json, vocab, safetensors)?.into()
        } else if kind.is_decoder() {
            Decoder::from_files(config_json, tokenizer_json, vocab, safetensors)?.into()
        } else {
            Model::from_files(config_json, tokenizer_json, vocab, safetensors)?.into()
        })
    }

    /// Loads a Hugging Face model folder of any supported kind.
    #[cfg(not(target_arch = "wasm32"))]
    pub fn from_dir(dir: &std::path::Path) -> ModelResult<Self> {
        let config = std::fs::read_to_string(dir.join("config.json")).map_err(|e| super::ModelError::File {
            path: dir.join("config.json").display().to_string(),
            problem: format!("{e} (fetch the default model with scripts/fetch-model.sh, or give a Hugging Face model folder)"),
        })?;
        let kind = ModelKind::of_config_json(&config)?;
        Ok(if kind.is_encoder_decoder() {
            Seq2Seq::from_dir(dir)?.into()
        } else if kind.is_decoder() {
            Decoder::from_dir(dir)?.into()
        } else {
            Model::from_dir(dir)?.into()
        })
    }

    /// The model under another name.
    pub fn named(self, name: impl Into<String>) -> Self {
        match self {
            LoadedModel::Encoder(m) => m.named(name).into(),
            LoadedModel::Decoder(m) => m.named(name).into(),
            LoadedModel::Seq2Seq(m) => m.named(name).into(),
        }
    }

    pub fn name(&self) -> &str {
        match self {
            LoadedModel::Encoder(m) => m.name(),
            LoadedModel::Decoder(m) => m.name(),
            LoadedModel::Seq2Seq(m) => m.name(),
        }
    }

    /// The model's sizes and how its weights were stored.
    pub fn info(&self) -> ModelInfo {
        match self {
            LoadedModel::Encoder(m) => m.info(),
            LoadedModel::Decoder(m) => m.info(),
            LoadedModel::Seq2Seq(m) => m.info(),
        }
    }

    /// The tokens the model sees for `text`, cut to its positions (and saying so); an
    /// encoder–decoder's source tokens.
    pub fn tokenize(&self, text: &str) -> Encoding {
        match self {
            LoadedModel::Encoder(m) => m.tokenize(text),
            LoadedModel::Decoder(m) => m.tokenize(text),
            LoadedModel::Seq2Seq(m) => m.tokenize(text),
        }
    }

    /// Runs the model on `text`: a block per layer (self-attention for an encoder, causal for a
    /// decoder); an encoder–decoder translates it.
    pub fn forward(&self, text: &str) -> ModelResult<Run> {
        match self {
            LoadedModel::Encoder(m) => m.forward(text),
            LoadedModel::Decoder(m) => m.forward(text),
            LoadedModel::Seq2Seq(m) => m.translate(text),
        }
    }

    /// Continues `text` by up to `steps` tokens (decoders only).
    pub fn generate(&self, text: &str, steps: usize, sampling: Sampling) -> Result<Run> {
        match self {
            LoadedModel::Encoder(m) => {
                Err(invalid!(Field::Model, "{} is an encoder: it does not generate text (load a GPT-2 or Llama decoder)", m.name()))
            }
            LoadedModel::Decoder(m) => m.generate(text, steps, sampling),
            LoadedModel::Seq2Seq(m) => Err(invalid!(
                Field::Model,
                "{} is an encoder–decoder: it translates the text (run it as the model) rather than continuing it",
                m.name()
            )),
        }
    }

    pub fn encoder(&self) -> Option<&Model> {
        match self {
            LoadedModel::Encoder(m) => Some(m),
            _ => None,
        }
    }

    pub fn decoder(&self) -> Option<&Decoder> {
        match self {
            LoadedModel::Decoder(m) => Some(m),
            _ => None,
        }
    }

    pub fn seq2seq(&self) -> Option<&Seq2Seq> {
        match self {
            LoadedModel::Seq2Seq(m) => Some(m),
            _ => None,
        }
    }

    fn vectors(&self) -> &dyn VectorSource {
        match self {
            LoadedModel::Encoder(m) => m,
            LoadedModel::Decoder(m) => m,
            LoadedModel::Seq2Seq(m) => m,
        }
    }
}

/// The loaded model's tokens and input embeddings as the toy's vectors.
impl VectorSource for LoadedModel {
    fn token_vectors(&self, text: &str, limit: usize) -> Result<(TokenVectors, usize)> {
        self.vectors().token_vectors(text, limit)
    }

    fn width(&self) -> Option<usize> {
        self.vectors().width()
    }

    fn describe(&self) -> String {
        self.vectors().describe()
    }

    fn source_name(&self) -> String {
        self.vectors().source_name()
    }
}
