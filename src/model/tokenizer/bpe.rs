//! The byte-level BPE tokenizer of GPT-2 and the decoders that took it over, read from a
//! Hugging Face `tokenizer.json` and giving exactly what `tokenizers` gives:
//!
//! 1. added tokens (`<|endoftext|>`, …) typed verbatim are matched first (leftmost, longest);
//! 2. the rest is cut by GPT-2's pattern ([`gpt2_split`](super::gpt2_split));
//! 3. each piece's UTF-8 bytes become the characters of the byte-level alphabet
//!    ([`byte_level`](super::byte_level)), one symbol per byte;
//! 4. the symbols are merged by the ranked merge rules ([`merges`](super::merges)).
//!
//! No token is added around the text. Every token carries the UTF-16 span of the text it covers; a
//! token holding only some of a character's bytes gets the whole character's span, so neighbouring
//! tokens' spans may overlap.

use std::collections::HashMap;

use serde_json::Value;

use super::added::{AddedToken, AddedTokens, Segment};
use super::byte_level::{byte_char, bytes_to_symbols, char_byte};
use super::gpt2_split::split;
use super::merges::{Merges, Symbol};
use super::{bad, id_table, vocab_of, Encoding, TokenizerModel};
use crate::error::Field;
use crate::model::error::ModelResult;
use crate::text::{Token, Truncation};

/// A byte-level BPE tokenizer.
#[derive(Debug, Clone)]
pub struct BpeTokenizer {
    vocab: HashMap<String, u32>,
    /// Every id's vocabulary entry (added tokens included); empty for ids nothing uses.
    id_to_token: Vec<String>,
    merges: Merges,
    /// The id of each byte's one-character symbol, when the vocabulary has it.
    byte_ids: Vec<Option<u32>>,
    /// What a byte without a symbol becomes; without an unknown token it is dropped, as
    /// `tokenizers` does.
    unk: Option<u32>,
    added: AddedTokens,
    /// Cut the text with GPT-2's pattern (`use_regex`); otherwise each stretch of text between
    /// added tokens is one piece.
    split_pattern: bool,
    /// A piece found whole in the vocabulary is one token, merges or not (`ignore_merges`).
    whole_words: bool,
}

impl BpeTokenizer {
    /// The tokenizer of a decoder given as file contents: it needs `tokenizer.json`.
    pub fn from_files(tokenizer_json: Option<&str>, vocab_txt: Option<&str>) -> ModelResult<Self> {
        match (tokenizer_json, vocab_txt) {
            (Some(json), _) => Self::from_tokenizer_json(json),
            (None, Some(_)) => {
                Err(bad("vocab.txt holds a WordPiece vocabulary; GPT-2 and Llama decoders need tokenizer.json with a byte-level BPE model"))
            }
            (None, None) => Err(bad("give tokenizer.json (a byte-level BPE model) with the decoder")),
        }
    }

    /// Reads a Hugging Face `tokenizer.json` holding a byte-level BPE model.
    pub fn from_tokenizer_json(text: &str) -> ModelResult<Self> {
        let json: Value = serde_json::from_str(text).map_err(|e| bad(format!("tokenizer.json is not valid JSON ({e})")))?;
        if TokenizerModel::of(&json)? != TokenizerModel::Bpe {
            return Err(bad("tokenizer.json holds a WordPiece model; GPT-2 and Llama decoders need byte-level BPE"));
        }
        let model = &json["model"];
        check_model_options(model)?;
        let split_pattern = pre_tokenizer_of(json.get("pre_tokenizer"))?;
        check_unsupported(&json)?;
        let vocab = vocab_of(model)?;
        let added = added_tokens_of(json.get("added_tokens"))?;
        let merges = merges_of(model.get("merges"), &vocab, &added)?;
        let id_to_token = id_table(&vocab, added.iter().map(|t| (t.content.as_str(), t.id)))?;
        let unk = match model.get("unk_token").and_then(Value::as_str) {
            None => None,
            Some(name) => {
                Some(*vocab.get(name).ok_or_else(|| bad(format!("tokenizer.json: the unknown token {name:?} is not in the vocabulary")))?)
            }
        };
        let byte_ids = (0..=255u8).map(|b| vocab.get(byte_char(b).encode_utf8(&mut [0; 4]) as &str).copied()).collect();
        let whole_words = model.get("ignore_merges").and_then(Value::as_bool).unwrap_or(false);
        Ok(BpeTokenizer { vocab, id_to_token, merges, byte_ids, unk, added: AddedTokens::new(added), split_pattern, whole_words })
    }

    /// One more than the largest id: the smallest embedding table this tokenizer fits.
    pub fn id_bound(&self) -> usize {
        self.id_to_token.len()
    }

    /// The vocabulary entry of `id` (byte-level symbols, as `"Ġthe"`), or the added token's text.
    pub fn token_text(&self, id: u32) -> &str {
        self.id_to_token.get(id as usize).map_or("", String::as_str)
    }

    /// The id of a vocabulary entry or added token.
    pub fn id_of(&self, token: &str) -> Option<u32> {
        self.vocab.get(token).copied().or_else(|| self.added.iter().find(|t| t.content == token).map(|t| t.id))
    }

    /// Whether `id` is a special added token (`<|endoftext|>`).
    pub fn is_special(&self, id: u32) -> bool {
        self.added.by_id(id).is_some_and(|t| t.special)
    }

    /// The bytes a token stands for: an added token's text, or the bytes of a byte-level entry.
    pub fn token_bytes(&self, id: u32) -> Vec<u8> {
        if let Some(added) = self.added.by_id(id) {
            return added.content.as_bytes().to_vec();
        }
        let mut bytes = Vec::new();
        for c in self.token_text(id).chars() {
            match char_byte(c) {
                Some(b) => bytes.push(b),
                None => bytes.extend_from_slice(c.encode_utf8(&mut [0; 4]).as_bytes()),
            }
        }
        bytes
    }

    /// The text of `ids` (invalid UTF-8 becomes U+FFFD, as `tokenizers` decodes).
    pub fn decode(&self, ids: &[u32]) -> String {
        let bytes: Vec<u8> = ids.iter().flat_map(|&id| self.token_bytes(id)).collect();
        String::from_utf8_lossy(&bytes).into_owned()
    }

    /// The tokens of `text`, keeping at most `max_tokens`.
    pub fn encode(&self, text: &str, max_tokens: usize) -> Encoding {
        let spans = CharSpans::new(text);
        let mut tokens = Vec::new();
        let mut at = 0;
        for segment in self.added.split(text) {
            match segment {
                Segment::Added(added) => {
                    let end = at + added.content.len();
                    tokens.push(Token {
                        text: added.content.clone(),
                        start: spans.start[at],
                        end: spans.end[end - 1],
                        special: added.special,
                        id: Some(added.id),
                    });
                    at = end;
                }
                Segment::Text { text: part, at: offset } => {
                    if self.split_pattern {
                        for piece in split(part) {
                            self.encode_piece(&part.as_bytes()[piece.clone()], offset + piece.start, &spans, &mut tokens);
                        }
                    } else {
                        self.encode_piece(part.as_bytes(), offset, &spans, &mut tokens);
                    }
                    at = offset + part.len();
                }
            }
        }
        let total = tokens.len();
        let limit = max_tokens.max(1);
        let truncated = (total > limit).then(|| {
            tokens.truncate(limit);
            Truncation { limit, total, which: Field::Text }
        });
        Encoding { tokens, truncated }
    }

    /// The tokens of one piece of text: its bytes, starting at byte `offset` of the text.
    fn encode_piece(&self, bytes: &[u8], offset: usize, spans: &CharSpans, out: &mut Vec<Token>) {
        let token = |id: u32, from: usize, to: usize| Token {
            text: self.token_text(id).to_owned(),
            start: spans.start[offset + from],
            end: spans.end[offset + to - 1],
            special: false,
            id: Some(id),
        };
        if self.whole_words {
            if let Some(&id) = self.vocab.get(&bytes_to_symbols(bytes)) {
                out.push(token(id, 0, bytes.len()));
                return;
            }
        }
        let symbols: Vec<Symbol> = bytes
            .iter()
            .enumerate()
            .filter_map(|(i, &b)| self.byte_ids[b as usize].or(self.unk).map(|id| Symbol { id, from: i, to: i + 1 }))
            .collect();
        out.extend(self.merges.apply(symbols).into_iter().map(|s| token(s.id, s.from, s.to)));
    }
}

/// For every byte of a text, the UTF-16 span of the character it belongs to.
struct CharSpans {
    start: Vec<usize>,
    end: Vec<usize>,
}

impl CharSpans {
    fn new(text: &str) -> Self {
        let (mut start, mut end) = (Vec::with_capacity(text.len()), Vec::with_capacity(text.len()));
        let mut utf16 = 0;
        for c in text.chars() {
            let next = utf16 + c.len_utf16();
            for _ in 0..c.len_utf8() {
                start.push(utf16);
                end.push(next);
            }
            utf16 = next;
        }
        CharSpans { start, end }
    }
}

/// Refuses BPE options that would change the tokens: subword affixes, byte fallback, dropout.
fn check_model_options(model: &Value) -> ModelResult<()> {
    for key in ["continuing_subword_prefix", "end_of_word_suffix"] {
        if model.get(key).and_then(Value::as_str).is_some_and(|s| !s.is_empty()) {
            return Err(bad(format!("tokenizer.json sets model.{key}, which byte-level BPE does not use; it is not supported")));
        }
    }
    if model.get("byte_fallback").and_then(Value::as_bool) == Some(true) {
        return Err(bad("tokenizer.json sets model.byte_fallback (a SentencePiece-style BPE); only byte-level BPE is supported"));
    }
    if model.get("dropout").and_then(Value::as_f64).is_some_and(|p| p > 0.0) {
        return Err(bad("tokenizer.json sets BPE dropout, which makes tokens random; set model.dropout to null"));
    }
    Ok(())
}

/// Whether the `ByteLevel` pre-tokenizer cuts with GPT-2's pattern (`use_regex`).
fn pre_tokenizer_of(spec: Option<&Value>) -> ModelResult<bool> {
    let spec = spec.filter(|s| !s.is_null()).ok_or_else(|| bad("tokenizer.json has no pre-tokenizer; byte-level BPE needs ByteLevel"))?;
    match spec.get("type").and_then(Value::as_str) {
        Some("ByteLevel") => {
            if spec.get("add_prefix_space").and_then(Value::as_bool) == Some(true) {
                return Err(bad("tokenizer.json's ByteLevel pre-tokenizer adds a prefix space, which is not supported"));
            }
            Ok(spec.get("use_regex").and_then(Value::as_bool).unwrap_or(true))
        }
        other => Err(bad(format!(
            "tokenizer.json uses the {} pre-tokenizer; byte-level BPE is supported with ByteLevel only",
            other.unwrap_or("unnamed")
        ))),
    }
}

/// Refuses a normaliser or a post-processor that would change the text or add tokens.
fn check_unsupported(json: &Value) -> ModelResult<()> {
    if let Some(kind) = json.get("normalizer").filter(|n| !n.is_null()) {
        let name = kind.get("type").and_then(Value::as_str).unwrap_or("unnamed");
        return Err(bad(format!("tokenizer.json uses the {name} normalizer; byte-level BPE is supported without one")));
    }
    match json.get("post_processor").filter(|p| !p.is_null()) {
        None => Ok(()),
        Some(p) if p.get("type").and_then(Value::as_str) == Some("ByteLevel") => {
            if p.get("trim_offsets").and_then(Value::as_bool) == Some(true) {
                return Err(bad("tokenizer.json's ByteLevel post-processor trims offsets, which is not supported"));
            }
            Ok(())
        }
        Some(p) => Err(bad(format!(
            "tokenizer.json uses the {} post-processor; byte-level BPE is supported with ByteLevel or none",
            p.get("type").and_then(Value::as_str).unwrap_or("unnamed")
        ))),
    }
}

/// The merge rules, in either form `tokenizers` writes: `"a b"` strings or `["a", "b"]` pairs.
/// An empty list is a character-level vocabulary (as the models trained here have): allowed only
/// when every entry but the added tokens is one character, since a longer one could never be
/// reached without merges.
fn merges_of(list: Option<&Value>, vocab: &HashMap<String, u32>, added: &[AddedToken]) -> ModelResult<Merges> {
    let character_level = || vocab.keys().all(|t| t.chars().nth(1).is_none() || added.iter().any(|a| a.content == *t));
    let list = list
        .and_then(Value::as_array)
        .filter(|l| !l.is_empty() || character_level())
        .ok_or_else(|| bad("tokenizer.json has a BPE model without merges (model.merges): byte-level BPE needs its merge rules"))?;
    let mut merges = Merges::default();
    for (rank, entry) in list.iter().enumerate() {
        let (left, right) = match entry {
            Value::String(s) => {
                let mut parts = s.split(' ');
                match (parts.next(), parts.next(), parts.next()) {
                    (Some(a), Some(b), None) => (a, b),
                    _ => return Err(bad(format!("tokenizer.json: merge {rank} ({s:?}) is not two tokens separated by one space"))),
                }
            }
            Value::Array(pair) => match pair.as_slice() {
                [Value::String(a), Value::String(b)] => (a.as_str(), b.as_str()),
                _ => return Err(bad(format!("tokenizer.json: merge {rank} is not a pair of tokens"))),
            },
            _ => return Err(bad(format!("tokenizer.json: merge {rank} is neither \"a b\" nor [a, b]"))),
        };
        let id = |token: &str| {
            vocab.get(token).copied().ok_or_else(|| {
                bad(format!("tokenizer.json: merge {rank} ({left:?} + {right:?}) needs {token:?}, which is not in the vocabulary"))
            })
        };
        merges.push(id(left)?, id(right)?, id(&format!("{left}{right}"))?);
    }
    Ok(merges)
}

fn added_tokens_of(list: Option<&Value>) -> ModelResult<Vec<AddedToken>> {
    let Some(list) = list.and_then(Value::as_array) else { return Ok(Vec::new()) };
    list.iter()
        .map(|t| {
            let content = t.get("content").and_then(Value::as_str).ok_or_else(|| bad("tokenizer.json: an added token has no content"))?;
            let id = t
                .get("id")
                .and_then(Value::as_u64)
                .and_then(|id| u32::try_from(id).ok())
                .ok_or_else(|| bad(format!("tokenizer.json: the added token {content:?} has no whole-number id")))?;
            for flag in ["lstrip", "rstrip", "single_word"] {
                if t.get(flag).and_then(Value::as_bool) == Some(true) {
                    return Err(bad(format!("tokenizer.json: the added token {content:?} sets {flag}, which is not supported")));
                }
            }
            let special = t.get("special").and_then(Value::as_bool).unwrap_or(false);
            Ok(AddedToken { content: content.to_owned(), id, special })
        })
        .collect()
}
