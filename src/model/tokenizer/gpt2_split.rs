//! GPT-2's pre-tokenization: the text cut into the pieces its splitting pattern
//!
//! ```text
//! 's|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+
//! ```
//!
//! matches, leftmost first, each alternative tried in order, written out by hand over Unicode
//! categories: a contraction; an optional space and a run of letters (L*), of numbers (N*), or of
//! anything else that is not whitespace; a run of whitespace that leaves its last character to the
//! next piece when a non-space follows; a lone whitespace character. Every character belongs to
//! exactly one of whitespace, letter, number or other, so the pieces cover the text without gaps.
//! Whitespace is Unicode's White_Space, as the pattern's `\s`.

use std::ops::Range;

use unicode_categories::UnicodeCategories;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Class {
    Space,
    Letter,
    Number,
    Other,
}

fn class(c: char) -> Class {
    if c.is_whitespace() {
        Class::Space
    } else if c.is_letter() {
        Class::Letter
    } else if c.is_number() {
        Class::Number
    } else {
        Class::Other
    }
}

/// The contractions the pattern matches, after the apostrophe (lowercase only, as in GPT-2).
const CONTRACTIONS: [&str; 7] = ["s", "t", "re", "ve", "m", "ll", "d"];

/// The byte ranges of `text`'s pieces, in order; together they cover `text`.
pub fn split(text: &str) -> Vec<Range<usize>> {
    let chars: Vec<(usize, char)> = text.char_indices().collect();
    let byte_at = |i: usize| chars.get(i).map_or(text.len(), |&(b, _)| b);
    let class_at = |i: usize| chars.get(i).map(|&(_, c)| class(c));
    // The end (in characters) of the run of `kind` starting at `i`.
    let run_end = |mut i: usize, kind: Class| {
        while class_at(i) == Some(kind) {
            i += 1;
        }
        i
    };
    let mut pieces = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i].1;
        let end = if let Some(len) = contraction(&text[chars[i].0..]) {
            i + len
        } else {
            // An optional leading space joins a following letter, number or other run.
            let body = if c == ' ' { i + 1 } else { i };
            match class_at(body) {
                Some(kind @ (Class::Letter | Class::Number | Class::Other)) => run_end(body, kind),
                _ => {
                    // Whitespace: the whole run when it ends the text or is one character long,
                    // else all of it but the last character, which goes with what follows.
                    let end = run_end(i, Class::Space);
                    if end == chars.len() || end - i == 1 {
                        end
                    } else {
                        end - 1
                    }
                }
            }
        };
        pieces.push(byte_at(i)..byte_at(end));
        i = end;
    }
    pieces
}

/// The length in characters of a contraction at the start of `rest` (apostrophe included).
fn contraction(rest: &str) -> Option<usize> {
    let after = rest.strip_prefix('\'')?;
    CONTRACTIONS.iter().find(|c| after.starts_with(*c)).map(|c| c.len() + 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pieces(text: &str) -> Vec<&str> {
        split(text).into_iter().map(|r| &text[r]).collect()
    }

    #[test]
    fn words_numbers_and_contractions() {
        assert_eq!(pieces("Hello world, don't 42x!"), ["Hello", " world", ",", " don", "'t", " 42", "x", "!"]);
        assert_eq!(pieces("I'll we've 'S"), ["I", "'ll", " we", "'ve", " '", "S"]);
    }

    #[test]
    fn whitespace_runs_leave_one_space_to_the_next_word() {
        assert_eq!(pieces("a   b"), ["a", "  ", " b"]);
        assert_eq!(pieces("a \t\nb"), ["a", " \t", "\n", "b"]);
        assert_eq!(pieces("end  "), ["end", "  "]);
        assert_eq!(pieces("\tb"), ["\t", "b"]);
        assert_eq!(pieces(""), Vec::<&str>::new());
    }

    #[test]
    fn scripts_and_symbols() {
        assert_eq!(pieces("日本語 ١٢ é🤖"), ["日本語", " ١٢", " é", "🤖"]);
    }
}
