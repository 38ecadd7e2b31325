//! Pretrained models from Hugging Face files: BERT-family encoders (BERT, MiniLM, DistilBERT;
//! `config.json`, `tokenizer.json` or `vocab.txt`, `model.safetensors` in F32, F16 or BF16) and
//! GPT-2 and Llama decoders ([`decoder`]; `tokenizer.json` with a byte-level BPE model), and the
//! project's own encoder–decoder translation models ([`seq2seq`]; `vocab.json`).
//! [`LoadedModel`] is any of them, chosen by `config.json`'s `model_type` ([`kind`]).
//!
//! ```no_run
//! use attention_playground::model::Model;
//! let dir = std::path::Path::new("models/all-MiniLM-L6-v2");
//! let config = std::fs::read_to_string(dir.join("config.json")).unwrap();
//! let tokenizer = std::fs::read_to_string(dir.join("tokenizer.json")).unwrap();
//! let weights = std::fs::read(dir.join("model.safetensors")).unwrap();
//! let model = Model::from_files(&config, Some(&tokenizer), None, &weights).unwrap();
//! let run = model.forward("The animal didn't cross the street.").unwrap();
//! let first_head = &run.head(0, 0).unwrap().weights; // [query][key], rows sum to 1
//! assert_eq!(first_head.nrows(), run.sequences[0].tokens.len());
//! ```
//!
//! See `docs/model.md` for what is supported, the numerics and how the reference fixtures are made.
pub mod bert;
pub mod captioner;
pub mod config;
pub mod decoder;
pub mod error;
pub mod info;
pub mod kind;
mod kv_cache;
pub mod loaded;
pub mod ops;
pub mod packed;
pub mod safetensors;
pub mod seq2seq;
pub mod tokenizer;
pub mod vit;
pub mod weights;

pub use bert::Model;
pub use captioner::{Captioner, CaptionerConfig};
pub use config::{Activation, Architecture, ModelConfig};
pub use decoder::{Decoder, DecoderConfig, DecoderTrace};
pub use error::{ModelError, ModelResult};
pub use info::ModelInfo;
pub use kind::ModelKind;
pub use loaded::LoadedModel;
pub use seq2seq::{Seq2Seq, Seq2SeqConfig};
pub use tokenizer::{BertTokenizer, BpeTokenizer, Encoding, Tokenizer};
pub use vit::Vit;
