//! A model's tokens as a table: number and text, vocabulary id, and the UTF-16 span of the text
//! each covers (`[CLS]` and `[SEP]` cover none). A byte-level BPE token is shown decoded, with its
//! vocabulary entry in a column of its own.

use std::io::{self, Write};

use attention_playground::Token;

use crate::model_dir::Reads;
use crate::report::count;
use crate::table::{label, Table};
use crate::token_text::{Vocabulary, SPACE};

/// Where a token comes from in the text: "4–10", "special", or both for a typed `[MASK]`.
fn span(t: &Token) -> String {
    match (t.special, t.start == t.end) {
        (true, true) => "special".to_owned(),
        (true, false) => format!("special, {}–{}", t.start, t.end),
        (false, _) => format!("{}–{}", t.start, t.end),
    }
}

/// "16 tokens ([CLS] and [SEP] included):" (an encoder's), "9 tokens (byte-level BPE, ␣ is a
/// space):" (a decoder's) or "9 tokens:", then the table.
pub fn write(out: &mut dyn Write, tokens: &[Token], vocabulary: Vocabulary, reads: Reads) -> io::Result<()> {
    let id = |t: &Token| t.id.map_or_else(String::new, |id| id.to_string());
    let counted = count(tokens.len(), "token");
    match (reads, vocabulary.is_byte_level()) {
        (Reads::Encoder, _) => writeln!(out, "{counted} ([CLS] and [SEP] included):")?,
        (_, true) => writeln!(out, "{counted} (byte-level BPE, {SPACE} is a space):")?,
        (_, false) => writeln!(out, "{counted}:")?,
    }
    let table = if vocabulary.is_byte_level() {
        Table {
            corner: "token".to_owned(),
            columns: vec!["id".to_owned(), "vocabulary entry".to_owned(), "UTF-16 span".to_owned()],
            rows: tokens
                .iter()
                .enumerate()
                .map(|(i, t)| (format!("{i} {}", label(&vocabulary.show(t))), vec![id(t), label(&t.text), span(t)]))
                .collect(),
        }
    } else {
        Table {
            corner: "token".to_owned(),
            columns: vec!["id".to_owned(), "UTF-16 span".to_owned()],
            rows: tokens.iter().enumerate().map(|(i, t)| (format!("{i} {}", label(&t.text)), vec![id(t), span(t)])).collect(),
        }
    };
    table.write(out)
}
