//! A vision encoder–decoder (`"model_type": "vision-encoder-decoder"`): the project's captioner,
//! trained by `training/train_captioner.py` and described in docs/trained-models.md. It composes
//! the two pieces the core already has: the vision transformer ([`Vit`]) encodes the picture, and
//! the Transformer decoder of the translation models ([`TransformerDecoder`]) writes the caption
//! greedily, its cross-attention reading the encoder's output (`[CLS]` and the patches, after the
//! final layer norm) exactly as it reads a source text's.
//!
//! Files: `config.json` (the ViT's config under `encoder`, the decoder's sizes and ids under
//! `decoder`), `preprocessor_config.json`, `vocab.json` (`{"target": [...]}`, the words it writes)
//! and `model.safetensors` (the ViT's tensors under `vit.`, the decoder's named as the translation
//! Transformer's).
//!
//! The run is the one run shape with the picture as the source: sequence 0 is `[CLS]` and the
//! patches (role `patches`), sequence 1 the caption (role `target`); the blocks are the ViT's
//! self-attention per layer, then per decoder layer a causal block and a cross-attention block
//! (caption × patches). `generation` keeps every step, `vision` the patch grid, `translation` the
//! decoder's architecture.

use serde_json::Value;

use super::error::{ModelError, ModelResult};
use super::info::ModelInfo;
use super::kind::{parse_object, ModelKind};
use super::safetensors::SafeTensors;
use super::seq2seq::config::{special, transformer_sizes, MAX_VOCABULARY};
use super::seq2seq::{generation, DecodingLimits, Seq2SeqArchitecture, TransformerDecoder, TransformerSizes, Unit, Vocabulary};
use super::vit::{EncodedImage, Vit};
use super::weights::{Reader, StoredAs};
use crate::error::invalid;
use crate::generation::MAX_STEPS;
use crate::model::config::size_at_most;
use crate::run::{Role, Run, Sequence, SourceInfo, SourceKind};
use crate::toy::{TokenVectors, VectorSource};
use crate::translation::Translation;
use crate::vision::Vision;

/// What the captioner's `config.json` says of its decoder.
#[derive(Debug, Clone, PartialEq)]
pub struct CaptionerConfig {
    /// One line for the page (`description`), when the file has one.
    pub description: Option<String>,
    pub pad_id: u32,
    pub bos_id: u32,
    pub eos_id: u32,
    pub target_vocab_size: usize,
    /// Most decoding steps, the final `<eos>` included.
    pub max_output_length: usize,
    pub sizes: TransformerSizes,
}

/// A loaded captioner.
#[derive(Debug, Clone)]
pub struct Captioner {
    name: String,
    config: CaptionerConfig,
    encoder: Vit,
    decoder: TransformerDecoder,
    vocabulary: Vocabulary,
    parameters: usize,
    stored_as: StoredAs,
}

impl CaptionerConfig {
    /// Parses `config.json`: the encoder's config (as its own text, for [`Vit`]) and the
    /// decoder's settings, every size checked.
    pub fn from_json(text: &str) -> ModelResult<(String, CaptionerConfig)> {
        let map = parse_object(text)?;
        let kind = ModelKind::of_config(&map)?;
        if kind != ModelKind::VisionEncoderDecoder {
            return Err(ModelError::Config(format!("model_type '{}' is not a vision encoder–decoder", kind.name())));
        }
        let object = |key: &str| match map.get(key) {
            Some(Value::Object(inner)) => Ok(inner),
            _ => Err(ModelError::Config(format!("missing {key}: a vision encoder–decoder has an {key} object (its own config)"))),
        };
        let encoder = Value::Object(object("encoder")?.clone()).to_string();
        let decoder = object("decoder")?;
        let target_vocab_size = size_at_most(decoder, "target_vocab_size", MAX_VOCABULARY)?;
        let config = CaptionerConfig {
            description: map.get("description").and_then(Value::as_str).map(str::to_owned),
            pad_id: special(decoder, "pad_id", target_vocab_size)?,
            bos_id: special(decoder, "bos_id", target_vocab_size)?,
            eos_id: special(decoder, "eos_id", target_vocab_size)?,
            target_vocab_size,
            max_output_length: size_at_most(decoder, "max_output_length", MAX_STEPS as u32)?,
            sizes: transformer_sizes(decoder, false)?,
        };
        let ids = [config.pad_id, config.bos_id, config.eos_id];
        if (1..ids.len()).any(|i| ids[..i].contains(&ids[i])) {
            return Err(ModelError::Config(format!("decoder's pad_id, bos_id and eos_id must differ, found {ids:?}")));
        }
        Ok((encoder, config))
    }
}

impl Captioner {
    /// Loads a captioner from the contents of `config.json`, `preprocessor_config.json`,
    /// `vocab.json` and `model.safetensors`.
    pub fn from_files(config_json: &str, preprocessor_json: &str, vocab_json: &str, safetensors: &[u8]) -> ModelResult<Captioner> {
        let (encoder_json, config) = CaptionerConfig::from_json(config_json)?;
        let encoder = Vit::from_files(&encoder_json, preprocessor_json, safetensors)?;
        let width = encoder.config().hidden_size;
        if width != config.sizes.d_model {
            return Err(ModelError::Config(format!(
                "the decoder's d_model {} differs from the encoder's hidden_size {width}: cross-attention reads the encoder's rows",
                config.sizes.d_model
            )));
        }
        let vocabulary = Vocabulary::target_only(vocab_json, config.target_vocab_size)?;
        let file = SafeTensors::parse(safetensors)?;
        let r = Reader::new(&file, "");
        let decoder = TransformerDecoder::load(&config.sizes, config.target_vocab_size, &r)?;
        let encoder_info = encoder.info();
        let stored_as = if encoder_info.dtype == r.stored_as() { r.stored_as() } else { StoredAs::Mixed };
        let parameters = encoder_info.parameters + r.parameters();
        Ok(Captioner { name: "captioner".to_owned(), config, encoder, decoder, vocabulary, parameters, stored_as })
    }

    /// Loads a model folder: `config.json`, `preprocessor_config.json`, `vocab.json`,
    /// `model.safetensors`.
    #[cfg(not(target_arch = "wasm32"))]
    pub fn from_dir(dir: &std::path::Path) -> ModelResult<Captioner> {
        let read = |name: &str| {
            crate::limits::read_model_file(&dir.join(name)).map_err(|e| ModelError::File {
                path: dir.join(name).display().to_string(),
                problem: format!(
                    "{e} (a captioner's folder holds config.json, preprocessor_config.json, vocab.json and model.safetensors)"
                ),
            })
        };
        let text = |name: &str| read(name).map(|bytes| String::from_utf8_lossy(&bytes).into_owned());
        let model =
            Self::from_files(&text("config.json")?, &text("preprocessor_config.json")?, &text("vocab.json")?, &read("model.safetensors")?)?;
        let folder = dir.canonicalize().ok().and_then(|d| d.file_name().map(|n| n.to_string_lossy().into_owned()));
        Ok(match folder {
            Some(name) => model.named(name),
            None => model,
        })
    }

    /// The model under another name.
    pub fn named(mut self, name: impl Into<String>) -> Captioner {
        self.name = name.into();
        self
    }

    pub fn name(&self) -> &str {
        &self.name
    }

    pub fn config(&self) -> &CaptionerConfig {
        &self.config
    }

    /// The vision transformer that reads the picture.
    pub fn encoder(&self) -> &Vit {
        &self.encoder
    }

    pub fn vocabulary(&self) -> &Vocabulary {
        &self.vocabulary
    }

    /// The model's sizes: `layers` and `heads` the decoder's, `vocabSize` the words it writes,
    /// `maxPositions` the picture's tokens (`[CLS]` and the patches).
    pub fn info(&self) -> ModelInfo {
        let (s, vit) = (&self.config.sizes, self.encoder.config());
        ModelInfo {
            architecture: "vision-encoder-decoder",
            kind: SourceKind::Captioner,
            layers: s.decoder_layers,
            heads: s.heads,
            kv_heads: s.heads,
            hidden: s.d_model,
            d_k: s.head_dim(),
            vocab_size: self.config.target_vocab_size,
            max_positions: vit.tokens(),
            dtype: self.stored_as,
            parameters: self.parameters,
        }
    }

    /// Describes a `width × height` picture of RGBA bytes (row-major; transparency composited
    /// onto white): the encoder's blocks, then greedy decoding from `<bos>` until `<eos>` or
    /// `max_output_length` steps.
    pub fn caption_image(&self, width: u32, height: u32, rgba: &[u8]) -> ModelResult<Run> {
        let EncodedImage { hidden, mut blocks, patches } = self.encoder.encode_image(width, height, rgba)?;
        let c = &self.config;
        let limits = DecodingLimits { bos_id: c.bos_id, eos_id: c.eos_id, max_output_length: c.max_output_length };
        let decoded = self.decoder.decode(&hidden, limits)?;
        blocks.extend(decoded.blocks);
        let chosen: Vec<u32> = decoded.steps.iter().map(|s| s.id).collect();
        let (caption, text) = self.vocabulary.decode_target(&chosen, [c.pad_id, c.bos_id, c.eos_id], Unit::Words);
        Ok(Run {
            source: SourceInfo { name: self.name.clone(), kind: SourceKind::Captioner, trained: true },
            sequences: vec![
                Sequence { role: Role::Patches, tokens: self.encoder.tokens() },
                Sequence { role: Role::Target, tokens: caption },
            ],
            blocks,
            d_model: c.sizes.d_model,
            truncated: None,
            pooled: None,
            generation: Some(generation(decoded.steps, text, c.eos_id, self.vocabulary.target())),
            translation: Some(Translation { architecture: Seq2SeqArchitecture::Transformer, unknown: Vec::new(), no_attention: None }),
            vision: Some(Vision { patches, prediction: None }),
        })
    }
}

/// A captioner reads pictures: it has no word embeddings for the toy.
impl VectorSource for Captioner {
    fn token_vectors(&self, _text: &str, _limit: usize) -> crate::error::Result<(TokenVectors, usize)> {
        Err(invalid!(Field::Model, "{} is a captioner: it reads pictures and has no word embeddings for the toy", self.name))
    }

    fn width(&self) -> Option<usize> {
        None
    }

    fn describe(&self) -> String {
        format!("{} (a captioner)", self.name)
    }

    fn source_name(&self) -> String {
        self.describe()
    }
}
