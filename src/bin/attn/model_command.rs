//! `attn model`: a pretrained encoder's attention over a text, layer by layer and head by head.

use std::io::{self, Write};

use attention_playground::model::ModelTrace;
use attention_playground::QueryBreakdown;
use clap::Args;

use crate::args::{selection, TextArg, ViewArgs};
use crate::error::CliResult;
use crate::json;
use crate::model_dir::{LoadedModel, ModelRunOptions};
use crate::output;
use crate::report::{self, count, short, Labels};
use crate::token_table;

#[derive(Debug, Args)]
pub struct ModelArgs {
    #[command(flatten)]
    text: TextArg,
    #[command(flatten)]
    model: ModelRunOptions,
    /// Show only this layer (layers count from 0) [default: every layer]
    #[arg(long, value_name = "L")]
    layer: Option<usize>,
    /// Show only this head of each layer shown (heads count from 0) [default: every head]
    #[arg(long, value_name = "H")]
    head: Option<usize>,
    /// Show how this query attends, step by step, in each head shown (tokens count from 0, [CLS] included)
    #[arg(long, value_name = "I")]
    query: Option<usize>,
    #[command(flatten)]
    view: ViewArgs,
}

/// One head's query breakdown, with its layer and head.
struct Step {
    layer: usize,
    head: usize,
    b: QueryBreakdown,
}

pub fn run(args: ModelArgs) -> CliResult<()> {
    let loaded = args.model.source.load()?;
    let trace = loaded.forward(&args.text.text)?;
    let layers = selection("--layer", args.layer, trace.layers(), "layer")?;
    let heads = selection("--head", args.head, trace.heads(), "head")?;
    // The readable view prints tables only for heads picked with --layer or --head: all 72 of
    // MiniLM's would bury the answer.
    let picked = args.view.json || args.layer.is_some() || args.head.is_some();
    let mut steps = Vec::new();
    if let Some(q) = args.query {
        for &layer in &layers {
            for &head in &heads {
                steps.push(Step { layer, head, b: trace.head(layer, head)?.breakdown(q)? });
            }
        }
    }
    output::to_stdout(|out| {
        if args.view.json {
            let breakdowns: Vec<json::Breakdown> =
                steps.iter().map(|s| json::Breakdown { layer: Some(s.layer), head: s.head, b: &s.b }).collect();
            let run = json::ModelRun {
                name: &loaded.name,
                info: loaded.model.info(),
                trace: &trace,
                layers: &layers,
                heads: &heads,
                hide_special: args.model.hide_special,
                breakdowns: &breakdowns,
            };
            output::json_line(out, &run)
        } else {
            readable(out, &args, &loaded, &trace, picked.then_some((&layers[..], &heads[..])), &steps)
        }
    })
}

/// "22.6 million parameters", "23412 parameters".
fn parameters(n: usize) -> String {
    if n >= 1_000_000 {
        format!("{:.1} million parameters", n as f64 / 1e6)
    } else {
        format!("{} parameters", n)
    }
}

fn readable(
    out: &mut dyn Write,
    args: &ModelArgs,
    loaded: &LoadedModel,
    trace: &ModelTrace,
    shown: Option<(&[usize], &[usize])>,
    steps: &[Step],
) -> io::Result<()> {
    let info = loaded.model.info();
    writeln!(
        out,
        "{} ({}): {} × {}, d_model {}, d_k {}, up to {} tokens, {} stored as {:?}",
        loaded.name,
        info.architecture,
        count(info.layers, "layer"),
        count(info.heads, "head"),
        info.hidden,
        info.d_k,
        info.max_positions,
        parameters(info.parameters),
        info.dtype
    )?;
    token_table::write(out, &trace.tokens)?;
    let pooled: Vec<String> = trace.pooled.iter().take(4).map(|&x| format!("{x:.4}")).collect();
    writeln!(out, "sentence embedding (mean of the last layer, unit length): {} numbers [{}, …]", trace.pooled.len(), pooled.join(", "))?;
    writeln!(out)?;
    let Some((layers, heads)) = shown else {
        return writeln!(
            out,
            "{} heads ({} × {}, counted from 0): print their weights with --layer L and/or --head H, or all of them with --json",
            trace.layers() * trace.heads(),
            count(trace.layers(), "layer"),
            count(trace.heads(), "head")
        );
    };
    let decimals = usize::from(args.view.decimals);
    let every = Labels::same(trace.tokens.iter().map(|t| t.text.as_str()).enumerate());
    let how = format!("scaled dot-product, scale {}", short(trace.scale));
    for &l in layers {
        for &h in heads {
            if args.model.hide_special {
                let (kept, w) = trace.weights_without_special(l, h).map_err(io::Error::other)?;
                let labels = Labels::same(kept.iter().map(|&i| (i, trace.tokens[i].text.as_str())));
                let heading = format!("layer {l}, head {h} ({how}; special tokens hidden, each row renormalised to sum to 1)");
                report::matrix(out, &heading, w.view(), &|_, _| true, &labels, decimals)?;
            } else {
                report::matrix(
                    out,
                    &format!("layer {l}, head {h} ({how})"),
                    trace.weights(l, h).map_err(io::Error::other)?,
                    &|_, _| true,
                    &every,
                    decimals,
                )?;
            }
            writeln!(out)?;
        }
    }
    for s in steps {
        report::breakdown(out, &format!("layer {}, head {}", s.layer, s.head), &s.b, &every, decimals)?;
    }
    Ok(())
}
