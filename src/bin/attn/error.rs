//! The tool's error: one sentence for stderr, built from the core's errors or written here.

use std::fmt;

/// What went wrong, as the message `main` prints after `error: `.
#[derive(Debug)]
pub struct CliError(String);

impl CliError {
    pub fn new(message: impl Into<String>) -> Self {
        Self(message.into())
    }
}

impl fmt::Display for CliError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl From<attention_playground::Error> for CliError {
    fn from(e: attention_playground::Error) -> Self {
        Self(e.to_string())
    }
}

impl From<attention_playground::model::ModelError> for CliError {
    fn from(e: attention_playground::model::ModelError) -> Self {
        Self(e.to_string())
    }
}

/// Shorthand for results of the tool.
pub type CliResult<T> = Result<T, CliError>;
