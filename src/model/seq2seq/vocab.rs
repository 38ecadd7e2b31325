//! An encoder–decoder's two vocabularies (`vocab.json`: `{"source": [...], "target": [...]}`,
//! token strings by id) and its tokenization: the source text cut into characters or words as
//! `config.json` says, each token with the UTF-16 span of the typed text it came from; the target
//! ids turned back into text.
//!
//! Source text, as docs/trained-models.md fixes it: lower-case (Unicode's default lower-casing);
//! for words, U+2019 becomes an apostrophe and every other ASCII punctuation character a space;
//! split at runs of white space. Characters: every character of the words joined by one space is a
//! token. Words: every word is a token, looked up whole. What the vocabulary lacks becomes
//! `<unk>` and is reported.

use std::collections::HashMap;

use serde_json::Value;

use super::config::{Seq2SeqConfig, Unit};
use crate::error::Field;
use crate::model::error::{ModelError, ModelResult};
use crate::model::tokenizer::Encoding;
use crate::text::{utf16_len, Token, Truncation};
use crate::translation::UnknownToken;

/// The source and target vocabularies.
#[derive(Debug, Clone)]
pub struct Vocabulary {
    source: Vec<String>,
    target: Vec<String>,
    /// Source token → id.
    source_ids: HashMap<String, u32>,
}

/// The source tokens of a text, ready for the encoder, and those the vocabulary lacks.
#[derive(Debug, Clone, PartialEq)]
pub struct SourceEncoding {
    /// The tokens (ids included), `<eos>` last, and whether the text was cut.
    pub encoding: Encoding,
    /// The tokens read as `<unk>`.
    pub unknown: Vec<UnknownToken>,
}

/// A piece of the normalised text and the UTF-16 span of the typed text it came from.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Piece {
    text: String,
    start: usize,
    end: usize,
}

impl Vocabulary {
    /// Reads `vocab.json`, checking it against `config.json`'s sizes.
    pub fn from_json(text: &str, config: &Seq2SeqConfig) -> ModelResult<Vocabulary> {
        const SHAPE: &str = "{\"source\": [...], \"target\": [...]}";
        let map = vocabulary_object(text, SHAPE)?;
        let source = token_list(&map, "source", config.source_vocab_size, "source_vocab_size", SHAPE)?;
        let target = token_list(&map, "target", config.target_vocab_size, "target_vocab_size", SHAPE)?;
        let mut source_ids = HashMap::with_capacity(source.len());
        for (id, token) in source.iter().enumerate() {
            if let Some(first) = source_ids.insert(token.clone(), id as u32) {
                return Err(ModelError::Vocabulary(format!(
                    "source lists {token:?} twice (ids {first} and {id}): a token must have one id"
                )));
            }
        }
        Ok(Vocabulary { source, target, source_ids })
    }

    /// Reads the `vocab.json` of a model that writes text but reads none (a captioner):
    /// `{"target": [...]}`, `target_vocab_size` tokens.
    pub fn target_only(text: &str, target_vocab_size: usize) -> ModelResult<Vocabulary> {
        const SHAPE: &str = "{\"target\": [...]}";
        let map = vocabulary_object(text, SHAPE)?;
        let target = token_list(&map, "target", target_vocab_size, "target_vocab_size", SHAPE)?;
        Ok(Vocabulary { source: Vec::new(), target, source_ids: HashMap::new() })
    }

    /// The source tokens by id.
    pub fn source(&self) -> &[String] {
        &self.source
    }

    /// The target tokens by id.
    pub fn target(&self) -> &[String] {
        &self.target
    }

    /// A target token's string (`""` for an id outside the vocabulary).
    pub fn target_text(&self, id: u32) -> &str {
        self.target.get(id as usize).map_or("", String::as_str)
    }

    /// The source tokens of `text`: its pieces (at most `max_source_length − 1`, the rest only
    /// counted), then `<eos>`. A piece the vocabulary lacks gets `<unk>`'s id, keeps its text, and
    /// is listed in `unknown`.
    pub fn encode_source(&self, text: &str, config: &Seq2SeqConfig) -> SourceEncoding {
        let pieces = pieces(text, config.source_unit, config.lowercase);
        let total = pieces.len() + 1;
        let keep = config.max_source_length - 1;
        let truncated =
            (total > config.max_source_length).then_some(Truncation { limit: config.max_source_length, total, which: Field::Text });
        let mut unknown = Vec::new();
        let mut tokens: Vec<Token> = pieces
            .into_iter()
            .take(keep)
            .enumerate()
            .map(|(index, piece)| {
                let id = self.source_ids.get(&piece.text).copied().unwrap_or_else(|| {
                    unknown.push(UnknownToken { index, text: piece.text.clone() });
                    config.unk_id
                });
                Token { text: piece.text, start: piece.start, end: piece.end, special: false, id: Some(id) }
            })
            .collect();
        let eos = self.source.get(config.eos_id as usize).map_or("<eos>", String::as_str);
        tokens.push(Token { id: Some(config.eos_id), ..Token::special(eos, utf16_len(text)) });
        SourceEncoding { encoding: Encoding { tokens, truncated }, unknown }
    }

    /// The target tokens of `ids` and the text they make: characters concatenated, or words
    /// joined by one space (none after a word ending in an apostrophe, `l'` + `aime` → `l'aime`).
    /// `<pad>`, `<bos>` and `<eos>` add nothing (special tokens with an empty span); every span is
    /// a UTF-16 range of the text.
    /// `specials`: the ids of `<pad>`, `<bos>` and `<eos>`; `unit`: how the target is cut.
    pub fn decode_target(&self, ids: &[u32], specials: [u32; 3], unit: Unit) -> (Vec<Token>, String) {
        let mut text = String::new();
        let mut at = 0;
        let tokens = ids
            .iter()
            .map(|&id| {
                let piece = self.target_text(id);
                if specials.contains(&id) {
                    return Token { id: Some(id), ..Token::special(piece, at) };
                }
                if unit == Unit::Words && !text.is_empty() && !text.ends_with('\'') {
                    text.push(' ');
                    at += 1;
                }
                let start = at;
                text.push_str(piece);
                at += utf16_len(piece);
                Token { id: Some(id), ..Token::word(piece, start, at) }
            })
            .collect();
        (tokens, text)
    }
}

/// `vocab.json` as a JSON object (`shape`: what it should hold, for messages).
fn vocabulary_object(text: &str, shape: &str) -> ModelResult<serde_json::Map<String, Value>> {
    let value: Value = serde_json::from_str(text).map_err(|e| ModelError::Vocabulary(format!("not valid JSON ({e})")))?;
    match value {
        Value::Object(map) => Ok(map),
        _ => Err(ModelError::Vocabulary(format!("expected an object {shape}"))),
    }
}

/// The list of `size` token strings under `key` (`size_key`: the config.json entry that says how many).
fn token_list(map: &serde_json::Map<String, Value>, key: &str, size: usize, size_key: &str, shape: &str) -> ModelResult<Vec<String>> {
    let bad = |message: String| ModelError::Vocabulary(message);
    let entries = match map.get(key) {
        Some(Value::Array(entries)) => entries,
        Some(other) => return Err(bad(format!("{key} must be a list of token strings, found {}", kind_of(other)))),
        None => return Err(bad(format!("missing {key}: expected an object {shape}"))),
    };
    if entries.len() != size {
        return Err(bad(format!("{key} has {} tokens but config.json says {size_key} {size}", entries.len())));
    }
    entries
        .iter()
        .enumerate()
        .map(|(i, entry)| entry.as_str().map(str::to_owned).ok_or_else(|| bad(format!("{key}[{i}] must be a string, found {entry}"))))
        .collect()
}

/// What a JSON value is, for messages.
fn kind_of(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "a list",
        Value::Object(_) => "an object",
    }
}

/// A character of the typed text after lower-casing (one character may become several, İ → i̇),
/// with its UTF-16 span.
struct Normalised {
    c: char,
    start: usize,
    end: usize,
}

/// The typed text lower-cased (when asked) character by character, each resulting character
/// with the span of the typed character it came from. `str::to_lowercase` gives the characters
/// (Σ depends on its neighbours); every other character lower-cases alone, so the two walk in
/// step.
fn normalised(text: &str, lowercase: bool) -> Vec<Normalised> {
    let lower = if lowercase { text.to_lowercase() } else { text.to_owned() };
    let mut lowered = lower.chars();
    let mut out = Vec::with_capacity(text.len());
    let mut at = 0;
    for c in text.chars() {
        let (start, end) = (at, at + c.len_utf16());
        at = end;
        let count = if !lowercase || c == 'Σ' { 1 } else { c.to_lowercase().count() };
        out.extend(lowered.by_ref().take(count).map(|c| Normalised { c, start, end }));
    }
    out
}

/// ASCII punctuation that separates words (the apostrophe does not: `don't` is one word).
fn separates_words(c: char) -> bool {
    c.is_ascii_punctuation() && c != '\''
}

/// The pieces of `text`: its words (white space, and for words punctuation, separate them), or the
/// characters of its words joined by single spaces (a space piece spans the white space it
/// replaces).
fn pieces(text: &str, unit: Unit, lowercase: bool) -> Vec<Piece> {
    let mut words: Vec<Vec<Normalised>> = Vec::new();
    let mut current: Vec<Normalised> = Vec::new();
    for mut n in normalised(text, lowercase) {
        if unit == Unit::Words && n.c == '\u{2019}' {
            n.c = '\'';
        }
        if n.c.is_whitespace() || (unit == Unit::Words && separates_words(n.c)) {
            if !current.is_empty() {
                words.push(std::mem::take(&mut current));
            }
        } else {
            current.push(n);
        }
    }
    if !current.is_empty() {
        words.push(current);
    }
    let span = |word: &[Normalised]| (word[0].start, word[word.len() - 1].end);
    match unit {
        Unit::Words => words
            .iter()
            .map(|word| {
                let (start, end) = span(word);
                Piece { text: word.iter().map(|n| n.c).collect(), start, end }
            })
            .collect(),
        Unit::Chars => {
            let mut out = Vec::new();
            for (i, word) in words.iter().enumerate() {
                if i > 0 {
                    out.push(Piece { text: " ".into(), start: span(&words[i - 1]).1, end: span(word).0 });
                }
                out.extend(word.iter().map(|n| Piece { text: n.c.to_string(), start: n.start, end: n.end }));
            }
            out
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(text: &str, unit: Unit) -> Vec<String> {
        pieces(text, unit, true).into_iter().map(|p| p.text).collect()
    }

    #[test]
    fn characters_of_words_joined_by_one_space() {
        assert_eq!(texts("  29 Nov\t\n 2026 ", Unit::Chars), ["2", "9", " ", "n", "o", "v", " ", "2", "0", "2", "6"]);
        assert_eq!(texts("Sun, 3.7.", Unit::Chars), ["s", "u", "n", ",", " ", "3", ".", "7", "."]);
        assert!(texts(" \u{3000}\u{a0} ", Unit::Chars).is_empty());
    }

    #[test]
    fn words_without_punctuation() {
        assert_eq!(texts("The cat—doesn’t SEE (the) dog's bone!", Unit::Words), ["the", "cat—doesn't", "see", "the", "dog's", "bone"]);
        assert_eq!(texts("a,b.c-d", Unit::Words), ["a", "b", "c", "d"]);
        assert!(texts("?! ...", Unit::Words).is_empty());
    }

    #[test]
    fn spans_index_the_typed_text() {
        let text = "İz  😀 ΟΔΟΣ, Café";
        let units: Vec<u16> = text.encode_utf16().collect();
        let typed = |p: &Piece| String::from_utf16(&units[p.start..p.end]).unwrap();
        let words = pieces(text, Unit::Words, true);
        let found: Vec<(&str, String)> = words.iter().map(|p| (p.text.as_str(), typed(p))).collect();
        let want = [("i\u{307}z", "İz"), ("😀", "😀"), ("\u{3bf}\u{3b4}\u{3bf}\u{3c2}", "ΟΔΟΣ"), ("café", "Café")];
        assert_eq!(found, want.map(|(a, b)| (a, b.to_owned())), "Σ ending a word lower-cases to ς, as str::to_lowercase does");
        // İ lower-cases into two characters, each spanning the İ; a space piece spans the white
        // space it stands for.
        let chars = pieces(text, Unit::Chars, true);
        let found: Vec<(&str, String)> = chars.iter().map(|p| (p.text.as_str(), typed(p))).collect();
        assert_eq!(&found[..5], &[("i", "İ".into()), ("\u{307}", "İ".into()), ("z", "z".into()), (" ", "  ".into()), ("😀", "😀".into())]);
        assert_eq!((chars[4].start, chars[4].end), (4, 6));
        assert_eq!(found[10], (",", ",".into()));
        assert_eq!(pieces("AB", Unit::Chars, false)[0].text, "A");
    }
}
