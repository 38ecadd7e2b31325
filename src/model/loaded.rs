//! A loaded model of any kind: an encoder, a decoder or an encoder–decoder. Which one a set of
//! files holds is decided once, from `config.json`'s `model_type` ([`ModelKind`]); everything else
//! asks the loaded model.

use super::bert::Model;
use super::captioner::Captioner;
use super::decoder::Decoder;
use super::error::ModelResult;
use super::info::ModelInfo;
use super::kind::ModelKind;
use super::seq2seq::Seq2Seq;
use super::tokenizer::Encoding;
use super::vit::Vit;
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
    /// A vision transformer (ViT, DeiT): it reads pictures.
    Vision(Vit),
    /// A vision encoder–decoder: it describes pictures.
    Captioner(Box<Captioner>),
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

impl From<Vit> for LoadedModel {
    fn from(model: Vit) -> Self {
        LoadedModel::Vision(model)
    }
}

impl From<Captioner> for LoadedModel {
    fn from(model: Captioner) -> Self {
        LoadedModel::Captioner(Box::new(model))
    }
}

impl LoadedModel {
    /// Loads whatever model the files hold: `config.json` decides the kind; the tokenizer is
    /// `tokenizer.json` (WordPiece for an encoder, byte-level BPE for a decoder) or, for an
    /// encoder, `vocab.txt`; an encoder–decoder's vocabularies are `vocab.json`, given as the
    /// vocabulary file (`vocab`); a vision model's `preprocessor_config.json`, the file that turns
    /// its input into numbers, is given in the tokenizer's place (a captioner's too, with its
    /// `vocab.json` as the vocabulary); the weights are `model.safetensors`.
    pub fn from_files(config_json: &str, tokenizer_json: Option<&str>, vocab: Option<&str>, safetensors: &[u8]) -> ModelResult<Self> {
        let kind = ModelKind::of_config_json(config_json)?;
        Ok(if kind == ModelKind::VisionEncoderDecoder {
            let preprocessor = tokenizer_json.ok_or_else(|| {
                super::ModelError::Preprocessor(
                    "missing: a captioner needs its preprocessor_config.json (given in the tokenizer's place)".into(),
                )
            })?;
            let vocab = vocab.ok_or_else(|| {
                super::ModelError::Vocabulary("missing: a captioner reads the words it writes from vocab.json (the vocabulary file)".into())
            })?;
            Captioner::from_files(config_json, preprocessor, vocab, safetensors)?.into()
        } else if kind.is_vision() {
            let preprocessor = tokenizer_json.ok_or_else(|| {
                super::ModelError::Preprocessor(
                    "missing: a vision model needs its preprocessor_config.json (given in the tokenizer's place)".into(),
                )
            })?;
            Vit::from_files(config_json, preprocessor, safetensors)?.into()
        } else if kind.is_encoder_decoder() {
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
        Ok(if kind == ModelKind::VisionEncoderDecoder {
            Captioner::from_dir(dir)?.into()
        } else if kind.is_vision() {
            Vit::from_dir(dir)?.into()
        } else if kind.is_encoder_decoder() {
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
            LoadedModel::Vision(m) => m.named(name).into(),
            LoadedModel::Captioner(m) => (*m).named(name).into(),
        }
    }

    pub fn name(&self) -> &str {
        match self {
            LoadedModel::Encoder(m) => m.name(),
            LoadedModel::Decoder(m) => m.name(),
            LoadedModel::Seq2Seq(m) => m.name(),
            LoadedModel::Vision(m) => m.name(),
            LoadedModel::Captioner(m) => m.name(),
        }
    }

    /// The model's sizes and how its weights were stored.
    pub fn info(&self) -> ModelInfo {
        match self {
            LoadedModel::Encoder(m) => m.info(),
            LoadedModel::Decoder(m) => m.info(),
            LoadedModel::Seq2Seq(m) => m.info(),
            LoadedModel::Vision(m) => m.info(),
            LoadedModel::Captioner(m) => m.info(),
        }
    }

    /// The tokens the model sees for `text`, cut to its positions (and saying so); an
    /// encoder–decoder's source tokens; none for a vision model or a captioner, which read no text.
    pub fn tokenize(&self, text: &str) -> Encoding {
        match self {
            LoadedModel::Encoder(m) => m.tokenize(text),
            LoadedModel::Decoder(m) => m.tokenize(text),
            LoadedModel::Seq2Seq(m) => m.tokenize(text),
            LoadedModel::Vision(_) | LoadedModel::Captioner(_) => Encoding { tokens: Vec::new(), truncated: None },
        }
    }

    /// Runs the model on `text`: a block per layer (self-attention for an encoder, causal for a
    /// decoder); an encoder–decoder translates it.
    pub fn forward(&self, text: &str) -> ModelResult<Run> {
        match self {
            LoadedModel::Encoder(m) => m.forward(text),
            LoadedModel::Decoder(m) => m.forward(text),
            LoadedModel::Seq2Seq(m) => m.translate(text),
            LoadedModel::Vision(m) => {
                Err(super::ModelError::Image(format!("{} is a vision model: give it a picture, not a text", m.name())))
            }
            LoadedModel::Captioner(m) => {
                Err(super::ModelError::Image(format!("{} is a captioner: give it a picture to describe, not a text", m.name())))
            }
        }
    }

    /// Runs a vision model on a `width × height` picture of RGBA bytes (row-major); a captioner
    /// describes it.
    pub fn forward_image(&self, width: u32, height: u32, rgba: &[u8]) -> Result<Run> {
        match self {
            LoadedModel::Vision(m) => Ok(m.forward_image(width, height, rgba)?),
            LoadedModel::Captioner(m) => Ok(m.caption_image(width, height, rgba)?),
            other => {
                Err(invalid!(Field::Image, "{} reads text, not pictures: load a vision model (ViT, DeiT) or a captioner", other.name()))
            }
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
            LoadedModel::Vision(m) => {
                Err(invalid!(Field::Model, "{} is a vision model: it reads pictures and does not generate text", m.name()))
            }
            LoadedModel::Captioner(m) => Err(invalid!(
                Field::Model,
                "{} is a captioner: it writes what a picture shows (give it a picture) rather than continuing a text",
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

    pub fn vision(&self) -> Option<&Vit> {
        match self {
            LoadedModel::Vision(m) => Some(m),
            _ => None,
        }
    }

    pub fn captioner(&self) -> Option<&Captioner> {
        match self {
            LoadedModel::Captioner(m) => Some(m.as_ref()),
            _ => None,
        }
    }

    fn vectors(&self) -> &dyn VectorSource {
        match self {
            LoadedModel::Encoder(m) => m,
            LoadedModel::Decoder(m) => m,
            LoadedModel::Seq2Seq(m) => m,
            LoadedModel::Vision(m) => m,
            LoadedModel::Captioner(m) => m.as_ref(),
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
