//! Reading matrices from JSON files, with messages that name the file, the matrix, the row and
//! the column.
//!
//! JSON has no NaN or infinity, but Python's `json.dumps` writes them as bare `NaN`,
//! `Infinity` and `-Infinity`. Such files are read anyway so that the problem can be named
//! precisely ("q holds a non-finite number (NaN) at row 0, column 1") instead of as a syntax
//! error at some line and column.

use std::io::Read;
use std::path::Path;

use attention_playground::limits::{format_bytes, MAX_D_MODEL, MAX_INPUT_BYTES, MAX_TOKENS};
use attention_playground::linear::ensure_finite;
use ndarray::{Array1, Array2};
use serde_json::{Map, Value};

use super::error::{CliError, CliResult};

/// The bare words Python writes for non-finite numbers, and the number each stands for.
const NON_FINITE: [(&str, f64); 3] = [("-Infinity", f64::NEG_INFINITY), ("Infinity", f64::INFINITY), ("NaN", f64::NAN)];

/// How messages name the file at `path`: "the weights file 'w.json'", "the input file on stdin".
pub fn describe(kind: &str, path: &Path) -> String {
    if path == Path::new("-") {
        format!("{kind} on stdin")
    } else {
        format!("{kind} '{}'", path.display())
    }
}

/// The most rows and columns of a matrix: `(rows, columns)`.
pub type Bounds = (usize, usize);
/// Q, K and V: a row per token, a column per dimension.
pub const QKV_BOUNDS: Bounds = (MAX_TOKENS, MAX_D_MODEL);
/// A projection or score weight: `d_in × d_out`.
pub const WEIGHT_BOUNDS: Bounds = (MAX_D_MODEL, MAX_D_MODEL);
/// A mask: a row per query, a column per key.
pub const MASK_BOUNDS: Bounds = (MAX_TOKENS, MAX_TOKENS);

/// Reads and parses the JSON file at `path` (`-` reads stdin); `what` names the file in
/// messages (see [`describe`]). At most [`MAX_INPUT_BYTES`] are read.
pub fn read_json(path: &Path, what: &str) -> CliResult<Value> {
    let cannot = |e: std::io::Error| CliError::new(format!("cannot read {what}: {e}"));
    let source: Box<dyn Read> =
        if path == Path::new("-") { Box::new(std::io::stdin()) } else { Box::new(std::fs::File::open(path).map_err(cannot)?) };
    let mut bytes = Vec::new();
    source.take(MAX_INPUT_BYTES + 1).read_to_end(&mut bytes).map_err(cannot)?;
    if bytes.len() as u64 > MAX_INPUT_BYTES {
        return Err(CliError::new(format!(
            "{what} is larger than {}, the most attn reads from an input file",
            format_bytes(MAX_INPUT_BYTES)
        )));
    }
    let text =
        String::from_utf8(bytes).map_err(|e| CliError::new(format!("{what} is not UTF-8 text (byte {})", e.utf8_error().valid_up_to())))?;
    parse_json(&text, what)
}

/// Parses the text of a JSON input file, `NaN` and `Infinity` included; `what` names the file.
pub fn parse_json(text: &str, what: &str) -> CliResult<Value> {
    serde_json::from_str(&quote_non_finite(text)).map_err(|e| {
        CliError::new(if e.to_string().starts_with("number out of range") {
            format!("{what} holds a number too large to be finite at line {}, column {}; give finite numbers only", e.line(), e.column())
        } else {
            format!("{what} is not valid JSON: {e}")
        })
    })
}

/// Puts quotes around bare `NaN`, `Infinity` and `-Infinity` outside strings, so that they
/// parse as strings and can be reported where they are.
fn quote_non_finite(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let (mut in_string, mut escaped) = (false, false);
    let mut rest = text;
    while let Some(c) = rest.chars().next() {
        if !in_string {
            if let Some((word, _)) = NON_FINITE.iter().find(|(word, _)| rest.starts_with(word)) {
                out.push('"');
                out.push_str(word);
                out.push('"');
                rest = &rest[word.len()..];
                continue;
            }
        }
        match c {
            _ if escaped => escaped = false,
            '\\' if in_string => escaped = true,
            '"' => in_string = !in_string,
            _ => {}
        }
        out.push(c);
        rest = &rest[c.len_utf8()..];
    }
    out
}

/// The top-level object of an input file, checking that every key is one of `known`.
pub fn object<'a>(value: &'a Value, what: &str, known: &[&str]) -> CliResult<&'a Map<String, Value>> {
    let map = value.as_object().ok_or_else(|| CliError::new(format!("{what} must be a JSON object with the keys {}", list(known))))?;
    if let Some(key) = map.keys().find(|k| !known.contains(&k.as_str())) {
        return Err(CliError::new(format!("{what} has an unknown key \"{key}\": the keys are {}", list(known))));
    }
    Ok(map)
}

fn list(keys: &[&str]) -> String {
    keys.iter().map(|k| format!("\"{k}\"")).collect::<Vec<_>>().join(", ")
}

/// The rows of a matrix-shaped value, all of the same non-zero length, within `bounds`.
fn rows<'a>(value: &'a Value, name: &str, element: &str, (max_rows, max_columns): Bounds) -> CliResult<Vec<&'a Vec<Value>>> {
    let not_matrix = || CliError::new(format!("{name} must be a list of rows, each a list of {element}"));
    let rows: Vec<&Vec<Value>> =
        value.as_array().ok_or_else(not_matrix)?.iter().map(|r| r.as_array().ok_or_else(not_matrix)).collect::<CliResult<_>>()?;
    let width = rows.first().map(|r| r.len()).ok_or_else(|| CliError::new(format!("{name} has no rows")))?;
    if width == 0 {
        return Err(CliError::new(format!("{name} row 0 is empty")));
    }
    if rows.len() > max_rows || width > max_columns {
        return Err(CliError::new(format!(
            "{name} is {}×{width}, larger than the {max_rows}×{max_columns} attn takes (the playground's limits)",
            rows.len()
        )));
    }
    if let Some((i, r)) = rows.iter().enumerate().find(|(_, r)| r.len() != width) {
        let entries = |n: usize| if n == 1 { "1 entry".to_owned() } else { format!("{n} entries") };
        return Err(CliError::new(format!("{name} row {i} has {} but row 0 has {}", entries(r.len()), entries(width))));
    }
    Ok(rows)
}

/// One number of a matrix or vector, as f64 (non-finite when the file wrote NaN or Infinity).
fn number(value: &Value, name: &str, at: &str) -> CliResult<f64> {
    match value {
        Value::Number(n) => n.as_f64(),
        Value::String(s) => NON_FINITE.iter().find(|(word, _)| word == s).map(|&(_, x)| x),
        _ => None,
    }
    .ok_or_else(|| CliError::new(format!("{name} {at} is {value}, not a number")))
}

/// A matrix of finite 32-bit numbers, within `bounds`.
pub fn matrix(value: &Value, name: &str, bounds: Bounds) -> CliResult<Array2<f32>> {
    let rows = rows(value, name, "numbers", bounds)?;
    let mut m = Array2::zeros((rows.len(), rows[0].len()));
    for (i, row) in rows.iter().enumerate() {
        for (j, x) in row.iter().enumerate() {
            m[[i, j]] = number(x, name, &format!("row {i}, column {j}"))? as f32;
        }
    }
    ensure_finite(name, m.view())?;
    Ok(m)
}

/// A vector of finite 32-bit numbers, at most [`MAX_D_MODEL`] long.
pub fn vector(value: &Value, name: &str) -> CliResult<Array1<f32>> {
    let items =
        value.as_array().filter(|a| !a.is_empty()).ok_or_else(|| CliError::new(format!("{name} must be a non-empty list of numbers")))?;
    if items.len() > MAX_D_MODEL {
        return Err(CliError::new(format!("{name} has {} entries, more than the {MAX_D_MODEL} attn takes", items.len())));
    }
    let v: Array1<f32> =
        items.iter().enumerate().map(|(j, x)| number(x, name, &format!("entry {j}")).map(|x| x as f32)).collect::<CliResult<_>>()?;
    ensure_finite(name, v.view().insert_axis(ndarray::Axis(0)))?;
    Ok(v)
}

/// A matrix of booleans (`true` = allowed), within `bounds`.
pub fn bool_matrix(value: &Value, name: &str, bounds: Bounds) -> CliResult<Array2<bool>> {
    let rows = rows(value, name, "true/false", bounds)?;
    let mut m = Array2::from_elem((rows.len(), rows[0].len()), false);
    for (i, row) in rows.iter().enumerate() {
        for (j, x) in row.iter().enumerate() {
            m[[i, j]] = x.as_bool().ok_or_else(|| CliError::new(format!("{name} row {i}, column {j} is {x}, not true or false")))?;
        }
    }
    Ok(m)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bare_non_finite_words_are_quoted_outside_strings_only() {
        assert_eq!(quote_non_finite(r#"[NaN, -Infinity, "NaN \" Infinity"]"#), r#"["NaN", "-Infinity", "NaN \" Infinity"]"#);
    }

    #[test]
    fn non_finite_is_named_with_row_and_column() {
        let v: Value = serde_json::from_str(&quote_non_finite("[[1, 2], [3, NaN]]")).unwrap();
        assert_eq!(
            matrix(&v, "q", QKV_BOUNDS).unwrap_err().to_string(),
            "q holds a non-finite number (NaN) at row 1, column 1; give finite numbers only"
        );
        let big: Value = serde_json::from_str("[[1e300]]").unwrap();
        assert!(matrix(&big, "k", QKV_BOUNDS).unwrap_err().to_string().starts_with("k holds a non-finite number (inf) at row 0, column 0"));
    }

    #[test]
    fn ragged_and_wrong_types_are_explained() {
        let v: Value = serde_json::from_str("[[1, 2], [3]]").unwrap();
        assert_eq!(matrix(&v, "v", QKV_BOUNDS).unwrap_err().to_string(), "v row 1 has 1 entry but row 0 has 2 entries");
        let v: Value = serde_json::from_str(r#"[[1, "x"]]"#).unwrap();
        assert_eq!(matrix(&v, "v", QKV_BOUNDS).unwrap_err().to_string(), "v row 0, column 1 is \"x\", not a number");
    }
}
