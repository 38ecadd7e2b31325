//! How tokens are shown in tables. A WordPiece token (`animal`, `##ing`, `[CLS]`) is shown as it
//! is. A byte-level BPE token is stored as symbols that stand for bytes (`Ġthe` is the bytes of
//! " the"), so it is shown as the text those bytes spell, with `␣` (U+2423) for each space and
//! `<0xE6>` for each byte that is only part of a character (the rest of the character's bytes are
//! in a neighbouring token), as the page shows them. Tabs and newlines are escaped by the tables
//! (`\t`, `\n`). JSON keeps the vocabulary entry (`Ġthe`), as the tokenizer files and
//! transformers write it.

use std::fmt::Write as _;

use attention_playground::model::{BpeTokenizer, LoadedModel, Tokenizer};
use attention_playground::Token;

/// What a space is shown as in a byte-level BPE token.
pub const SPACE: char = '␣';

/// How a model's tokens are shown.
#[derive(Debug, Clone, Copy)]
pub enum Vocabulary<'a> {
    /// As they are (WordPiece, and any tokenizer whose entries are text).
    Plain,
    /// Byte-level BPE: the bytes a token stands for, decoded.
    ByteLevel(&'a BpeTokenizer),
}

impl<'a> Vocabulary<'a> {
    pub fn of_tokenizer(tokenizer: &'a Tokenizer) -> Self {
        match tokenizer {
            Tokenizer::Bpe(bpe) => Vocabulary::ByteLevel(bpe),
            Tokenizer::WordPiece(_) => Vocabulary::Plain,
        }
    }

    pub fn of_model(model: &'a LoadedModel) -> Self {
        model.decoder().map_or(Vocabulary::Plain, |d| Vocabulary::ByteLevel(d.tokenizer()))
    }

    /// Whether tokens are byte-level symbols (so tables add a column with the vocabulary entry).
    pub fn is_byte_level(self) -> bool {
        matches!(self, Vocabulary::ByteLevel(_))
    }

    /// The token as a reader should see it.
    pub fn show(self, token: &Token) -> String {
        match token.id {
            Some(id) if !token.special => self.show_id(id, &token.text),
            _ => token.text.clone(),
        }
    }

    /// The vocabulary entry `text` of id `id` (a token, or a generation's candidate), as a reader
    /// should see it.
    pub fn show_id(self, id: u32, text: &str) -> String {
        match self {
            Vocabulary::ByteLevel(bpe) if !bpe.is_special(id) => readable(&bpe.token_bytes(id)),
            _ => text.to_owned(),
        }
    }
}

/// The text `bytes` spell: spaces as [`SPACE`], bytes that do not form a whole character as `<0xHH>`.
pub fn readable(bytes: &[u8]) -> String {
    let mut out = String::new();
    for chunk in bytes.utf8_chunks() {
        out.extend(chunk.valid().chars().map(|c| if c == ' ' { SPACE } else { c }));
        for b in chunk.invalid() {
            let _ = write!(out, "<0x{b:02X}>");
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bytes_become_readable_text() {
        assert_eq!(readable(b" the"), "␣the");
        assert_eq!(readable("  東".as_bytes()), "␣␣東");
        // 東 is E6 9D B1: a token with its first two bytes, and one with the last.
        assert_eq!(readable(&[0xE6, 0x9D]), "<0xE6><0x9D>");
        assert_eq!(readable(&[0xB1, b'a']), "<0xB1>a");
        assert_eq!(readable(b"\n\t"), "\n\t");
    }
}
