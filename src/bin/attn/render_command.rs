//! `attn render`: a figure of the toy's or a pretrained model's attention, written as SVG
//! and/or PNG: the heatmap of one head, or the lines view of one head or all of a layer's.
//!
//! The run is chosen with the same options as `attn toy`, or with `--model` and the options of
//! `attn model`; the two sets exclude each other.

use std::io::Write;
use std::path::{Path, PathBuf};

use attention_playground::attention::HeadTrace;
use attention_playground::render::colormap::HEAD_COLOURS;
use attention_playground::render::design::SVG_CELL_LIMIT;
use attention_playground::render::raster;
use attention_playground::render::{self, svg, HeadWeights, Scene, TokenLabel, Tokens};
use attention_playground::{ScoreKind, Token};
use clap::{ArgGroup, Args, Command};

use crate::args::{one_of, selection};
use crate::error::{CliError, CliResult};
use crate::image_command::{self, ImageRun, Painting};
use crate::model_dir::{ModelRun, ModelRunOptions};
use crate::report::{count, short};
use crate::toy_command::{head_name, ToyOptions, ToyRun};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum View {
    Heatmap,
    Lines,
}

const VIEWS: &[(&str, View)] = &[("heatmap", View::Heatmap), ("lines", View::Lines)];

/// The PNG's pixels per CSS pixel, as `raster::to_png` takes them.
const SCALES: &[(&str, u32)] = &[("1", 1), ("2", 2), ("4", 4)];

/// `--head`: one head, or every head of the layer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Heads {
    One(usize),
    All,
}

fn parse_heads(s: &str) -> Result<Heads, String> {
    match s {
        "all" => Ok(Heads::All),
        _ => s.parse().map(Heads::One).map_err(|_| format!("'{s}' is neither a head number (counted from 0) nor all")),
    }
}

/// Where the figure goes: at least one of the two.
#[derive(Debug, Args)]
#[group(required = true, multiple = true)]
struct Outputs {
    /// Write the figure as SVG to this file (- writes it to stdout)
    #[arg(long, value_name = "OUT.svg")]
    svg: Option<PathBuf>,
    /// Write the figure as PNG to this file (- writes it to stdout)
    #[arg(long, value_name = "OUT.png")]
    png: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct RenderArgs {
    /// The figure: the heatmap of one head, or lines from each query to each key (with --image: the picture with a query's attention painted over its patches)
    #[arg(long, value_parser = one_of(VIEWS), required_unless_present = "image", conflicts_with = "image")]
    view: Option<View>,
    #[command(flatten)]
    outputs: Outputs,
    /// Pixels per CSS pixel of the PNG [default: 2]
    #[arg(long, requires = "png", value_parser = one_of(SCALES))]
    scale: Option<u32>,
    /// The head to draw (counted from 0), or all: every head of the layer, one colour each (lines view) [default: 0]
    #[arg(long, value_name = "H|all", value_parser = parse_heads)]
    head: Option<Heads>,
    /// The layer of a pretrained model (counted from 0) [default: 0; the last with --rollout]
    #[arg(long, value_name = "L", requires = "pretrained")]
    layer: Option<usize>,
    /// Single out this query: its row outlined in the heatmap, only its lines in the lines view
    /// (counted from 0; a model's [CLS] is 0)
    #[arg(long, value_name = "I")]
    query: Option<usize>,
    /// The figure's title [default: what it shows, as in "Attention weights · layer 0 · head 3"]
    #[arg(long, allow_hyphen_values = true)]
    title: Option<String>,
    /// The text; its tokens are the queries (and, except in cross-attention, also the keys and values)
    #[arg(long, allow_hyphen_values = true, required_unless_present = "image")]
    text: Option<String>,
    /// A PNG picture for a vision model (--model defaults to digits-vit): draws it with the attention of --query (default [CLS]) over its patches
    #[arg(long, value_name = "FILE.png", conflicts_with_all = ["text", "hide_special"])]
    image: Option<PathBuf>,
    /// With --image: paint the attention rollout (the heads averaged, the residual added, multiplied through the layers up to --layer, the last by default)
    #[arg(long, requires = "image")]
    rollout: bool,
    #[command(flatten, next_help_heading = "A pretrained model's attention")]
    model: ModelRunOptions,
    #[command(flatten, next_help_heading = "The toy's attention (without --model)")]
    toy: ToyOptions,
}

/// Clap's rules that span the shared option groups: `--model` excludes every toy option, and
/// `--hide-special` needs `--model`.
/// (Clap leaves the group of a struct with flattened parts empty, so the toy's options are listed.)
pub fn refine(command: Command) -> Command {
    let toy = ToyOptions::augment_args(Command::new("toy"));
    let toy_options: Vec<clap::Id> = toy.get_arguments().map(|a| a.get_id().clone()).collect();
    command
        .group(ArgGroup::new("pretrained").args(["model", "image"]).multiple(true))
        .mut_arg("model", |a| a.conflicts_with_all(&toy_options))
        .mut_arg("image", |a| a.conflicts_with_all(toy_options))
        .mut_arg("hide_special", |a| a.requires("model"))
}

/// What a figure is drawn from.
struct Drawing {
    tokens: Tokens,
    heads: Vec<HeadWeights>,
    caption: String,
    /// The singled-out query, as a row of the figure.
    query: Option<usize>,
}

pub fn run(args: RenderArgs) -> CliResult<()> {
    let (svg_out, png_out) = (args.outputs.svg.as_deref(), args.outputs.png.as_deref());
    if svg_out.zip(png_out).is_some_and(|(a, b)| a == Path::new("-") && b == Path::new("-")) {
        return Err(CliError::new("--svg - and --png - cannot both go to stdout: write one of them to a file"));
    }
    if let Some(file) = &args.image {
        let head = match args.head.unwrap_or(Heads::One(0)) {
            Heads::One(h) => h,
            Heads::All => {
                return Err(CliError::new(
                    "the picture shows one head's attention: pick it with --head H, or paint the rollout with --rollout",
                ))
            }
        };
        let painting = Painting { layer: args.layer, head, query: args.query, rollout: args.rollout, title: args.title.clone() };
        let scene = image_command::scene(&ImageRun::new(&args.model.source, file)?, &painting)?;
        return emit(&args, &scene);
    }
    let view = args.view.unwrap_or(View::Heatmap);
    if view == View::Heatmap && args.head == Some(Heads::All) {
        return Err(CliError::new("the heatmap shows one head: pick it with --head H, or draw every head with --view lines --head all"));
    }
    let text = args.text.as_deref().unwrap_or_default();
    let drawing = match args.model.source.model {
        Some(_) => from_model(&args, &args.model.run(text)?)?,
        None => from_toy(&args, &args.toy.run(text)?)?,
    };
    let scene = draw(&args, view, &drawing)?;
    let colours = HEAD_COLOURS.len();
    if view == View::Lines && drawing.heads.len() > colours {
        let last = drawing.heads.len() - 1;
        eprintln!(
            "note: the lines view has {colours} head colours, so heads {colours}–{last} share the colours of heads 0–{}",
            (last - colours).min(colours - 1)
        );
    }
    emit(&args, &scene)
}

/// Writes the figure as SVG and/or PNG, as `--svg` and `--png` ask.
fn emit(args: &RenderArgs, scene: &Scene) -> CliResult<()> {
    let (svg_out, png_out) = (args.outputs.svg.as_deref(), args.outputs.png.as_deref());
    if let Some(path) = svg_out {
        let cells = scene.cell_count();
        if cells > SVG_CELL_LIMIT {
            return Err(CliError::new(format!(
                "this figure has {cells} cells, too many for an SVG file (at most {SVG_CELL_LIMIT}): write a PNG instead with --png OUT.png"
            )));
        }
        write(path, svg::to_svg(scene).as_bytes(), &format!("{} × {} CSS pixels", scene.width, scene.height))?;
    }
    if let Some(path) = png_out {
        let png = raster::to_png(scene, args.scale.unwrap_or(2)).map_err(|e| CliError::new(e.to_string()))?;
        if !png.missing.is_empty() {
            let chars: Vec<String> = png.missing.iter().map(|c| format!("{c} (U+{:04X})", u32::from(*c))).collect();
            eprintln!(
                "note: no font on this machine draws {}, so the PNG shows boxes in their place; install a font that has them (the SVG leaves fonts to its viewer)",
                chars.join(", ")
            );
        }
        write(path, &png.bytes, &format!("{} × {} pixels", png.width, png.height))?;
    }
    Ok(())
}

/// Writes `bytes` to `path` (`-`: stdout) and says so on stdout when it went to a file.
fn write(path: &Path, bytes: &[u8], size: &str) -> CliResult<()> {
    if path == Path::new("-") {
        let mut stdout = std::io::stdout().lock();
        return stdout.write_all(bytes).and_then(|()| stdout.flush()).map_err(|e| CliError::new(format!("cannot write the figure: {e}")));
    }
    std::fs::write(path, bytes).map_err(|e| CliError::new(format!("cannot write '{}': {e}", path.display())))?;
    println!("wrote {} ({size})", path.display());
    Ok(())
}

fn draw(args: &RenderArgs, view: View, d: &Drawing) -> CliResult<Scene> {
    let figure = render::Figure { tokens: &d.tokens, title: args.title.as_deref(), caption: &d.caption, query: d.query };
    let scene = match view {
        View::Heatmap => render::heatmap(&figure, &d.heads[0]),
        View::Lines => render::lines(&figure, &d.heads),
    };
    scene.map_err(|e| CliError::new(e.to_string()))
}

/// The heads `--head` picks among `count`, each with its figure name.
fn pick_heads(args: &RenderArgs, count: usize, name: impl Fn(usize) -> String) -> CliResult<Vec<(usize, String)>> {
    let heads = match args.head.unwrap_or(Heads::One(0)) {
        Heads::All => (0..count).collect(),
        Heads::One(h) => selection("--head", Some(h), count, "head")?,
    };
    Ok(heads.into_iter().map(|h| (h, name(h))).collect())
}

/// The score function and the factors after it, in words: "scaled dot-product scores".
fn scores(head: &HeadTrace) -> String {
    let kind = match head.score.kind() {
        ScoreKind::Dot => "dot-product",
        ScoreKind::General => "general (q·W·k)",
        ScoreKind::Additive => "additive",
        ScoreKind::Cosine => "cosine",
    };
    let scaled = if head.scale == 1.0 { "" } else { "scaled " };
    let temperature = if head.temperature == 1.0 { String::new() } else { format!(" at temperature {}", short(head.temperature)) };
    format!("{scaled}{kind} scores{temperature}")
}

/// The labels of the toy's tokens in a figure.
fn labels<'a>(tokens: impl IntoIterator<Item = &'a Token>) -> Vec<TokenLabel> {
    tokens.into_iter().map(|t| TokenLabel { text: t.text.clone(), special: t.special }).collect()
}

fn from_toy(args: &RenderArgs, toy: &ToyRun) -> CliResult<Drawing> {
    let block = toy.block();
    let tokens = Tokens { queries: labels(toy.run.query_tokens(block)), keys: labels(toy.run.key_tokens(block)) };
    let picked = pick_heads(args, block.heads.len(), |h| head_name(&toy.config, h))?;
    let heads = picked
        .into_iter()
        .map(|(h, name)| {
            let trace = &block.heads[h];
            HeadWeights { head: h, name, weights: trace.weights.clone(), allowed: trace.allowed.as_deref().cloned() }
        })
        .collect();
    if let Some(q) = args.query {
        selection("--query", Some(q), tokens.queries.len(), "query")?;
    }
    let masks = args.toy.masks().map_or(String::new(), |m| format!(" · masks {m}"));
    let caption = format!(
        "{} × {} · {}{masks} · each row sums to 1",
        count(tokens.queries.len(), "query"),
        count(tokens.keys.len(), "key"),
        scores(&block.heads[0])
    );
    Ok(Drawing { tokens, heads, caption, query: args.query })
}

fn from_model(args: &RenderArgs, model: &ModelRun) -> CliResult<Drawing> {
    let layer = selection("--layer", Some(args.layer.unwrap_or(0)), model.run.layers(), "layer")?[0];
    let all = args.head == Some(Heads::All);
    let picked = pick_heads(args, model.heads(), |h| if all { format!("head {h}") } else { format!("layer {layer} · head {h}") })?;
    let tokens = model.tokens();
    let shown = model.shown();
    let vocabulary = model.vocabulary();
    let labels: Vec<TokenLabel> =
        shown.iter().map(|&i| TokenLabel { text: vocabulary.show(&tokens[i]), special: tokens[i].special }).collect();
    let mut heads = Vec::new();
    for (h, name) in picked {
        let weights = model.weights(layer, h)?.to_owned();
        // A decoder's causal mask, among the tokens shown; an encoder masks nothing.
        let allowed = model.is_decoder().then(|| {
            let trace = &model.run.blocks[layer].heads[h];
            ndarray::Array2::from_shape_fn(weights.dim(), |(i, j)| trace.is_allowed(shown[i], shown[j]))
        });
        heads.push(HeadWeights { head: h, name, weights, allowed });
    }
    let specials = if model.is_decoder() { "" } else { ", [CLS] and [SEP] included" };
    let query = match args.query {
        None => None,
        Some(q) if q >= tokens.len() => {
            return Err(CliError::new(format!(
                "--query {q} does not exist: there are {} tokens (0–{}){specials}",
                tokens.len(),
                tokens.len() - 1
            )));
        }
        Some(q) => Some(shown.iter().position(|&i| i == q).ok_or_else(|| {
            CliError::new(format!("--query {q} is {}, which --hide-special leaves out: pick an ordinary token", tokens[q].text))
        })?),
    };
    let layer_note = if all { format!(" · layer {layer}") } else { String::new() };
    let rows = match (model.hidden.is_some(), model.is_decoder()) {
        (true, false) => "[CLS] and [SEP] hidden, rows renormalised to sum to 1",
        (true, true) => "special tokens hidden, rows renormalised to sum to 1",
        (false, _) => "each row sums to 1",
    };
    let scores = if model.is_decoder() { "causal scaled dot-product scores" } else { "scaled dot-product scores" };
    let caption = format!("{}{layer_note} · {} · {scores} · {rows}", model.model.name(), count(labels.len(), "token"));
    Ok(Drawing { tokens: Tokens { queries: labels.clone(), keys: labels }, heads, caption, query })
}
