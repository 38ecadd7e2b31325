//! Pretrained BERT-family encoders (BERT, MiniLM, DistilBERT) from Hugging Face files:
//! `config.json`, `tokenizer.json` or `vocab.txt`, and `model.safetensors` (F32, F16 or BF16).
//!
//! ```no_run
//! # fn files() -> (String, String, Vec<u8>) { unimplemented!() }
//! use attention_playground::model::Model;
//! let (config, tokenizer, weights) = files();
//! let model = Model::from_files(&config, Some(&tokenizer), None, &weights).unwrap();
//! let trace = model.forward("The animal didn't cross the street.").unwrap();
//! let first_head = trace.weights(0, 0).unwrap(); // [query][key], rows sum to 1
//! # let _ = first_head;
//! ```
pub mod bert;
pub mod config;
pub mod error;
pub mod ops;
pub mod safetensors;
pub mod tokenizer;
pub mod trace;
pub mod weights;

pub use bert::Model;
pub use config::{Activation, Architecture, ModelConfig};
pub use error::{ModelError, ModelResult};
pub use tokenizer::{BertTokenizer, Encoding, ModelToken, Truncation};
pub use trace::{HeadRecord, ModelTrace};
