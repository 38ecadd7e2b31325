//! Added tokens (`[MASK]`, `<|endoftext|>`, …): strings matched verbatim in the typed text before
//! anything else, each becoming one token. Matching is leftmost-longest, as in `tokenizers`.

/// One added token.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AddedToken {
    pub content: String,
    pub id: u32,
    /// A special token (`[CLS]`, `<|endoftext|>`) rather than an ordinary added word.
    pub special: bool,
}

/// The added tokens of a tokenizer, longest first.
#[derive(Debug, Clone, Default)]
pub struct AddedTokens {
    tokens: Vec<AddedToken>,
}

/// A part of the typed text: plain text, or one added token.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Segment<'t, 'a> {
    /// Text between added tokens, and the byte offset where it starts.
    Text {
        text: &'t str,
        at: usize,
    },
    Added(&'a AddedToken),
}

impl AddedTokens {
    /// The tokens to match (empty contents are dropped: they would match everywhere).
    pub fn new(mut tokens: Vec<AddedToken>) -> Self {
        tokens.retain(|t| !t.content.is_empty());
        tokens.sort_by_key(|t| std::cmp::Reverse(t.content.len()));
        AddedTokens { tokens }
    }

    pub fn iter(&self) -> impl Iterator<Item = &AddedToken> {
        self.tokens.iter()
    }

    /// The added token with this id.
    pub fn by_id(&self, id: u32) -> Option<&AddedToken> {
        self.tokens.iter().find(|t| t.id == id)
    }

    /// `text` cut around verbatim occurrences of the added tokens (leftmost, longest first).
    pub fn split<'t>(&self, text: &'t str) -> Vec<Segment<'t, '_>> {
        let mut segments = Vec::new();
        let mut plain_from = 0;
        let mut at = 0;
        while at < text.len() {
            let rest = &text[at..];
            if let Some(token) = self.tokens.iter().find(|t| rest.starts_with(t.content.as_str())) {
                if plain_from < at {
                    segments.push(Segment::Text { text: &text[plain_from..at], at: plain_from });
                }
                segments.push(Segment::Added(token));
                at += token.content.len();
                plain_from = at;
            } else {
                at += rest.chars().next().map_or(1, char::len_utf8);
            }
        }
        if plain_from < text.len() {
            segments.push(Segment::Text { text: &text[plain_from..], at: plain_from });
        }
        segments
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn longest_match_wins() {
        let token = |content: &str, id| AddedToken { content: content.into(), id, special: true };
        let added = AddedTokens::new(vec![token("<a>", 1), token("<a><b>", 2), token("", 3)]);
        let parts = added.split("x<a><b>y<a>");
        assert_eq!(parts.len(), 4);
        assert_eq!(parts[0], Segment::Text { text: "x", at: 0 });
        assert!(matches!(parts[1], Segment::Added(t) if t.id == 2));
        assert_eq!(parts[2], Segment::Text { text: "y", at: 7 });
        assert!(matches!(parts[3], Segment::Added(t) if t.id == 1));
    }
}
