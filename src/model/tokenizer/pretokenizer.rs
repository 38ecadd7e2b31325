//! BERT's pre-tokenizer: split the normalised text at whitespace (dropped) and around every
//! punctuation character (each kept as a word of its own).

use unicode_categories::UnicodeCategories;

use super::normalizer::AlignedChar;

/// ASCII punctuation (which includes symbols such as `$`, `+`, `<`, `^`, `|`) and every
/// character of a Unicode punctuation category (Pc, Pd, Ps, Pe, Pi, Pf, Po).
pub fn is_punctuation(c: char) -> bool {
    c.is_ascii_punctuation() || c.is_punctuation()
}

/// The words of `chars`, in order, as sub-slices.
pub fn split_words(chars: &[AlignedChar]) -> Vec<&[AlignedChar]> {
    let mut words = Vec::new();
    let mut start = 0;
    for (i, a) in chars.iter().enumerate() {
        let space = a.ch.is_whitespace();
        if space || is_punctuation(a.ch) {
            if start < i {
                words.push(&chars[start..i]);
            }
            if !space {
                words.push(&chars[i..i + 1]);
            }
            start = i + 1;
        }
    }
    if start < chars.len() {
        words.push(&chars[start..]);
    }
    words
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn isolates_punctuation_and_drops_spaces() {
        let chars: Vec<AlignedChar> =
            "didn't  go,ok$".chars().enumerate().map(|(i, ch)| AlignedChar { ch, start: i, end: i + 1 }).collect();
        let words: Vec<String> = split_words(&chars).iter().map(|w| w.iter().map(|a| a.ch).collect()).collect();
        assert_eq!(words, ["didn", "'", "t", "go", ",", "ok", "$"]);
    }
}
