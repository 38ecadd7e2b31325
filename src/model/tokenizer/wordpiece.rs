//! WordPiece: split a word into the longest vocabulary pieces from left to right, the pieces after
//! the first carrying the continuation prefix (`##`). A word that cannot be covered, or that is
//! longer than `max_input_chars_per_word` characters, becomes the unknown token as a whole.

use std::collections::HashMap;

use super::normalizer::AlignedChar;

/// One piece of a word: its vocabulary id and which characters of the word it covers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Piece {
    pub id: u32,
    pub from: usize,
    pub to: usize,
}

/// The vocabulary and settings of a WordPiece model.
#[derive(Debug, Clone)]
pub struct WordPiece {
    pub vocab: HashMap<String, u32>,
    pub unk_id: u32,
    pub prefix: String,
    pub max_input_chars_per_word: usize,
}

impl WordPiece {
    /// Appends the pieces of `word` to `out`; `None` pieces mean the word is unknown.
    pub fn split(&self, word: &[AlignedChar], out: &mut Vec<Piece>) {
        let unknown = Piece { id: self.unk_id, from: 0, to: word.len() };
        if word.len() > self.max_input_chars_per_word {
            out.push(unknown);
            return;
        }
        let first = out.len();
        let mut candidate = String::new();
        let mut from = 0;
        while from < word.len() {
            let found = (from + 1..=word.len()).rev().find_map(|to| {
                candidate.clear();
                if from > 0 {
                    candidate.push_str(&self.prefix);
                }
                candidate.extend(word[from..to].iter().map(|a| a.ch));
                self.vocab.get(candidate.as_str()).map(|&id| Piece { id, from, to })
            });
            match found {
                Some(piece) => {
                    out.push(piece);
                    from = piece.to;
                }
                None => {
                    out.truncate(first);
                    out.push(unknown);
                    return;
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn model() -> WordPiece {
        let vocab = ["[UNK]", "un", "##aff", "##able", "a", "##b"];
        WordPiece {
            vocab: vocab.iter().enumerate().map(|(i, t)| (t.to_string(), i as u32)).collect(),
            unk_id: 0,
            prefix: "##".into(),
            max_input_chars_per_word: 8,
        }
    }

    fn ids(word: &str) -> Vec<u32> {
        let chars: Vec<AlignedChar> = word.chars().map(|ch| AlignedChar { ch, start: 0, end: 0 }).collect();
        let mut out = Vec::new();
        model().split(&chars, &mut out);
        out.iter().map(|p| p.id).collect()
    }

    #[test]
    fn greedy_longest_match() {
        assert_eq!(ids("unaffable"), vec![0], "longer than 8 characters");
        assert_eq!(ids("unable"), vec![1, 3]);
        assert_eq!(ids("abb"), vec![4, 5, 5]);
        assert_eq!(ids("unx"), vec![0]);
    }
}
