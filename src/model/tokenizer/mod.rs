//! The models' tokenizers, each written to give exactly what Hugging Face's `tokenizers` gives:
//! WordPiece with BERT's normalisation for the encoders ([`bert`]), byte-level BPE for the
//! decoders ([`bpe`]). Which one a `tokenizer.json` holds is read in one place
//! ([`TokenizerModel::of`]); [`Tokenizer`] is either, for callers that take any model's files.
//! Every token carries the UTF-16 span of the original text it covers.

pub mod added;
pub mod bert;
pub mod bpe;
pub mod byte_level;
pub mod gpt2_split;
pub mod merges;
pub mod normalizer;
pub mod pretokenizer;
pub mod wordpiece;

use std::collections::HashMap;

use serde_json::Value;

use super::error::{ModelError, ModelResult};
use crate::text::Token;
pub use bert::BertTokenizer;
pub use bpe::BpeTokenizer;

/// The tokens of a text, ready for the model.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[cfg_attr(feature = "typescript", derive(ts_rs::TS))]
pub struct Encoding {
    /// Every token carries its vocabulary id.
    pub tokens: Vec<Token>,
    /// Set when the text had more tokens than the limit; the counts include the tokens the
    /// tokenizer adds (an encoder's `[CLS]` and `[SEP]`).
    pub truncated: Option<crate::text::Truncation>,
}

impl Encoding {
    /// The vocabulary ids, in order.
    pub fn ids(&self) -> Vec<u32> {
        self.tokens.iter().map(|t| t.id.expect("a model's tokens carry their ids")).collect()
    }
}

/// The tokenization model a `tokenizer.json` holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TokenizerModel {
    /// WordPiece, as BERT-family encoders use.
    WordPiece,
    /// Byte-pair encoding, as GPT-2 and Llama decoders use.
    Bpe,
}

impl TokenizerModel {
    /// Reads `model.type` of a parsed `tokenizer.json` (a file without one holds WordPiece, as
    /// old BERT files do); other models are refused here.
    pub fn of(json: &Value) -> ModelResult<Self> {
        let model = json.get("model").filter(|m| m.is_object()).ok_or_else(|| bad("tokenizer.json has no model"))?;
        match model.get("type").and_then(Value::as_str) {
            None | Some("WordPiece") => Ok(TokenizerModel::WordPiece),
            Some("BPE") => Ok(TokenizerModel::Bpe),
            Some(other) => Err(bad(format!(
                "tokenizer.json holds a {other} model; WordPiece (BERT-family encoders) and byte-level BPE \
                 (GPT-2 and Llama decoders) are supported"
            ))),
        }
    }
}

/// The tokenizer files of a model folder, `tokenizer.json` and `vocab.txt`, as far as they exist
/// (at least one must).
#[cfg(not(target_arch = "wasm32"))]
pub(crate) fn tokenizer_files(dir: &std::path::Path) -> ModelResult<(Option<String>, Option<String>)> {
    let (json, vocab) = (read_text(dir, "tokenizer.json")?, read_text(dir, "vocab.txt")?);
    if json.is_none() && vocab.is_none() {
        return Err(ModelError::File {
            path: dir.display().to_string(),
            problem: "the folder has neither tokenizer.json nor vocab.txt".into(),
        });
    }
    Ok((json, vocab))
}

/// A text file of a model folder: `None` when it is not there, an error naming it when it cannot
/// be read or is not UTF-8 (a vocabulary in another encoding must not pass for a missing one).
#[cfg(not(target_arch = "wasm32"))]
fn read_text(dir: &std::path::Path, name: &str) -> ModelResult<Option<String>> {
    let path = dir.join(name);
    let file = |problem: String| ModelError::File { path: path.display().to_string(), problem };
    match crate::limits::read_model_file(&path) {
        Ok(bytes) => String::from_utf8(bytes)
            .map(Some)
            .map_err(|e| file(format!("not UTF-8 text (the byte at offset {} is not valid UTF-8)", e.utf8_error().valid_up_to()))),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(file(e.to_string())),
    }
}

/// Any model's tokenizer, chosen by what its files hold.
#[derive(Debug, Clone)]
pub enum Tokenizer {
    WordPiece(BertTokenizer),
    /// Boxed: its merge tables make it much larger than a WordPiece tokenizer's handle.
    Bpe(Box<BpeTokenizer>),
}

impl Tokenizer {
    /// The tokenizer of a model given as file contents: `tokenizer.json` (WordPiece or BPE, by
    /// its model type) when given, else `vocab.txt` (WordPiece).
    pub fn from_files(tokenizer_json: Option<&str>, vocab_txt: Option<&str>) -> ModelResult<Self> {
        let Some(json) = tokenizer_json else {
            return BertTokenizer::from_files(None, vocab_txt).map(Tokenizer::WordPiece);
        };
        let parsed: Value = serde_json::from_str(json).map_err(|e| bad(format!("tokenizer.json is not valid JSON ({e})")))?;
        match TokenizerModel::of(&parsed)? {
            TokenizerModel::WordPiece => BertTokenizer::from_tokenizer_json(json).map(Tokenizer::WordPiece),
            TokenizerModel::Bpe => BpeTokenizer::from_tokenizer_json(json).map(|t| Tokenizer::Bpe(Box::new(t))),
        }
    }

    /// The tokenizer of a Hugging Face model folder: its `tokenizer.json`, else its `vocab.txt`.
    #[cfg(not(target_arch = "wasm32"))]
    pub fn from_dir(dir: &std::path::Path) -> ModelResult<Self> {
        let (json, vocab) = tokenizer_files(dir)?;
        Self::from_files(json.as_deref(), vocab.as_deref())
    }

    /// The tokens of `text`, keeping at most `max_tokens` (an encoder's `[CLS]` and `[SEP]`
    /// included).
    pub fn encode(&self, text: &str, max_tokens: usize) -> Encoding {
        match self {
            Tokenizer::WordPiece(t) => t.encode(text, max_tokens),
            Tokenizer::Bpe(t) => t.encode(text, max_tokens),
        }
    }

    /// One more than the largest id.
    pub fn id_bound(&self) -> usize {
        match self {
            Tokenizer::WordPiece(t) => t.id_bound(),
            Tokenizer::Bpe(t) => t.id_bound(),
        }
    }
}

pub(crate) fn bad(message: impl Into<String>) -> ModelError {
    ModelError::Tokenizer(message.into())
}

/// Every id's token, from the vocabulary and the added tokens (an added token wins); ids nothing
/// uses stay empty. Refuses an empty vocabulary, and ids far beyond the number of entries (a
/// corrupt file would otherwise reserve memory for them).
/// The `model.vocab` object of a `tokenizer.json` (WordPiece or BPE): token → id.
pub(crate) fn vocab_of(model: &Value) -> ModelResult<HashMap<String, u32>> {
    model
        .get("vocab")
        .and_then(Value::as_object)
        .ok_or_else(|| bad("tokenizer.json has no model.vocab object"))?
        .iter()
        .map(|(token, id)| match id.as_u64().and_then(|id| u32::try_from(id).ok()) {
            Some(id) => Ok((token.clone(), id)),
            None => Err(bad(format!("tokenizer.json: the vocabulary id of {token:?} is not a whole number"))),
        })
        .collect()
}

pub(crate) fn id_table<'a>(vocab: &HashMap<String, u32>, added: impl Iterator<Item = (&'a str, u32)> + Clone) -> ModelResult<Vec<String>> {
    let entries = vocab.len() + added.clone().count();
    let size = vocab.values().copied().chain(added.clone().map(|(_, id)| id)).max().map_or(0, |m| m as usize + 1);
    if entries == 0 {
        return Err(bad("the vocabulary is empty"));
    }
    if size > 2 * entries + 1024 {
        return Err(bad(format!("the vocabulary has {entries} entries but ids up to {}: it is corrupt", size - 1)));
    }
    let mut id_to_token = vec![String::new(); size];
    for (token, &id) in vocab {
        id_to_token[id as usize] = token.clone();
    }
    for (token, id) in added {
        id_to_token[id as usize] = token.to_owned();
    }
    Ok(id_to_token)
}
