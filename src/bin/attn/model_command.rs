//! `attn model`: a pretrained encoder's or decoder's attention over a text, layer by layer and head
//! by head.

use std::io::{self, Write};

use attention_playground::run::HeadBreakdown;
use clap::Args;

use std::path::PathBuf;

use crate::args::{selection, ViewArgs};
use crate::error::CliResult;
use crate::image_command::{self, ImageRun};
use crate::json;
use crate::model_dir::{ModelRun, ModelRunOptions, Reads};
use crate::output;
use crate::report::{self, count, short, Labels};
use crate::token_table;

#[derive(Debug, Args)]
pub struct ModelArgs {
    /// The text; its tokens are the queries, keys and values
    #[arg(long, allow_hyphen_values = true, required_unless_present = "image")]
    text: Option<String>,
    /// A PNG picture for a vision model (ViT, DeiT; --model defaults to digits-vit): its patches are the tokens, [CLS] first
    #[arg(long, value_name = "FILE.png", conflicts_with_all = ["text", "hide_special"])]
    image: Option<PathBuf>,
    #[command(flatten)]
    model: ModelRunOptions,
    /// Show only this layer (layers count from 0) [default: every layer]
    #[arg(long, value_name = "L")]
    layer: Option<usize>,
    /// Show only this head of each layer shown (heads count from 0) [default: every head]
    #[arg(long, value_name = "H")]
    head: Option<usize>,
    /// Show how this query attends, step by step, in each head shown (tokens count from 0, an encoder's [CLS] included)
    #[arg(long, value_name = "I")]
    query: Option<usize>,
    #[command(flatten)]
    view: ViewArgs,
}

pub fn run(args: ModelArgs) -> CliResult<()> {
    if let Some(file) = &args.image {
        let image = ImageRun::new(&args.model.source, file)?;
        return image_command::report(&image, args.layer, args.head, args.query, args.view.json);
    }
    let model = args.model.run(args.text.as_deref().unwrap_or_default())?;
    let layers = selection("--layer", args.layer, model.run.layers(), "layer")?;
    let heads = selection("--head", args.head, model.heads(), "head")?;
    // The readable view prints tables only for heads picked with --layer or --head: all 72 of
    // MiniLM's would bury the answer.
    let picked = args.view.json || args.layer.is_some() || args.head.is_some();
    let mut steps = Vec::new();
    if let Some(q) = args.query {
        for &layer in &layers {
            for &head in &heads {
                steps.push(model.run.breakdown(layer, head, q)?);
            }
        }
    }
    output::to_stdout(|out| {
        if args.view.json {
            output::json_line(out, &json::ModelRun { of: &model, layers: &layers, heads: &heads, breakdowns: &steps })
        } else {
            readable(out, &args, &model, picked.then_some((&layers[..], &heads[..])), &steps)
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
    model: &ModelRun,
    shown: Option<(&[usize], &[usize])>,
    steps: &[HeadBreakdown],
) -> io::Result<()> {
    let info = model.model.info();
    // A decoder names its kind, its shared key/value heads and its context; an encoder its limit.
    let (kind, kv, limit) = if model.is_decoder() {
        let kv = if info.kv_heads == info.heads { String::new() } else { format!(" ({})", count(info.kv_heads, "key/value head")) };
        (format!("{} decoder", info.architecture), kv, format!("a context of {} tokens", info.max_positions))
    } else {
        (info.architecture.to_string(), String::new(), format!("up to {} tokens", info.max_positions))
    };
    writeln!(
        out,
        "{} ({kind}): {} × {}{kv}, d_model {}, d_k {}, {limit}, {} stored as {:?}",
        model.model.name(),
        count(info.layers, "layer"),
        count(info.heads, "head"),
        info.hidden,
        info.d_k,
        parameters(info.parameters),
        info.dtype
    )?;
    let tokens = model.tokens();
    let vocabulary = model.vocabulary();
    token_table::write(out, tokens, vocabulary, Reads::of(&model.model))?;
    if let Some(pooled) = &model.run.pooled {
        let first: Vec<String> = pooled.iter().take(4).map(|&x| format!("{x:.4}")).collect();
        writeln!(out, "sentence embedding (mean of the last layer, unit length): {} numbers [{}, …]", pooled.len(), first.join(", "))?;
    }
    writeln!(out)?;
    let (layer_count, head_count) = (model.run.layers(), model.heads());
    let Some((layers, heads)) = shown else {
        return writeln!(
            out,
            "{} heads ({} × {}, counted from 0): print their weights with --layer L and/or --head H, or all of them with --json",
            layer_count * head_count,
            count(layer_count, "layer"),
            count(head_count, "head")
        );
    };
    let decimals = usize::from(args.view.decimals);
    let texts: Vec<String> = tokens.iter().map(|t| vocabulary.show(t)).collect();
    let every = Labels::same(texts.iter().map(String::as_str).enumerate());
    let shown = model.shown();
    let shown_labels = Labels::same(shown.iter().map(|&i| (i, texts[i].as_str())));
    let hidden = if model.hidden.is_some() { "; special tokens hidden, each row renormalised to sum to 1" } else { "" };
    let causal = if model.is_decoder() { "causal, " } else { "" };
    for &l in layers {
        for &h in heads {
            let scale = model.run.head(l, h).map_err(io::Error::other)?.scale;
            let kv =
                if info.kv_heads < info.heads { format!(", key/value head {}", h / (info.heads / info.kv_heads)) } else { String::new() };
            let heading = format!("layer {l}, head {h} ({causal}scaled dot-product, scale {}{kv}{hidden})", short(scale));
            let weights = model.weights(l, h).map_err(|e| io::Error::other(e.to_string()))?;
            let allowed = model.allowed(l, h, &shown).map_err(|e| io::Error::other(e.to_string()))?;
            report::matrix(out, &heading, weights, &allowed, &shown_labels, decimals)?;
            writeln!(out)?;
        }
    }
    for s in steps {
        report::breakdown(out, &format!("layer {}, head {}", s.layer, s.head), &s.breakdown, &every, decimals)?;
    }
    Ok(())
}
