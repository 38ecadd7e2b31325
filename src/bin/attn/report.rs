//! The readable output: a weight table per head and the per-query breakdown.

use std::io::{self, Write};

use attention_playground::attention::{HeadTrace, QueryBreakdown};
use ndarray::ArrayView2;

use crate::args::score_name;
use crate::table::{label, Table};

/// Shown for a masked (query, key) pair.
pub const MASKED: &str = "·";

/// Row and column names of a head's tables.
pub struct Labels {
    pub queries: Vec<String>,
    pub keys: Vec<String>,
}

impl Labels {
    /// Labels numbered from 0, from token texts (shortened and escaped for a table cell).
    pub fn from_texts<'a>(queries: impl IntoIterator<Item = &'a str>, keys: impl IntoIterator<Item = &'a str>) -> Self {
        Self { queries: numbered(queries.into_iter().enumerate()), keys: numbered(keys.into_iter().enumerate()) }
    }

    /// The same labels for queries and keys, each token with its own number.
    pub fn same<'a>(tokens: impl IntoIterator<Item = (usize, &'a str)>) -> Self {
        let labels = numbered(tokens);
        Self { queries: labels.clone(), keys: labels }
    }

    /// `q0, q1, …` and `k0, k1, …` for matrices without tokens.
    pub fn indexed(t_q: usize, t_k: usize) -> Self {
        Self { queries: (0..t_q).map(|i| format!("q{i}")).collect(), keys: (0..t_k).map(|j| format!("k{j}")).collect() }
    }
}

/// "3 text" for token 3, shortened and escaped for a table cell.
fn numbered<'a>(tokens: impl IntoIterator<Item = (usize, &'a str)>) -> Vec<String> {
    tokens.into_iter().map(|(i, t)| format!("{i} {}", label(t))).collect()
}

/// `x` with at most four decimals and no trailing zeros: 0.17677669 → "0.1768", 1.0 → "1".
pub fn short(x: f32) -> String {
    let s = format!("{x:.4}");
    let s = if s.contains('.') { s.trim_end_matches('0').trim_end_matches('.') } else { &s };
    if s == "-0" {
        "0".to_owned()
    } else {
        s.to_owned()
    }
}

/// `count` and `noun`, in the plural unless `count` is 1 ("1 head", "4 heads", "7 queries").
pub fn count(count: usize, noun: &str) -> String {
    if count == 1 {
        format!("1 {noun}")
    } else {
        format!("{count} {}", plural(noun))
    }
}

/// The plural of an English noun of this tool: "heads", "keys", "queries".
pub fn plural(noun: &str) -> String {
    match noun.strip_suffix('y') {
        Some(stem) if !stem.ends_with(['a', 'e', 'i', 'o', 'u']) => format!("{stem}ies"),
        _ => format!("{noun}s"),
    }
}

/// The score function and the factors between raw scores and the softmax, in words.
fn describe(head: &HeadTrace) -> String {
    format!("{} score, scale {}, temperature {}", score_name(head.score.kind()), short(head.scale), short(head.temperature))
}

/// `title`, then the head's weights: one row per query, one column per key, "·" where masked.
pub fn weights(out: &mut dyn Write, title: &str, head: &HeadTrace, labels: &Labels, decimals: usize) -> io::Result<()> {
    matrix(out, &format!("{title} ({})", describe(head)), head.weights.view(), &|i, j| head.is_allowed(i, j), labels, decimals)?;
    for &i in &head.fully_masked {
        writeln!(out, "query {} sees no key: every key is masked, so its weights are all 0 and its output is 0", labels.queries[i])?;
    }
    writeln!(out)
}

/// `heading`, then a table of `weights` with `decimals` decimals, "·" where not `allowed`.
pub fn matrix(
    out: &mut dyn Write,
    heading: &str,
    weights: ArrayView2<'_, f32>,
    allowed: &dyn Fn(usize, usize) -> bool,
    labels: &Labels,
    decimals: usize,
) -> io::Result<()> {
    writeln!(out, "{heading}")?;
    let cell = |i: usize, j: usize| if allowed(i, j) { format!("{:.decimals$}", weights[[i, j]]) } else { MASKED.to_owned() };
    let table = Table {
        corner: "query \\ key".to_owned(),
        columns: labels.keys.clone(),
        rows: (0..weights.nrows()).map(|i| (labels.queries[i].clone(), (0..weights.ncols()).map(|j| cell(i, j)).collect())).collect(),
    };
    table.write(out)
}

fn numbers(values: impl IntoIterator<Item = f32>) -> String {
    let items: Vec<String> = values.into_iter().map(|x| format!("{x:.4}")).collect();
    format!("[{}]", items.join(", "))
}

/// Query `b.query` of one head, key by key: score, scaled, exp, weight; then the output row.
pub fn breakdown(out: &mut dyn Write, title: &str, b: &QueryBreakdown, labels: &Labels, decimals: usize) -> io::Result<()> {
    writeln!(
        out,
        "{title}, query {}: scores are sums of {}; scaled = score × {} ÷ {}",
        labels.queries[b.query],
        b.term_label,
        short(b.scale),
        short(b.temperature)
    )?;
    writeln!(out, "q = {}", numbers(b.q.iter().copied()))?;
    let masked_or = |j: usize, text: String| if b.allowed[j] { text } else { MASKED.to_owned() };
    let table = Table {
        corner: "key".to_owned(),
        columns: ["score", "scaled", "exp(scaled − max)", "weight"].map(str::to_owned).to_vec(),
        rows: (0..b.scores.len())
            .map(|j| {
                let cells = vec![
                    format!("{:.4}", b.scores[j]),
                    masked_or(j, format!("{:.4}", b.scaled[j])),
                    masked_or(j, format!("{:.4}", b.exp[j])),
                    masked_or(j, format!("{:.decimals$}", b.weights[j])),
                ];
                (labels.keys[j].clone(), cells)
            })
            .collect(),
    };
    table.write(out)?;
    if b.fully_masked {
        writeln!(out, "every key is masked: the weights and the output are all 0")?;
    } else {
        writeln!(out, "max = {:.4}, Σ exp = {:.4}, weight = exp ÷ Σ exp", b.max, b.sum_exp)?;
    }
    writeln!(out, "output = Σ weight · v = {}", numbers(b.output.iter().copied()))?;
    writeln!(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_numbers() {
        assert_eq!([short(0.176_776_7), short(1.0), short(0.3), short(-0.00001), short(12.5)], ["0.1768", "1", "0.3", "0", "12.5"]);
        assert_eq!([count(1, "head"), count(4, "head")], ["1 head", "4 heads"]);
        assert_eq!([count(1, "query"), count(7, "query"), count(2, "key")], ["1 query", "7 queries", "2 keys"]);
    }
}
