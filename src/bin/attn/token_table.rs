//! A pretrained model's tokens as a table: number and text, vocabulary id, and the UTF-16
//! span of the text each covers (`[CLS]` and `[SEP]` cover none).

use std::io::{self, Write};

use attention_playground::Token;

use crate::report::count;
use crate::table::{label, Table};

/// Where a token comes from in the text: "4–10", "special", or both for a typed `[MASK]`.
fn span(t: &Token) -> String {
    match (t.special, t.start == t.end) {
        (true, true) => "special".to_owned(),
        (true, false) => format!("special, {}–{}", t.start, t.end),
        (false, _) => format!("{}–{}", t.start, t.end),
    }
}

/// "16 tokens ([CLS] and [SEP] included):" and the table.
pub fn write(out: &mut dyn Write, tokens: &[Token]) -> io::Result<()> {
    writeln!(out, "{} ([CLS] and [SEP] included):", count(tokens.len(), "token"))?;
    let table = Table {
        corner: "token".to_owned(),
        columns: vec!["id".to_owned(), "UTF-16 span".to_owned()],
        rows: tokens
            .iter()
            .enumerate()
            .map(|(i, t)| (format!("{i} {}", label(&t.text)), vec![t.id.map_or_else(String::new, |id| id.to_string()), span(t)]))
            .collect(),
    };
    table.write(out)
}
