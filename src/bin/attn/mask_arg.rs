//! The `--mask` option: `causal`, `window:W`, `padding:N` or `custom:FILE.json`.

use std::path::{Path, PathBuf};

use attention_playground::toy::MaskSpec;
use ndarray::Array2;

use crate::error::{CliError, CliResult};
use crate::input;

/// One `--mask` as typed.
#[derive(Debug, Clone, PartialEq)]
pub enum MaskArg {
    Causal,
    Window(usize),
    Padding(usize),
    Custom(PathBuf),
}

impl std::fmt::Display for MaskArg {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            MaskArg::Causal => write!(f, "causal"),
            MaskArg::Window(width) => write!(f, "window:{width}"),
            MaskArg::Padding(pad_to) => write!(f, "padding:{pad_to}"),
            MaskArg::Custom(path) => write!(f, "custom:{}", path.display()),
        }
    }
}

/// The value parser of `--mask`.
pub fn parse(s: &str) -> Result<MaskArg, String> {
    let (kind, value) = s.split_once(':').map_or((s, None), |(k, v)| (k, Some(v)));
    let count = |what: &str| -> Result<usize, String> {
        let v = value.ok_or_else(|| format!("{kind} needs {what}, as in {kind}:4"))?;
        v.parse().map_err(|_| format!("{kind} needs {what} (a whole number ≥ 0), not '{v}'"))
    };
    match kind {
        "causal" if value.is_none() => Ok(MaskArg::Causal),
        "causal" => Err("causal takes no value".to_owned()),
        "window" => count("a width").map(MaskArg::Window),
        "padding" => count("a length to pad the keys to").map(MaskArg::Padding),
        "custom" => match value {
            Some(path) if !path.is_empty() => Ok(MaskArg::Custom(PathBuf::from(path))),
            _ => Err("custom needs a file, as in custom:mask.json".to_owned()),
        },
        _ => Err(format!("unknown mask '{kind}': use causal, window:W, padding:N or custom:FILE.json")),
    }
}

/// A custom mask file: a `T_q × T_k` matrix of booleans (`true` = allowed), or
/// `{"blocked": [[query, key], …]}`.
#[derive(Debug, Clone, PartialEq)]
pub struct CustomMask {
    pub path: PathBuf,
    /// The matrix's shape, when the file gave a matrix (it must then fit the attention).
    pub shape: Option<(usize, usize)>,
    pub blocked: Vec<(usize, usize)>,
}

impl CustomMask {
    pub fn read(path: &Path) -> CliResult<Self> {
        let what = input::describe("the custom mask file", path);
        let value = input::read_json(path, &what)?;
        let (shape, blocked) = if value.is_array() {
            let allowed = input::bool_matrix(&value, &what, input::MASK_BOUNDS)?;
            (Some(allowed.dim()), blocked_cells(&allowed))
        } else {
            let map = input::object(&value, &what, &["blocked"])?;
            let cells = map
                .get("blocked")
                .and_then(|b| serde_json::from_value(b.clone()).ok())
                .ok_or_else(|| CliError::new(format!("{what} must be a matrix of true/false or {{\"blocked\": [[query, key], …]}}")))?;
            (None, cells)
        };
        Ok(Self { path: path.to_owned(), shape, blocked })
    }

    /// Fails when the file's matrix does not have the attention's shape.
    pub fn check_shape(&self, t_q: usize, t_k: usize) -> CliResult<()> {
        match self.shape {
            Some((rows, cols)) if (rows, cols) != (t_q, t_k) => Err(CliError::new(format!(
                "the custom mask '{}' is {rows}×{cols} but attention is {t_q}×{t_k} (queries × keys)",
                self.path.display()
            ))),
            _ => Ok(()),
        }
    }
}

/// The (query, key) cells a boolean mask forbids.
pub fn blocked_cells(allowed: &Array2<bool>) -> Vec<(usize, usize)> {
    allowed.indexed_iter().filter(|(_, &a)| !a).map(|(cell, _)| cell).collect()
}

impl MaskArg {
    /// The toy configuration's form of this mask (custom files are read here).
    pub fn to_spec(&self) -> CliResult<(MaskSpec, Option<CustomMask>)> {
        Ok(match self {
            MaskArg::Causal => (MaskSpec::Causal, None),
            MaskArg::Window(width) => (MaskSpec::Window { width: *width }, None),
            MaskArg::Padding(pad_to) => (MaskSpec::Padding { pad_to: *pad_to }, None),
            MaskArg::Custom(path) => {
                let custom = CustomMask::read(path)?;
                (MaskSpec::Custom { blocked: custom.blocked.clone() }, Some(custom))
            }
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_every_form_and_explains_mistakes() {
        assert_eq!(parse("causal"), Ok(MaskArg::Causal));
        assert_eq!(parse("window:2"), Ok(MaskArg::Window(2)));
        assert_eq!(parse("padding:8"), Ok(MaskArg::Padding(8)));
        assert_eq!(parse("custom:m.json"), Ok(MaskArg::Custom(PathBuf::from("m.json"))));
        assert_eq!(parse("window"), Err("window needs a width, as in window:4".to_owned()));
        assert_eq!(parse("window:-1"), Err("window needs a width (a whole number ≥ 0), not '-1'".to_owned()));
        assert!(parse("diagonal").unwrap_err().starts_with("unknown mask 'diagonal'"));
    }
}
