//! The one error type of the core. Every message is a sentence a person can act on, and an error
//! about one setting or input names it ([`Field`]), so the page can show the message beside it.

use serde::Serialize;

/// The setting or input an error is about: the names the page's state and the toy configuration
/// use (camelCase in JSON and JavaScript).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "typescript", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub enum Field {
    /// The typed text (the queries' text).
    Text,
    /// The second text of cross-attention (the keys' and values' text).
    CrossText,
    DModel,
    Heads,
    KvHeads,
    Temperature,
    MaxTokens,
    /// The padding mask's length.
    PadTo,
    /// The sliding window's width.
    Window,
    Score,
    Positions,
    Tokenizer,
    Stage,
    /// The pretrained model or one of its files.
    Model,
    /// How many tokens a decoder generates.
    Steps,
    /// How a decoder chooses its tokens: temperature and top-k.
    Sampling,
    /// The picture a vision model reads.
    Image,
    /// Training: the task, its sequence length, vocabulary and offset, the model's layers, the
    /// learning rate, the batch size and the seed.
    Task,
    SequenceLength,
    Vocabulary,
    Offset,
    Layers,
    LearningRate,
    BatchSize,
    Seed,
}

/// What went wrong, said so that someone can fix it.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum Error {
    /// The text (or the cross-attention text) has no tokens.
    #[error("the {} is empty: type at least one word", if *field == Field::CrossText { "cross-attention text" } else { "text" })]
    EmptyText { field: Field },
    /// A configuration value is out of its range or inconsistent with another; `field` names the
    /// setting to change when there is one.
    #[error("{message}")]
    Invalid { field: Option<Field>, message: String },
    /// Matrices whose shapes do not fit together.
    #[error("shape mismatch: {0}")]
    Shape(String),
    /// A given matrix holds NaN or an infinity.
    #[error("{name} holds a non-finite number ({value}) at row {row}, column {col}; give finite numbers only")]
    NonFinite { name: String, row: usize, col: usize, value: f32 },
    /// An index (block, head, query, stage) that does not exist in the computed run.
    #[error("{0}")]
    OutOfRange(String),
}

impl Error {
    /// The setting or input the error is about, when it is about one.
    pub fn field(&self) -> Option<Field> {
        match self {
            Error::EmptyText { field } => Some(*field),
            Error::Invalid { field, .. } => *field,
            _ => None,
        }
    }
}

/// Shorthand for results of the core.
pub type Result<T> = std::result::Result<T, Error>;

/// Builds an [`Error::Invalid`] from a format string, about a field (`invalid!(Field::Heads, "…")`)
/// or about no field in particular (`invalid!("…")`).
macro_rules! invalid {
    (Field::$field:ident, $($arg:tt)*) => {
        $crate::error::Error::Invalid { field: Some($crate::error::Field::$field), message: format!($($arg)*) }
    };
    ($($arg:tt)*) => { $crate::error::Error::Invalid { field: None, message: format!($($arg)*) } };
}
pub(crate) use invalid;
