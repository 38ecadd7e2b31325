//! `attn qkv`: one attention head on matrices given in a JSON file, for hand-made examples and
//! for checking the arithmetic against other implementations.

use std::io::{self, Write};
use std::path::PathBuf;
use std::sync::Arc;

use attention_playground::attention::mask::{combine, Mask};
use attention_playground::attention::{attend, HeadTrace, QueryBreakdown, ScoreFunction};
use attention_playground::ScoreKind;
use clap::Args;
use ndarray::Array2;
use serde_json::{Map, Value};

use crate::args::{score_name, ScoreArgs, ViewArgs};
use crate::error::{CliError, CliResult};
use crate::input;
use crate::json;
use crate::mask_arg::{self, MaskArg};
use crate::output;
use crate::report::{self, Labels};
use crate::table::Table;

const KEYS: [&str; 8] = ["q", "k", "v", "mask", "w", "w_q", "w_k", "v_a"];

#[derive(Debug, Args)]
pub struct QkvArgs {
    /// JSON file (`-` for stdin) with "q" (T_q × d_q), "k" (T_k × d_k), "v" (T_k × d_v), optionally
    /// "mask" (T_q × T_k, true = allowed), "w" (d_q × d_k) for --score general, and "w_q" (d_q × d_a),
    /// "w_k" (d_k × d_a), "v_a" (d_a) for --score additive
    #[arg(long, value_name = "FILE.json")]
    input: PathBuf,
    #[command(flatten)]
    scoring: ScoreArgs,
    /// Multiply scores by this factor instead of 1/√d_k
    #[arg(long, value_name = "FACTOR", conflicts_with = "no_scale", allow_negative_numbers = true)]
    scale: Option<f32>,
    /// causal or window:W; repeat to combine, also with the file's "mask" (a key must pass all)
    #[arg(long = "mask", value_name = "MASK", value_parser = mask_arg::parse)]
    masks: Vec<MaskArg>,
    /// Show how this query attends, step by step (queries count from 0)
    #[arg(long, value_name = "I")]
    query: Option<usize>,
    #[command(flatten)]
    view: ViewArgs,
}

/// The matrix under `key`, which must be present and within `bounds`.
fn required(map: &Map<String, Value>, what: &str, key: &str, why: &str, bounds: input::Bounds) -> CliResult<Array2<f32>> {
    let value = map.get(key).ok_or_else(|| CliError::new(format!("{what} has no \"{key}\": {why}")))?;
    input::matrix(value, key, bounds)
}

fn expect_shape(name: &str, m: &Array2<f32>, rows: usize, cols: usize, meaning: &str) -> CliResult<()> {
    if m.dim() == (rows, cols) {
        Ok(())
    } else {
        Err(CliError::new(format!("{name} must be {rows}×{cols} ({meaning}), not {}×{}", m.nrows(), m.ncols())))
    }
}

/// The score function `kind` with its weights from the file; every weight key present must be
/// one this score uses.
fn score_function(map: &Map<String, Value>, what: &str, kind: ScoreKind, d_q: usize, d_k: usize) -> CliResult<ScoreFunction> {
    let uses: &[&str] = match kind {
        ScoreKind::General => &["w"],
        ScoreKind::Additive => &["w_q", "w_k", "v_a"],
        ScoreKind::Dot | ScoreKind::Cosine => &[],
    };
    let name = score_name(kind);
    if let Some(extra) = ["w", "w_q", "w_k", "v_a"].into_iter().find(|k| map.contains_key(*k) && !uses.contains(k)) {
        return Err(CliError::new(format!("{what} has \"{extra}\", which --score {name} does not use")));
    }
    let needs = format!("--score {name} needs {}", uses.iter().map(|k| format!("\"{k}\"")).collect::<Vec<_>>().join(", "));
    Ok(match kind {
        ScoreKind::Dot | ScoreKind::Cosine if d_q != d_k => {
            return Err(CliError::new(format!(
                "q has width {d_q} but k has width {d_k}: --score {name} needs queries and keys of the same width"
            )));
        }
        ScoreKind::Dot => ScoreFunction::Dot,
        ScoreKind::Cosine => ScoreFunction::Cosine,
        ScoreKind::General => {
            let w = required(map, what, "w", &needs, input::WEIGHT_BOUNDS)?;
            expect_shape("w", &w, d_q, d_k, "d_q × d_k, score = qᵀ W k")?;
            ScoreFunction::General { w }
        }
        ScoreKind::Additive => {
            let (w_q, w_k) =
                (required(map, what, "w_q", &needs, input::WEIGHT_BOUNDS)?, required(map, what, "w_k", &needs, input::WEIGHT_BOUNDS)?);
            let v = input::vector(map.get("v_a").ok_or_else(|| CliError::new(format!("{what} has no \"v_a\": {needs}")))?, "v_a")?;
            let d_a = v.len();
            expect_shape("w_q", &w_q, d_q, d_a, "d_q × d_a, with d_a the length of v_a")?;
            expect_shape("w_k", &w_k, d_k, d_a, "d_k × d_a, with d_a the length of v_a")?;
            ScoreFunction::Additive { w_q, w_k, v, b: None }
        }
    })
}

/// The mask of the file and of `--mask`, combined.
fn allowed(map: &Map<String, Value>, args: &[MaskArg], t_q: usize, t_k: usize) -> CliResult<Option<Array2<bool>>> {
    let mut masks = Vec::new();
    if let Some(value) = map.get("mask") {
        let m = input::bool_matrix(value, "mask", input::MASK_BOUNDS)?;
        if m.dim() != (t_q, t_k) {
            return Err(CliError::new(format!("mask must be {t_q}×{t_k} (queries × keys), not {}×{}", m.nrows(), m.ncols())));
        }
        masks.push(Mask::Custom(m));
    }
    for arg in args {
        masks.push(match arg {
            MaskArg::Causal => Mask::Causal,
            MaskArg::Window(width) => Mask::Window { width: *width },
            other => {
                return Err(CliError::new(format!(
                    "qkv takes --mask causal or window:W, not {other}; put other masks in the input file as \"mask\""
                )))
            }
        });
    }
    Ok(combine(&masks, t_q, t_k)?)
}

/// Reads, checks and computes: the head and its output.
fn compute(args: &QkvArgs) -> CliResult<(HeadTrace, Array2<f32>)> {
    let what = input::describe("the input file", &args.input);
    let value = input::read_json(&args.input, &what)?;
    let map = input::object(&value, &what, &KEYS)?;
    let q = required(map, &what, "q", "give the queries as a list of rows", input::QKV_BOUNDS)?;
    let k = required(map, &what, "k", "give the keys as a list of rows", input::QKV_BOUNDS)?;
    let v = required(map, &what, "v", "give the values as a list of rows", input::QKV_BOUNDS)?;
    if k.nrows() != v.nrows() {
        return Err(CliError::new(format!("k has {} rows but v has {}: every key needs one value row", k.nrows(), v.nrows())));
    }
    let score = score_function(map, &what, args.scoring.kind(), q.ncols(), k.ncols())?;
    let allowed = allowed(map, &args.masks, q.nrows(), k.nrows())?;
    let scale = match args.scale {
        Some(s) if s.is_finite() => s,
        Some(s) => return Err(CliError::new(format!("--scale must be a finite number, not {s}"))),
        None if args.scoring.scale()? => 1.0 / (k.ncols() as f32).sqrt(),
        None => 1.0,
    };
    let temperature = args.scoring.temperature()?;
    let (head, output) = attend(q, k, v, score, scale, temperature, allowed.map(Arc::new));
    head.ensure_finite(&output)?;
    Ok((head, output))
}

/// The output `weights · V` as a table, one row per query.
fn output_table(out: &mut dyn Write, output: &Array2<f32>, labels: &Labels) -> io::Result<()> {
    writeln!(out, "output = weights · v")?;
    let table = Table {
        corner: "query".to_owned(),
        columns: (0..output.ncols()).map(|c| c.to_string()).collect(),
        rows: output
            .rows()
            .into_iter()
            .zip(&labels.queries)
            .map(|(row, l)| (l.clone(), row.iter().map(|x| format!("{x:.4}")).collect()))
            .collect(),
    };
    table.write(out)
}

pub fn run(args: QkvArgs) -> CliResult<()> {
    let (head, output) = compute(&args)?;
    let breakdown: Option<QueryBreakdown> = args.query.map(|q| head.breakdown(q)).transpose()?;
    output::to_stdout(|out| {
        if args.view.json {
            output::json_line(out, &json::Single { head: json::Head(&head), breakdown: breakdown.as_ref() })
        } else {
            let labels = Labels::indexed(head.q.nrows(), head.k.nrows());
            let decimals = usize::from(args.view.decimals);
            report::weights(out, "weights", &head, &labels, decimals)?;
            output_table(out, &output, &labels)?;
            match &breakdown {
                Some(b) => {
                    writeln!(out)?;
                    report::breakdown(out, "weights", b, &labels, decimals)
                }
                None => Ok(()),
            }
        }
    })
}
