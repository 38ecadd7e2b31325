//! Toy token vectors: the same token text always gets the same vector.
//!
//! The vector of a token is drawn from a standard normal distribution by [`SplitMix64`] seeded
//! with the FNV-1a hash of the token's lower-cased UTF-8 text. Nothing depends on the platform,
//! the run or the projection seed, so "cat" is the same point in every sentence, on every machine.

use ndarray::Array2;

use crate::parallel;
use crate::rng::{fnv1a64, SplitMix64};
use crate::text::Token;

/// The deterministic vector of one token text, of length `d_model`.
pub fn token_vector(text: &str, d_model: usize) -> Vec<f32> {
    let mut rng = SplitMix64::new(fnv1a64(text.to_lowercase().as_bytes()));
    (0..d_model).map(|_| rng.normal()).collect()
}

/// One row per token; special tokens such as `[PAD]` get the zero vector.
pub fn embed_tokens(tokens: &[Token], d_model: usize) -> Array2<f32> {
    let mut x = Array2::zeros((tokens.len(), d_model));
    // A normal draw costs a logarithm, a square root and a cosine: a few dozen operations.
    parallel::for_row_blocks(x.view_mut(), tokens.len() * d_model * 40, |first, mut block| {
        for (mut row, token) in block.rows_mut().into_iter().zip(&tokens[first..]) {
            if !token.special {
                row.assign(&ndarray::ArrayView1::from(&token_vector(&token.text, d_model)));
            }
        }
    });
    x
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn same_text_same_vector_case_insensitive() {
        assert_eq!(token_vector("Cat", 16), token_vector("cat", 16));
        assert_ne!(token_vector("cat", 16), token_vector("dog", 16));
    }

    #[test]
    fn vectors_are_stable_across_releases() {
        // Pinned so that a change of the recipe is a deliberate, visible decision: these numbers
        // are what every browser and machine shows for the token "attention".
        assert_eq!(token_vector("attention", 3), vec![0.02749293, 1.2212253, -1.3355415]);
    }
}
