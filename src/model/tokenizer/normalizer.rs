//! BERT's text normalisation, keeping for every output character the span of the input it
//! came from (UTF-16 offsets), so tokens can be highlighted in the typed text.
//!
//! Steps, in order, each character by character: drop NUL, U+FFFD and control/format/private-use
//! characters and turn whitespace into a space (`clean_text`); surround CJK ideographs with spaces
//! (`handle_chinese_chars`); decompose canonically (NFD) and drop non-spacing marks
//! (`strip_accents`); lowercase (`lowercase`). The character classes are the Unicode general
//! categories of the `unicode_categories` tables, the same tables Hugging Face's tokenizers use,
//! so both agree character for character.

use unicode_categories::UnicodeCategories;

/// A character of the normalised text and the UTF-16 span `[start, end)` of the original
/// character it stems from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AlignedChar {
    pub ch: char,
    pub start: usize,
    pub end: usize,
}

/// The switches of BERT's normaliser (as in `tokenizer.json`'s `BertNormalizer`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NormalizerOptions {
    pub clean_text: bool,
    pub handle_chinese_chars: bool,
    pub strip_accents: bool,
    pub lowercase: bool,
}

impl NormalizerOptions {
    /// The uncased BERT setting (all four on), or the cased one (only the first two).
    pub fn bert(lowercase: bool) -> Self {
        NormalizerOptions { clean_text: true, handle_chinese_chars: true, strip_accents: lowercase, lowercase }
    }

    /// No normalisation at all.
    pub fn none() -> Self {
        NormalizerOptions { clean_text: false, handle_chinese_chars: false, strip_accents: false, lowercase: false }
    }
}

/// Tab, newline and carriage return count as whitespace, not as control characters.
pub fn is_whitespace(c: char) -> bool {
    c.is_whitespace()
}

fn is_control(c: char) -> bool {
    !matches!(c, '\t' | '\n' | '\r') && c.is_other()
}

/// The CJK Unified Ideographs blocks (and their extensions and compatibility blocks) as BERT
/// defines "Chinese characters"; Hangul and kana are not among them. Hugging Face's tokenizers
/// start the Extension E range at U+2B920 rather than U+2B820, so U+2B820–U+2B91F are not
/// spaced out; this follows them, since matching their tokens is the point.
pub fn is_cjk_ideograph(c: char) -> bool {
    matches!(c as u32,
        0x4E00..=0x9FFF
        | 0x3400..=0x4DBF
        | 0x20000..=0x2A6DF
        | 0x2A700..=0x2B73F
        | 0x2B740..=0x2B81F
        | 0x2B920..=0x2CEAF
        | 0xF900..=0xFAFF
        | 0x2F800..=0x2FA1F)
}

/// Normalises `text`, whose first character starts at UTF-16 offset `base`.
pub fn normalize(text: &str, base: usize, options: NormalizerOptions, out: &mut Vec<AlignedChar>) {
    let mut start = base;
    for c in text.chars() {
        let end = start + c.len_utf16();
        let mut push = |ch: char| {
            if options.lowercase {
                out.extend(ch.to_lowercase().map(|ch| AlignedChar { ch, start, end }));
            } else {
                out.push(AlignedChar { ch, start, end });
            }
        };
        let mut emit = |ch: char| {
            if options.strip_accents {
                unicode_normalization::char::decompose_canonical(ch, |d| {
                    if !d.is_mark_nonspacing() {
                        push(d);
                    }
                });
            } else {
                push(ch);
            }
        };
        if options.clean_text && (c == '\0' || c == '\u{FFFD}' || is_control(c)) {
            // dropped
        } else if options.clean_text && is_whitespace(c) {
            emit(' ');
        } else if options.handle_chinese_chars && is_cjk_ideograph(c) {
            emit(' ');
            emit(c);
            emit(' ');
        } else {
            emit(c);
        }
        start = end;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(s: &str, options: NormalizerOptions) -> String {
        let mut out = Vec::new();
        normalize(s, 0, options, &mut out);
        out.iter().map(|a| a.ch).collect()
    }

    #[test]
    fn cleans_strips_and_lowercases() {
        let bert = NormalizerOptions::bert(true);
        assert_eq!(text("Héllo\tWörld\u{200B}!", bert), "hello world!");
        assert_eq!(text("日本", bert), " 日  本 ");
        assert_eq!(text("Héllo", NormalizerOptions::bert(false)), "Héllo");
        assert_eq!(text("\u{2B81F}\u{2B820}\u{2B920}", bert), " \u{2B81F} \u{2B820} \u{2B920} ");
    }

    #[test]
    fn keeps_the_original_utf16_span() {
        let mut out = Vec::new();
        normalize("😀É", 3, NormalizerOptions::bert(true), &mut out);
        assert_eq!(out, vec![AlignedChar { ch: '😀', start: 3, end: 5 }, AlignedChar { ch: 'e', start: 5, end: 6 }]);
    }
}
