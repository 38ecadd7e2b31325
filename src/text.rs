//! Toy tokenizers: text → tokens that remember where they came from.
//!
//! Offsets are UTF-16 code units into the original text, because that is how JavaScript
//! strings are indexed: the page highlights `text.slice(start, end)`.

use serde::{Deserialize, Serialize};

use crate::error::Field;
use unicode_segmentation::UnicodeSegmentation;

/// How toy text is cut into tokens.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[cfg_attr(feature = "typescript", derive(ts_rs::TS))]
#[serde(rename_all = "lowercase")]
pub enum TokenizerKind {
    /// Words and punctuation by Unicode word boundaries (UAX #29); whitespace is dropped.
    #[default]
    Words,
    /// User-perceived characters (extended grapheme clusters); whitespace is dropped.
    Chars,
}

impl std::str::FromStr for TokenizerKind {
    type Err = crate::Error;
    fn from_str(s: &str) -> crate::error::Result<Self> {
        match s {
            "words" => Ok(Self::Words),
            "chars" => Ok(Self::Chars),
            _ => Err(crate::error::invalid!(Field::Tokenizer, "unknown tokenizer '{s}': use 'words' or 'chars'")),
        }
    }
}

/// One token of any source (a toy word, a model's vocabulary piece, an image patch) and where it
/// sits in the typed text.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "typescript", derive(ts_rs::TS))]
pub struct Token {
    /// The token's text: the typed word, or the vocabulary entry (`"##ing"`, `"[CLS]"`).
    pub text: String,
    /// UTF-16 offset of the first code unit.
    pub start: usize,
    /// UTF-16 offset one past the last code unit; `start == end` for tokens the text did not
    /// contain.
    pub end: usize,
    /// A token the text did not contain (`[PAD]`, `[CLS]`, `[SEP]`) or a special token typed in it
    /// (`[MASK]`).
    pub special: bool,
    /// The vocabulary id, for a model's tokens.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "typescript", ts(optional))]
    pub id: Option<u32>,
}

impl Token {
    /// A token of the text, without a vocabulary id.
    pub fn word(text: &str, start: usize, end: usize) -> Self {
        Self { text: text.to_owned(), start, end, special: false, id: None }
    }

    /// A token that is not in the text, placed at `at` (usually the text's end).
    pub fn special(text: &str, at: usize) -> Self {
        Self { text: text.to_owned(), start: at, end: at, special: true, id: None }
    }
}

/// Set when a text had more tokens than the limit and was cut.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "typescript", derive(ts_rs::TS))]
pub struct Truncation {
    /// The number of tokens kept (a model's special tokens included).
    pub limit: usize,
    /// How many tokens the whole text has.
    pub total: usize,
    /// Which text was cut.
    pub which: Field,
}

/// The tokens kept and how many the whole text had.
#[derive(Debug, Clone, PartialEq)]
pub struct Tokenized {
    pub tokens: Vec<Token>,
    /// Tokens in the whole text; more than `tokens.len()` when the text was cut.
    pub total: usize,
}

/// Cuts `text` into at most `limit` tokens (the rest are only counted).
pub fn tokenize(text: &str, kind: TokenizerKind, limit: usize) -> Tokenized {
    let segments: Box<dyn Iterator<Item = (usize, &str)>> = match kind {
        TokenizerKind::Words => Box::new(text.split_word_bound_indices()),
        TokenizerKind::Chars => Box::new(text.grapheme_indices(true)),
    };
    let mut tokens = Vec::new();
    let mut total = 0;
    let mut utf16 = Utf16Cursor::new(text);
    for (byte_start, piece) in segments.filter(|(_, s)| !s.chars().all(char::is_whitespace)) {
        total += 1;
        if tokens.len() < limit {
            let start = utf16.offset_at(byte_start);
            let end = utf16.offset_at(byte_start + piece.len());
            tokens.push(Token::word(piece, start, end));
        }
    }
    Tokenized { tokens, total }
}

/// Length of `text` in UTF-16 code units: where tokens placed after the text start and end.
pub fn utf16_len(text: &str) -> usize {
    text.encode_utf16().count()
}

/// Converts ascending byte offsets into UTF-16 offsets in one pass over the text.
pub struct Utf16Cursor<'a> {
    text: &'a str,
    byte: usize,
    utf16: usize,
}

impl<'a> Utf16Cursor<'a> {
    pub fn new(text: &'a str) -> Self {
        Self { text, byte: 0, utf16: 0 }
    }

    /// The UTF-16 offset of byte offset `byte` (which must not go backwards).
    pub fn offset_at(&mut self, byte: usize) -> usize {
        debug_assert!(byte >= self.byte, "offsets must ascend");
        self.utf16 += self.text[self.byte..byte].chars().map(char::len_utf16).sum::<usize>();
        self.byte = byte;
        self.utf16
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(t: &Tokenized) -> Vec<&str> {
        t.tokens.iter().map(|t| t.text.as_str()).collect()
    }

    #[test]
    fn words_and_punctuation() {
        let t = tokenize("The animal didn't cross the street, because it was tired.", TokenizerKind::Words, 100);
        assert_eq!(texts(&t), ["The", "animal", "didn't", "cross", "the", "street", ",", "because", "it", "was", "tired", "."]);
    }

    #[test]
    fn utf16_offsets_slice_back_to_the_token() {
        let text = "naïve 😀 café 日本語 e\u{301}t مرحبا 👩‍👩‍👧";
        let t = tokenize(text, TokenizerKind::Words, 100);
        let units: Vec<u16> = text.encode_utf16().collect();
        for tok in &t.tokens {
            assert_eq!(String::from_utf16(&units[tok.start..tok.end]).unwrap(), tok.text);
        }
        assert!(texts(&t).contains(&"👩‍👩‍👧"), "ZWJ family stays one token: {:?}", texts(&t));
        assert!(texts(&t).contains(&"e\u{301}t"), "combining mark stays with its base");
    }

    #[test]
    fn chars_mode_uses_graphemes() {
        let t = tokenize("ab 😀é\u{301}", TokenizerKind::Chars, 100);
        assert_eq!(texts(&t), ["a", "b", "😀", "é\u{301}"]);
    }

    #[test]
    fn limit_counts_the_rest() {
        let t = tokenize("one two three four", TokenizerKind::Words, 2);
        assert_eq!(texts(&t), ["one", "two"]);
        assert_eq!(t.total, 4);
    }

    #[test]
    fn whitespace_only_has_no_tokens() {
        assert!(tokenize(" \n\t ", TokenizerKind::Words, 10).tokens.is_empty());
    }
}
