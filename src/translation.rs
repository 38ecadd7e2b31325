//! What a run of an encoder–decoder keeps beside its blocks and its generation: which architecture
//! translated, the source tokens its vocabulary lacks (read as `<unk>`, so the page can name them),
//! and, for a model without attention, the sentence that says why the run has no attention block.
//! The model side is [`Seq2Seq::translate`](crate::model::Seq2Seq::translate).

use serde::Serialize;

pub use crate::model::seq2seq::config::Seq2SeqArchitecture;

/// What the page says when an encoder–decoder has no attention.
pub const NO_ATTENTION: &str = "this model has no attention: the decoder sees only the final encoder state";

/// A source token outside the model's vocabulary.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "typescript", derive(ts_rs::TS))]
pub struct UnknownToken {
    /// Its index in the source sequence.
    pub index: usize,
    /// The word or character as the model saw it (lower-cased when the model lower-cases).
    pub text: String,
}

/// An encoder–decoder's extras.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "typescript", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct Translation {
    pub architecture: Seq2SeqArchitecture,
    /// The source tokens the vocabulary lacks, in order: the model read each as `<unk>`, a token
    /// it never saw in training.
    pub unknown: Vec<UnknownToken>,
    /// Set for a model without attention (then the run has no block), to be shown as it is:
    /// "this model has no attention: the decoder sees only the final encoder state".
    pub no_attention: Option<String>,
}

/// An encoder–decoder's two vocabularies (its `vocab.json`), token strings by id, for the page's
/// list of the words or characters a model knows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "typescript", derive(ts_rs::TS))]
pub struct Vocabularies {
    pub source: Vec<String>,
    pub target: Vec<String>,
}

impl From<&crate::model::seq2seq::Vocabulary> for Vocabularies {
    fn from(vocabulary: &crate::model::seq2seq::Vocabulary) -> Self {
        Vocabularies { source: vocabulary.source().to_vec(), target: vocabulary.target().to_vec() }
    }
}
