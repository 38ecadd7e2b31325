//! The one error type of the core. Every message is a sentence a person can act on.

/// What went wrong, said so that someone can fix it.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum Error {
    /// The text (or the cross-attention text) has no tokens.
    #[error("the {which} is empty: type at least one word")]
    EmptyText { which: &'static str },
    /// A configuration value is out of its range or inconsistent with another.
    #[error("{0}")]
    InvalidConfig(String),
    /// Matrices whose shapes do not fit together.
    #[error("shape mismatch: {0}")]
    Shape(String),
    /// A given matrix holds NaN or an infinity.
    #[error("{name} holds a non-finite number ({value}) at row {row}, column {col}; give finite numbers only")]
    NonFinite { name: String, row: usize, col: usize, value: f32 },
    /// An index (head, query, stage) that does not exist in the computed trace.
    #[error("{0}")]
    OutOfRange(String),
}

/// Shorthand for results of the core.
pub type Result<T> = std::result::Result<T, Error>;

/// Builds an [`Error::InvalidConfig`] from a format string.
macro_rules! invalid {
    ($($arg:tt)*) => { $crate::error::Error::InvalidConfig(format!($($arg)*)) };
}
pub(crate) use invalid;
