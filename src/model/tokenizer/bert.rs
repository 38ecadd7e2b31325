//! The BERT tokenizer, written to give exactly what Hugging Face's `tokenizers` gives for BERT
//! models: added tokens (`[MASK]`, …) matched verbatim first, then [`normalizer`](super::normalizer), then
//! [`pretokenizer`](super::pretokenizer), then [`wordpiece`](super::wordpiece), then `[CLS] … [SEP]`. Every token carries the UTF-16
//! span of the original text it covers (`[CLS]` and `[SEP]` cover nothing: 0..0).
//!
//! It reads `tokenizer.json` (a WordPiece model with a BERT normaliser and pre-tokenizer) or a
//! bare `vocab.txt`. Truncation and padding settings of `tokenizer.json` are ignored: the only
//! limit is the model's number of positions, and exceeding it is reported.

use std::collections::HashMap;

use serde_json::Value;

use super::added::{AddedToken, AddedTokens, Segment};
use super::normalizer::{normalize, AlignedChar, NormalizerOptions};
use super::pretokenizer::split_words;
use super::wordpiece::{Piece, WordPiece};
use super::{bad, id_table, vocab_of, Encoding, TokenizerModel};
use crate::error::Field;
use crate::model::error::ModelResult;
use crate::text::{utf16_len, Token, Truncation};

/// A WordPiece tokenizer with BERT's normalisation and special tokens.
#[derive(Debug, Clone)]
pub struct BertTokenizer {
    wordpiece: WordPiece,
    normalizer: NormalizerOptions,
    /// Tokens matched verbatim in the typed text before normalisation.
    added: AddedTokens,
    id_to_token: Vec<String>,
    cls_id: u32,
    sep_id: u32,
}

const SPECIAL_TOKENS: [&str; 5] = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"];

impl BertTokenizer {
    /// The tokenizer of a model given as file contents: `tokenizer.json` when given, else
    /// `vocab.txt`.
    pub fn from_files(tokenizer_json: Option<&str>, vocab_txt: Option<&str>) -> ModelResult<Self> {
        match (tokenizer_json, vocab_txt) {
            (Some(json), _) => Self::from_tokenizer_json(json),
            (None, Some(vocab)) => Self::from_vocab_txt(vocab, None),
            (None, None) => Err(bad("give tokenizer.json or vocab.txt with the model")),
        }
    }

    /// The tokenizer of a Hugging Face model folder: its `tokenizer.json`, else its `vocab.txt`.
    #[cfg(not(target_arch = "wasm32"))]
    pub fn from_dir(dir: &std::path::Path) -> ModelResult<Self> {
        let (json, vocab) = super::tokenizer_files(dir)?;
        Self::from_files(json.as_deref(), vocab.as_deref())
    }

    /// Reads a Hugging Face `tokenizer.json` holding a WordPiece model.
    pub fn from_tokenizer_json(text: &str) -> ModelResult<Self> {
        let json: Value = serde_json::from_str(text).map_err(|e| bad(format!("tokenizer.json is not valid JSON ({e})")))?;
        if TokenizerModel::of(&json)? != TokenizerModel::WordPiece {
            return Err(bad("tokenizer.json holds a BPE model; BERT-family encoders need WordPiece"));
        }
        let model = &json["model"];
        let vocab = vocab_of(model)?;
        let text_field = |key: &str, default: &str| model.get(key).and_then(Value::as_str).unwrap_or(default).to_string();
        let unk = text_field("unk_token", "[UNK]");
        let prefix = text_field("continuing_subword_prefix", "##");
        let max_chars = model.get("max_input_chars_per_word").and_then(Value::as_u64).map_or(100, |n| n as usize);
        let normalizer = normalizer_of(json.get("normalizer"))?;
        match json.get("pre_tokenizer").and_then(|p| p.get("type")).and_then(Value::as_str) {
            Some("BertPreTokenizer") => {}
            Some(other) => return Err(bad(format!("tokenizer.json uses the {other} pre-tokenizer; only BertPreTokenizer is supported"))),
            None => return Err(bad("tokenizer.json has no BertPreTokenizer")),
        }
        let added = json
            .get("added_tokens")
            .and_then(Value::as_array)
            .map(|list| {
                list.iter()
                    .filter_map(|t| {
                        let content = t.get("content")?.as_str()?;
                        let id = u32::try_from(t.get("id")?.as_u64()?).ok()?;
                        Some((content.to_string(), id))
                    })
                    .collect::<Vec<_>>()
            })
            .unwrap_or_default();
        Self::build(vocab, added, &unk, prefix, max_chars, normalizer)
    }

    /// Reads a `vocab.txt` (one token per line, the line number is the id). Whether to lowercase
    /// is `lowercase`, or when `None`, guessed: a vocabulary without a capital A–Z outside its
    /// `[…]` special tokens is an uncased one (uncased vocabularies keep a few symbols such as `ℝ`
    /// that Unicode calls uppercase, so only ASCII letters decide).
    pub fn from_vocab_txt(text: &str, lowercase: Option<bool>) -> ModelResult<Self> {
        let mut vocab = HashMap::new();
        for (id, line) in text.lines().enumerate() {
            let token = line.trim_end_matches('\r');
            if !token.is_empty() {
                vocab.insert(token.to_string(), id as u32);
            }
        }
        let lowercase =
            lowercase.unwrap_or_else(|| !vocab.keys().any(|t| !t.starts_with('[') && t.chars().any(|c| c.is_ascii_uppercase())));
        let added = SPECIAL_TOKENS.iter().filter_map(|t| vocab.get(*t).map(|&id| (t.to_string(), id))).collect();
        Self::build(vocab, added, "[UNK]", "##".into(), 100, NormalizerOptions::bert(lowercase))
    }

    fn build(
        vocab: HashMap<String, u32>,
        added: Vec<(String, u32)>,
        unk: &str,
        prefix: String,
        max_input_chars_per_word: usize,
        normalizer: NormalizerOptions,
    ) -> ModelResult<Self> {
        let id_to_token = id_table(&vocab, added.iter().map(|(t, id)| (t.as_str(), *id)))?;
        let find = |name: &str| {
            vocab
                .get(name)
                .copied()
                .or_else(|| added.iter().find(|(t, _)| t == name).map(|(_, id)| *id))
                .ok_or_else(|| bad(format!("the vocabulary has no {name} token")))
        };
        let unk_id = find(unk)?;
        let cls_id = find("[CLS]")?;
        let sep_id = find("[SEP]")?;
        let added = AddedTokens::new(added.into_iter().map(|(content, id)| AddedToken { content, id, special: true }).collect());
        Ok(BertTokenizer {
            wordpiece: WordPiece { vocab, unk_id, prefix, max_input_chars_per_word },
            normalizer,
            added,
            id_to_token,
            cls_id,
            sep_id,
        })
    }

    /// One more than the largest id: the smallest embedding table this tokenizer fits.
    pub fn id_bound(&self) -> usize {
        self.id_to_token.len()
    }

    /// The normalisation this tokenizer applies.
    pub fn normalizer(&self) -> NormalizerOptions {
        self.normalizer
    }

    /// `[CLS]`, the tokens of `text`, `[SEP]`, keeping at most `max_tokens` tokens in all.
    pub fn encode(&self, text: &str, max_tokens: usize) -> Encoding {
        let special = |id: u32| Token { id: Some(id), ..Token::special(&self.id_to_token[id as usize], 0) };
        let mut tokens = vec![special(self.cls_id)];
        let mut chars: Vec<AlignedChar> = Vec::new();
        let mut pieces: Vec<Piece> = Vec::new();
        let mut offset = 0usize;
        for segment in self.added.split(text) {
            match segment {
                Segment::Added(added) => {
                    let len = utf16_len(&added.content);
                    let mut token = special(added.id);
                    token.start = offset;
                    token.end = offset + len;
                    tokens.push(token);
                    offset += len;
                }
                Segment::Text { text: part, .. } => {
                    chars.clear();
                    normalize(part, offset, self.normalizer, &mut chars);
                    for word in split_words(&chars) {
                        pieces.clear();
                        self.wordpiece.split(word, &mut pieces);
                        tokens.extend(pieces.iter().map(|p| Token {
                            id: Some(p.id),
                            ..Token::word(&self.id_to_token[p.id as usize], word[p.from].start, word[p.to - 1].end)
                        }));
                    }
                    offset += part.encode_utf16().count();
                }
            }
        }
        let total = tokens.len() + 1;
        let limit = max_tokens.max(2);
        let truncated = (total > limit).then(|| {
            tokens.truncate(limit - 1);
            Truncation { limit, total, which: Field::Text }
        });
        tokens.push(special(self.sep_id));
        Encoding { tokens, truncated }
    }
}

fn normalizer_of(spec: Option<&Value>) -> ModelResult<NormalizerOptions> {
    let Some(spec) = spec.filter(|s| !s.is_null()) else {
        return Ok(NormalizerOptions::none());
    };
    match spec.get("type").and_then(Value::as_str) {
        Some("BertNormalizer") => {
            let flag = |key: &str| spec.get(key).and_then(Value::as_bool);
            let lowercase = flag("lowercase").unwrap_or(true);
            Ok(NormalizerOptions {
                clean_text: flag("clean_text").unwrap_or(true),
                handle_chinese_chars: flag("handle_chinese_chars").unwrap_or(true),
                strip_accents: flag("strip_accents").unwrap_or(lowercase),
                lowercase,
            })
        }
        other => Err(bad(format!("tokenizer.json uses the {} normalizer; only BertNormalizer is supported", other.unwrap_or("unnamed")))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const VOCAB: &str = "[PAD]\n[UNK]\n[CLS]\n[SEP]\n[MASK]\nthe\nan\n##imal\n,\n'\nt\ndidn\n";

    #[test]
    fn encodes_with_offsets_and_special_tokens() {
        let tok = BertTokenizer::from_vocab_txt(VOCAB, None).unwrap();
        let enc = tok.encode("The Animal didn't [MASK]", 512);
        let texts: Vec<&str> = enc.tokens.iter().map(|t| t.text.as_str()).collect();
        assert_eq!(texts, ["[CLS]", "the", "an", "##imal", "didn", "'", "t", "[MASK]", "[SEP]"]);
        let spans: Vec<(usize, usize)> = enc.tokens.iter().map(|t| (t.start, t.end)).collect();
        assert_eq!(spans[2..4], [(4, 6), (6, 10)]);
        assert_eq!(spans[7], (18, 24));
        assert!(enc.truncated.is_none());
    }

    #[test]
    fn truncates_to_the_limit_and_says_so() {
        let tok = BertTokenizer::from_vocab_txt(VOCAB, None).unwrap();
        let enc = tok.encode("the the the the the", 4);
        assert_eq!(enc.ids(), vec![2, 5, 5, 3]);
        assert_eq!(enc.truncated, Some(Truncation { limit: 4, total: 7, which: Field::Text }));
    }

    #[test]
    fn refuses_a_vocabulary_without_cls() {
        let err = BertTokenizer::from_vocab_txt("[UNK]\n[SEP]\na\n", None).unwrap_err();
        assert!(err.to_string().contains("[CLS]"), "{err}");
    }
}
