//! What can go wrong while loading or running a pretrained model, said so a person can act on it.

/// An error of the pretrained-model path: bad files, an unsupported architecture, bad input text.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ModelError {
    /// `config.json` is not valid JSON or misses a required field.
    #[error("config.json: {0}")]
    Config(String),
    /// The architecture named in `config.json` is not one the playground runs.
    #[error(
        "unsupported architecture {name}: this playground runs BERT-family encoders (BERT, MiniLM, DistilBERT), GPT-2 and Llama \
         decoders, its own encoder–decoders and vision transformers (ViT, DeiT)"
    )]
    UnsupportedArchitecture { name: String },
    /// The weights file is not a well-formed safetensors file.
    #[error("model.safetensors: {0}")]
    Weights(String),
    /// A tensor the architecture needs is absent from the weights file.
    #[error("model.safetensors has no tensor {name}: the weights do not match config.json")]
    MissingTensor { name: String },
    /// A tensor exists but its shape is not the one `config.json` implies.
    #[error("tensor {name} has shape {found:?}, but config.json implies {expected:?}")]
    TensorShape { name: String, expected: Vec<usize>, found: Vec<usize> },
    /// A tensor is stored in an element type that cannot be turned into f32.
    #[error("tensor {name} is stored as {dtype}; only F32, F16 and BF16 weights are supported")]
    UnsupportedDtype { name: String, dtype: String },
    /// A weight is NaN or infinite.
    #[error("tensor {name} holds a non-finite number at element {index}: the weights file is corrupt")]
    NonFiniteWeight { name: String, index: usize },
    /// A vision model's `preprocessor_config.json` is unreadable or does not fit the model.
    #[error("preprocessor_config.json: {0}")]
    Preprocessor(String),
    /// A picture the model cannot read (its size, or bytes that do not make its pixels).
    #[error("image: {0}")]
    Image(String),
    /// The tokenizer files are unreadable or do not fit the model.
    #[error("tokenizer: {0}")]
    Tokenizer(String),
    /// An encoder–decoder's `vocab.json` is missing, unreadable or does not fit `config.json`.
    #[error("vocab.json: {0}")]
    Vocabulary(String),
    /// The forward pass produced an infinity or NaN: weights too large for f32 arithmetic.
    #[error("layer {layer} produced a non-finite number: the weights hold values too large for f32 arithmetic")]
    Overflow { layer: usize },
    /// A model folder lacks a file it needs (native loading from a folder only).
    #[error("{path}: {problem}")]
    File { path: String, problem: String },
    /// The text has no tokens besides the special ones.
    #[error("the text is empty: type at least one word")]
    EmptyText,
    /// A layer, head or token index that does not exist in the trace.
    #[error("{0}")]
    OutOfRange(String),
}

/// Shorthand for results of the pretrained-model path.
pub type ModelResult<T> = std::result::Result<T, ModelError>;

impl ModelError {
    /// A layer's result is usable only when every number is finite and no head's softmax
    /// overflowed (a row of zero weights): otherwise the weights are too large for f32, and the
    /// layer is named.
    pub(crate) fn check_layer<'a>(
        layer: usize,
        values: impl IntoIterator<Item = &'a f32>,
        heads: &[crate::attention::HeadTrace],
    ) -> Result<(), ModelError> {
        if values.into_iter().all(|v| v.is_finite()) && !heads.iter().any(crate::attention::HeadTrace::overflowed) {
            Ok(())
        } else {
            Err(ModelError::Overflow { layer })
        }
    }
}

impl From<ModelError> for crate::Error {
    fn from(e: ModelError) -> Self {
        match e {
            ModelError::EmptyText => crate::Error::EmptyText { field: crate::error::Field::Text },
            ModelError::OutOfRange(message) => crate::Error::OutOfRange(message),
            ModelError::Image(message) => {
                crate::Error::Invalid { field: Some(crate::error::Field::Image), message: format!("image: {message}") }
            }
            other => crate::Error::Invalid { field: Some(crate::error::Field::Model), message: other.to_string() },
        }
    }
}
