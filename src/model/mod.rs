//! Pretrained BERT-family encoders (BERT, MiniLM, DistilBERT) from Hugging Face files:
//! `config.json`, `tokenizer.json` or `vocab.txt`, and `model.safetensors` (F32, F16 or BF16).
pub mod config;
pub mod error;
pub mod safetensors;
pub mod tokenizer;

pub use config::{Activation, Architecture, ModelConfig};
pub use error::{ModelError, ModelResult};
pub use tokenizer::{BertTokenizer, Encoding, ModelToken, Truncation};
