//! `attn caption`: a captioner (a vision encoder–decoder, by default the project's
//! shapes-captioner) describes a picture. Prints the caption and, for every word, where the chosen
//! cross-attention head looked (its strongest patches). With `--json`: the picture's tokens and
//! grid, the caption's tokens, each step's ten most probable words, and every attention:
//! `cross_attentions` [layer][head][word][token] ([CLS] first, then the patches row by row), the
//! encoder's and the decoder's self-attentions [layer][head][query][key].

use std::io::{self, Write};
use std::path::PathBuf;

use attention_playground::catalog::{self, CatalogKind};
use attention_playground::generation::GenerationStep;
use attention_playground::model::Captioner;
use attention_playground::run::{Block, BlockKind, Run};
use attention_playground::vision::Patches;
use attention_playground::Token;
use clap::Args;
use serde::Serialize;

use crate::args::selection;
use crate::error::{CliError, CliResult};
use crate::json::ModelDescription;
use crate::model_dir::{kind_phrase, ModelOptions};
use crate::output;
use crate::picture::Picture;
use crate::report::count;

/// The captioner `attn caption` uses when `--model` is not given.
pub const DEFAULT_CAPTIONER: &str = "shapes-captioner";

/// How many patches a word's line lists.
const STRONGEST: usize = 3;

#[derive(Debug, Args)]
pub struct CaptionArgs {
    /// The picture to describe (PNG; transparency is composited onto white)
    #[arg(long, value_name = "FILE.png")]
    image: PathBuf,
    #[command(flatten)]
    model: ModelOptions,
    /// The decoder layer whose cross-attention is shown (layers count from 0) [default: the last]
    #[arg(long, value_name = "L")]
    layer: Option<usize>,
    /// The cross-attention head shown (heads count from 0) [default: the heads averaged]
    #[arg(long, value_name = "H")]
    head: Option<usize>,
    /// Print JSON: the model, the picture's tokens and patches, the caption's tokens, every step's top-10 next words, the
    /// cross-attentions [layer][head][word][token] ([CLS] first, then the patches row by row) and the encoder's and decoder's
    /// self-attentions [layer][head][query][key]
    #[arg(long)]
    json: bool,
}

pub fn run(args: CaptionArgs) -> CliResult<()> {
    let picture = Picture::read(&args.image)?;
    let default = ModelOptions { model: Some(PathBuf::from(DEFAULT_CAPTIONER)) };
    let loaded = if args.model.model.is_some() { &args.model } else { &default }.load()?;
    let Some(model) = loaded.captioner() else {
        return Err(CliError::new(format!(
            "{} is {}, which does not describe pictures: attn caption runs a captioner ({})",
            loaded.name(),
            kind_phrase(loaded.info().kind),
            captioners()
        )));
    };
    let layers = model.config().sizes.decoder_layers;
    let layer = match args.layer {
        Some(l) => selection("--layer", Some(l), layers, "decoder layer")?[0],
        None => layers - 1,
    };
    let head = match args.head {
        Some(h) => Some(selection("--head", Some(h), model.config().sizes.heads, "head")?[0]),
        None => None,
    };
    for note in picture.notes() {
        eprintln!("note: {note}");
    }
    let run = model.caption_image(picture.width, picture.height, &picture.rgba)?;
    let parts = Parts::of(&run)?;
    output::to_stdout(|out| {
        if args.json {
            let value = CaptionJson {
                model: ModelDescription { name: model.name(), info: model.info() },
                image: ImageFile {
                    file: args.image.display().to_string(),
                    width: picture.width,
                    height: picture.height,
                    kind: picture.kind,
                },
                patches: parts.patches,
                tokens: parts.source.iter().map(|t| t.text.as_str()).collect(),
                caption: parts.text,
                words: parts.target.iter().map(|t| t.text.as_str()).collect(),
                steps: parts.steps,
                cross_attentions: parts.cross.iter().map(|b| weights(b)).collect(),
                encoder_attentions: parts.encoder.iter().map(|b| weights(b)).collect(),
                decoder_attentions: parts.decoder.iter().map(|b| weights(b)).collect(),
            };
            output::json_line(out, &value)
        } else {
            readable(out, model, &args, &picture, &parts, layer, head)
        }
    })
}

/// "the shipped one is shapes-captioner": the catalog's captioners, for messages.
fn captioners() -> String {
    let names: Vec<String> = catalog::catalog().into_iter().filter(|e| e.kind == CatalogKind::Captioner).map(|e| e.name).collect();
    format!("the shipped {} {}; `attn models` lists them", if names.len() == 1 { "one is" } else { "ones are" }, names.join(", "))
}

/// What a caption's run holds, picked out once.
struct Parts<'a> {
    source: &'a [Token],
    target: &'a [Token],
    text: &'a str,
    steps: &'a [GenerationStep],
    patches: &'a Patches,
    encoder: Vec<&'a Block>,
    decoder: Vec<&'a Block>,
    cross: Vec<&'a Block>,
}

impl<'a> Parts<'a> {
    fn of(run: &'a Run) -> CliResult<Self> {
        let missing = || CliError::new("the model's run is not a caption");
        let generation = run.generation.as_ref().ok_or_else(missing)?;
        let patches = &run.vision.as_ref().ok_or_else(missing)?.patches;
        let [source, target] = &run.sequences[..] else { return Err(missing()) };
        let of_kind = |kind: BlockKind| run.blocks.iter().filter(|b| b.kind == kind).collect::<Vec<_>>();
        Ok(Parts {
            source: &source.tokens,
            target: &target.tokens,
            text: &generation.text,
            steps: &generation.steps,
            patches,
            encoder: of_kind(BlockKind::SelfAttention),
            decoder: of_kind(BlockKind::Causal),
            cross: of_kind(BlockKind::Cross),
        })
    }
}

/// The JSON of `attn caption`.
#[derive(Serialize)]
struct CaptionJson<'a> {
    model: ModelDescription<'a>,
    image: ImageFile<'a>,
    patches: &'a Patches,
    /// The picture's tokens: `[CLS]`, then `r0c0`, `r0c1`, … row by row.
    tokens: Vec<&'a str>,
    caption: &'a str,
    /// The caption's tokens, one per decoding step (`<eos>` last when the model ended it).
    words: Vec<&'a str>,
    steps: &'a [GenerationStep],
    cross_attentions: Vec<Vec<Vec<Vec<f32>>>>,
    encoder_attentions: Vec<Vec<Vec<Vec<f32>>>>,
    decoder_attentions: Vec<Vec<Vec<Vec<f32>>>>,
}

#[derive(Serialize)]
struct ImageFile<'a> {
    file: String,
    width: u32,
    height: u32,
    kind: &'a str,
}

/// A block's heads as [head][query][key].
fn weights(block: &Block) -> Vec<Vec<Vec<f32>>> {
    block.heads.iter().map(|h| h.weights.rows().into_iter().map(|r| r.to_vec()).collect()).collect()
}

fn readable(
    out: &mut dyn Write,
    model: &Captioner,
    args: &CaptionArgs,
    picture: &Picture,
    parts: &Parts,
    layer: usize,
    head: Option<usize>,
) -> io::Result<()> {
    let info = model.info();
    let vit = model.encoder().info();
    let p = parts.patches;
    writeln!(
        out,
        "{} (vision encoder–decoder: a ViT of {} × {}, a Transformer decoder of {} × {}; d_model {}, {} parameters)",
        model.name(),
        count(vit.layers, "layer"),
        count(vit.heads, "head"),
        count(info.layers, "layer"),
        count(info.heads, "head"),
        info.hidden,
        info.parameters
    )?;
    writeln!(
        out,
        "picture: {}, {} × {} {} → {} × {}; {} × {} patches of {} pixels ([CLS], then r0c0 … r{}c{} row by row)",
        args.image.display(),
        picture.width,
        picture.height,
        picture.kind,
        p.image_size,
        p.image_size,
        p.rows,
        p.columns,
        p.patch_size,
        p.rows - 1,
        p.columns - 1
    )?;
    writeln!(out, "caption: {}", parts.text)?;
    writeln!(out)?;
    let which = head.map_or_else(|| "the heads averaged".to_owned(), |h| format!("head {h}"));
    writeln!(out, "where each word looked (cross-attention, decoder layer {layer}, {which}; the {STRONGEST} strongest tokens):")?;
    let block = parts.cross[layer];
    for (t, (token, step)) in parts.target.iter().zip(parts.steps).enumerate() {
        let row: Vec<f32> = match head {
            Some(h) => block.heads[h].weights.row(t).to_vec(),
            None => {
                let n = block.heads.len() as f32;
                (0..parts.source.len()).map(|k| block.heads.iter().map(|h| h.weights[[t, k]]).sum::<f32>() / n).collect()
            }
        };
        let mut order: Vec<usize> = (0..row.len()).collect();
        order.sort_by(|&a, &b| row[b].total_cmp(&row[a]).then(a.cmp(&b)));
        let strongest: Vec<String> = order.iter().take(STRONGEST).map(|&k| format!("{} {:.2}", parts.source[k].text, row[k])).collect();
        writeln!(out, "{:>10} ({:>5.1}%)  {}", token.text, step.probability * 100.0, strongest.join(", "))?;
    }
    Ok(())
}
