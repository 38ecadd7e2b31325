//! Reading matrices from JSON files, with messages that name the file, the matrix, the row and
//! the column.
//!
//! JSON has no NaN or infinity, but Python's `json.dumps` writes them as bare `NaN`,
//! `Infinity` and `-Infinity`. Such files are read anyway so that the problem can be named
//! precisely ("q holds a non-finite number (NaN) at row 0, column 1") instead of as a syntax
//! error at some line and column.

use std::path::Path;

use attention_playground::linear::ensure_finite;
use ndarray::{Array1, Array2};
use serde_json::{Map, Value};

use crate::error::{CliError, CliResult};

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

/// Reads and parses the JSON file at `path` (`-` reads stdin); `what` names the file in
/// messages (see [`describe`]).
pub fn read_json(path: &Path, what: &str) -> CliResult<Value> {
    let text = if path == Path::new("-") { std::io::read_to_string(std::io::stdin()) } else { std::fs::read_to_string(path) }
        .map_err(|e| CliError::new(format!("cannot read {what}: {e}")))?;
    serde_json::from_str(&quote_non_finite(&text)).map_err(|e| {
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

/// The rows of a matrix-shaped value, all of the same non-zero length.
fn rows<'a>(value: &'a Value, name: &str, element: &str) -> CliResult<Vec<&'a Vec<Value>>> {
    let not_matrix = || CliError::new(format!("{name} must be a list of rows, each a list of {element}"));
    let rows: Vec<&Vec<Value>> =
        value.as_array().ok_or_else(not_matrix)?.iter().map(|r| r.as_array().ok_or_else(not_matrix)).collect::<CliResult<_>>()?;
    let width = rows.first().map(|r| r.len()).ok_or_else(|| CliError::new(format!("{name} has no rows")))?;
    if width == 0 {
        return Err(CliError::new(format!("{name} row 0 is empty")));
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

/// A matrix of finite 32-bit numbers.
pub fn matrix(value: &Value, name: &str) -> CliResult<Array2<f32>> {
    let rows = rows(value, name, "numbers")?;
    let mut m = Array2::zeros((rows.len(), rows[0].len()));
    for (i, row) in rows.iter().enumerate() {
        for (j, x) in row.iter().enumerate() {
            m[[i, j]] = number(x, name, &format!("row {i}, column {j}"))? as f32;
        }
    }
    ensure_finite(name, m.view())?;
    Ok(m)
}

/// A vector of finite 32-bit numbers.
pub fn vector(value: &Value, name: &str) -> CliResult<Array1<f32>> {
    let items =
        value.as_array().filter(|a| !a.is_empty()).ok_or_else(|| CliError::new(format!("{name} must be a non-empty list of numbers")))?;
    let v: Array1<f32> =
        items.iter().enumerate().map(|(j, x)| number(x, name, &format!("entry {j}")).map(|x| x as f32)).collect::<CliResult<_>>()?;
    ensure_finite(name, v.view().insert_axis(ndarray::Axis(0)))?;
    Ok(v)
}

/// A matrix of booleans (`true` = allowed).
pub fn bool_matrix(value: &Value, name: &str) -> CliResult<Array2<bool>> {
    let rows = rows(value, name, "true/false")?;
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
            matrix(&v, "q").unwrap_err().to_string(),
            "q holds a non-finite number (NaN) at row 1, column 1; give finite numbers only"
        );
        let big: Value = serde_json::from_str("[[1e300]]").unwrap();
        assert!(matrix(&big, "k").unwrap_err().to_string().starts_with("k holds a non-finite number (inf) at row 0, column 0"));
    }

    #[test]
    fn ragged_and_wrong_types_are_explained() {
        let v: Value = serde_json::from_str("[[1, 2], [3]]").unwrap();
        assert_eq!(matrix(&v, "v").unwrap_err().to_string(), "v row 1 has 1 entry but row 0 has 2 entries");
        let v: Value = serde_json::from_str(r#"[[1, "x"]]"#).unwrap();
        assert_eq!(matrix(&v, "v").unwrap_err().to_string(), "v row 0, column 1 is \"x\", not a number");
    }
}
