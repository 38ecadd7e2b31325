//! Aligned text tables. Widths are measured in terminal columns, so CJK characters and emoji
//! (two columns each) line up with Latin text.

use std::io::{self, Write};

use unicode_segmentation::UnicodeSegmentation;
use unicode_width::UnicodeWidthStr;

/// Longest label shown, in terminal columns; longer labels end in "…".
const MAX_LABEL: usize = 14;

/// A label fit for one table cell: control characters escaped, shortened to [`MAX_LABEL`]
/// columns (whole graphemes only).
pub fn label(text: &str) -> String {
    let shown: String = text.chars().map(|c| if c.is_control() { c.escape_default().to_string() } else { c.to_string() }).collect();
    if width(&shown) <= MAX_LABEL {
        return shown;
    }
    let mut out = String::new();
    for g in shown.graphemes(true) {
        if width(&out) + width(g) > MAX_LABEL - 1 {
            break;
        }
        out.push_str(g);
    }
    out.push('…');
    out
}

/// Display width in terminal columns.
pub fn width(s: &str) -> usize {
    s.width()
}

fn pad(out: &mut dyn Write, s: &str, to: usize, right: bool) -> io::Result<()> {
    let fill = " ".repeat(to.saturating_sub(width(s)));
    if right {
        write!(out, "{fill}{s}")
    } else {
        write!(out, "{s}{fill}")
    }
}

/// A grid with a header row and a label column; cells are right-aligned.
pub struct Table {
    pub corner: String,
    pub columns: Vec<String>,
    pub rows: Vec<(String, Vec<String>)>,
}

impl Table {
    pub fn write(&self, out: &mut dyn Write) -> io::Result<()> {
        self.write_aligned(out, &[])
    }

    /// The table with the cells of the columns numbered in `left` (from 0, after the label column)
    /// aligned to the left, the others to the right.
    pub fn write_aligned(&self, out: &mut dyn Write, left: &[usize]) -> io::Result<()> {
        let label_width = self.rows.iter().map(|(l, _)| width(l)).chain([width(&self.corner)]).max().unwrap_or(0);
        let widths: Vec<usize> = (0..self.columns.len())
            .map(|j| self.rows.iter().map(|(_, cells)| width(&cells[j])).chain([width(&self.columns[j])]).max().unwrap_or(0))
            .collect();
        pad(out, &self.corner, label_width, false)?;
        // A left-aligned last column is not padded: lines end with their text.
        let last_left = |j: usize, w: usize| if j + 1 == widths.len() && left.contains(&j) { 0 } else { w };
        for (j, (name, &w)) in self.columns.iter().zip(&widths).enumerate() {
            write!(out, "  ")?;
            pad(out, name, last_left(j, w), !left.contains(&j))?;
        }
        writeln!(out)?;
        for (name, cells) in &self.rows {
            pad(out, name, label_width, false)?;
            for (j, (cell, &w)) in cells.iter().zip(&widths).enumerate() {
                write!(out, "  ")?;
                pad(out, cell, last_left(j, w), !left.contains(&j))?;
            }
            writeln!(out)?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wide_characters_align() {
        let table = Table {
            corner: String::new(),
            columns: vec!["日本".into(), "a".into()],
            rows: vec![("猫".into(), vec!["0.50".into(), "0.50".into()]), ("cat".into(), vec!["1.00".into(), "·".into()])],
        };
        let mut out = Vec::new();
        table.write(&mut out).unwrap();
        let text = String::from_utf8(out).unwrap();
        let widths: Vec<usize> = text.lines().map(width).collect();
        assert_eq!(widths, vec![widths[0]; 3], "{text}");
    }

    #[test]
    fn long_and_control_labels() {
        assert_eq!(label("supercalifragilistic"), "supercalifrag…");
        assert_eq!(width(&label("supercalifragilistic")), MAX_LABEL);
        assert_eq!(label("a\u{7}"), "a\\u{7}");
        assert_eq!(label("日本語日本語日本語日本語"), "日本語日本語…");
    }
}
